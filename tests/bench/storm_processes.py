"""The storm's processes and checks (``webhook_storm.py``): RQ workers beside gunicorn, their
CPU from /proc, the wait until every receipt is numbered and every thank-you sent, and what is
checked after (totals, each event once, receipts, thank-yous, ``ledger verify``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def start_rq_workers(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    """``rq worker --with-scheduler mail`` as production runs it, with the SimpleWorker class
    (tests/multinode does the same: the app is built once per worker, not once per job in a
    forked work horse). Their log (each thank-you is logged: no SMTP_HOST) goes to a file."""
    rq = shutil.which("rq", path=os.path.dirname(sys.executable)) or "rq"
    log = open(Path(env["PARTNERSHIP_INSTANCE"]) / "rq.log", "ab")  # noqa: SIM115
    return [
        subprocess.Popen(
            [
                rq,
                "worker",
                "--with-scheduler",
                "-w",
                "rq.worker.SimpleWorker",
                "--url",
                env["REDIS_URL"],
                "--name",
                f"storm-{n}-{os.getpid()}",
                "mail",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        for n in range(count)
    ]


def cpu_seconds(processes) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def wait_drained(url: str, expected: int, started: float, timeout: float = 600) -> float:
    """Seconds from ``started`` until every paid gift has its receipt and its thank-you has
    left the outbox (no claim waiting, ``expected`` thank-yous logged or sent)."""
    engine = sa.create_engine(url)
    done = sa.text(
        "SELECT (SELECT count(*) FROM receipt_claims), (SELECT count(*) FROM receipts),"
        " (SELECT count(*) FROM outgoing_mail WHERE topic = 'donation-thanks'"
        "  AND state IN ('sent', 'logged'))"
    )
    try:
        while time.perf_counter() - started < timeout:
            with engine.connect() as conn:
                claims, receipts, thanked = conn.execute(done).one()
            if claims == 0 and receipts >= expected and thanked >= expected:
                return time.perf_counter() - started
            time.sleep(0.05)
        raise RuntimeError(f"not drained: {claims} claims, {receipts} receipts, {thanked} sent")
    finally:
        engine.dispose()


def _stat(pid: str) -> tuple[str, int, float] | None:
    """(command, parent pid, CPU seconds) of a process, from /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    return command, int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_group(server_pid: int) -> dict[str, dict[str, float]]:
    """CPU seconds so far, per process, of the server's workers, of every PostgreSQL process,
    of this load generator, and of the whole machine (/proc/stat, every core)."""
    groups: dict[str, dict[str, float]] = {"app workers": {}, "postgres": {}}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        stat = _stat(pid)
        if stat is None:
            continue
        command, parent, seconds = stat
        if parent == server_pid:
            groups["app workers"][pid] = seconds
        elif command == "postgres":
            groups["postgres"][pid] = seconds
    groups["load generator"] = {"self": time.process_time()}
    busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    idle = int(busy[3]) + int(busy[4])
    total = (sum(int(x) for x in busy[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    groups["machine (all)"] = {"all": total}
    return groups


def check(url: str, donations) -> str:
    from partnership import create_app
    from partnership.campaigns.models import Campaign
    from partnership.extensions import db
    from partnership.ledger.services import verify
    from partnership.payments.models import StripeEvent

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        expected: dict[int, int] = {}
        for _, campaign_id, amount, _ in donations:
            expected[campaign_id] = expected.get(campaign_id, 0) + amount
        from partnership.receipts.models import Receipt

        for campaign_id, matched in db.session.execute(
            sa.select(Campaign.id, Campaign.matched_satang)
        ):
            expected[campaign_id] = expected.get(campaign_id, 0) + matched
        actual = dict(db.session.execute(sa.select(Campaign.id, Campaign.raised_satang)).all())
        from partnership.notifications.models import OutgoingMail
        from partnership.payments.models import Donation

        numbers = sorted(db.session.scalars(sa.select(Receipt.number)))
        in_paid_order = list(
            db.session.scalars(
                sa.select(Receipt.number)
                .join(Donation, Donation.id == Receipt.donation_id)
                .order_by(Donation.paid_at, Donation.id)
            )
        )
        events = db.session.scalar(sa.select(sa.func.count(StripeEvent.id)))
        thanks = sa.select(OutgoingMail.body, OutgoingMail.state).where(
            OutgoingMail.topic == "donation-thanks"
        )
        mails = db.session.execute(thanks).all()
        problems = verify()
        db.engine.dispose()
    exact = all(actual[c] == expected.get(c, 0) for c in actual) and events == len(donations)
    gapless = numbers == list(range(1, len(donations) + 1))
    # A gift paid (its paid_at) before one numbered earlier: its transaction committed later.
    out_of_order = sum(1 for a, b in zip(in_paid_order, in_paid_order[1:], strict=False) if a > b)
    # Each thank-you names its receipt's number: as many different bodies as gifts, once each.
    thanked_once = len(mails) == len({body for body, _ in mails}) == len(donations)
    states = sorted({state.value for _, state in mails})
    return (
        f"totals exact: {exact}; events stored: {events}; receipts 1..{len(donations)} once: "
        f"{gapless}, out of paid order: {out_of_order}; thank-yous once each: "
        f"{thanked_once} ({len(mails)}, {'/'.join(states) or 'none'}); "
        f"ledger verify: {problems or 'passes'}"
    )

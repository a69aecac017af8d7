"""Webhook storm: signed Stripe events at a gunicorn-served app, shuffled, with duplicates.

    python tests/bench/webhook_storm.py --db postgresql   # or --db sqlite
        [--events 2000] [--concurrency 32] [--workers 5]

Seeds a scratch database (PostgreSQL: ``partnership_bench_storm`` on TEST_POSTGRES_URL's server;
SQLite: a temporary file) with 5 campaigns and one pending donation per distinct event, half on
one campaign; builds the events (a quarter of the deliveries are repeats of others), serves the
app with gunicorn, sends them from ``--concurrency`` threads and prints events/s, latency
percentiles of the acknowledgement, and whether the totals are exact and the ledger verifies.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.storm_processes import (  # noqa: E402  (after the project is on the path)
    check,
    cpu_by_group,
    cpu_seconds,
    start_rq_workers,
    wait_drained,
)

SECRET = "whsec_bench_storm"
PORT = 8231


def database_url(kind: str, name: str = "partnership_bench_storm") -> str:
    """A scratch database: SQLite in a temporary file, or ``name`` (dropped and created again)."""
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/storm.sqlite3"
    admin_url = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(False)


def seed(url: str, distinct: int, pools: bool = True) -> list[tuple[int, int, int]]:
    """Campaigns and pending donations; returns (donation id, campaign id, amount, session id)."""
    from flask_migrate import upgrade

    from partnership import create_app
    from partnership.extensions import db
    from partnership.payments.models import Donation
    from partnership.registry.models import Affiliation, NetworkStatus, School
    from tests.crowd import build_campaign

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade()
        from datetime import timedelta

        from partnership.db_types import utcnow
        from partnership.matching.models import MatchScope, PledgeState
        from partnership.matching.pledges import create_pledge, decide
        from partnership.registry.models import Organisation, OrganisationKind, Sector

        campaigns = []
        for n in range(5):
            school = School(
                code=f"10400{n:05d}",
                name_th=f"โรงเรียนทดสอบ {n}",
                province_code="40",
                district="เมืองขอนแก่น",
                affiliation=Affiliation.OBEC,
                min_grade=0,
                max_grade=8,
                network_status=NetworkStatus.MEMBER,
            )
            db.session.add(school)
            db.session.flush()
            campaigns.append(build_campaign(school, goal_satang=90_000_000).id)
        if pools:
            # Matching pools active (issue 22): one over the busy campaign, one over another;
            # caps large enough to last the storm.
            sponsor = Organisation(
                name="บริษัท ผู้สมทบ จำกัด", kind=OrganisationKind.COMPANY, sector=Sector.PRIVATE
            )
            db.session.add(sponsor)
            db.session.flush()
            now = utcnow()
            for campaign_id in campaigns[:2]:
                pledge = create_pledge(
                    sponsor,
                    sponsor_part=1,
                    donor_part=1,
                    cap_satang=10_000_000_000,
                    per_donation_cap_satang=None,
                    scope=MatchScope.CAMPAIGN,
                    target_id=campaign_id,
                    starts_at=now - timedelta(days=1),
                    ends_at=now + timedelta(days=30),
                    counts_offline=False,
                )
                decide(pledge, PledgeState.APPROVED)
        rows = []
        for n in range(distinct):
            campaign_id = campaigns[0] if n % 2 == 0 else campaigns[1 + n % 4]
            rows.append(
                {
                    "campaign_id": campaign_id,
                    "token": secrets.token_hex(8),
                    "idempotency_key": f"storm-{n}",
                    "checkout_session_id": f"cs_test_storm_{n}",
                    "amount_satang": 2_000 + 137 * n,
                    "donor_name": f"ผู้ให้ {n}",
                    "email": "storm@example.com",
                }
            )
        db.session.execute(sa.insert(Donation), rows)
        db.session.commit()
        result = [
            (d.id, d.campaign_id, d.amount_satang, d.checkout_session_id)
            for d in db.session.scalars(sa.select(Donation).order_by(Donation.id))
        ]
        db.engine.dispose()
    return result


def paid_events(donations) -> list:
    """One paid ``checkout.session.completed`` per donation, built as Stripe sends it."""
    from tests.fake_stripe.events import build_event

    return [
        build_event(
            "checkout.session.completed",
            {
                "id": session_id,
                "object": "checkout.session",
                "metadata": {"donation_id": str(donation_id)},
                "client_reference_id": str(donation_id),
                "payment_status": "paid",
                "payment_intent": f"pi_storm_{donation_id}",
                "amount_total": amount,
                "currency": "thb",
                "livemode": False,
                "status": "complete",
            },
        )
        for donation_id, _, amount, session_id in donations
    ]


def app_env(url: str) -> dict[str, str]:
    """The app's environment: production settings, served on loopback."""
    return dict(
        os.environ,
        DATABASE_URL=url,
        PARTNERSHIP_ENV="production",
        SECRET_KEY="bench",
        # Production refuses to start without its site; the benchmark serves it on loopback.
        BASE_URL="https://127.0.0.1",
        TRUSTED_HOSTS="127.0.0.1",
        # ... and without the foundation printed on receipts and the tax-id key (issue 9).
        RECEIPT_ORG_NAME="Bench",
        RECEIPT_ORG_ADDRESS="Bench",
        RECEIPT_ORG_TAX_ID="0993000000000",
        RECEIPT_ORG_CHARITY_ANNOUNCEMENT="1",
        RECEIPT_ORG_CHARITY_DATE="2020-01-01",
        RECEIPT_SIGNATORY_NAME="Bench",
        RECEIPT_SIGNATORY_TITLE="Bench",
        TAX_ID_KEYS=Fernet.generate_key().decode(),
        RATELIMIT_ENABLED="0",
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_WEBHOOK_SECRET=SECRET,
        PARTNERSHIP_INSTANCE=tempfile.mkdtemp(),
        PYTHONPATH=str(ROOT),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=200, help="distinct events sent first")
    parser.add_argument("--no-pools", dest="pools", action="store_false", help="no matching")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/11",
        help="production's RQ mode on this Redis database (emptied first); '' for none",
    )
    parser.add_argument("--rq-workers", type=int, default=1, help="RQ workers beside gunicorn")
    parser.add_argument(
        "--no-floor", dest="floor", action="store_false", help="skip ../shared/bench's floor"
    )
    args = parser.parse_args()

    from tests.fake_stripe.events import sign

    distinct = args.events * 3 // 4
    url = database_url(args.db)
    donations = seed(url, distinct + args.warmup, pools=args.pools)
    events = paid_events(donations)
    warmup, events = events[: args.warmup], events[args.warmup :]
    rng = random.Random(2026)
    deliveries = events + rng.choices(events, k=args.events - len(events))
    rng.shuffle(deliveries)

    env = app_env(url)
    workers = []
    if args.redis_url:
        # As production runs (docs/operations.md): REDIS_URL set, so mail and the receipt
        # claimer go to RQ workers; they run on the same cores as gunicorn and PostgreSQL.
        from redis import Redis

        Redis.from_url(args.redis_url).flushdb()
        env["REDIS_URL"] = args.redis_url
        workers = start_rq_workers(env, args.rq_workers)
    try:
        cpu_before = cpu_seconds(workers)
        ours = storm(["wsgi:app"], ROOT, env, PORT, SECRET, warmup, deliveries, args, sign)
        report(f"{args.db}, partnership", ours, deliveries, warmup, args)
        if workers:
            drained = wait_drained(url, len(donations), started=ours[2])
            rq_cpu = cpu_seconds(workers) - cpu_before
            print(
                f"  RQ ({args.rq_workers} SimpleWorker): every receipt numbered and thank-you "
                f"sent {drained:.1f} s after the first counted delivery (the acknowledgements "
                f"took {ours[1]:.1f} s): {len(deliveries) / drained:.0f} deliveries/s end to end;"
                f" the RQ workers' CPU: {rq_cpu:.1f} s (warm-up included)"
            )
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    print("  " + check(url, donations))
    if args.floor:
        floor_url = url if args.db == "sqlite" else url.replace("partnership_bench_storm", "test")
        floor_env = dict(
            os.environ, BASELINE_DATABASE_URL=floor_url, STRIPE_WEBHOOK_SECRET=FLOOR_SECRET
        )
        subprocess.run(
            [sys.executable, "webhook_floor_app.py", "init"], cwd=BENCH, env=floor_env, check=True
        )
        floor = storm(
            ["webhook_floor_app:app"],
            BENCH,
            floor_env,
            PORT + 1,
            FLOOR_SECRET,
            warmup,
            deliveries,
            args,
            sign,
        )
        report(f"{args.db}, floor", floor, deliveries, warmup, args)
        print(f"  ratio partnership / floor: {floor[1] / ours[1]:.2f}")


FLOOR_SECRET = "whsec_floor"
BENCH = Path(os.environ.get("BENCH_DIR", "/work/shared/bench"))


def storm(app_spec, cwd, env, port, secret, warmup, deliveries, args, sign):
    """Serve ``app_spec`` with gunicorn, warm it up, send the deliveries; (results, seconds)."""
    server = subprocess.Popen(
        [
            "gunicorn",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *app_spec,
        ],
        cwd=cwd,
        env=env,
    )
    try:
        target = f"http://127.0.0.1:{port}/webhooks/stripe"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # answering
            except OSError:
                time.sleep(0.1)

        def send(event):
            body = event.payload
            request = urllib.request.Request(
                target,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "Stripe-Signature": sign(body, secret),
                },
                method="POST",
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            return status, time.perf_counter() - started

        # Warm every worker up first (first requests open connections and fill SQLAlchemy's
        # statement cache): the figures are the steady state, on deliveries not counted here.
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(send, warmup))
        before = cpu_by_group(server.pid)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(send, deliveries))
        elapsed = time.perf_counter() - started
        after = cpu_by_group(server.pid)
        # Per process: one that ended between the samples (another session's PostgreSQL
        # backend, say) would otherwise count negative.
        used = {
            name: sum(seconds - before[name].get(pid, 0.0) for pid, seconds in pids.items())
            for name, pids in after.items()
        }
        print(
            "  CPU during the counted deliveries, ms per delivery: "
            + ", ".join(f"{name} {1000 * sec / len(deliveries):.1f}" for name, sec in used.items())
        )
        return results, elapsed, started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def report(name, outcome, deliveries, warmup, args) -> None:
    results, elapsed, _ = outcome
    latencies = sorted(latency for _, latency in results)
    failures = sum(1 for status, _ in results if status != 200)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(
        f"{name}: {len(deliveries)} deliveries (after {len(warmup)} to warm up) from "
        f"{args.concurrency} threads, gunicorn -w {args.workers}: "
        f"{len(deliveries) / elapsed:.0f} events/s, p50 {pct(0.5):.0f} ms, p99 {pct(0.99):.0f} ms, "
        f"mean {statistics.mean(latencies) * 1000:.0f} ms, non-200: {failures}"
    )


if __name__ == "__main__":
    main()

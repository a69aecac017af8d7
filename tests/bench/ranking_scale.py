r"""A national round and a national registry: timings of the ranking, its page, the exports and
the school list. Seeds with bulk inserts and prints its figures; not a timed test.

    python tests/bench/ranking_scale.py                  # both databases, both parts
    python tests/bench/ranking_scale.py --db postgresql --sizes 700,7000
    python tests/bench/ranking_scale.py --db postgresql --part registry

Each run builds a fresh database by the migrations (a temporary SQLite file, or a scratch
PostgreSQL database on 127.0.0.1 that is dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("PARTNERSHIP_ENV", "testing")

from flask_migrate import upgrade  # noqa: E402

from partnership import create_app  # noqa: E402
from partnership.accounts.models import Membership, MembershipState, User  # noqa: E402
from partnership.applications.models import Application, ApplicationState  # noqa: E402
from partnership.core.memory import gc_paused  # noqa: E402
from partnership.extensions import db  # noqa: E402
from partnership.programmes.models import Programme  # noqa: E402
from partnership.registry.models import (  # noqa: E402
    Affiliation,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipRole,
    School,
    SchoolYearStat,
    Sector,
)
from partnership.registry.provinces import PROVINCES  # noqa: E402
from partnership.review.models import CommitteeMember  # noqa: E402
from partnership.review.ranking import load_round, rank_programme  # noqa: E402
from tests.review.bulk import national_programme, seed_round  # noqa: E402

PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql+psycopg://127.0.0.1/test")
VILLAGES = ["หนองบัว", "โนนสูง", "ดอนแดง", "ห้วยทราย", "นาคำ", "โคกกลาง", "ทุ่งใหญ่", "วังน้ำ"]
LONG_TEXT = "โรงเรียนของเราต้องการอุปกรณ์การเรียนรู้ดิจิทัลสำหรับนักเรียนชั้นประถม " * 20


def median_seconds(action, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        db.session.expire_all()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paused(function, *args):
    """``function(*args)`` as the app runs it: with the garbage collector paused."""
    with gc_paused():
        return function(*args)


def make_database(kind: str):
    """(url, cleanup) for a fresh database of that kind."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="ranking_scale_")
        return f"sqlite:///{folder}/bench.sqlite3", lambda: None
    name = f"partnership_bench_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        db.session.remove()
        db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(False), drop


def make_app(url: str):
    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {},
        "RATELIMIT_ENABLED": False, "SERVER_NAME": "localhost", "SECRET_KEY": "bench",
        "UPLOAD_FOLDER": tempfile.mkdtemp(prefix="ranking_scale_uploads_"),
        "WTF_CSRF_ENABLED": False,  # the decisions are posted without a form page
        "MAIL_DELIVERY": "worker",  # as in production: publishing queues, a worker sends
    })  # fmt: skip


def seed_schools(count: int, start: int = 1, rng=None) -> list[int]:
    """``count`` schools with a year of figures; every other one with a private partner.
    Eight schools (whatever the count) are in the district searched for, "ซับใหญ่"."""
    rng = rng or random.Random(start)
    rows = [
        {
            "id": i, "code": f"10{i:08d}",
            "name_th": f"โรงเรียนบ้าน{VILLAGES[i % len(VILLAGES)]} {i}",
            "province_code": PROVINCES[i % len(PROVINCES)].code,
            "district": "ซับใหญ่" if i % 1000 < 8 and i <= 8 else "เมือง",
            "affiliation": Affiliation.OBEC, "min_grade": 0, "max_grade": 8,
            "network_status": rng.choice([NetworkStatus.MEMBER, NetworkStatus.NONE]),
            "contact_email": f"school{i}@example.test",  # publishing mails each school
        }
        for i in range(start, start + count)
    ]  # fmt: skip
    db.session.execute(sa.insert(School), rows)
    db.session.execute(sa.insert(SchoolYearStat), [
        {"school_id": r["id"], "academic_year": 2025, "pupils": 100 + r["id"] % 300,
         "teachers": 8} for r in rows
    ])  # fmt: skip
    organisation = db.session.scalar(sa.select(Organisation).limit(1))
    if organisation is None:
        organisation = Organisation(
            name="บริษัท ทดสอบ จำกัด", kind=OrganisationKind.COMPANY, sector=Sector.PRIVATE
        )
        db.session.add(organisation)
        db.session.flush()
    db.session.execute(sa.insert(Partnership), [
        {"school_id": r["id"], "organisation_id": organisation.id,
         "role": PartnershipRole.ADOPTER, "started_on": date(2021, 6, 1)}
        for r in rows if r["id"] % 2
    ])  # fmt: skip
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:  # schools got explicit ids: move the sequence on
            conn.execute(sa.text("SELECT setval('schools_id_seq', (SELECT max(id) FROM schools))"))
            conn.commit()
    analyse()
    return [r["id"] for r in rows]


def analyse() -> None:
    """Bring the planner's statistics to what a database in service has. On PostgreSQL that
    takes VACUUM, not only ANALYZE: a GIN index that was empty when rows were bulk-inserted keeps
    its stale entry counts (and a pending list) until vacuumed, and with them the planner priced
    the trigram search so high that it scanned all 30,000 schools (45 ms instead of 0.3 ms).
    Autovacuum does the same in production within a minute of such an insert."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        return
    with db.engine.connect() as conn:
        conn.execute(sa.text("ANALYZE"))
        conn.commit()


def make_user(email: str, name: str, staff: bool = False) -> User:
    user = User(email=email, name=name, password_hash="!", is_staff=staff)
    db.session.add(user)
    return user


def seed_programme(school_ids: list[int], size: int, n: int) -> Programme:
    """A round of ``size`` applications, 3 reviews each, 8 criteria, 12 members."""
    programme = national_programme(f"ทุนระดับชาติ {n}", size)
    db.session.add(programme)
    members = []
    for k in range(12):
        sector = Sector.PUBLIC if k % 2 else Sector.PRIVATE
        organisation = Organisation(
            name=f"องค์กร {n}-{k}", kind=OrganisationKind.COMPANY, sector=sector
        )
        user = make_user(f"member{n}-{k}@example.test", f"กรรมการ {k + 1}")
        db.session.add(Membership(user=user, organisation=organisation,
                                  state=MembershipState.ACTIVE))  # fmt: skip
        members.append(CommitteeMember(
            programme=programme, user=user, organisation=organisation, sector=sector
        ))  # fmt: skip
    db.session.add_all(members)
    db.session.commit()
    seed_round(programme, school_ids, [m.id for m in members], size, reviews_each=3, seed=n,
               text=LONG_TEXT)  # fmt: skip
    analyse()
    return programme


def signed_in_client(app, user_id: int):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session["locale"] = "th"
    return client


def timed_get(client, url: str, repeat: int = 5) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        body = response.get_data()  # a streamed body is consumed here
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        size = len(body)
    return statistics.median(times), size


def bench_ranking(app, sizes: list[int]) -> None:
    with app.app_context():
        school_ids = seed_schools(2_000)
        staff = make_user("staff@example.test", "เจ้าหน้าที่", staff=True)
        db.session.commit()
        client = signed_in_client(app, staff.get_id())
        for n, size in enumerate(sizes, start=1):
            bench_round(client, school_ids, size, n)


def bench_round(client, school_ids: list[int], size: int, n: int) -> None:
    start = time.perf_counter()
    pid = seed_programme(school_ids, size, n).id
    seeded = time.perf_counter() - start
    load = median_seconds(lambda: paused(load_round, db.session.get(Programme, pid)))
    both = median_seconds(lambda: rank_programme(db.session.get(Programme, pid)))
    rows = rank_programme(db.session.get(Programme, pid))
    line_page = next(i for i, r in enumerate(rows) if not r.within_budget) // 100 + 1
    print(f"\n{size} applications × 3 reviews × 8 criteria (seeded in {seeded:.1f} s)")
    print(f"  load {load:.3f} s; load + build the ranking {both:.3f} s")
    base = f"/review/programmes/{pid}"
    for label, url in [
        ("page 1", f"{base}/ranking"),
        (f"page {line_page} (budget line)", f"{base}/ranking?page={line_page}"),
        ("undecided", f"{base}/ranking?show=undecided"),
    ]:
        seconds, size_bytes = timed_get(client, url)
        print(f"  ranking {label}: {seconds:.3f} s, {size_bytes / 1024:.0f} KB")
    for kind in ("ranking", "scores", "progress"):
        for fmt in ("csv", "xlsx"):
            seconds, size_bytes = timed_get(client, f"{base}/export/{kind}.{fmt}", 1)
            print(f"  export {kind}.{fmt}: {seconds:.2f} s, {size_bytes / 1024:.0f} KB")
    # Decisions last (they change the round): one by one, then the suggested cut for the rest.
    first = rows[0].application.id
    seconds = timed_post(client, f"{base}/applications/{first}/decide",
                         {"decision": "approved", "reason": "ผ่านการพิจารณา"})  # fmt: skip
    print(f"  one decision (post and redirect): {seconds:.3f} s")
    seconds = timed_post(client, f"{base}/cut", {})
    decided = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.programme_id == pid,
            Application.state.in_((ApplicationState.APPROVED, ApplicationState.WAITLISTED)),
        )
    )
    print(f"  apply the suggested cut: {seconds:.2f} s ({decided} applications decided)")
    # Any application still short of reviews needs a reason to publish (ignored otherwise).
    seconds = timed_post(client, f"{base}/publish", {"override_reason": "bench"})
    state = db.session.get(Programme, pid).state.value
    print(f"  publish the decisions: {seconds:.2f} s (programme {state})")


def timed_post(client, url: str, data: dict) -> float:
    start = time.perf_counter()
    response = client.post(url, data=data)
    seconds = time.perf_counter() - start
    assert response.status_code == 302, (url, response.status_code)
    db.session.expire_all()
    return seconds


REGISTRY_URLS = {
    "search 'ซับใหญ่'": "/schools?q=ซับใหญ่",
    "search 'หนองบัว' (a full page; 200+ at 30,000)": "/schools?q=หนองบัว",
    "search 'หนองบัว 7' + status (1 row; 20)": "/schools?q=หนองบัว+7&status=member",
    "province": "/schools?province=40",
    "status + no private partner": "/schools?status=member&partner=none",
    "without a private partner": "/schools/without-private-partner",
}


def bench_registry(kind: str, sizes: list[int], rounds: int = 15) -> None:
    """One database per registry size, both seeded first; then each URL is timed on them in
    turn (small, large, small, large ...), so a change of the machine's load during the run
    weighs on both sides alike. Prints the medians and their ratio."""
    apps = []
    try:
        for size in sizes:
            url, cleanup = make_database(kind)
            app = make_app(url)
            apps.append((app, cleanup))
            with app.app_context():
                upgrade()
                seed_schools(size)
        clients = [app.test_client() for app, _ in apps]
        print(f"\nregistry /schools ({kind}), median of {rounds}, sizes measured in turn")
        for label, path in REGISTRY_URLS.items():
            times: list[list[float]] = [[] for _ in apps]
            for n in range(rounds + 1):
                for i, ((app, _), client) in enumerate(zip(apps, clients, strict=True)):
                    with app.app_context():
                        seconds = timed_get(client, path, 1)[0]
                    if n:  # the first round warms up
                        times[i].append(seconds)
            small, large = (statistics.median(t) for t in (times[0], times[-1]))
            print(
                f"  {label}: {sizes[0]} schools {small * 1000:.1f} ms, "
                f"{sizes[-1]} schools {large * 1000:.1f} ms, ratio {large / small:.2f}"
            )
    finally:
        for app, cleanup in apps:
            with app.app_context():
                cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--part", choices=("ranking", "registry", "all"), default="all")
    parser.add_argument("--sizes", default="700,7000", help="applications per round")
    parser.add_argument("--schools", default="300,30000", help="registry sizes")
    args = parser.parse_args()
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        print(f"\n=== {kind}; load average {os.getloadavg()[0]:.2f} at the start")
        if args.part in ("ranking", "all"):
            url, cleanup = make_database(kind)
            app = make_app(url)
            try:
                with app.app_context():
                    upgrade()
                bench_ranking(app, [int(s) for s in args.sizes.split(",")])
            finally:
                with app.app_context():
                    cleanup()
        if args.part in ("registry", "all"):
            bench_registry(kind, [int(s) for s in args.schools.split(",")])
        print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

r"""Where a paid webhook's time goes, in-process: milliseconds, CPU and statements per event.

    python tests/bench/profile_webhook.py [--db postgresql|sqlite] [-n 500] [--no-pools]
        [--cprofile] [--mail worker|rq|inline]

Seeds a scratch database as ``webhook_storm.py`` does (PostgreSQL:
``partnership_bench_webhook_profile``, dropped and created again; SQLite: a temporary file),
builds the app with the storm's production settings, and posts signed paid
``checkout.session.completed`` events through the test client one after another. Prints the
mean and median milliseconds, this process's CPU per event (the database server's is not
counted) and the statements per event, split into the webhook's own transaction and what runs
after its commit in the same request; ``--cprofile`` prints cProfile's cumulative listing on
CPU time. ``--mail rq`` needs REDIS_URL (the jobs are queued, not run: this measures the
webhook's request only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--no-pools", dest="pools", action="store_false")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--mail", choices=["worker", "rq", "inline"], default="")
    args = parser.parse_args()

    from tests.bench.webhook_storm import SECRET, app_env, database_url, paid_events, seed
    from tests.fake_stripe.events import sign

    warm = 50
    url = database_url(args.db, "partnership_bench_webhook_profile")
    donations = seed(url, args.n + warm, pools=args.pools)
    env = app_env(url)
    if args.mail:
        env["MAIL_DELIVERY"] = args.mail
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import sqlalchemy as sa

    from partnership import create_app
    from tests.bench.statement_times import print_prepared, print_times, time_statements

    app = create_app()
    statements: list[str] = []
    with app.app_context():
        from partnership.extensions import db

        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        sa.event.listen(db.engine, "commit", lambda *a: statements.append("COMMIT"))
        in_database = time_statements(db.engine)
    client = app.test_client()
    events = paid_events(donations)

    def post(event):
        body = event.payload
        response = client.post(
            "/webhooks/stripe",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(body, SECRET)},
            base_url="https://127.0.0.1",
        )
        assert response.status_code == 200, (response.status_code, response.data[:300])
        return response

    for event in events[:warm]:  # connections, SQLAlchemy's statement cache
        post(event)
    times, cpu, counts, paying = [], [], [], []
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    for event in events[warm:]:
        del statements[:]
        started, started_cpu = time.perf_counter(), time.process_time()
        post(event)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        counts.append(sum(1 for s in statements if s != "COMMIT"))
        first_commit = next(
            (i for i, s in enumerate(statements) if s.strip().upper().startswith("COMMIT")),
            len(statements),
        )
        paying.append(first_commit)
    if args.cprofile:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
    print(
        f"{args.db}, {len(times)} paid events: {statistics.mean(times) * 1000:.2f} ms mean, "
        f"{statistics.median(times) * 1000:.2f} ms median, "
        f"{statistics.mean(cpu) * 1000:.2f} ms of this process's CPU per event; "
        f"statements per event: {statistics.mean(counts):.1f} "
        f"(before the first commit: {statistics.mean(paying):.1f})"
    )
    print("time in the driver and database per statement (ms, mean; warm-up included):")
    print_times(in_database)
    with app.app_context():
        print_prepared(db.engine)
    print("last event's statements:")
    for statement in statements:
        print("  " + " ".join(statement.split())[:170])
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()

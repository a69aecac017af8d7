r"""Where a page's time goes, in-process: milliseconds and queries per request, and a profile.

    DATABASE_URL=postgresql+psycopg://127.0.0.1/partnership_bench_pages \
        python tests/bench/profile_pages.py [--path '/campaigns/{id}'] [--ids 1-10000] [-n 300]
        [--profile] [--cache]

Runs against a database ``campaign_pages.sh`` seeded (``REUSE_DB=1`` keeps it), with the
production settings that script uses and the page cache off unless ``--cache``; ``--profile``
prints pyinstrument's tree (``pip install pyinstrument``: a benchmark-only tool).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BENCH_ENV = {
    "PARTNERSHIP_ENV": "production",
    "SECRET_KEY": "bench",
    "RATELIMIT_ENABLED": "0",
    "BASE_URL": "https://127.0.0.1",
    "TRUSTED_HOSTS": "127.0.0.1,localhost",
    "RECEIPT_ORG_NAME": "Bench",
    "RECEIPT_ORG_ADDRESS": "Bench",
    "RECEIPT_ORG_TAX_ID": "0993000000000",
    "RECEIPT_ORG_CHARITY_ANNOUNCEMENT": "1",
    "RECEIPT_ORG_CHARITY_DATE": "2020-01-01",
    "RECEIPT_SIGNATORY_NAME": "Bench",
    "RECEIPT_SIGNATORY_TITLE": "Bench",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", default="/campaigns/{id}")
    parser.add_argument("--ids", default="1-10000")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cprofile", action="store_true", help="cProfile on CPU time instead")
    parser.add_argument("--cache", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="--cprofile's order (tottime ...)")
    args = parser.parse_args()
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    if "TAX_ID_KEYS" not in os.environ:
        from cryptography.fernet import Fernet

        os.environ["TAX_ID_KEYS"] = Fernet.generate_key().decode()
    if not args.cache:
        os.environ["PAGE_CACHE_SECONDS"] = "0"
    import sqlalchemy as sa

    from partnership import create_app
    from tests.bench.statement_times import print_prepared, print_times, time_statements

    app = create_app()
    statements = []
    with app.app_context():
        from partnership.extensions import db

        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        in_database = time_statements(db.engine)
    client = app.test_client()
    lo, hi = (int(x) for x in args.ids.split("-"))
    rng = random.Random(7)
    base = {"base_url": "https://127.0.0.1"}
    for _ in range(50):  # warm up: connections, SQLAlchemy's statement cache, templates
        client.get(args.path.format(id=rng.randint(lo, hi)), **base)
    times, cpu, counts = [], [], []
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    elif args.cprofile:
        import cProfile

        cprofiler = cProfile.Profile(time.process_time)
        cprofiler.enable()
    for _ in range(args.n):
        del statements[:]
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(args.path.format(id=rng.randint(lo, hi)), **base)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        counts.append(len(statements))
        assert response.status_code == 200, response.status_code
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    elif args.cprofile:
        import pstats

        cprofiler.disable()
        pstats.Stats(cprofiler).sort_stats(args.sort).print_stats(60)
    print(
        f"{args.path}: {statistics.mean(times) * 1000:.2f} ms mean, "
        f"{statistics.median(times) * 1000:.2f} ms median, "
        f"{statistics.mean(cpu) * 1000:.2f} ms of this process's CPU over {args.n}; "
        f"statements per request: {statistics.mean(counts):.1f}"
    )
    print("time in the driver and database per statement (ms, mean):")
    print_times(in_database)
    with app.app_context():
        print_prepared(db.engine)
    if statements:
        print("last request's statements:")
        for statement in statements:
            print("  " + " ".join(statement.split())[:160])


if __name__ == "__main__":
    main()

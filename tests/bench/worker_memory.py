r"""Memory of a gunicorn worker after 10,000 mixed requests (issue 22: under 150 MB RSS).

    DATABASE_URL=postgresql+psycopg://127.0.0.1/partnership_bench_pages \
        python tests/bench/worker_memory.py [--requests 10000] [--workers 5]

Runs against the database ``campaign_pages.sh`` seeded (``REUSE_DB=1`` keeps it), production
settings, the page cache per worker (its default: up to ``PAGE_CACHE_ENTRIES`` pages each).
Sends campaign pages, list pages (filters and orders), ledgers, give forms, the home page and
unknown pages from 16 threads, then prints each worker's resident memory (``VmRSS``).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PORT = 8233


def paths(rng: random.Random, n: int, campaigns: int) -> list[str]:
    kinds = [
        (40, lambda: f"/campaigns/{rng.randint(1, campaigns)}"),
        (20, lambda: f"/campaigns?page={rng.randint(1, campaigns // 12)}"),
        (
            8,
            lambda: (
                f"/campaigns?sort={rng.choice(['nearly', 'newest'])}&q=%E0%B9%82%E0%B8%A3%E0%B8%87"
            ),
        ),
        (8, lambda: f"/campaigns/{rng.randint(1, campaigns)}/ledger"),
        (8, lambda: f"/campaigns/{rng.randint(1, campaigns)}/give"),
        (8, lambda: "/"),
        (4, lambda: f"/campaigns/{rng.randint(1, campaigns)}/ledger.csv"),
        (4, lambda: f"/no-such-page-{rng.randint(1, 10**6)}"),
    ]
    weights = [w for w, _ in kinds]
    return [rng.choices(kinds, weights)[0][1]() for _ in range(n)]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--campaigns", type=int, default=10_000)
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    from tests.bench.profile_pages import BENCH_ENV

    env = dict(os.environ, **BENCH_ENV)
    env.setdefault("TAX_ID_KEYS", Fernet.generate_key().decode())
    env.setdefault("PARTNERSHIP_INSTANCE", tempfile.mkdtemp())
    env["PYTHONPATH"] = str(ROOT)
    server = subprocess.Popen(
        [
            "gunicorn",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    statuses: dict[int, int] = {}
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)

        def get(path: str) -> int:
            try:
                with urllib.request.urlopen(base + path, timeout=60) as response:
                    response.read()
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        workers = [
            int(pid)
            for pid in subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
        ]
        before = {pid: rss_mb(pid) for pid in workers}
        started = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            for status in pool.map(get, paths(random.Random(22), args.requests, args.campaigns)):
                statuses[status] = statuses.get(status, 0) + 1
        elapsed = time.perf_counter() - started
        after = {pid: rss_mb(pid) for pid in workers}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    answers = dict(sorted(statuses.items()))
    print(f"{args.requests} mixed requests in {elapsed:.0f} s, answers: {answers}")
    for pid in workers:
        print(f"  worker {pid}: {before[pid]:.0f} MB after start, {after[pid]:.0f} MB RSS after")
    worst = max(after.values())
    print(f"largest worker: {worst:.0f} MB RSS ({'under' if worst < 150 else 'OVER'} 150 MB)")


if __name__ == "__main__":
    main()

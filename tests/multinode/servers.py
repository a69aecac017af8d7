"""Real servers for the multinode tests, each the test's own: a PostgreSQL made with ``initdb``
and run with ``pg_ctl`` in a temporary folder on a free port, a ``redis-server`` on a free port,
gunicorn app servers and RQ workers. The machine's shared PostgreSQL and Redis are never used.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPOSITORY = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what: str, timeout: float = 60.0, pause: float = 0.2):
    """``check()``'s first true answer within ``timeout`` seconds (exceptions count as no)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = check()
        except Exception:  # noqa: BLE001 - not up yet
            answer = None
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(pause)


def postgres_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(found[-1]) if found else None


class OwnPostgres:
    """A throwaway PostgreSQL cluster. ``initdb`` refuses to run as root, so under root the
    server runs as the ``postgres`` system user, in a folder handed to that user."""

    def __init__(self) -> None:
        self.bindir = postgres_bindir()
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="partnership-multinode-pg-")
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "server.log")
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/partnership"

    def _run(self, *args: str) -> None:
        command = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> OwnPostgres:
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        self.pg_ctl_start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "partnership")  # fmt: skip
        return self

    def pg_ctl_start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60",
                  "start")  # fmt: skip

    def stop_server(self) -> None:
        """Stop the server (every connection is dropped); ``pg_ctl_start`` starts it again."""
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class OwnRedis:
    """A ``redis-server`` of the test's own (nothing saved to disk); ``stop`` and ``start``
    again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        from redis import Redis

        wait_for(lambda: Redis.from_url(self.url).ping(), "redis-server answering")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(30)
            self.process = None


def _process_group(command: list[str], env: dict, log: str) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            command,
            cwd=REPOSITORY,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, children included
        )


def _end(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)


class AppServer:
    """``gunicorn -w 2 wsgi:app`` on a free port, with the given environment."""

    def __init__(self, name: str, env: dict, folder: str) -> None:
        self.name, self.env = name, env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = os.path.join(folder, f"gunicorn-{name}.log")
        self.process: subprocess.Popen | None = None

    def start(self) -> AppServer:
        return self.launch().ready()

    def launch(self) -> AppServer:
        """Start the process; ``ready()`` waits until it answers (start several, then wait)."""
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4",
                   "-b", f"127.0.0.1:{self.port}", "--timeout", "120",
                   "--graceful-timeout", "5", "wsgi:app"]  # fmt: skip
        self.process = _process_group(command, self.env, self.log)
        return self

    def ready(self) -> AppServer:
        wait_for(
            lambda: requests.get(self.url + "/healthz", timeout=5).status_code == 200,
            f"app server {self.name} answering",
            timeout=90,
        )
        return self

    def kill(self) -> None:
        """SIGKILL to the master and its workers: in-flight requests get no answer."""
        _end(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _end(self.process, signal.SIGINT)  # gunicorn's quick shutdown

    def output(self) -> str:
        return Path(self.log).read_text(errors="replace")


class RqWorker:
    """``rq worker mail`` beside an app server (SimpleWorker: the app is built once, not per
    job in a forked child)."""

    def __init__(self, name: str, env: dict, folder: str) -> None:
        self.name, self.env = name, env
        self.log = os.path.join(folder, f"rq-{name}.log")
        self.process: subprocess.Popen | None = None

    def start(self) -> RqWorker:
        rq = shutil.which("rq", path=os.path.dirname(sys.executable)) or "rq"
        command = [rq, "worker", "--url", self.env["REDIS_URL"], "--with-scheduler",
                   "-w", "rq.worker.SimpleWorker", "--name", f"mail-{self.name}-{os.getpid()}",
                   "mail"]  # fmt: skip
        self.process = _process_group(command, self.env, self.log)
        return self

    def stop(self) -> None:
        _end(self.process, signal.SIGKILL)  # the test is over: no job of its own is left

    def output(self) -> str:
        return Path(self.log).read_text(errors="replace")

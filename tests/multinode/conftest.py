"""Two app servers (A and B: gunicorn, two workers each) against one PostgreSQL, one Redis and
an RQ mail worker beside each, with a real SMTP server and the fake Stripe; every server the
test's own. ``cluster`` is shared by the package's tests (the fault test, last, restores what
it broke)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from partnership.extensions import db
from tests.fake_stripe.fake import FakeStripe
from tests.s3_server import CREDENTIALS, S3Server, no_proxy
from tests.smtp_server import SMTPServer

from .servers import AppServer, OwnPostgres, OwnRedis, RqWorker, postgres_bindir

REASON_NO_SERVERS = (
    "the multinode tests start their own PostgreSQL (initdb, pg_ctl) and redis-server; "
    "this machine has not got them"
)


@dataclass
class Cluster:
    postgres: OwnPostgres
    redis: OwnRedis
    smtp: SMTPServer
    stripe: FakeStripe
    app: object
    folder: str
    s3: S3Server
    bucket: str = "partnership-multinode"
    servers: dict[str, AppServer] = field(default_factory=dict)
    workers: dict[str, RqWorker] = field(default_factory=dict)

    @property
    def a(self) -> AppServer:
        return self.servers["a"]

    @property
    def b(self) -> AppServer:
        return self.servers["b"]

    def get(self, server: AppServer, path: str, **kwargs) -> requests.Response:
        """An anonymous visitor's GET (no cookie, so public pages may be kept)."""
        return requests.get(server.url + path, timeout=30, **kwargs)

    def logs(self) -> str:
        # The first error's traceback (a 500 says why only there), then each log's end.
        parts = [
            f"--- {s.name}, first error\n{_first_error(s.output())}" for s in self.servers.values()
        ]
        parts += [f"--- {s.name}\n{s.output()[-3000:]}" for s in self.servers.values()]
        parts += [f"--- rq {w.name}\n{w.output()[-2000:]}" for w in self.workers.values()]
        return "\n".join(parts)


def _first_error(log: str) -> str:
    at = log.find("Exception on ")
    return log[at : at + 4000] if at >= 0 else "(none)"


def server_env(cluster: Cluster) -> dict:
    """What an app server and its worker are given: the same settings on every node."""
    postgres, redis, smtp, stripe, folder = (
        cluster.postgres,
        cluster.redis,
        cluster.smtp,
        cluster.stripe,
        cluster.folder,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERSHIP_", "PYTEST"))}
    env.update(
        PARTNERSHIP_ENV="testing",
        PARTNERSHIP_INSTANCE=os.path.join(folder, "instance"),
        PYTHONPATH=str(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))),
        SECRET_KEY="multinode-secret",
        DATABASE_URL=postgres.url,
        REDIS_URL=redis.url,
        RATELIMIT_STORAGE_URI=redis.url,
        MAIL_DELIVERY="rq",
        PAGE_CACHE_SECONDS="60",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp.port),
        SMTP_STARTTLS="0",
        RECEIPT_RATE_LIMIT="6 per minute",
        UPLOAD_STORAGE="s3",
        S3_BUCKET=cluster.bucket,
        S3_ENDPOINT_URL=cluster.s3.endpoint_url,
        S3_REGION=CREDENTIALS["AWS_DEFAULT_REGION"],
        NO_PROXY=no_proxy(),
        **CREDENTIALS,
        **stripe.config,
    )
    return env


@pytest.fixture(scope="package")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    if not postgres_bindir() or not shutil.which("redis-server"):
        if os.environ.get("REQUIRE_POSTGRES") == "1":  # CI (.ci/run): never skipped there
            pytest.fail(REASON_NO_SERVERS)
        pytest.skip(REASON_NO_SERVERS)
    from flask_migrate import upgrade

    from partnership import create_app

    folder = tempfile.mkdtemp(prefix="partnership-multinode-")
    postgres = OwnPostgres()
    redis = OwnRedis()
    smtp = SMTPServer().start()
    stripe = FakeStripe().start()
    s3 = S3Server(Path(folder) / "moto.log")
    nodes = Cluster(postgres, redis, smtp, stripe, None, folder, s3)
    try:
        postgres.start()
        redis.start()
        s3.start().client().create_bucket(Bucket=nodes.bucket)
        os.environ.setdefault("PARTNERSHIP_ENV", "testing")
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": postgres.url,
                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
                "SERVER_NAME": "localhost",
                "SECRET_KEY": "multinode-secret",
                "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
                **stripe.config,
            }
        )
        nodes.app = app
        with app.app_context():
            upgrade()
        env = server_env(nodes)
        for name in ("a", "b"):
            nodes.servers[name] = AppServer(name, env, folder).launch()
            nodes.workers[name] = RqWorker(name, env, folder).start()
        for server in nodes.servers.values():
            server.ready()
        with app.app_context():
            yield nodes
            db.session.remove()
            db.engine.dispose()
    finally:
        for process in [*nodes.servers.values(), *nodes.workers.values()]:
            process.stop()
        stripe.stop()
        s3.stop()
        smtp.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)

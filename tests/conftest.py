"""Test skeleton: one migrated database per backend (SQLite always, PostgreSQL when reachable),
cleaned after every test; creator fixtures and ``login_as``."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from flask import g, request_started

from partnership import create_app
from partnership.extensions import db as _db
from tests.crowd import give, hooked, make_campaign, make_pledge  # noqa: F401  (crowdfunding, suite-wide)
from tests.factories import (  # noqa: F401  (programme and application creators, suite-wide)
    act_as,
    make_application,
    make_programme,
    school_staff,
)
from tests.fake_stripe.fixtures import fake_stripe, stripe_app  # noqa: F401  (suite-wide)
from tests.repo_boundary import (  # noqa: F401  (the suite touches no file outside the repository)
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
    stays_inside_the_repository,
)
from tests.s3_server import CREDENTIALS, S3Server, closed_port, no_proxy

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")


def _postgres_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def _backends() -> list[str]:
    if os.environ.get("TEST_BACKENDS"):
        return os.environ["TEST_BACKENDS"].split(",")
    if _postgres_available():
        return ["sqlite", "postgresql"]
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        raise RuntimeError(f"PostgreSQL is required but not reachable at {PG_ADMIN_URL}")
    return ["sqlite"]


BACKENDS = _backends()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A fresh, empty database for this test session on one backend."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        yield f"sqlite:///{path}"
        return
    name = f"partnership_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_config(database_url: str, tmp_path_factory) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "SECRET_KEY": "test-secret",
    }


@pytest.fixture(scope="session")
def migrated_app(database_url, tmp_path_factory):
    """The app with its schema built only by the Alembic migrations."""
    from flask_migrate import upgrade

    os.environ.setdefault("PARTNERSHIP_ENV", "testing")
    app = create_app(test_config(database_url, tmp_path_factory))
    with app.app_context():
        upgrade()
    request_started.connect(_fresh_request_globals, app)
    yield app
    with app.app_context():
        _db.engine.dispose()


def _fresh_request_globals(sender, **extra) -> None:
    """Start every test request with an empty ``g``, as every real request does.

    A test keeps an app context pushed and Flask reuses it for the client's requests, so without
    this Flask-Login's cached user, Flask-Babel's locale and Flask-WTF's token would carry over
    from one request (or one client) to the next.
    """
    vars(g._get_current_object()).clear()


def _clean(app) -> None:
    app.extensions.pop("reporting.kept", None)  # figures kept per worker (reporting.figures)
    with app.app_context():
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                # Tables that point at each other (a member appointed by a resolution of a
                # meeting of that member's body) have no safe order: check at the commit.
                conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture()
def app(migrated_app):
    """The app, inside an app context, with an empty database after the test."""
    migrated_app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    ctx = migrated_app.app_context()
    ctx.push()
    try:
        yield migrated_app
    finally:
        _db.session.remove()
        ctx.pop()
        _clean(migrated_app)


@pytest.fixture()
def db(app):
    return _db


# Creators --------------------------------------------------------------------------------


_counter = iter(range(10_000_000))


@pytest.fixture()
def make_user(app):
    from partnership.accounts.services import create_user

    def make(
        email: str | None = None,
        *,
        is_staff: bool = False,
        password: str = "correct horse 9",
        name: str = "ผู้ใช้ทดสอบ",
    ):
        user = create_user(
            email or f"user{next(_counter)}@example.test", name, password, is_staff=is_staff
        )
        _db.session.commit()
        return user

    return make


@pytest.fixture()
def make_school(app):
    from partnership.registry.models import Affiliation, NetworkStatus, School

    def make(**overrides):
        n = next(_counter)
        values = {
            "code": f"10400{n:05d}",
            "name_th": f"โรงเรียนทดสอบ {n}",
            "province_code": "40",
            "district": "เมืองขอนแก่น",
            "affiliation": Affiliation.OBEC,
            "min_grade": 0,
            "max_grade": 8,
            "network_status": NetworkStatus.MEMBER,
        }
        values.update(overrides)
        school = School(**values)
        _db.session.add(school)
        _db.session.commit()
        return school

    return make


@pytest.fixture()
def make_org(app):
    from partnership.registry.models import Organisation, OrganisationKind, Sector

    def make(sector=Sector.PRIVATE, kind=OrganisationKind.COMPANY, **overrides):
        n = next(_counter)
        values = {"name": f"องค์กรทดสอบ {n}", "kind": kind, "sector": sector} | overrides
        organisation = Organisation(**values)
        _db.session.add(organisation)
        _db.session.commit()
        return organisation

    return make


@pytest.fixture()
def make_partnership(app):
    from partnership.registry.models import Partnership, PartnershipRole

    def make(
        organisation,
        school,
        started_on=date(2021, 6, 1),
        ended_on=None,
        role=PartnershipRole.ADOPTER,
    ):
        partnership = Partnership(
            organisation=organisation,
            school=school,
            role=role,
            started_on=started_on,
            ended_on=ended_on,
        )
        _db.session.add(partnership)
        _db.session.commit()
        return partnership

    return make


@pytest.fixture()
def add_membership(app):
    from partnership.accounts.models import Membership, MembershipState

    def add(user, *, school=None, organisation=None, state=MembershipState.ACTIVE):
        membership = Membership(user=user, school=school, organisation=organisation, state=state)
        _db.session.add(membership)
        _db.session.commit()
        return membership

    return add


@pytest.fixture()
def login(client):
    """Sign a user in on the test client by writing the session Flask-Login reads."""

    def sign_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            # As after the second step of logging in (it does not matter to people without a
            # factor); ``step_up_age`` makes the check older.
            session["mfa_at"] = time.time()
        return user

    return sign_in


@pytest.fixture()
def switch_user(client, login):
    """switch_user(user | None): sign whoever was on the test client out, read in English, and
    sign ``user`` in (None: an anonymous visitor). The role matrices' ``as_role`` call it."""

    def switch(user):
        g.pop("_login_user", None)
        with client.session_transaction() as session:
            session.clear()
            session["locale"] = "en"
        if user is not None:
            login(user)
        return user

    return switch


@pytest.fixture()
def add_totp(app):
    """add_totp(user) -> the base32 secret of a new authenticator app of ``user``."""
    import pyotp

    from partnership.accounts.mfa.models import TotpFactor
    from partnership.core.crypto import encrypt

    def add(user, secret: str | None = None) -> str:
        secret = secret or pyotp.random_base32()
        _db.session.add(TotpFactor(user_id=user.id, secret_encrypted=encrypt(secret, "MFA_KEYS")))
        _db.session.commit()
        return secret

    return add


@pytest.fixture()
def step_up_age(client):
    """step_up_age(seconds): the session's last second-factor check was that long ago."""

    def age(seconds: float) -> None:
        with client.session_transaction() as session:
            session["mfa_at"] = time.time() - seconds

    return age


@pytest.fixture()
def login_as(make_user, make_school, make_org, add_membership, login):
    """login_as('staff' | 'school' | 'sponsor' | 'donor', school=..., organisation=...)."""

    def sign_in(role: str, *, school=None, organisation=None):
        user = make_user(is_staff=role == "staff")
        if role == "school":
            add_membership(user, school=school or make_school())
        elif role == "sponsor":
            add_membership(user, organisation=organisation or make_org())
        return login(user)

    return sign_in


# The file store ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    """moto's S3 server on a free loopback port, with the tests' bucket, once per session."""
    server = S3Server(tmp_path_factory.mktemp("moto") / "moto.log").start()
    server.client().create_bucket(Bucket=S3_TEST_BUCKET)
    yield server
    server.stop()


S3_TEST_BUCKET = "partnership-test"


class StoreUnderTest:
    """The backend a test runs on, what is in it (looked at beside the app, not through it), and
    a way to make it unreachable for the rest of the test."""

    def __init__(self, kind: str, app, monkeypatch, tmp_path, server: S3Server | None = None):
        self.kind, self.app, self.monkeypatch, self.server = kind, app, monkeypatch, server
        self.folder = tmp_path / "uploads"
        self.tmp_path = tmp_path
        self.bucket = S3_TEST_BUCKET if server else ""

    def keys(self) -> list[str]:
        """Every key stored in this test's folder or bucket, sorted."""
        if self.kind == "local":
            if not self.folder.exists():
                return []
            files = (p for p in self.folder.rglob("*") if p.is_file())
            return sorted(p.relative_to(self.folder).as_posix() for p in files)
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def remove(self, key: str) -> None:
        """Delete an object behind the app's back (a row that outlives its file)."""
        if self.kind == "local":
            (self.folder / key).unlink()
        else:
            self.server.client().delete_object(Bucket=self.bucket, Key=key)

    def go_down(self, how: str = "unreachable") -> None:
        """From now on the app's store fails: the folder cannot be made (a file stands where
        it should be), the S3 server's address has nobody listening, or the bucket is gone."""
        config = self.app.config
        if self.kind == "local":
            blocker = self.tmp_path / "not-a-folder"
            blocker.write_bytes(b"")
            self.monkeypatch.setitem(config, "UPLOAD_FOLDER", str(blocker / "uploads"))
        elif how == "no-bucket":
            self.monkeypatch.setitem(config, "S3_BUCKET", "no-such-bucket")
        else:
            self.monkeypatch.setitem(config, "S3_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")


@pytest.fixture(params=["local", "s3"])
def store(request, app, monkeypatch, tmp_path) -> StoreUnderTest:
    """The app's file store on each backend in turn: a fresh folder, or an emptied bucket on
    moto's S3 server reached through boto3 over HTTP (``UPLOAD_STORAGE=s3``)."""
    if request.param == "local":
        under_test = StoreUnderTest("local", app, monkeypatch, tmp_path)
        monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "local")
        monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(under_test.folder))
        return under_test
    server = request.getfixturevalue("s3_server")
    for name, value in (CREDENTIALS | {"NO_PROXY": no_proxy()}).items():
        monkeypatch.setenv(name, value)
    server.empty(S3_TEST_BUCKET)
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "s3")
    monkeypatch.setitem(app.config, "S3_BUCKET", S3_TEST_BUCKET)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", server.endpoint_url)
    monkeypatch.setitem(app.config, "S3_REGION", CREDENTIALS["AWS_DEFAULT_REGION"])
    return StoreUnderTest("s3", app, monkeypatch, tmp_path, server=server)

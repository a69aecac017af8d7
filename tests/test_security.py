"""Security headers, production settings, session cookies, proxies and the database URL."""

from __future__ import annotations

import pytest
from email_validator import validate_email
from flask import request

from partnership import create_app
from partnership.config import ConfigError, load_config


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("url", ["/does-not-exist", "/static/css/app.css", "/login"])
def test_security_headers_on_errors_static_files_and_forms(client, url):
    with client.get(url) as response:  # closes the static file
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_when_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS", True)
    response = client.get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_inline_script_or_style_in_pages(client, make_school):
    make_school()
    for url in ("/", "/schools", "/login", "/register"):
        html = client.get(url).text
        assert "<script>" not in html and " style=" not in html and "onclick=" not in html


@pytest.fixture()
def environment(monkeypatch, tmp_path):
    for name in (
        "SECRET_KEY", "DATABASE_URL", "RATELIMIT_ENABLED", "BASE_URL", "TRUSTED_HOSTS",
        "TRUSTED_PROXIES", "SMTP_HOST", "MAIL_FROM", *PRODUCTION_RECEIPTS,
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARTNERSHIP_INSTANCE", str(tmp_path))
    return monkeypatch


SITE = "https://partnership.example.org"
#: What receipts need in production (the foundation printed on them, the tax-id keys).
PRODUCTION_RECEIPTS = {
    "RECEIPT_ORG_NAME": "มูลนิธิทดสอบ",
    "RECEIPT_ORG_ADDRESS": "1 ถนนทดสอบ กรุงเทพมหานคร 10100",
    "RECEIPT_ORG_TAX_ID": "0993000000000",
    "RECEIPT_ORG_CHARITY_ANNOUNCEMENT": "123",
    "RECEIPT_ORG_CHARITY_DATE": "2019-03-01",
    "RECEIPT_SIGNATORY_NAME": "นางทดสอบ ลงนาม",
    "RECEIPT_SIGNATORY_TITLE": "เหรัญญิก",
    "TAX_ID_KEYS": "A" * 43 + "=",
}


@pytest.fixture()
def production(environment, tmp_path):
    """A complete production environment; tests take one setting away at a time."""
    environment.setenv("PARTNERSHIP_ENV", "production")
    environment.setenv("SECRET_KEY", "a-long-random-production-secret")
    environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    environment.setenv("BASE_URL", SITE)
    environment.setenv("TRUSTED_HOSTS", "partnership.example.org")
    for name, value in PRODUCTION_RECEIPTS.items():
        environment.setenv(name, value)
    return environment


def test_production_refuses_to_start_without_secret_key(production, tmp_path):
    production.delenv("SECRET_KEY")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("BASE_URL", None, "BASE_URL must be set"),
        ("BASE_URL", "http://partnership.example.org", "https"),
        ("BASE_URL", "partnership.example.org", "BASE_URL must look like"),
        ("BASE_URL", "https://partnership.example.org/?next=x", "BASE_URL must look like"),
        ("TRUSTED_HOSTS", None, "TRUSTED_HOSTS must be set"),
        ("TRUSTED_HOSTS", " , ", "TRUSTED_HOSTS must be set"),
        ("TRUSTED_HOSTS", "other.example.org", "TRUSTED_HOSTS must include the host"),
        ("TRUSTED_PROXIES", "one", "TRUSTED_PROXIES must be a whole number"),
        ("SMTP_HOST", "smtp.example.org", "MAIL_FROM must be set"),
    ],
)
def test_production_refuses_to_start_without_its_site(production, tmp_path, name, value, message):
    if value is None:
        production.delenv(name)
    else:
        production.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config(str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_unknown_environment_is_refused(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "prod")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


def test_production_settings(production, tmp_path):
    production.setenv("BASE_URL", "https://partnership.example.org/app/")
    production.setenv("TRUSTED_HOSTS", "partnership.example.org, .example.org")
    production.setenv("TRUSTED_PROXIES", "2")
    config = load_config(str(tmp_path))
    assert config["SECRET_KEY"] == "a-long-random-production-secret"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["HSTS"] is True
    assert config["RATELIMIT_ENABLED"] is True
    assert config["BASE_URL"] == "https://partnership.example.org/app"
    assert config["SERVER_NAME"] == "partnership.example.org"
    assert config["PREFERRED_URL_SCHEME"] == "https"
    assert config["APPLICATION_ROOT"] == "/app"
    assert config["TRUSTED_HOSTS"] == ["partnership.example.org", ".example.org"]
    assert config["TRUSTED_PROXIES"] == 2
    # The __Host- prefix needs Path=/ and no Domain, even when the site lives below /app.
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["SESSION_COOKIE_PATH"] == "/" and config["SESSION_COOKIE_DOMAIN"] is None


def test_development_defaults(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "development")
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["HSTS"] is False
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/partnership.sqlite3"
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["SERVER_NAME"] == "127.0.0.1:5000"
    assert config["TRUSTED_HOSTS"] is None and config["TRUSTED_PROXIES"] == 0
    assert config["SESSION_COOKIE_NAME"] == "session"  # __Host- needs https, which dev lacks


def test_default_sender_is_an_address_the_validator_accepts(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "development")
    sender = load_config(str(tmp_path))["MAIL_FROM"]
    assert validate_email(sender, check_deliverability=False).normalized == sender


def production_app():
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        from partnership.extensions import db

        db.create_all()
    return app


def test_production_cookie_is_host_prefixed_secure_httponly_lax(production):
    client = production_app().test_client()
    response = client.post("/language", data={"lang": "en"}, base_url=SITE)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = [part.strip() for part in cookie.split(";")]
    assert "Secure" in attributes and "HttpOnly" in attributes and "SameSite=Lax" in attributes
    assert "Path=/" in attributes
    assert not any(a.lower().startswith("domain=") for a in attributes)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # The browser sends the cookie back under the same name, and the session holds.
    assert "English" in client.get("/", base_url=SITE).text
    assert client.get("/", base_url=SITE).request.cookies.get("__Host-session")


def test_production_refuses_a_host_it_does_not_serve(production):
    client = production_app().test_client()
    assert client.get("/", base_url=SITE).status_code == 200
    response = client.post(
        "/password/reset", data={"email": "a@example.org"}, base_url="https://evil.example"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql://u:p@db/app", "postgresql+psycopg://u:p@db/app"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:////srv/app.sqlite3", "sqlite:////srv/app.sqlite3"),
    ],
)
def test_database_url_gets_the_psycopg_driver(environment, tmp_path, given, expected):
    environment.setenv("PARTNERSHIP_ENV", "development")
    environment.setenv("DATABASE_URL", given)
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == expected


def proxied_app(database_url, tmp_path_factory, proxies: int):
    """The test app on the test database, behind ``proxies`` trusted reverse proxies."""
    from tests.conftest import test_config

    config = test_config(database_url, tmp_path_factory)
    config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=proxies)
    return create_app(config)


def login_from(client, forwarded_for: str, n: int) -> int:
    """A failed login (a new address each time: only the per-IP bucket counts) via a proxy."""
    return client.post(
        "/login",
        data={"email": f"guess{n}@example.org", "password": "wrong guess 1"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the proxy
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
    ).status_code


@pytest.mark.parametrize("proxies", [1, 0])
def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(
    migrated_app, database_url, tmp_path_factory, proxies
):
    from partnership.extensions import limiter

    app = proxied_app(database_url, tmp_path_factory, proxies)
    limiter.reset()
    client = app.test_client()
    try:
        assert [login_from(client, "203.0.113.7", n) for n in range(3)] == [200, 200, 429]
        other_client = login_from(client, "203.0.113.8", 3)
        # Without TRUSTED_PROXIES the header is not believed: everyone is the proxy's address.
        assert other_client == (200 if proxies else 429)
        # A client cannot choose its address by adding its own X-Forwarded-For in front.
        spoofed = login_from(client, "198.51.100.1, 203.0.113.7", 4)
        assert spoofed == 429
    finally:
        limiter.reset()
        with app.app_context():
            from partnership.extensions import db

            db.engine.dispose()


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(
    migrated_app, database_url, tmp_path_factory
):
    app = proxied_app(database_url, tmp_path_factory, 1)
    seen = {}

    @app.get("/__scheme")
    def scheme():
        seen.update(scheme=request.scheme, remote=request.remote_addr)
        return ""

    app.test_client().get(
        "/__scheme",
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
    )
    assert seen == {"scheme": "https", "remote": "203.0.113.7"}
    with app.app_context():
        from partnership.extensions import db

        db.engine.dispose()

"""Security headers, production settings, session cookies and the database URL."""

from __future__ import annotations

import pytest

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
    for name in ("SECRET_KEY", "DATABASE_URL", "RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARTNERSHIP_INSTANCE", str(tmp_path))
    return monkeypatch


def test_production_refuses_to_start_without_secret_key(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_unknown_environment_is_refused(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "prod")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


def test_production_settings(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "production")
    environment.setenv("SECRET_KEY", "a-long-random-production-secret")
    config = load_config(str(tmp_path))
    assert config["SECRET_KEY"] == "a-long-random-production-secret"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["HSTS"] is True
    assert config["RATELIMIT_ENABLED"] is True


def test_development_defaults(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "development")
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["HSTS"] is False
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/partnership.sqlite3"


def test_production_cookie_is_secure_httponly_lax(environment, tmp_path):
    environment.setenv("PARTNERSHIP_ENV", "production")
    environment.setenv("SECRET_KEY", "a-long-random-production-secret")
    environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.post("/language", data={"lang": "en"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


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
    assert ("pool_pre_ping" in config["SQLALCHEMY_ENGINE_OPTIONS"]) == expected.startswith("post")

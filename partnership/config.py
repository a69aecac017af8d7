"""Settings read from environment variables, with safe defaults only for development."""

from __future__ import annotations

import os
from datetime import timedelta


class ConfigError(RuntimeError):
    """Raised when the app would start with an unsafe or incomplete configuration."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "partnership.sqlite3")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_config(instance_path: str) -> dict:
    """Build the Flask config from the environment (``PARTNERSHIP_ENV`` picks the profile)."""
    env = os.environ.get("PARTNERSHIP_ENV", "development")
    if env not in {"development", "production", "testing"}:
        raise ConfigError(f"PARTNERSHIP_ENV must be development, production or testing: {env!r}")
    development = env == "development"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigError("SECRET_KEY must be set in production")
        secret = "dev-only-not-secret"
    url = _database_url(instance_path)
    stripe_api_base = os.environ.get("STRIPE_API_BASE", "")
    if env == "production" and stripe_api_base and not stripe_api_base.startswith("https://"):
        raise ConfigError("STRIPE_API_BASE must be https:// in production (or unset)")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": (
            {"pool_pre_ping": True} if url.startswith("postgresql") else {}
        ),
        "SESSION_COOKIE_SECURE": not development and env != "testing",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not development and env != "testing",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "HSTS": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        "LANGUAGES": ("th", "en"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@partnership.local"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", True),
        "UPLOAD_STORAGE": os.environ.get("UPLOAD_STORAGE", "local"),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", os.path.join(instance_path, "uploads")),
        "UPLOAD_MAX_BYTES": int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))),
        "UPLOAD_MAX_FILES": int(os.environ.get("UPLOAD_MAX_FILES", "5")),
        "S3_BUCKET": os.environ.get("S3_BUCKET", ""),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", ""),
        # Online giving is off until both Stripe keys are set.
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": stripe_api_base,
        # Seconds per attempt; with the SDK's 2 retries a silent Stripe costs about 26 s, under
        # gunicorn's default 30 s worker timeout.
        "STRIPE_TIMEOUT": float(os.environ.get("STRIPE_TIMEOUT", "8")),
        # The largest online gift; Stripe's eight-digit limit is ฿999,999.99.
        "DONATION_MAX_SATANG": int(os.environ.get("DONATION_MAX_SATANG", "99999999")),
        "PAGE_SIZE": 20,
    }

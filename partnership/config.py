"""Settings read from environment variables, with safe defaults only for development."""

from __future__ import annotations

import os
from datetime import date, timedelta
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted


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


#: Where the app is reached when BASE_URL is not set (never in production).
DEFAULT_BASE_URLS = {"development": "http://127.0.0.1:5000", "testing": "http://localhost"}


def _engine_options(url: str) -> dict:
    """psycopg prepares a statement on its fifth run on a connection; a pooler that hands each
    transaction another server connection (PgBouncer in transaction mode before 1.21) breaks
    that, so ``DATABASE_PREPARED_STATEMENTS=off`` turns it off."""
    if url.startswith("postgresql") and not _bool("DATABASE_PREPARED_STATEMENTS", True):
        return {"connect_args": {"prepare_threshold": None}}
    return {}


def _site(env: str) -> dict:
    """``BASE_URL`` and what Flask derives from it; every link in an e-mail is built on it.

    The request's Host header is never used for a link that leaves the site: a forged Host would
    otherwise put an attacker's domain into a password-reset e-mail.
    """
    base_url = os.environ.get("BASE_URL", "").strip() or DEFAULT_BASE_URLS.get(env, "")
    if not base_url:
        raise ConfigError(
            "BASE_URL must be set in production, e.g. https://partnership.example.org"
        )
    parts = urlsplit(base_url)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(f"BASE_URL must look like https://host[:port][/path]: {base_url!r}")
    if env == "production" and parts.scheme != "https":
        raise ConfigError("BASE_URL must use https in production (the cookies are Secure)")
    trusted = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    if env == "production":
        if not trusted:
            raise ConfigError("TRUSTED_HOSTS must be set in production, e.g. example.org")
        if not host_is_trusted(parts.netloc, trusted):
            raise ConfigError(f"TRUSTED_HOSTS must include the host of BASE_URL: {parts.netloc!r}")
    path = parts.path.rstrip("/")
    return {
        "BASE_URL": f"{parts.scheme}://{parts.netloc}{path}",
        "SERVER_NAME": parts.netloc,
        "PREFERRED_URL_SCHEME": parts.scheme,
        "APPLICATION_ROOT": path or "/",
        # None: any Host is served (development and tests); a list: other hosts get 400.
        "TRUSTED_HOSTS": trusted or None,
    }


def _count(name: str, default: int = 0) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number: {value!r}")
    return int(value)


#: What a receipt names as the receiving foundation, outside production (invented details).
DEMO_FOUNDATION = {
    "RECEIPT_ORG_NAME": "มูลนิธิสานอนาคตการศึกษา (ตัวอย่าง)",
    "RECEIPT_ORG_ADDRESS": "99 ถนนตัวอย่าง แขวงลุมพินี เขตปทุมวัน กรุงเทพมหานคร 10330",
    "RECEIPT_ORG_TAX_ID": "0993000000000",
    #: The Ministry of Finance announcement that lists the foundation as a public charity
    #: (Revenue Code section 47(7)(ข)): its number and its date (YYYY-MM-DD, Common Era).
    "RECEIPT_ORG_CHARITY_ANNOUNCEMENT": "999",
    "RECEIPT_ORG_CHARITY_DATE": "2020-01-01",
    #: Who signs the receipts for the foundation.
    "RECEIPT_SIGNATORY_NAME": "นางสาวตัวอย่าง ลงนาม",
    "RECEIPT_SIGNATORY_TITLE": "เหรัญญิกมูลนิธิ",
}


def _receipts(env: str, secret: str) -> dict:
    """The foundation on receipts and the keys of the donors' tax ids (both required in
    production; development and tests get demo details and a key derived from SECRET_KEY)."""
    from .core.crypto import derived_key, parse_keys

    production = env == "production"
    values = {}
    for name, demo in DEMO_FOUNDATION.items():
        value = os.environ.get(name, "").strip()
        if not value and production:
            raise ConfigError(f"{name} must be set in production (it is printed on receipts)")
        values[name] = value or demo
    try:
        values["RECEIPT_ORG_CHARITY_DATE"] = date.fromisoformat(values["RECEIPT_ORG_CHARITY_DATE"])
    except ValueError:
        raise ConfigError("RECEIPT_ORG_CHARITY_DATE must be a date: YYYY-MM-DD") from None
    #: An image (PNG or JPEG) of the signatory's signature, printed above their name.
    signature = os.environ.get("RECEIPT_SIGNATURE_IMAGE", "").strip()
    if signature and not os.path.isfile(signature):
        raise ConfigError(f"RECEIPT_SIGNATURE_IMAGE is not a file: {signature!r}")
    values["RECEIPT_SIGNATURE_IMAGE"] = signature or None
    raw_keys = os.environ.get("TAX_ID_KEYS", "").strip()
    if not raw_keys:
        if production:
            raise ConfigError(
                "TAX_ID_KEYS must be set in production: comma-separated Fernet keys, newest first"
            )
        raw_keys = derived_key(secret, "tax-id")
    try:
        values["TAX_ID_KEYS"] = parse_keys(raw_keys)
    except ValueError as error:
        raise ConfigError(f"TAX_ID_KEYS: {error}") from None
    if not values["TAX_ID_KEYS"]:
        raise ConfigError("TAX_ID_KEYS holds no key")
    #: Seconds a receipt link in the thank-you e-mail stays valid (a year by default).
    values["RECEIPT_LINK_MAX_AGE"] = _count("RECEIPT_LINK_MAX_AGE", 365 * 86400)
    #: Receipt openings per client address (each one renders a PDF).
    values["RECEIPT_RATE_LIMIT"] = os.environ.get("RECEIPT_RATE_LIMIT", "30 per minute")
    return values


def _mfa(secret: str) -> dict:
    """Second factors: the grace period, the step-up window, the key of the app secrets."""
    from .core.crypto import derived_key, parse_keys

    raw_keys = os.environ.get("MFA_KEYS", "").strip() or derived_key(secret, "mfa")
    try:
        keys = parse_keys(raw_keys)
    except ValueError as error:
        raise ConfigError(f"MFA_KEYS: {error}") from None
    return {
        #: Days staff and committee members may work without a second factor, counted from
        #: when the requirement started for them (their account, or when staff restarted it).
        "MFA_GRACE_DAYS": _count("MFA_GRACE_DAYS", 7),
        #: Seconds a second-factor check covers actions that move money or access.
        "MFA_STEP_UP_SECONDS": _count("MFA_STEP_UP_SECONDS", 600),
        #: Fernet keys of the authenticator-app secrets, newest first (default: from SECRET_KEY).
        "MFA_KEYS": keys,
        #: The name authenticator apps and passkey prompts show.
        "MFA_ISSUER": os.environ.get("MFA_ISSUER", "partnership").strip() or "partnership",
        #: The passkey relying party id; by default the host of BASE_URL.
        "WEBAUTHN_RP_ID": os.environ.get("WEBAUTHN_RP_ID", "").strip(),
    }


MAIL_DELIVERY_MODES = ("inline", "worker", "rq")


def _mail_delivery(env: str, redis_url: str) -> str:
    """How mail leaves: inline in development and tests, else RQ with REDIS_URL or the worker."""
    mode = os.environ.get("MAIL_DELIVERY", "").strip()
    if not mode:
        if env != "production":
            return "inline"
        return "rq" if redis_url else "worker"
    if mode not in MAIL_DELIVERY_MODES:
        raise ConfigError(f"MAIL_DELIVERY must be inline, worker or rq: {mode!r}")
    if mode == "rq" and not redis_url:
        raise ConfigError("MAIL_DELIVERY=rq needs REDIS_URL, e.g. redis://127.0.0.1:6379/0")
    return mode


#: The e-Donation file's columns until the Revenue Department's template is checked (keys of
#: ``receipts.exports.EDONATION_COLUMN_KEYS``).
EDONATION_DEFAULT_COLUMNS = (
    "tax_id,title,first_name,surname,amount_baht,date_be,receipt_no,action,reference"
)


def _edonation() -> dict:
    """The foundation's e-Donation deadline and the monthly file's columns
    (docs/features/receipts.md)."""
    columns = os.environ.get("EDONATION_COLUMNS", "").strip() or EDONATION_DEFAULT_COLUMNS
    keys = tuple(key.strip() for key in columns.split(",") if key.strip())
    if not keys:
        raise ConfigError("EDONATION_COLUMNS names no column")
    return {
        #: Days after the gift (or the refund) to enter it; 0: by the end of the next month.
        "EDONATION_DEADLINE_DAYS": _count("EDONATION_DEADLINE_DAYS", 0),
        #: The column keys of the monthly file, in order (checked against the vocabulary when
        #: the app starts).
        "EDONATION_COLUMNS": keys,
        #: 1 once the columns were checked against the Revenue Department's template; until
        #: then every file says it is a worksheet.
        "EDONATION_MAPPING_CHECKED": _bool("EDONATION_MAPPING_CHECKED", False),
    }


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
    production = env == "production"
    smtp_host = os.environ.get("SMTP_HOST", "")
    if production and smtp_host and not os.environ.get("MAIL_FROM"):
        raise ConfigError("MAIL_FROM must be set in production when SMTP_HOST is set")
    redis_url = os.environ.get("REDIS_URL", "")
    mail_delivery = _mail_delivery(env, redis_url)
    stripe_api_base = os.environ.get("STRIPE_API_BASE", "")
    if env == "production" and stripe_api_base and not stripe_api_base.startswith("https://"):
        raise ConfigError("STRIPE_API_BASE must be https:// in production (or unset)")
    return {
        **_site(env),
        **_receipts(env, secret),
        **_mfa(secret),
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": url,
        # PostgreSQL's pooled connections are pinged only after sitting idle (core.database).
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(url),
        "SESSION_COOKIE_SECURE": not development and env != "testing",
        # The __Host- prefix makes the browser refuse the cookie unless it is Secure, has Path=/
        # and no Domain, so a sibling subdomain cannot plant or overwrite a session.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
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
        # A rate-limit Redis that does not answer: each worker counts in its own memory until
        # it answers again (limits stay, per worker, instead of failing every limited form).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": _bool("RATELIMIT_IN_MEMORY_FALLBACK", True),
        #: How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host.
        "TRUSTED_PROXIES": _count("TRUSTED_PROXIES"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600")),
        "EMAIL_CONFIRM_MAX_AGE": int(os.environ.get("EMAIL_CONFIRM_MAX_AGE", str(3 * 86400))),
        #: Mails one address can be sent by sign-up and reset requests, together.
        "MAIL_RATE_LIMIT": os.environ.get("MAIL_RATE_LIMIT", "5 per hour"),
        #: Posts of the give form per client address, and per donor e-mail address from any:
        #: each valid post makes a pending donation and a Checkout Session at Stripe.
        "GIVE_RATE_LIMIT": os.environ.get("GIVE_RATE_LIMIT", "10 per minute"),
        "GIVE_EMAIL_RATE_LIMIT": os.environ.get("GIVE_EMAIL_RATE_LIMIT", "5 per 10 minutes"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@example.org"),
        #: How the public reaches the foundation: named in every page's footer.
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "contact@example.org"),
        "CONTACT_PHONE": os.environ.get("CONTACT_PHONE", "02-000-0000"),
        #: Requests for a fresh receipt link per client address (each mails at most one link,
        #: and the address also counts against MAIL_RATE_LIMIT).
        "RECEIPT_RENEW_RATE_LIMIT": os.environ.get("RECEIPT_RENEW_RATE_LIMIT", "10 per hour"),
        #: Registrations for a meeting's public session per client address (each may mail a
        #: confirmation), and posts of a registrant's cancel link.
        "SESSION_REGISTER_RATE_LIMIT": os.environ.get(
            "SESSION_REGISTER_RATE_LIMIT", "10 per minute"
        ),
        "SESSION_CANCEL_RATE_LIMIT": os.environ.get("SESSION_CANCEL_RATE_LIMIT", "30 per minute"),
        "SMTP_HOST": smtp_host,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", True),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "10")),
        #: inline (after the request's commit), worker (``flask worker``) or rq (REDIS_URL).
        "MAIL_DELIVERY": mail_delivery,
        "REDIS_URL": redis_url,
        #: Fernet key(s), comma-separated, newest first; default derived from SECRET_KEY.
        "MAIL_BODY_KEY": os.environ.get("MAIL_BODY_KEY", ""),
        "MAIL_MAX_ATTEMPTS": _count("MAIL_MAX_ATTEMPTS", 8) or 1,
        "MAIL_RETRY_BASE_SECONDS": _count("MAIL_RETRY_BASE_SECONDS", 60),
        "MAIL_RETRY_MAX_SECONDS": _count("MAIL_RETRY_MAX_SECONDS", 6 * 3600),
        "MAIL_CLAIM_TIMEOUT": _count("MAIL_CLAIM_TIMEOUT", 300),
        "WORKER_POLL_SECONDS": float(os.environ.get("WORKER_POLL_SECONDS", "5")),
        #: Seconds a donor's privacy link (in every donor e-mail) stays valid.
        "DONOR_LINK_MAX_AGE": _count("DONOR_LINK_MAX_AGE", 180 * 86400),
        #: Days donors' personal and tax data are kept (``flask donors purge``).
        "TAX_DATA_RETENTION_DAYS": _count("TAX_DATA_RETENTION_DAYS", 3653),
        "UPLOAD_STORAGE": os.environ.get("UPLOAD_STORAGE", "local"),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", os.path.join(instance_path, "uploads")),
        "UPLOAD_MAX_BYTES": int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))),
        "UPLOAD_MAX_FILES": int(os.environ.get("UPLOAD_MAX_FILES", "5")),
        "S3_BUCKET": os.environ.get("S3_BUCKET", ""),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", ""),
        #: The bucket's region (AWS); empty: the AWS SDK's own (AWS_DEFAULT_REGION, us-east-1).
        "S3_REGION": os.environ.get("S3_REGION", ""),
        # Online giving is off until both Stripe keys are set.
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": stripe_api_base,
        # Seconds per attempt; with the SDK's 2 retries a silent Stripe costs about 26 s, under
        # gunicorn's default 30 s worker timeout.
        "STRIPE_TIMEOUT": float(os.environ.get("STRIPE_TIMEOUT", "8")),
        # The largest online gift; Stripe's eight-digit limit is ฿999,999.99.
        "DONATION_MAX_SATANG": int(os.environ.get("DONATION_MAX_SATANG", "99999999")),
        **_edonation(),
        "PAGE_SIZE": 20,
        # Public pages kept whole for visitors without a session (core.pagecache): money and
        # state are checked on every request; other edits show within this many seconds.
        "PAGE_CACHE_SECONDS": int(
            os.environ.get("PAGE_CACHE_SECONDS", "60" if env == "production" else "0")
        ),
        "PAGE_CACHE_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "2000")),
        # A worker's own store, in bytes (8 MiB: about five hundred pages; with Redis, none).
        "PAGE_CACHE_BYTES": int(os.environ.get("PAGE_CACHE_BYTES", str(8 * 1024 * 1024))),
        # Where kept pages live: a Redis shared by every worker (by default REDIS_URL's), or,
        # empty, each worker's memory.
        "PAGE_CACHE_URL": os.environ.get("PAGE_CACHE_URL", redis_url).strip(),
    }

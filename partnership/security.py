"""Security headers on every response, a strict Content-Security-Policy, proxies and rate limits."""

from __future__ import annotations

from flask import Flask, Response, current_app
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self' https://checkout.stripe.com",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def content_security_policy() -> str:
    """The CSP; a Stripe stand-in (``STRIPE_API_BASE``, tests and local fakes only) may receive
    the donation form's redirect too, as Checkout's page does."""
    api_base = current_app.config.get("STRIPE_API_BASE")
    if not api_base:
        return CSP
    origin = "/".join(api_base.split("/")[:3])
    return CSP.replace(
        "form-action 'self' https://checkout.stripe.com",
        f"form-action 'self' https://checkout.stripe.com {origin}",
    )


def init_security(app: Flask) -> None:
    """Attach the headers; HSTS only where the site is served over HTTPS (production)."""

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> Response:
        # A Host outside TRUSTED_HOSTS: Flask could not bind the URL map to it, so no template
        # can build a link (url_for), and the visitor is not ours anyway. A plain 400 it is.
        return Response("400 Bad Request: unknown host\n", 400, mimetype="text/plain")


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, read the client from their X-Forwarded-* headers.

    Without this every request seems to come from the proxy, so all clients share one rate-limit
    bucket. With it, only the last ``TRUSTED_PROXIES`` hops are believed: a client cannot pick its
    own address by sending X-Forwarded-For. The Host a proxy forwards is still checked against
    ``TRUSTED_HOSTS``, and no link is built from it (``core.urls.external_url``).
    """
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_rate_limits(app: Flask) -> None:
    """Install Flask-Limiter's hooks on every app; ``RATELIMIT_ENABLED`` is read per request.

    Flask-Limiter reads that setting once, in ``init_app``, and installs no hooks at all when it
    is off, so the limits could never be switched on later (tests), and its ``enabled`` flag is
    global to the one ``limiter`` shared by every app. So the hooks are always installed and a
    request filter skips the limits while the app's own setting is off.
    """
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = enabled


@limiter.request_filter
def _limits_switched_off() -> bool:
    return not current_app.config.get("RATELIMIT_ENABLED", True)

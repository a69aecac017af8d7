"""What every page stands on: error pages, the health check, the icon (no feature imports)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..core.unit_of_work import UNSAFE_METHODS, Refused
from ..extensions import db

bp = Blueprint("core", __name__)

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


@bp.get("/healthz")
def healthz():
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for /favicon.ico whatever the page links to."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()  # 1 KB, no open handle
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.path.startswith("/api/")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Every HTTP error as a page in the visitor's language (JSON for API clients)."""
    if error.code in (301, 302, 303, 307, 308) or error.code is None:
        return error
    if error.response is not None:  # its own page (a rate-limited form shown again, typed)
        return error.response
    messages = {
        400: _("The request could not be understood. Go back and try again."),
        403: _("You do not have permission to open this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
    }
    message = messages.get(error.code, _("Something went wrong."))
    if isinstance(error, CSRFError):  # say why, so the person knows to reload the form
        message = _(
            "The form's security token is missing or has expired. Reload the page and try again."
        )
    if _wants_json():
        return jsonify(error=message, status=error.code), error.code
    return render_template("core/error.html", code=error.code, message=message), error.code


def _back_within_site() -> str:
    """The path of the page the person came from, if it was on this site; else the home page.

    Only a path of our own host: never a link elsewhere, never the page that was just posted to
    (that would answer a form with the same form's POST URL, which may have no GET)."""
    back = urlsplit(request.referrer or "")
    if back.netloc and back.netloc != request.host:
        return url_for("site.home")
    path = "/" + back.path.lstrip("/")
    if not back.path or path == request.path:
        return url_for("site.home")
    return path + (f"?{back.query}" if back.query else "")


def _is_form_post() -> bool:
    return request.method in UNSAFE_METHODS and request.mimetype in FORM_TYPES


@bp.app_errorhandler(Refused)
def refused(error: Refused):
    """A rule or state machine said no (often because another request just made the move):
    nothing is written; a form is sent back where it came from (or where the view said with
    ``refusal_returns_to``) with the reason, anything else gets the 409 page (JSON for API
    clients)."""
    db.session.rollback()
    message = error.user_message()
    returns_to = g.get("refusal_returns_to")  # said by a view that answers a form's button
    accept = request.accept_mimetypes
    if returns_to and accept["application/json"] <= accept["text/html"]:
        # A form route: sent back unless the client prefers JSON outright (``*/*`` does not).
        flash(message, "error")
        return redirect(returns_to, 303)
    if _wants_json():
        return jsonify(error=message, status=409), 409
    if _is_form_post():
        flash(message, "error")
        return redirect(_back_within_site(), 303)
    back = urlsplit(request.referrer or "")
    back_path = "/" + back.path.lstrip("/") + (f"?{back.query}" if back.query else "")
    return render_template("core/error.html", code=409, message=message, back=back_path), 409


#: Seconds a client is asked to wait when a dependency (PostgreSQL, Redis) does not answer.
RETRY_AFTER_SECONDS = 30


def _dependency_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean a server we depend on is down or dropped the connection, not a bug.

    Redis's are there only when its client is installed (the ``production`` extra): the
    development set-up has no Redis."""
    errors: tuple[type[BaseException], ...] = (
        sa.exc.OperationalError,
        sa.exc.DisconnectionError,
        sa.exc.InterfaceError,
    )
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:
        return errors
    return (*errors, RedisConnectionError, RedisTimeoutError)


def dependency_down(error: BaseException):
    """PostgreSQL restarting, a dropped connection, Redis unreachable: 503 with Retry-After.

    Nothing was committed (the transaction is lost with the connection), so the client may send
    the same request again: Stripe retries a webhook that got a 503 as it does any non-2xx.
    """
    current_app.logger.warning("a dependency does not answer: %s", error)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the pool drops it
        db.session.invalidate()
    message = _(
        "The service is briefly unavailable (one of its servers is not answering). "
        "Nothing was saved. Please try again in a minute."
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _wants_json() or request.path.startswith("/webhooks/"):
        return jsonify(error=message, status=503), 503, headers
    return render_template("core/error.html", code=503, message=message), 503, headers


for _error_class in _dependency_errors():
    bp.app_errorhandler(_error_class)(dependency_down)


@bp.app_errorhandler(500)
def server_error(error):
    # Flask hands an error raised after the view (the request's commit, when the database went
    # away between the view's last statement and its COMMIT) to this handler, not to the
    # error's own: it is still a dependency down, a 503.
    original = getattr(error, "original_exception", None)
    if isinstance(original, _dependency_errors()):
        return dependency_down(original)
    db.session.rollback()
    message = _("Something went wrong on our side. The team has been told; please try again.")
    if _wants_json():
        return jsonify(error=message, status=500), 500
    return render_template("core/error.html", code=500, message=message), 500

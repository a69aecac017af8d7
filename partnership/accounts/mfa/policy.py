"""Who must have a second factor, the grace period, and step-up: the factor asked again before
an action that moves money or access when the last check is older than ``MFA_STEP_UP_SECONDS``.

The session holds ``mfa_at`` (epoch seconds of the last factor check in this session). A session
of a person who has a factor is only fully signed in with it; ``gate`` ends one without it
(for instance a session opened before the person added a factor on another device).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, session, url_for
from flask.signals import Namespace
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ...core.signals import any_receiver_agrees
from ...db_types import utcnow
from ...extensions import db
from ..models import User
from .models import Passkey, TotpFactor

_signals = Namespace()

#: Asked about a person (the sender) who is not programme staff: must they have a second factor?
#: A feature that gives people power answers True for its people (review: committee members).
factor_required = _signals.signal("mfa-factor-required")


def has_factor(user: User) -> bool:
    totp = sa.select(TotpFactor.id).where(TotpFactor.user_id == user.id)
    passkey = sa.select(Passkey.id).where(Passkey.user_id == user.id)
    return bool(db.session.scalar(sa.select(sa.exists(totp) | sa.exists(passkey))))


def must_have_factor(user: User) -> bool:
    return user.is_staff or any_receiver_agrees(factor_required, user)


def grace_ends(user: User) -> datetime:
    return user.mfa_required_from + timedelta(days=current_app.config["MFA_GRACE_DAYS"])


def blocked(user: User) -> bool:
    """Past the grace period without a factor: nothing but adding one (and logging out)."""
    return must_have_factor(user) and utcnow() >= grace_ends(user) and not has_factor(user)


def mark_verified() -> None:
    """This session has just checked the second factor."""
    session["mfa_at"] = time.time()


def fresh() -> bool:
    checked = session.get("mfa_at")
    if not isinstance(checked, (int, float)):
        return False
    return time.time() - checked < current_app.config["MFA_STEP_UP_SECONDS"]


def step_up_satisfied(user: User) -> bool:
    """A person without a factor has nothing to ask again (the gate makes those who must add
    one); everyone else needs a check within ``MFA_STEP_UP_SECONDS``."""
    return fresh() or not has_factor(user)


def _back_to() -> str:
    """Where to go after the step-up: the page itself for GET, else the page the form was on."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = request.referrer or ""
    root = request.host_url.rstrip("/")
    if referrer.startswith(root + "/"):
        return referrer[len(root) :]
    return url_for("site.home")


def step_up_required(view: Callable | None = None, *, methods: tuple[str, ...] | None = None):
    """Ask for the factor again before ``view`` (for ``methods`` only, if given) unless it was
    checked within ``MFA_STEP_UP_SECONDS``. A POST without a fresh check is refused, not
    performed: the person confirms and submits again. Put it below the role decorator.

    Approving or paying a disbursement must use it too when that feature is built.
    """

    def decorate(inner: Callable) -> Callable:
        @wraps(inner)
        def wrapper(*args, **kwargs):
            applies = methods is None or request.method in methods
            if applies and current_user.is_authenticated and not step_up_satisfied(current_user):
                flash(_("Confirm it is you: enter your second factor again."), "info")
                return redirect(url_for("mfa.step_up", next=_back_to()), 303)
            return inner(*args, **kwargs)

        wrapper.step_up = True  # type: ignore[attr-defined]  (tests list the guarded views)
        return wrapper

    return decorate(view) if view is not None else decorate


#: Endpoints a person who must add a factor can still open.
OPEN_WHILE_BLOCKED = frozenset({"static", "accounts.logout", "accounts.set_language"})


def gate():
    """Before every request of a signed-in person: a session without the factor ends; a person
    past the grace period without a factor is sent to add one."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    if "mfa_at" not in session and has_factor(user):
        logout_user()
        session.clear()
        flash(_("Log in again with your second factor."), "info")
        return redirect(url_for("accounts.login"))
    endpoint = request.endpoint
    if endpoint in OPEN_WHILE_BLOCKED or endpoint.startswith("mfa."):
        return None
    if blocked(user):
        flash(_("Add a second factor to go on: your grace period has ended."), "error")
        return redirect(url_for("mfa.security"))
    return None

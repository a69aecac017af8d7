"""Where a session starts and where it may go next: shared by the log-in pages and the second
step (``mfa``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, session
from flask_login import login_user


def safe_next(default: str) -> str:
    """The ``next`` parameter only if it points inside this site."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    inside = target.startswith("/") and not target.startswith("//") and "\\" not in target
    if inside and not parts.netloc and not parts.scheme:
        return target
    return default


def start_session(user, mfa_at: float | None = None) -> None:
    """A fresh session on login: nothing from before survives except the language (and, when
    given, the time of this session's last second-factor check)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    if mfa_at is not None:
        session["mfa_at"] = mfa_at
    login_user(user)

"""One place for access checks: load-or-404-then-403 for objects, a decorator for staff pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from .extensions import db

T = TypeVar("T")


def load_or_404(model: type[T], object_id: int, action: str = "view") -> T:
    """Fetch ``model`` by id (404 if missing) and check ``can_<action>`` for the current user."""
    obj = db.get_or_404(model, object_id)
    require(getattr(obj, f"can_{action}")(current_user))
    return obj


def require(allowed: bool) -> None:
    """Stop with 401 (anonymous: Flask-Login sends them to log in) or 403 unless allowed."""
    if allowed:
        return
    if not current_user.is_authenticated:
        from .extensions import login_manager

        abort(login_manager.unauthorized())
    abort(403)


def staff_required(view: Callable) -> Callable:
    """Whole pages for programme staff only."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        require(current_user.is_authenticated and current_user.is_staff)
        return view(*args, **kwargs)

    return wrapper


def login_required(view: Callable) -> Callable:
    """Any signed-in person."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        require(current_user.is_authenticated)
        return view(*args, **kwargs)

    return wrapper

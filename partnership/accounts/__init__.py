"""Accounts: sign-in, registration, memberships, second factors and staff's people pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Sign-in, registration and the account pages, second factors, and staff's people pages."""
    from .mfa.views import bp as mfa_bp
    from .views import bp
    from .views_staff import bp as staff_bp

    for blueprint in (bp, mfa_bp, staff_bp):
        app.register_blueprint(blueprint)

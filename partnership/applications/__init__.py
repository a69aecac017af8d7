"""Applications: schools' proposals with budgets and attachments, and their screening."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Schools' application pages and staff's screening."""
    from .views import bp
    from .views_staff import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)

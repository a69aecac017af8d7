"""Applications: schools' proposals with budgets and attachments, and their screening."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Schools' application pages and staff's screening; the school dashboard's reminder of an
    open school data collection (the registry sits below applications and cannot connect it)."""
    from ..registry.school_data.views import school_dashboard_section
    from .signals import school_dashboard
    from .views import bp
    from .views_staff import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    school_dashboard.connect(school_dashboard_section)

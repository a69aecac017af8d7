"""The registry: schools, sponsor organisations and the partnerships between them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The school, organisation and partnership pages, and the school data pages."""
    from .school_data import views as school_data_views
    from .school_data import views_staff as school_data_staff
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(school_data_views.bp)
    app.register_blueprint(school_data_staff.bp)

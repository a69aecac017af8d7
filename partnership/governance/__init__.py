"""Public–private governance: working groups, committees and assemblies, their members over
time, meetings numbered per year, agendas, resolutions that point at what they decided in the
app (and the records that point back), minutes, action items, public sessions and the library
of lessons shared."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages and the receiver that names the resolutions behind a lower feature's record."""
    from ..core.signals import decided_by
    from .citations import cite
    from .minutes.views import bp as minutes_bp
    from .sessions import views as sessions_views
    from .sessions import views_staff as sessions_staff
    from .views import bp
    from .views_meetings import bp as meetings_bp
    from .views_staff import bp as bodies_bp

    app.register_blueprint(bp)
    app.register_blueprint(sessions_views.bp)
    app.register_blueprint(sessions_staff.bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(bodies_bp)
    decided_by.connect(cite)

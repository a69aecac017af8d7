"""Public–private governance: working groups, committees and assemblies, their members over
time, meetings numbered per year, agendas, resolutions that point at what they decided in the
app (and the records that point back), minutes, action items, public sessions and the library
of lessons shared."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages, the receiver that names the resolutions behind a lower feature's record, and
    the action items' reminders at each pass of the mail worker."""
    from ..core.signals import decided_by
    from ..notifications.worker import worker_pass
    from .actions import reminders as action_reminders
    from .actions import views as action_views
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
    app.register_blueprint(action_views.bp)
    app.add_template_global(action_views.resolution_action_items)
    decided_by.connect(cite)
    worker_pass.connect(action_reminders.remind_on_worker_pass)

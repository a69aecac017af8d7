"""Outcomes, planned against reported: a programme names its measures (laptops delivered,
pupils reached ...), the school reports its figures for its funded campaign, staff verify them
or send them back, and the programme page shows the verified figures against the plan."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The staff and school pages, the public file of a programme's outcomes, and the
    programme page's section."""
    from ..programmes.signals import programme_page
    from . import receivers, views, views_school, views_staff

    app.register_blueprint(views.bp)
    app.register_blueprint(views_staff.bp)
    app.register_blueprint(views_school.bp)
    programme_page.connect(receivers.programme_outcomes)

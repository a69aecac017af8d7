"""Committee review: members, conflicts, assignment, score sheets, ranking and decisions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Staff's committee pages, members' score sheets, the ranking and decisions; and what
    review adds to the rules below it: who may view an application, when a rubric is in use,
    who needs a second factor."""
    from ..accounts.mfa.policy import factor_required
    from ..applications.signals import may_view_application
    from ..programmes.signals import rubric_in_use
    from . import access, reviews
    from .views_decisions import bp as decisions_bp
    from .views_member import bp as member_bp
    from .views_staff import bp as staff_bp

    for blueprint in (staff_bp, member_bp, decisions_bp):
        app.register_blueprint(blueprint)
    may_view_application.connect(access.reviewer_may_view)
    factor_required.connect(access.committee_members_need_a_second_factor)
    rubric_in_use.connect(reviews.review_submitted_for)

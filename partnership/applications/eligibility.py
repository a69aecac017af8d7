"""The automatic eligibility check: each programme rule, named, with a translatable reason."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..registry.models import NetworkStatus
from .models import Application, ApplicationState


class Rule(enum.StrEnum):
    """Codes stored in ``Application.eligibility_failures``."""

    NOT_OPEN = "not_open"
    DEADLINE_PASSED = "deadline_passed"
    NOT_MEMBER = "not_member"
    GRADES = "grades"
    PROVINCE = "province"
    OVER_CAP = "over_cap"
    NO_BUDGET = "no_budget"
    TOO_MANY = "too_many"

    @property
    def reason(self) -> str:
        return str(REASONS[self])


REASONS = {
    Rule.NOT_OPEN: _l("The programme is not open for applications."),
    Rule.DEADLINE_PASSED: _l(
        "The closing time has passed; applications can no longer be submitted."
    ),
    Rule.NOT_MEMBER: _l("Only schools in the partnership network may apply."),
    Rule.GRADES: _l("The school does not teach all the grades the programme serves."),
    Rule.PROVINCE: _l("Schools in this province may not apply to this programme."),
    Rule.OVER_CAP: _l("The budget requested is more than the programme's cap."),
    Rule.NO_BUDGET: _l("The budget has no items."),
    Rule.TOO_MANY: _l("The school already has as many applications as the programme allows."),
}

#: Rules that stop a submission outright (the school sees why; the application stays a draft).
WINDOW_RULES = frozenset({Rule.NOT_OPEN, Rule.DEADLINE_PASSED})

#: The one rule for ``max_applications_per_school``: an application counts from the moment it
#: is started until it is withdrawn (drafts included), when starting one and when checking one.
NOT_COUNTED_STATES = (ApplicationState.WITHDRAWN,)


def window_failures(application: Application, at: datetime) -> list[Rule]:
    """Is the programme taking submissions at ``at``?"""
    programme = application.programme
    if at >= programme.closes_at:
        return [Rule.DEADLINE_PASSED]
    if not programme.is_open_at(at):
        return [Rule.NOT_OPEN]
    return []


def counted_applications(programme_id: int, school_id: int, exclude_id: int | None = None) -> int:
    """How many of the school's applications to the programme count towards its limit."""
    query = sa.select(sa.func.count(Application.id)).where(
        Application.programme_id == programme_id,
        Application.school_id == school_id,
        Application.state.not_in(NOT_COUNTED_STATES),
    )
    if exclude_id is not None:
        query = query.where(Application.id != exclude_id)
    return db.session.scalar(query) or 0


def rule_failures(application: Application) -> list[Rule]:
    """The programme's rules (everything but the time window) this application fails."""
    programme, school = application.programme, application.school
    failed: list[Rule] = []
    if programme.members_only and school.network_status != NetworkStatus.MEMBER:
        failed.append(Rule.NOT_MEMBER)
    if programme.min_grade is not None and not school.offers_grades(
        programme.min_grade, programme.max_grade
    ):
        failed.append(Rule.GRADES)
    if programme.allowed_provinces and school.province_code not in programme.allowed_provinces:
        failed.append(Rule.PROVINCE)
    total = sum(line.total_satang for line in application.budget_lines)
    if not application.budget_lines:
        failed.append(Rule.NO_BUDGET)
    elif total > programme.cap_satang:
        failed.append(Rule.OVER_CAP)
    others = counted_applications(programme.id, school.id, exclude_id=application.id)
    if others >= programme.max_applications_per_school:
        failed.append(Rule.TOO_MANY)
    return failed


def check(application: Application, at: datetime) -> list[Rule]:
    """Every failed rule, window first; empty when the application may be submitted and passes."""
    return window_failures(application, at) + rule_failures(application)


def parse_codes(stored: str) -> list[Rule]:
    """Read ``eligibility_failures`` back (unknown codes are skipped)."""
    return [Rule(code) for code in stored.split(",") if code in Rule._value2member_map_]

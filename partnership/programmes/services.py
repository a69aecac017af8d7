"""Programme rules: creating and editing calls, the rubric lock and the state machine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from ..core.collections import sync_by_position
from ..core.signals import any_receiver_agrees
from ..core.transitions import TransitionRefused, hold_row, move
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BANGKOK
from .models import Programme, ProgrammeEvent, ProgrammeState, RubricCriterion
from .signals import rubric_in_use


class ProgrammeError(Refused):
    """A programme operation that the rules do not allow."""


class IllegalProgrammeTransition(ProgrammeError, TransitionRefused):
    """A move between programme states that is not in ``PROGRAMME_TRANSITIONS``."""

    def __init__(self, from_state: ProgrammeState, to_state: ProgrammeState, why: str = ""):
        self.from_state, self.to_state, self.why = from_state, to_state, why
        super().__init__(
            f"programme cannot go from {from_state} to {to_state}{': ' + why if why else ''}"
        )
        if why == "no rubric":
            self.message = _l("Add at least one rubric criterion before opening the programme.")
        elif why == "closing time passed":
            self.message = _l(
                "The closing time has passed. Move it later before opening the programme."
            )
        else:
            self.message = _l(
                "The programme cannot move from %(a)s to %(b)s.",
                a=from_state.label,
                b=to_state.label,
            )


class RubricLocked(ProgrammeError):
    """The rubric cannot change once the first review is submitted."""

    message = _l("The rubric cannot change once the first review is submitted.")


S = ProgrammeState
#: Every allowed move. A closed call may be reopened (e.g. to extend the deadline).
PROGRAMME_TRANSITIONS: dict[ProgrammeState, frozenset[ProgrammeState]] = {
    S.DRAFT: frozenset({S.OPEN}),
    S.OPEN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.OPEN, S.REVIEWING}),
    S.REVIEWING: frozenset({S.DECIDED}),
    S.DECIDED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
}


def rubric_locked(programme: Programme) -> bool:
    """True once a feature above says the rubric is in use (review: a review was submitted)."""
    return programme.id is not None and any_receiver_agrees(rubric_in_use, programme)


def bangkok_to_utc(local: datetime) -> datetime:
    """A naive wall-clock time typed in Bangkok, as an aware UTC datetime."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=BANGKOK).astimezone(UTC)


def utc_to_bangkok_naive(value: datetime) -> datetime:
    """A stored time as the naive Bangkok wall-clock value a datetime-local input shows."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BANGKOK).replace(tzinfo=None)


@dataclass(frozen=True)
class CriterionData:
    label_th: str
    label_en: str
    guidance: str
    max_score: int
    weight: int


#: Programme columns the form may set (never id, state or creator).
PROGRAMME_FIELDS = (
    "name_th", "name_en", "description_th", "description_en", "opens_at", "closes_at",
    "budget_total_satang", "cap_satang", "members_only", "min_grade", "max_grade",
    "province_codes", "reviews_per_application", "require_sector_balance",
    "max_applications_per_school", "tie_break", "use_calibration",
)  # fmt: skip


def create_programme(values: dict, criteria: list[CriterionData], actor) -> Programme:
    """A new programme in draft, with its rubric."""
    programme = Programme(created_by=actor, state=ProgrammeState.DRAFT)
    _apply(programme, values)
    db.session.add(programme)
    replace_rubric(programme, criteria)
    record_creation(programme, actor)
    db.session.flush()
    return programme


def update_programme(programme: Programme, values: dict, criteria: list[CriterionData] | None):
    """Change a programme's settings; ``criteria`` None leaves the rubric as it is."""
    if programme.state == ProgrammeState.ARCHIVED:
        raise ProgrammeError("an archived programme cannot change")
    _apply(programme, values)
    if criteria is not None:
        replace_rubric(programme, criteria)
    db.session.flush()


def _apply(programme: Programme, values: dict) -> None:
    for name in PROGRAMME_FIELDS:
        if name in values:
            setattr(programme, name, values[name])


def replace_rubric(programme: Programme, criteria: list[CriterionData]) -> None:
    """Make the rubric exactly ``criteria`` in order, updating rows in place (ids are kept)."""
    if programme.id is not None:
        # A first review being submitted right now waits, or this edit waits for it and then
        # sees it: submitted sheets store totals computed with the rubric they were scored on.
        hold_row(Programme, programme.id)
    if rubric_locked(programme):
        raise RubricLocked("the rubric is locked: a review has been submitted")
    sync_by_position(
        programme.criteria,
        criteria,
        lambda position: RubricCriterion(position=position),
        _apply_criterion,
    )


def _apply_criterion(criterion: RubricCriterion, data: CriterionData) -> None:
    criterion.label_th = data.label_th
    criterion.label_en = data.label_en
    criterion.guidance = data.guidance
    criterion.max_score = data.max_score
    criterion.weight = data.weight


#: The moves staff make with the buttons on the programme page. "Decided" is not one of them:
#: only publishing the decisions (``review.decisions.publish_decisions``) gets there, because it
#: checks every application has a decision and tells every school.
MANUAL_TRANSITIONS: dict[ProgrammeState, frozenset[ProgrammeState]] = {
    state: targets - {S.DECIDED} for state, targets in PROGRAMME_TRANSITIONS.items()
}


def change_state(programme: Programme, to_state: ProgrammeState, actor=None, reason: str = ""):
    """Move the programme along its life cycle by hand; ``IllegalProgrammeTransition`` if not
    allowed (or if another request moved it first)."""
    _move(programme, ProgrammeState(to_state), actor, reason, MANUAL_TRANSITIONS)


def mark_decided(programme: Programme, actor, reason: str = "") -> None:
    """Reviewing → decided; for the publish step of the review feature only (``reason``: why
    it was published anyway, kept in the history)."""
    _move(programme, S.DECIDED, actor, reason, PROGRAMME_TRANSITIONS)


def _move(programme, to_state, actor, reason, table) -> None:
    if to_state not in table[programme.state]:
        raise IllegalProgrammeTransition(programme.state, to_state)
    if to_state == ProgrammeState.OPEN:
        if not programme.criteria:
            raise IllegalProgrammeTransition(programme.state, to_state, "no rubric")
        if programme.closes_at <= utcnow():
            raise IllegalProgrammeTransition(programme.state, to_state, "closing time passed")
    from_state = move(programme, to_state, allowed=table, illegal=IllegalProgrammeTransition)
    programme.events.append(
        ProgrammeEvent(from_state=from_state, to_state=to_state, actor=actor, reason=reason)
    )
    db.session.flush()


def record_creation(programme: Programme, actor) -> None:
    """The first line of a programme's history."""
    programme.events.append(ProgrammeEvent(from_state=None, to_state=programme.state, actor=actor))


def accepting_applications(programme: Programme, at: datetime | None = None) -> bool:
    """Open, and ``at`` (default now) inside the opening window."""
    return programme.is_open_at(at or utcnow())


def visible_programmes_query(user):
    """Programmes a person may list: staff see drafts too."""
    query = db.select(Programme).order_by(Programme.closes_at.desc(), Programme.id.desc())
    if not (user.is_authenticated and user.is_staff):
        query = query.where(Programme.state != ProgrammeState.DRAFT)
    return query

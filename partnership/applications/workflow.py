"""The application state machine: one transition function, an explicit table, an audit trail."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.transitions import TransitionRefused, move
from ..db_types import utcnow
from ..extensions import db
from ..registry.notices import tell_school
from .models import Application, ApplicationEvent, ApplicationState

A = ApplicationState

#: Every allowed move. Review decisions (in_review → approved/waitlisted/rejected) are made by
#: the review feature through ``transition`` too.
TRANSITIONS: dict[ApplicationState, frozenset[ApplicationState]] = {
    A.DRAFT: frozenset({A.SUBMITTED, A.WITHDRAWN}),
    A.SUBMITTED: frozenset({A.ELIGIBLE, A.INELIGIBLE, A.WITHDRAWN}),
    A.ELIGIBLE: frozenset({A.INELIGIBLE, A.IN_REVIEW, A.WITHDRAWN}),
    A.INELIGIBLE: frozenset({A.ELIGIBLE, A.WITHDRAWN}),
    A.IN_REVIEW: frozenset({A.APPROVED, A.WAITLISTED, A.REJECTED}),
    # Decisions may be revised until the programme's results are published (review/decisions.py
    # refuses any change once the programme is decided).
    A.WAITLISTED: frozenset({A.APPROVED, A.REJECTED}),
    A.APPROVED: frozenset({A.WAITLISTED, A.REJECTED}),
    A.REJECTED: frozenset({A.APPROVED, A.WAITLISTED}),
    A.WITHDRAWN: frozenset(),
}

#: States from which the school may still withdraw (review has not started).
WITHDRAWABLE = frozenset({A.DRAFT, A.SUBMITTED, A.ELIGIBLE, A.INELIGIBLE})

#: What happens next, and who acts, shown next to the state badge.
NEXT_STEPS = {
    A.DRAFT: _l("The school completes the form and submits it before the deadline."),
    A.SUBMITTED: _l("The eligibility check runs automatically."),
    A.ELIGIBLE: _l("The committee will review the proposal after the deadline."),
    A.INELIGIBLE: _l("The proposal does not meet the programme's rules; staff may review this."),
    A.IN_REVIEW: _l("Committee members are scoring the proposal."),
    A.APPROVED: _l("The project is approved; staff will prepare its campaign."),
    A.WAITLISTED: _l("The proposal is on the waiting list in case more budget becomes available."),
    A.REJECTED: _l("The proposal was not selected this time."),
    A.WITHDRAWN: _l("The school withdrew the proposal. Nothing more happens."),
}

#: CSS suffix of the state badge.
BADGE_CSS = {A.IN_REVIEW: "review"}


def badge_css(state: ApplicationState) -> str:
    return BADGE_CSS.get(state, state.value)


class IllegalTransition(TransitionRefused):
    """A move the state machine does not allow."""

    def __init__(self, from_state: ApplicationState, to_state: ApplicationState):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"application cannot go from {from_state} to {to_state}")
        if to_state == ApplicationState.WITHDRAWN:
            self.message = _l("The review has started; the application can no longer be withdrawn.")
        elif to_state in (ApplicationState.ELIGIBLE, ApplicationState.INELIGIBLE):
            self.message = _l(
                "The application is already in that state or can no longer be screened."
            )


def transition(
    application: Application,
    to_state: ApplicationState,
    actor=None,
    reason: str = "",
    *,
    notify: bool = True,
    values: dict | None = None,
) -> ApplicationEvent:
    """Move ``application`` to ``to_state`` once, record who, when and why, and mail the school.

    The move is one conditional UPDATE (``core.transitions.move``): when two requests race, the
    loser gets ``IllegalTransition`` and writes no event and sends no mail.
    """
    to_state = ApplicationState(to_state)
    values = dict(values or {})
    if to_state == A.SUBMITTED:
        values.setdefault("submitted_at", utcnow())
    from_state = move(
        application, to_state, allowed=TRANSITIONS, illegal=IllegalTransition, values=values
    )
    event = ApplicationEvent(
        from_state=from_state.value, to_state=to_state.value, actor=actor, reason=reason
    )
    application.events.append(event)
    db.session.flush()
    if notify:
        notify_school(
            application,
            _('Application "%(title)s": %(state)s', title=application.title, state=to_state.label),
            _(
                'The application "%(title)s" to %(programme)s is now: %(state)s.',
                title=application.title,
                programme=application.programme.name_th,
                state=to_state.label,
            )
            + (f"\n\n{reason}" if reason else "")
            + "\n\n"
            + str(NEXT_STEPS[to_state]),
        )
    return event


def notify_school(application: Application, subject: str, body: str) -> None:
    """Queue one e-mail per person of the school (``registry.notices.school_recipients``)."""
    tell_school(application.school, subject, body, topic="application")


def transition_many(
    ids: list[int],
    from_state: ApplicationState,
    to_state: ApplicationState,
    actor,
    reason: str = "",
    **values,
) -> list[int]:
    """Move many applications ``from_state`` → ``to_state`` in one conditional UPDATE (and one
    insert of their events); the ids that moved. An application another request moved first no
    longer matches ``from_state`` and is left as it is. No mail: for a batch such as the
    suggested cut, whose schools hear when the results are published.
    """
    if to_state not in TRANSITIONS[from_state]:
        raise IllegalTransition(from_state, to_state)
    if not ids:
        return []
    moved = db.session.scalars(
        sa.update(Application)
        .where(Application.id.in_(ids), Application.state == from_state)
        .values(state=to_state, **values)
        .returning(Application.id)
        .execution_options(synchronize_session=False)
    ).all()
    if moved:
        now = utcnow()
        db.session.execute(sa.insert(ApplicationEvent), [
            {"application_id": i, "from_state": from_state.value, "to_state": to_state.value,
             "actor_id": getattr(actor, "id", None), "reason": reason, "created_at": now}
            for i in moved
        ])  # fmt: skip
    return moved

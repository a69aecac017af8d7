"""Moving applications between states from the review feature (through the applications
feature's single audited transition function)."""

from __future__ import annotations

from ..applications.models import Application, ApplicationState
from ..applications.workflow import IllegalTransition, transition
from ..core.unit_of_work import Refused

A = ApplicationState
#: States an application is in while the committee may be assigned to it.
ASSIGNABLE_STATES = (A.ELIGIBLE, A.IN_REVIEW)
#: States that mean a decision has been taken.
DECISION_STATES = (A.APPROVED, A.WAITLISTED, A.REJECTED)
#: Every state that appears in the ranking.
RANKED_STATES = (A.ELIGIBLE, A.IN_REVIEW, *DECISION_STATES)


class DecisionError(Refused):
    """A review-phase move the rules do not allow."""


def move_application(
    application: Application, to_state: ApplicationState, actor, reason="", *, notify=True
) -> None:
    """Change the state (an ApplicationEvent is recorded; the school is mailed if ``notify``)."""
    try:
        transition(application, to_state, actor, reason, notify=notify)
    except IllegalTransition as error:
        raise DecisionError(str(error)) from error

"""The outcome report machine: reported → verified / returned, once (conditional UPDATE)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.transitions import TransitionRefused, move
from ..db_types import utcnow
from ..extensions import db
from .models import OutcomeReport, OutcomeReportEvent, ReportState

R = ReportState

#: A verified report is never changed again (a correction is a new report); a returned one
#: is answered by a new report too.
TRANSITIONS: dict[ReportState, frozenset[ReportState]] = {
    R.REPORTED: frozenset({R.VERIFIED, R.RETURNED}),
    R.VERIFIED: frozenset(),
    R.RETURNED: frozenset(),
}


class IllegalReportTransition(TransitionRefused):
    """The report has already been verified or returned (possibly by someone else just now)."""

    message = _l("This figure has already been verified or sent back. Nothing was changed.")

    def __init__(self, from_state: ReportState, to_state: ReportState):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"outcome report cannot go from {from_state} to {to_state}")


def transition(
    report: OutcomeReport, to_state: ReportState, actor, reason: str = ""
) -> OutcomeReportEvent:
    """Move the report once and record who, when and why."""
    values = {"decided_by_id": actor.id, "decided_at": utcnow()}
    if to_state == R.RETURNED:
        values["return_reason"] = reason
    from_state = move(
        report,
        ReportState(to_state),
        allowed=TRANSITIONS,
        illegal=IllegalReportTransition,
        values=values,
    )
    event = OutcomeReportEvent(
        report_id=report.id,
        from_state=from_state,
        to_state=ReportState(to_state),
        actor_id=actor.id,
        reason=reason,
    )
    db.session.add(event)
    db.session.flush()
    return event

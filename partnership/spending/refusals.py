"""What the disbursement rules refuse, each with the sentence staff read (``core`` answers
every ``Refused`` the same way: flash and back, JSON 409)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.transitions import TransitionRefused
from ..core.unit_of_work import Refused
from .models import DisbursementState


class SpendingRefused(Refused):
    """A rule of disbursements said no; the message says which."""


class IllegalDisbursementMove(TransitionRefused):
    def __init__(self, from_state: DisbursementState, to_state: DisbursementState):
        self.from_state, self.to_state = from_state, to_state
        self.message = _l(
            "This disbursement is %(state)s now: it cannot become %(to)s. Nothing was changed.",
            state=from_state.label,
            to=to_state.label,
        )
        super().__init__(f"disbursement cannot go from {from_state} to {to_state}")


class FourEyes(SpendingRefused):
    message = _l(
        "You sent this disbursement for approval, so another member of staff must approve it "
        "(four eyes). Nothing was changed."
    )


class OverBudget(SpendingRefused):
    """The lines pass a budget line's approved total and no over-budget reason was given."""

    def __init__(self, items: list[str]):
        self.items = items
        self.message = _l(
            "This passes the approved total of: %(items)s. Record an over-budget reason to go "
            "ahead. Nothing was changed.",
            items=", ".join(items),
        )
        super().__init__(f"over budget: {items}")


class InvoiceRefused(SpendingRefused, ValueError):
    """The invoice is not a PDF, JPEG or PNG that reads, or too large."""

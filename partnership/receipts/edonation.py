"""The e-Donation record of each gift whose donor asked for a tax receipt.

The Revenue Department's e-Donation record is the donor's evidence for the deduction (the PDF
receipt is a courtesy), so the foundation must enter each such gift once, and amend or cancel
the record when money goes back. One :class:`EDonationRecord` per gift, opened when the gift is
paid (by the receipt claimer, ``receipts.claims``, with the gift's number); a refund or a dispute
(``payments.signals.donation_returned``) moves a recorded one to "to amend" or "to cancel";
staff mark what they did in e-Donation. Every move is a conditional UPDATE
(``core.transitions.move``) plus an :class:`EDonationEvent` row.

Offline gifts carry no tax details (``gifts.models``), so they have no record.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import User
from ..core.transitions import TransitionRefused, insert_once, lock_row, move
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from ..payments.models import Donation
from ..payments.tax import tax_info_for
from .models import EDONATION_OPEN_STATES, EDonationEvent, EDonationRecord
from .models import EDonationState as S

#: Every move of the machine. Staff make the three into a done state; payments, refunds and
#: disputes make the others.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.DUE: frozenset({S.RECORDED, S.WITHDRAWN}),
    S.WITHDRAWN: frozenset({S.DUE}),
    S.RECORDED: frozenset({S.TO_AMEND, S.TO_CANCEL}),
    S.AMENDED: frozenset({S.TO_AMEND, S.TO_CANCEL}),
    S.TO_AMEND: frozenset({S.AMENDED, S.TO_CANCEL, S.RECORDED}),
    S.TO_CANCEL: frozenset({S.CANCELLED, S.TO_AMEND, S.RECORDED}),
    S.CANCELLED: frozenset({S.DUE}),
}

#: What staff may mark, and from which state.
STAFF_MOVES: dict[S, S] = {S.RECORDED: S.DUE, S.AMENDED: S.TO_AMEND, S.CANCELLED: S.TO_CANCEL}


class IllegalEDonationTransition(TransitionRefused):
    def __init__(self, from_state: S, to_state: S):
        super().__init__(f"e-Donation record cannot move from {from_state} to {to_state}")
        self.from_state, self.to_state = from_state, to_state


class ReferenceMissing(Refused, ValueError):
    """Marking a record as entered needs the Revenue Department's reference."""


def bangkok_today() -> date:
    return to_bangkok(utcnow()).date()


def deadline_after(day: date) -> date:
    """The foundation's deadline for work that arose on ``day``: ``EDONATION_DEADLINE_DAYS``
    later, or (0, the default) the last day of the following month."""
    days = current_app.config["EDONATION_DEADLINE_DAYS"]
    if days:
        return day + timedelta(days=days)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def kept_satang(donation: Donation) -> int:
    """The gift's money the foundation keeps now: what the record must say."""
    return max(0, donation.amount_satang - donation.refunded_satang - donation.disputed_satang)


def record_for(donation_id: int) -> EDonationRecord | None:
    return db.session.scalar(
        sa.select(EDonationRecord).where(EDonationRecord.donation_id == donation_id)
    )


def _event(record: EDonationRecord, from_state, to_state, *, kept: int, source: str, actor=None):
    db.session.add(
        EDonationEvent(
            record_id=record.id,
            from_state=from_state,
            to_state=to_state,
            actor_id=actor.id if actor is not None else None,
            rd_reference=record.rd_reference if actor is not None else "",
            kept_satang=kept,
            source=source[:200],
        )
    )
    db.session.flush()


def open_record(donation: Donation, source: str = "") -> EDonationRecord | None:
    """The paid gift's record, opened as due now if its donor asked for a tax receipt (once,
    even when two deliveries of the payment race); flushes."""
    if tax_info_for(donation.id) is None:
        return None
    existing = record_for(donation.id)
    if existing is not None:
        return existing
    gift_on = to_bangkok(donation.paid_at or utcnow()).date()
    kept = kept_satang(donation)
    state = S.DUE if kept > 0 else S.WITHDRAWN
    new_id = insert_once(
        EDonationRecord,
        {
            "donation_id": donation.id,
            "state": state.value,
            "gift_on": gift_on,
            "opened_on": gift_on,
            "due_on": deadline_after(gift_on),
            "rd_reference": "",
            "created_at": utcnow(),
        },
        unique=["donation_id"],
    )
    record = record_for(donation.id)
    if new_id is not None:
        _event(record, None, state, kept=kept, source=source or "paid")
    return record


def _follow_target(record: EDonationRecord, kept: int) -> S | None:
    """Where money leaving or coming back takes the record (None: it stays)."""
    state, on_record = record.state, record.recorded_satang
    if state == S.DUE:
        return S.WITHDRAWN if kept == 0 else None
    if state in (S.WITHDRAWN, S.CANCELLED):
        return S.DUE if kept > 0 else None
    if kept == 0:
        return None if state == S.TO_CANCEL else S.TO_CANCEL
    if kept == on_record:  # back to what e-Donation holds: nothing left to change
        return S.RECORDED if state in (S.TO_AMEND, S.TO_CANCEL) else None
    return None if state == S.TO_AMEND else S.TO_AMEND


def follow_money(donation: Donation, source: str = "") -> EDonationRecord | None:
    """Move the gift's record after a refund, a dispute or money that came back; flushes."""
    record = record_for(donation.id)
    if record is None:
        return None
    kept = kept_satang(donation)
    target = _follow_target(record, kept)
    if target is None:
        return record
    values = {}
    if target in EDONATION_OPEN_STATES:  # new work: this month's list, a deadline from today
        today = bangkok_today()
        values = {"opened_on": today, "due_on": deadline_after(today)}
    from_state = move(
        record, target, allowed=TRANSITIONS, illegal=IllegalEDonationTransition, values=values
    )
    _event(record, from_state, target, kept=kept, source=source or "returned")
    return record


def mark(record: EDonationRecord, to_state: S, *, actor: User, reference: str) -> None:
    """Staff entered, amended or cancelled the gift in e-Donation (``reference``: the Revenue
    Department's reference; an amendment or cancellation may keep the one it had); flushes."""
    if to_state not in STAFF_MOVES:
        raise IllegalEDonationTransition(record.state, to_state)
    reference = reference.strip() or (record.rd_reference if to_state != S.RECORDED else "")
    if not reference:
        raise ReferenceMissing()
    if record.state != STAFF_MOVES[to_state]:
        raise IllegalEDonationTransition(record.state, to_state)
    # The gift's row first, as refunds and disputes take it: the amount written is what the
    # foundation keeps when the mark commits, not what it kept before a refund that raced it.
    kept = kept_satang(lock_row(Donation, record.donation_id))
    values = {
        "rd_reference": reference,
        "recorded_satang": 0 if to_state == S.CANCELLED else kept,
        "recorded_at": utcnow(),
        "recorded_by_id": actor.id,
    }
    from_state = move(
        record, to_state, allowed=TRANSITIONS, illegal=IllegalEDonationTransition, values=values
    )
    _event(record, from_state, to_state, kept=kept, source="staff", actor=actor)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first day of the month and of the next one (Gregorian year)."""
    first = date(year, month, 1)
    return first, (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1))


def month_records(year: int, month: int) -> list[EDonationRecord]:
    """The records whose present work arose in the month, oldest gift first."""
    first, after = month_bounds(year, month)
    return list(
        db.session.scalars(
            sa.select(EDonationRecord)
            .where(EDonationRecord.opened_on >= first, EDonationRecord.opened_on < after)
            .options(sa.orm.joinedload(EDonationRecord.donation))
            .order_by(EDonationRecord.gift_on, EDonationRecord.id)
        )
    )


def overdue_query():
    """Records still to act on whose deadline has passed."""
    return sa.select(EDonationRecord).where(
        EDonationRecord.state.in_(EDONATION_OPEN_STATES),
        EDonationRecord.due_on < bangkok_today(),
    )


def overdue_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(overdue_query().subquery()))


def overdue_months() -> list[tuple[int, int, int]]:
    """(year, month, count) of the months holding overdue records, oldest first."""
    counts: dict[tuple[int, int], int] = {}
    days = overdue_query().with_only_columns(EDonationRecord.opened_on)
    for opened_on in db.session.scalars(days):
        key = (opened_on.year, opened_on.month)
        counts[key] = counts.get(key, 0) + 1
    return [(y, m, n) for (y, m), n in sorted(counts.items())]


def follow_returned(donation: Donation, source: str = "", **extra) -> None:
    follow_money(donation, source)

"""Each gift whose donor asked for a tax receipt has one e-Donation record: due when paid,
recorded by staff, to amend or cancel when money goes back after it was recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from partnership.core.transitions import compare_and_set
from partnership.extensions import db
from partnership.i18n import to_bangkok
from partnership.payments.signals import donation_returned
from partnership.receipts import edonation
from partnership.receipts.edonation import (
    IllegalEDonationTransition,
    ReferenceMissing,
    deadline_after,
    follow_money,
    mark,
    open_record,
    overdue_count,
    record_for,
)
from partnership.receipts.models import EDonationEvent, EDonationRecord
from partnership.receipts.models import EDonationState as S
from tests.crowd import reload

from .conftest import TAX_FIELDS


def events(record) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(EDonationEvent).where(EDonationEvent.record_id == record.id).order_by("id")
    )
    return [(e.from_state, e.to_state, e.kept_satang) for e in rows]


def test_a_paid_gift_with_tax_details_opens_one_due_record(paid, make_campaign):
    campaign = make_campaign()
    taxed, _ = paid(campaign, custom_amount="1000", **TAX_FIELDS)
    untaxed, _ = paid(campaign, custom_amount="300")
    record = record_for(taxed.id)
    gift_on = to_bangkok(taxed.paid_at).date()
    assert record.state == S.DUE
    assert (record.gift_on, record.opened_on) == (gift_on, gift_on)
    assert record.due_on == deadline_after(gift_on) > gift_on
    assert record_for(untaxed.id) is None
    # the payment delivered again: still one record, one event
    assert open_record(reload(taxed), "again").id == record.id
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(EDonationRecord.id))) == 1
    assert events(record) == [(None, S.DUE, 100_000)]


@pytest.mark.parametrize(
    ("days", "gift", "deadline"),
    [
        (0, date(2026, 12, 15), date(2027, 1, 31)),
        (0, date(2027, 1, 31), date(2027, 2, 28)),
        (0, date(2027, 11, 1), date(2027, 12, 31)),
        (15, date(2026, 12, 20), date(2027, 1, 4)),
    ],
)
def test_the_deadline_is_the_foundations_setting(app, monkeypatch, days, gift, deadline):
    monkeypatch.setitem(app.config, "EDONATION_DEADLINE_DAYS", days)
    assert deadline_after(gift) == deadline


def _record_in(state: S, paid, *, recorded: int | None = 100_000) -> EDonationRecord:
    """A ฿1,000 gift's record put in ``state`` (with the columns that state needs)."""
    donation, _ = paid(custom_amount="1000", **TAX_FIELDS)
    record = record_for(donation.id)
    values = {"state": state}
    if state not in (S.DUE, S.WITHDRAWN):
        values |= {
            "recorded_satang": recorded,
            "rd_reference": "RD-1",
            "recorded_at": record.created_at,
        }
    compare_and_set(record, expected={"state": S.DUE}, values=values)
    db.session.commit()
    return record


def _keep(record, kept: int) -> None:
    """The donation keeps ``kept`` satang of its ฿1,000 (a refund), and says so."""
    donation = record.donation
    compare_and_set(
        donation,
        expected={"refunded_satang": donation.refunded_satang},
        values={"refunded_satang": 100_000 - kept},
    )
    donation_returned.send(donation, returned_satang=1, source="test")


@pytest.mark.parametrize(
    ("state", "kept", "expected"),
    [
        (S.DUE, 60_000, S.DUE),  # not yet entered: the file will carry what is kept
        (S.DUE, 0, S.WITHDRAWN),
        (S.WITHDRAWN, 100_000, S.DUE),  # a refund that failed: the gift is back
        (S.RECORDED, 60_000, S.TO_AMEND),
        (S.RECORDED, 0, S.TO_CANCEL),
        (S.AMENDED, 60_000, S.TO_AMEND),
        (S.AMENDED, 0, S.TO_CANCEL),
        (S.TO_AMEND, 50_000, S.TO_AMEND),
        (S.TO_AMEND, 0, S.TO_CANCEL),
        (S.TO_AMEND, 100_000, S.RECORDED),  # back to what e-Donation holds
        (S.TO_CANCEL, 40_000, S.TO_AMEND),
        (S.TO_CANCEL, 100_000, S.RECORDED),
        (S.CANCELLED, 100_000, S.DUE),  # cancelled, then the money came back: enter it again
        (S.CANCELLED, 0, S.CANCELLED),
    ],
)
def test_money_leaving_or_coming_back_moves_the_record(paid, state, kept, expected):
    record = _record_in(state, paid, recorded=0 if state == S.CANCELLED else 100_000)
    _keep(record, kept)
    db.session.commit()
    assert reload(record).state == expected
    moved = events(record)[1:]
    assert moved == ([] if expected == state else [(state, expected, kept)])


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", [S.RECORDED, S.AMENDED, S.CANCELLED, S.DUE, S.TO_AMEND])
def test_staff_marks_only_what_waits_for_them(paid, make_user, state, action):
    record = _record_in(state, paid)
    staff = make_user(is_staff=True)
    allowed = (state, action) in {
        (S.DUE, S.RECORDED),
        (S.TO_AMEND, S.AMENDED),
        (S.TO_CANCEL, S.CANCELLED),
    }
    if not allowed:
        with pytest.raises(IllegalEDonationTransition):
            mark(record, action, actor=staff, reference="RD-9")
        assert reload(record).state == state
        return
    mark(record, action, actor=staff, reference="RD-9")
    db.session.commit()
    record = reload(record)
    assert (record.state, record.rd_reference, record.recorded_by_id) == (action, "RD-9", staff.id)
    assert record.recorded_satang == (0 if action == S.CANCELLED else 100_000)
    assert events(record)[-1] == (state, action, 100_000)


def test_recording_needs_the_revenue_departments_reference(paid, make_user):
    record = _record_in(S.DUE, paid)
    with pytest.raises(ReferenceMissing):
        mark(record, S.RECORDED, actor=make_user(is_staff=True), reference="  ")
    assert reload(record).state == S.DUE


def test_a_record_marked_by_someone_else_meanwhile_is_refused(paid, make_user):
    """The second of two staff marking the same row sees a refusal, not a second event."""
    record = _record_in(S.DUE, paid)
    first, second = make_user(is_staff=True), make_user(is_staff=True)
    stale = db.session.get(EDonationRecord, record.id)
    db.session.execute(
        sa.update(EDonationRecord)
        .where(EDonationRecord.id == record.id)
        .values(state="recorded", recorded_satang=100_000, rd_reference="RD-A",
                recorded_at=record.created_at, recorded_by_id=first.id)
    )  # fmt: skip
    with pytest.raises(IllegalEDonationTransition):
        mark(stale, S.RECORDED, actor=second, reference="RD-B")
    db.session.commit()
    assert (reload(record).rd_reference, reload(record).recorded_by_id) == ("RD-A", first.id)
    assert events(record) == [(None, S.DUE, 100_000)]


def test_recorded_then_refunded_in_part_then_in_full(paid, hooked, make_user):
    """Through Stripe's own refund events: amend, then cancel; the history has every step."""
    donation, session_id = paid(custom_amount="1000", **TAX_FIELDS)
    staff = make_user(is_staff=True)
    record = record_for(donation.id)
    mark(record, S.RECORDED, actor=staff, reference="RD-100")
    db.session.commit()
    hooked.refund(session_id, amount=25_000)
    record = reload(record)
    assert (record.state, record.opened_on) == (S.TO_AMEND, edonation.bangkok_today())
    assert record.due_on == deadline_after(edonation.bangkok_today())
    mark(record, S.AMENDED, actor=staff, reference="")  # keeps its reference
    db.session.commit()
    assert (reload(record).rd_reference, reload(record).recorded_satang) == ("RD-100", 75_000)
    hooked.refund(session_id)
    assert reload(record).state == S.TO_CANCEL
    mark(reload(record), S.CANCELLED, actor=staff, reference="RD-100-X")
    db.session.commit()
    assert [e[1] for e in events(record)] == [
        S.DUE, S.RECORDED, S.TO_AMEND, S.AMENDED, S.TO_CANCEL, S.CANCELLED,
    ]  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(EDonationRecord.id))) == 1


def test_a_refund_that_fails_after_it_succeeded_restores_the_record(paid, hooked, make_user):
    donation, session_id = paid(custom_amount="1000", **TAX_FIELDS)
    record = record_for(donation.id)
    mark(record, S.RECORDED, actor=make_user(is_staff=True), reference="RD-7")
    db.session.commit()
    [created, *_] = hooked.refund(session_id, pending=True)
    assert reload(record).state == S.TO_CANCEL
    hooked.complete_refund(created.object["id"], "failed")
    assert reload(record).state == S.RECORDED


def test_a_dispute_after_recording_asks_for_a_cancellation(paid):
    record = _record_in(S.RECORDED, paid)
    donation = record.donation
    compare_and_set(
        donation,
        expected={"disputed": False},
        values={"disputed": True, "disputed_satang": 100_000},
    )
    donation_returned.send(donation, returned_satang=100_000, source="evt_dispute")
    db.session.commit()
    assert reload(record).state == S.TO_CANCEL
    assert follow_money(reload(donation)).state == S.TO_CANCEL  # said twice: moved once
    assert len(events(record)) == 2


def test_overdue_counts_open_records_past_their_deadline(paid):
    due = _record_in(S.DUE, paid)
    done = _record_in(S.RECORDED, paid)
    assert overdue_count() == 0
    yesterday = edonation.bangkok_today() - timedelta(days=1)
    db.session.execute(sa.update(EDonationRecord).values(due_on=yesterday))
    db.session.commit()
    assert overdue_count() == 1
    assert [(y, m) for y, m, _ in edonation.overdue_months()] == [
        (due.opened_on.year, due.opened_on.month)
    ]
    assert done.id != due.id


def test_the_migration_gives_earlier_taxed_gifts_their_records(app, paid, hooked, make_campaign):
    """Revision 0012: every paid gift with tax details gets a record (due, or not needed when
    refunded in full) and its first event; gifts without tax details get none; the tax
    exports and the tax details are kept. Run down to 0006 and up again on this database."""
    from flask_migrate import downgrade, upgrade

    from partnership.payments.models import DonationTaxInfo

    campaign = make_campaign()
    kept, _ = paid(campaign, custom_amount="1000", **TAX_FIELDS)
    refunded, session_id = paid(campaign, custom_amount="500", **TAX_FIELDS)
    hooked.refund(session_id)
    plain, _ = paid(campaign, custom_amount="300")
    taxes = db.session.scalar(sa.select(sa.func.count(DonationTaxInfo.id)))
    gift_on = to_bangkok(kept.paid_at).date()
    kept_id, refunded_id, plain_id = kept.id, refunded.id, plain.id
    db.session.commit()
    db.session.close()
    downgrade(revision="0006_review_totals")
    try:
        upgrade(revision="0012_edonation_records")
    finally:
        upgrade()
    db.session.expire_all()
    records = {
        r.donation_id: (r.state, r.gift_on, r.due_on)
        for r in db.session.scalars(sa.select(EDonationRecord))
    }
    assert records == {
        kept_id: (S.DUE, gift_on, deadline_after(gift_on)),
        refunded_id: (S.WITHDRAWN, gift_on, deadline_after(gift_on)),
    }
    assert plain_id not in records
    assert db.session.scalar(sa.select(sa.func.count(EDonationEvent.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(DonationTaxInfo.id))) == taxes == 2

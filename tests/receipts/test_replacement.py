"""Returned money cancels the receipt; what was kept gets a new one, next in the sequence."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.core.transitions import compare_and_set
from partnership.extensions import db
from partnership.payments.signals import donation_returned
from partnership.receipts.exports import e_donation_rows
from partnership.receipts.models import Receipt
from partnership.receipts.numbering import receipt_for, replaced_receipt
from partnership.receipts.pdf import ReceiptView, render_receipt
from tests.crowd import reload

from .conftest import TAX_FIELDS, pdf_text, receipt_path


def receipts_of(donation) -> list[Receipt]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Receipt).where(Receipt.donation_id == donation.id).order_by(Receipt.id)
        )
    )


def test_a_partial_refund_cancels_the_receipt_and_numbers_one_for_what_was_kept(
    paid, hooked, client, in_language
):
    in_language("en")
    donation, session_id = paid(custom_amount="500", **TAX_FIELDS)
    hooked.refund(session_id, amount=20_000)
    first, second = receipts_of(donation)
    assert (first.number, second.number) == (1, 2) and first.year == second.year
    assert first.cancelled and first.replaced_by_id == second.id and first.amount_satang == 50_000
    assert not second.cancelled and second.amount_satang == 30_000
    assert replaced_receipt(second).id == first.id
    # the donor's link opens the receipt that stands
    text = pdf_text(client.get(receipt_path(donation)).data)
    assert second.label in text and "฿300.00" in text and first.label in text
    assert "CANCELLED" not in text
    # the cancelled one stays, and says what replaced it
    old = pdf_text(render_receipt(ReceiptView(reload(donation), first, None)))
    assert "CANCELLED" in old and f"replaced by receipt {second.label}" in old
    assert "฿500.00" in old
    # e-Donation: one row, the standing receipt, what was kept
    [row] = e_donation_rows(second.year)
    assert row[0] == second.label and str(row[6]) == "300.00"


def test_numbers_stay_in_sequence_across_gifts_and_refunds(paid, hooked, client):
    donation, session_id = paid(custom_amount="500")
    hooked.refund(session_id, amount=10_000)  # 1 cancelled -> 2
    other, _ = paid(custom_amount="300")  # 3
    hooked.refund(session_id, amount=10_000)  # 2 cancelled -> 4
    hooked.refund(session_id, amount=30_000)  # 4 cancelled, nothing kept
    numbers = [(r.number, r.amount_satang, r.cancelled) for r in receipts_of(donation)]
    assert numbers == [(1, 50_000, True), (2, 40_000, True), (4, 30_000, True)]
    assert receipt_for(other.id).number == 3
    last = receipts_of(donation)[-1]
    assert last.replaced_by_id is None
    assert "ยกเลิก" in pdf_text(client.get(receipt_path(donation)).data)
    all_numbers = sorted(db.session.scalars(sa.select(Receipt.number)))
    assert all_numbers == [1, 2, 3, 4]  # no gaps, none reused, none deleted


def test_staff_open_a_cancelled_receipt_by_its_id(paid, hooked, client, login_as):
    donation, session_id = paid(custom_amount="500")
    hooked.refund(session_id, amount=10_000)
    first, second = receipts_of(donation)
    assert client.get(f"/staff/receipts/{first.id}.pdf").status_code in (302, 401, 403)
    login_as("staff")
    text = pdf_text(client.get(f"/staff/receipts/{first.id}.pdf").data)
    assert "ยกเลิก" in text and first.label in text and second.label in text
    assert client.get("/staff/receipts/999999.pdf").status_code == 404


def test_a_dispute_cancels_the_receipt_too(paid, hooked):
    donation, session_id = paid(custom_amount="500")
    hooked.dispute(session_id)
    [receipt] = receipts_of(donation)
    assert receipt.cancelled and receipt.replaced_by_id is None
    assert e_donation_rows(receipt.year) == []


def test_money_that_comes_back_gets_a_receipt_again(paid, hooked):
    """A refund that failed after it succeeded (the ledger's ``refund_reversed``): the signal
    says money came back, and the cancelled receipt is replaced by one for what is kept now."""
    donation, session_id = paid(custom_amount="500")
    hooked.refund(session_id)
    [cancelled] = receipts_of(donation)
    assert cancelled.cancelled and cancelled.replaced_by_id is None
    donation = reload(donation)
    compare_and_set(donation, expected={"refunded_satang": 50_000}, values={"refunded_satang": 0})
    donation_returned.send(donation, returned_satang=-50_000, source="test:reversed")
    db.session.commit()
    first, second = receipts_of(donation)
    assert first.replaced_by_id == second.id and second.number == 2
    assert not second.cancelled and second.amount_satang == 50_000

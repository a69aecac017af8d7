"""Refunds that give nothing back after all (issue 15, A3): a card refund that fails after it
succeeded, a PromptPay refund canceled or failed. The money comes back to the campaign, the
donation (and its receipt and e-Donation row) follow, staff are told once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.ledger.services import verify
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import DonationRefund, DonationState
from partnership.payments.tax import record_tax_info
from partnership.receipts.exports import e_donation_rows
from partnership.receipts.numbering import receipt_for
from partnership.receipts.pdf import ReceiptView
from tests.crowd import reload
from tests.factories import english  # noqa: F401

pytestmark = pytest.mark.usefixtures("stripe_app")


def ledger(campaign) -> list[tuple[LedgerKind, int]]:
    return [
        (e.kind, e.amount_satang)
        for e in db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.campaign_id == campaign.id)
            .order_by(LedgerEntry.id)
        )
    ]


def staff_alerts() -> list[OutgoingMail]:
    return db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "refund-failed")
    ).all()


def with_tax_details(donation):
    record_tax_info(
        donation, full_name="สมชาย ใจดี", address="1 ถนนมิตรภาพ ขอนแก่น", tax_id="1101700230705"
    )
    db.session.commit()


def receipt_cancelled(donation) -> bool:
    donation = reload(donation)
    return ReceiptView(donation, receipt_for(donation.id), None).cancelled


def test_a_card_refund_that_fails_after_it_succeeded_brings_the_money_back(
    make_campaign, give, hooked, make_user, login_as, client
):
    staff = make_user("finance@example.test", is_staff=True)
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    with_tax_details(donation)
    [created, _charge] = hooked.refund(session_id)
    assert created.object["status"] == "succeeded"
    assert reload(donation).state == DonationState.REFUNDED and receipt_cancelled(donation)
    year = receipt_for(donation.id).year
    assert e_donation_rows(year) == []

    events = hooked.fail_refund(created.object["id"], "lost_or_stolen_card", send=False)
    assert [e.type for e in events] == ["refund.updated", "refund.failed"]
    assert [d.status for d in hooked.send_all(events + events)] == [200] * 4

    donation = reload(donation)
    assert (donation.state, donation.refunded_satang) == (DonationState.PAID, 0)
    assert reload(campaign).raised_satang == 50_000
    assert ledger(campaign)[-1] == (LedgerKind.REFUND_REVERSED, 50_000)
    assert [k for k, _ in ledger(campaign)].count(LedgerKind.REFUND_REVERSED) == 1
    row = db.session.scalar(sa.select(DonationRefund))
    assert (row.status, row.failure_reason) == ("failed", "lost_or_stolen_card")
    # The receipt and the e-Donation file follow the donation: the gift stands again.
    assert not receipt_cancelled(donation)
    assert [str(r[6]) for r in e_donation_rows(year)] == ["500.00"]
    # Staff hear of it once (two events said it), and see it on the donation's page.
    (mail,) = staff_alerts()
    assert mail.to_address == staff.email and "lost_or_stolen_card" in mail.body
    assert f"/staff/payments/donations/{donation.id}" in mail.body
    login_as("staff")
    page = client.get(f"/staff/payments/donations/{donation.id}").get_data(as_text=True)
    assert "lost_or_stolen_card" in page and 'id="refund-failed"' in page
    assert 'id="refund-form"' in page  # it can be refunded again
    assert verify() == []


def test_a_partial_refund_failing_leaves_the_other_refund_counted(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    [first, _] = hooked.refund(session_id, amount=10_000)
    [second, _] = hooked.refund(session_id, amount=20_000)
    hooked.fail_refund(second.object["id"], "expired_or_canceled_card")
    donation = reload(donation)
    assert (donation.state, donation.refunded_satang) == (DonationState.PARTIALLY_REFUNDED, 10_000)
    assert reload(campaign).raised_satang == 40_000
    assert verify() == []


@pytest.mark.parametrize("ending", ["canceled", "failed"])
def test_a_full_promptpay_refund_that_ends_unpaid_returns_the_donation_to_paid(
    make_campaign, give, hooked, make_user, ending
):
    make_user(is_staff=True)
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id, method="promptpay")
    with_tax_details(donation)
    [created, _charge] = hooked.refund(session_id)
    assert created.object["status"] == "requires_action"
    assert reload(donation).state == DonationState.REFUNDED and receipt_cancelled(donation)
    if ending == "canceled":
        hooked.cancel_refund(created.object["id"])
    else:
        hooked.complete_refund(created.object["id"], outcome="failed")
    donation = reload(donation)
    assert (donation.state, donation.refunded_satang) == (DonationState.PAID, 0)
    assert not donation.refund_waiting
    assert reload(campaign).raised_satang == 50_000
    assert not receipt_cancelled(donation)
    assert [str(r[6]) for r in e_donation_rows(receipt_for(donation.id).year)] == ["500.00"]
    assert len(staff_alerts()) == 1
    assert verify() == []

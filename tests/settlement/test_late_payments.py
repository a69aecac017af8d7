"""A gift that lands after an all-or-nothing campaign missed its goal and staff closed it is
refunded by the next close-due run (one request, keyed), its donor told in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign, CampaignState, FundingRule
from partnership.campaigns.services import close
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import Donation, DonationState, RefundCause, RefundRequest
from partnership.settlement.late import late_payment_campaigns
from tests.crowd import reload

REFUNDS = ("POST", "/v1/refunds")


def close_due(app) -> str:
    result = app.test_cli_runner().invoke(args=["campaigns", "close-due"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def _set(campaign, **values) -> None:
    db.session.execute(sa.update(Campaign).where(Campaign.id == campaign.id).values(**values))
    db.session.commit()


def refund_mails(email: str) -> list[OutgoingMail]:
    return list(
        db.session.scalars(
            sa.select(OutgoingMail).where(
                OutgoingMail.topic == "donation-refund", OutgoingMail.to_address == email
            )
        )
    )


@pytest.fixture()
def closed_with_late_gifts(stripe_app, make_campaign, give, hooked, client):
    """An all-or-nothing campaign that missed its goal, settled and closed by staff, and two
    PromptPay gifts made before its end whose banks had not answered yet (Thai, English)."""
    campaign = make_campaign(goal_satang=10_000_000)
    _set(campaign, funding_rule=FundingRule.ALL_OR_NOTHING)
    _, on_time = give(campaign, custom_amount="700")
    hooked.pay(on_time)
    thai, thai_session = give(campaign, custom_amount="250", email="thai@example.com")
    hooked.pay(thai_session, method="promptpay", outcome="pending")
    with client.session_transaction() as session:
        session["locale"] = "en"
    english, english_session = give(campaign, custom_amount="120", email="en@example.com")
    hooked.pay(english_session, method="promptpay", outcome="pending")
    _set(campaign, ends_at=utcnow() - timedelta(minutes=1))
    close_due(stripe_app)
    hooked.deliver_outbox()
    close(reload(campaign), None, "settled")
    db.session.commit()
    assert reload(campaign).state == CampaignState.CLOSED
    assert late_payment_campaigns() == []
    return campaign, thai, thai_session, english, english_session


def test_a_gift_landing_on_a_closed_failed_campaign_is_refunded_and_the_donor_told(
    stripe_app, hooked, closed_with_late_gifts
):
    campaign, thai, thai_session, english, english_session = closed_with_late_gifts
    assert len(hooked.asked(*REFUNDS)) == 1  # the gift paid on time
    hooked.settle(thai_session)
    hooked.settle(english_session)
    assert reload(thai).state == DonationState.PAID
    assert late_payment_campaigns() == [campaign.id]

    output = close_due(stripe_app)

    assert f"Closed all-or-nothing campaign {campaign.id}: 2 late gift(s)" in output
    keys = {r.idempotency_key for r in hooked.asked(*REFUNDS)}
    assert {f"aon-refund-{thai.id}", f"aon-refund-{english.id}"} <= keys
    requests = db.session.scalars(
        sa.select(RefundRequest).where(RefundRequest.donation_id.in_([thai.id, english.id]))
    ).all()
    assert {(r.cause, r.amount_satang) for r in requests} == {
        (RefundCause.ALL_OR_NOTHING, 25_000),
        (RefundCause.ALL_OR_NOTHING, 12_000),
    }
    [thai_mail] = refund_mails("thai@example.com")
    assert "คืนเงิน" in thai_mail.subject
    [english_mail] = refund_mails("en@example.com")
    assert "is being refunded" in english_mail.subject
    assert "฿120.00" in english_mail.body

    # Stripe reports the refunds: the money leaves the campaign and the ledger agrees.
    hooked.deliver_outbox()
    db.session.expire_all()
    assert reload(thai).state == DonationState.REFUNDED
    assert reload(english).state == DonationState.REFUNDED
    assert reload(campaign).raised_satang == 0
    assert verify() == []

    # Nothing is refunded twice and nobody is mailed twice.
    assert late_payment_campaigns() == []
    assert "late gift" not in close_due(stripe_app)
    assert len(hooked.asked(*REFUNDS)) == 3
    assert len(refund_mails("thai@example.com")) == 1


def test_stripe_down_leaves_the_late_refund_to_the_next_run(
    stripe_app, hooked, closed_with_late_gifts
):
    campaign, thai, thai_session, *_ = closed_with_late_gifts
    hooked.settle(thai_session)
    hooked.fail_next(500, times=3)

    output = close_due(stripe_app)

    assert f"Stripe did not answer for donations [{thai.id}]" in output
    assert refund_mails("thai@example.com") == []
    assert late_payment_campaigns() == [campaign.id]  # the unanswered request
    close_due(stripe_app)
    assert len(refund_mails("thai@example.com")) == 1
    keys = [r.idempotency_key for r in hooked.requests_to(*REFUNDS)]
    assert keys.count(f"aon-refund-{thai.id}") >= 4  # three failed tries, then the same key
    hooked.deliver_outbox()
    assert reload(thai).state == DonationState.REFUNDED
    assert verify() == []


def test_a_closed_campaign_that_reached_its_goal_keeps_a_late_gift(
    stripe_app, make_campaign, give, hooked, client, login_as
):
    campaign = make_campaign(goal_satang=50_000)
    _set(campaign, funding_rule=FundingRule.ALL_OR_NOTHING)
    _, funded_by = give(campaign, custom_amount="500")
    hooked.pay(funded_by)
    late, late_session = give(campaign, custom_amount="100")
    hooked.pay(late_session, method="promptpay", outcome="pending")
    assert reload(campaign).state == CampaignState.FUNDED
    close(reload(campaign), None)
    db.session.commit()
    hooked.settle(late_session)

    close_due(stripe_app)

    assert late_payment_campaigns() == []
    assert hooked.asked(*REFUNDS) == []
    assert reload(late).state == DonationState.PAID
    assert db.session.scalar(sa.select(sa.func.count(Donation.id))) == 2

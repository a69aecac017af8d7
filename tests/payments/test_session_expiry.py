"""Checkout Sessions end with their campaign: ``expires_at`` at the end, a campaign ending within
Stripe's 30 minutes takes no online gift, and close-due or staff closing expire the open ones."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign, CampaignState
from partnership.campaigns.workflow import transition
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.payments.client import PaymentRequestRefused
from partnership.payments.models import Donation, DonationState
from tests.crowd import reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.fake_stripe import ApiError
from tests.payments.helpers import SESSIONS, checkout

EXPIRE = "/v1/checkout/sessions/{}/expire"


# The fake, as Stripe: expires_at from 30 minutes to 24 hours; an expired session is not paid.


@pytest.mark.parametrize(
    ("seconds", "refused"),
    [
        (29 * 60, "at least 30 minutes"),
        (30 * 60 + 60, None),
        (23 * 3600, None),
        (24 * 3600 + 60, "less than 24 hours"),
        (-60, "at least 30 minutes"),
    ],
)
def test_the_fake_takes_expires_at_only_within_stripes_window(
    payments_app, fake_stripe, seconds, refused
):
    expires_at = int(time.time()) + seconds
    if refused is None:
        session = checkout(expires_at=expires_at)
        assert fake_stripe.sessions[session.id]["expires_at"] == expires_at
        return
    with pytest.raises(PaymentRequestRefused) as caught:
        checkout(expires_at=expires_at)
    assert caught.value.param == "expires_at"
    assert refused in str(caught.value)
    assert fake_stripe.sessions == {}


def test_without_expires_at_a_session_lives_24_hours(payments_app, fake_stripe):
    before = int(time.time())
    session = checkout()
    assert "expires_at" not in fake_stripe.requests_to(*SESSIONS)[0].params
    assert before + 86400 <= fake_stripe.sessions[session.id]["expires_at"] <= before + 86402


def _pay_on_the_page(fake_stripe, session_id: str) -> int:
    request = urllib.request.Request(
        f"{fake_stripe.base_url}/pay/{session_id}", data=b"method=card", method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - the fake
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_session_past_its_expires_at_expires_and_cannot_be_paid(payments_app, fake_stripe):
    session = checkout(expires_at=int(time.time()) + 45 * 60)
    later = checkout(key="attempt-2")  # Stripe's 24 hours

    events = fake_stripe.advance_clock(46 * 60, send=False)

    assert [(e.type, e.object["id"]) for e in events] == [("checkout.session.expired", session.id)]
    assert fake_stripe.sessions[session.id]["status"] == "expired"
    with pytest.raises(ApiError, match="expired"):
        fake_stripe.pay(session.id)
    assert _pay_on_the_page(fake_stripe, session.id) == 409
    assert fake_stripe.payment_intents == {}
    assert fake_stripe.sessions[later.id]["status"] == "open"
    fake_stripe.pay(later.id, send=False)


def test_a_session_expired_through_the_api_cannot_be_paid(payments_app, fake_stripe):
    from partnership.payments.client import expire_checkout_session

    session = checkout()
    expire_checkout_session(session.id, idempotency_key="expire-1")
    assert _pay_on_the_page(fake_stripe, session.id) == 409
    with pytest.raises(ApiError):
        fake_stripe.pay(session.id, method="promptpay")
    assert fake_stripe.charges == {}


# The app: a session ends at the campaign's end.


def _ends_in(campaign, delta: timedelta) -> Campaign:
    db.session.execute(
        sa.update(Campaign).where(Campaign.id == campaign.id).values(ends_at=utcnow() + delta)
    )
    db.session.commit()
    return reload(campaign)


def test_a_session_expires_at_the_campaigns_end(make_campaign, give, fake_stripe):
    campaign = _ends_in(make_campaign(), timedelta(hours=3))
    _, session_id = give(campaign)
    [request] = fake_stripe.requests_to(*SESSIONS)
    assert int(request.params["expires_at"]) == int(campaign.ends_at.timestamp())
    assert fake_stripe.sessions[session_id]["expires_at"] == int(campaign.ends_at.timestamp())


def test_a_campaign_ending_in_more_than_a_day_keeps_stripes_24_hours(
    make_campaign, give, fake_stripe
):
    _, session_id = give(make_campaign(days=30))
    [request] = fake_stripe.requests_to(*SESSIONS)
    assert "expires_at" not in request.params


def test_a_campaign_ending_just_under_a_day_away_stays_inside_stripes_24_hours(
    make_campaign, give, fake_stripe
):
    campaign = _ends_in(make_campaign(), timedelta(hours=24) - timedelta(seconds=30))
    _, session_id = give(campaign)
    expires_at = fake_stripe.sessions[session_id]["expires_at"]
    assert expires_at < int(campaign.ends_at.timestamp())
    assert expires_at <= int(time.time()) + 24 * 3600 - 60


@pytest.mark.parametrize("minutes", [1, 20, 31])
def test_a_campaign_ending_within_half_an_hour_takes_no_online_gift(
    client, make_campaign, fake_stripe, stripe_app, minutes
):
    campaign = _ends_in(make_campaign(), timedelta(minutes=minutes))
    page = client.get(f"/campaigns/{campaign.id}/give")
    assert page.status_code == 200
    assert "too soon to complete a payment" in page.text
    assert 'id="donation-form"' not in page.text

    response = client.post(
        f"/campaigns/{campaign.id}/give",
        data={"preset": "other", "custom_amount": "500", "donor_name": "สมชาย",
              "email": "somchai@example.com"},
    )  # fmt: skip
    assert response.status_code == 409
    assert "too soon to complete a payment" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Donation.id))) == 0
    assert fake_stripe.requests_to(*SESSIONS) == []


# Open sessions are expired when the campaign stops taking gifts.


def close_due(app) -> str:
    result = app.test_cli_runner().invoke(args=["campaigns", "close-due"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_close_due_expires_the_open_sessions_of_campaigns_that_stopped(
    stripe_app, make_campaign, give, hooked
):
    ending = make_campaign()
    funded = make_campaign()
    running = make_campaign()
    first, first_session = give(ending)
    paid, paid_session = give(ending)
    hooked.pay(paid_session)
    over, over_session = give(funded)
    transition(reload(funded), CampaignState.FUNDED)  # funded stays funded past its end
    db.session.commit()
    open_one, open_session = give(running)
    for campaign in (ending, funded):
        _ends_in(campaign, -timedelta(minutes=1))

    output = close_due(stripe_app)

    assert "Ended 1 campaign(s)" in output
    assert "Expired 2 open Checkout Session(s)" in output
    expired = {r.path for r in hooked.requests if r.path.endswith("/expire")}
    assert expired == {EXPIRE.format(first_session), EXPIRE.format(over_session)}
    assert reload(first).state == DonationState.EXPIRED
    assert reload(over).state == DonationState.EXPIRED
    assert reload(paid).state == DonationState.PAID
    assert reload(open_one).state == DonationState.PENDING
    assert hooked.sessions[open_session]["status"] == "open"
    with pytest.raises(ApiError):
        hooked.pay(first_session)
    # Stripe's expiry events change nothing more; a second run asks Stripe nothing.
    assert {d.status for d in hooked.deliver_outbox()} == {200}
    asked = len(hooked.requests)
    assert "Expired" not in close_due(stripe_app)
    assert len(hooked.requests) == asked


def test_staff_closing_a_campaign_expires_its_open_sessions(
    stripe_app, make_campaign, give, hooked, client, login_as
):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    transition(reload(campaign), CampaignState.FUNDED)
    db.session.commit()
    login_as("staff")

    response = client.post(f"/staff/campaigns/{campaign.id}/close")

    assert response.status_code == 302
    assert reload(campaign).state == CampaignState.CLOSED
    assert hooked.sessions[session_id]["status"] == "expired"
    assert reload(donation).state == DonationState.EXPIRED


def test_stripe_down_leaves_the_expiry_to_the_next_run(stripe_app, make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    _ends_in(campaign, -timedelta(minutes=1))
    hooked.fail_next(500, times=3)  # the first try and the SDK's two retries

    output = close_due(stripe_app)

    assert f"Stripe did not answer for donations [{donation.id}]" in output
    assert reload(donation).state == DonationState.PENDING
    assert "Expired 1 open" in close_due(stripe_app)
    assert reload(donation).state == DonationState.EXPIRED
    assert hooked.sessions[session_id]["status"] == "expired"


def test_a_session_completed_by_promptpay_is_left_to_its_webhook(
    stripe_app, make_campaign, give, hooked
):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    # The donor paid by PromptPay; the completion event has not arrived yet.
    hooked.pay(session_id, method="promptpay", outcome="pending", send=False)
    _ends_in(campaign, -timedelta(minutes=1))

    close_due(stripe_app)

    donation = reload(donation)
    assert donation.state == DonationState.PENDING
    assert donation.payment_intent_id == hooked.sessions[session_id]["payment_intent"]
    asked = len(hooked.requests)
    close_due(stripe_app)
    assert len(hooked.requests) == asked  # not asked again
    hooked.settle(session_id)
    assert reload(donation).state == DonationState.PAID  # the gift counts (over-funding)

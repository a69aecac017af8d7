"""Money given back after money went out: a refund staff ask for is refused when the campaign
has already spent it; a dispute, a refund made at Stripe and an all-or-nothing refund run are
recorded as they come and leave the campaign listed below zero. Who may see that list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign, FundingRule
from partnership.campaigns.services import below_zero, close_due, pay_out
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.payments.models import RefundRequest
from partnership.settlement.services import settle_failed
from tests.crowd import page_text, reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.payments.refunding import nonce_of

pytestmark = pytest.mark.usefixtures("stripe_app")

REFUNDS = ("POST", "/v1/refunds")


def spend(campaign, satang: int, n: int = 1) -> None:
    pay_out(campaign.id, amount_satang=satang, source=f"disbursement:{n}", public_label="ร้านไอที")
    db.session.commit()


@pytest.fixture()
def spent(make_campaign, give, hooked):
    """Two paid gifts, ฿500 and ฿300 (raised ฿800), and ฿600 paid to a supplier: the
    campaign holds ฿200. Returns (campaign, ฿500 donation, its session, ฿300 session)."""
    campaign = make_campaign(title="Notebooks", goal_satang=10_000_000)
    big, big_session = give(campaign, custom_amount="500")
    _, small_session = give(campaign, custom_amount="300")
    hooked.pay(big_session)
    hooked.pay(small_session)
    spend(campaign, 60_000)
    return reload(campaign), reload(big), big_session, small_session


def ask_refund(client, donation, amount: str):
    page = client.get(f"/staff/payments/donations/{donation.id}").get_data(as_text=True)
    return client.post(
        f"/staff/payments/donations/{donation.id}",
        data={"amount": amount, "reason": "asked by the donor", "nonce": nonce_of(page)},
    )


def test_staff_cannot_refund_money_already_spent(client, login_as, spent, fake_stripe):
    campaign, donation, _, _ = spent
    login_as("staff")
    refused = ask_refund(client, donation, "300")  # the campaign holds ฿200
    assert refused.status_code == 422
    html = page_text(refused)
    assert "already paid this money out to suppliers: it holds ฿200.00 now" in html
    assert fake_stripe.requests_to(*REFUNDS) == []
    assert db.session.scalar(sa.select(sa.func.count(RefundRequest.id))) == 0

    allowed = ask_refund(client, donation, "200")  # up to the balance is fine
    assert allowed.status_code == 303
    (sent,) = fake_stripe.requests_to(*REFUNDS)
    assert sent.params["amount"] == "20000"
    fake_stripe.deliver_outbox()
    campaign = reload(campaign)
    assert (campaign.raised_satang, campaign.balance_satang) == (60_000, 0)
    assert below_zero() == [] and verify() == []


def test_a_refund_made_at_stripe_after_spending_is_recorded_and_listed(spent, hooked):
    """Not asked by staff here (the Dashboard, or Stripe's own): the webhook records it."""
    campaign, _, big_session, _ = spent
    hooked.refund(big_session)  # ฿500 back, the campaign held ฿200
    campaign = reload(campaign)
    assert (campaign.raised_satang, campaign.spent_satang) == (30_000, 60_000)
    assert [c.id for c in below_zero()] == [campaign.id]
    assert any("below zero" in line and "Notebooks" in line for line in verify())


def test_a_dispute_after_spending_is_recorded_and_a_won_dispute_clears_it(spent, hooked):
    campaign, _, _, small_session = spent
    (event, *_) = hooked.dispute(small_session)  # ฿300 taken back, the campaign held ฿200
    campaign = reload(campaign)
    assert campaign.balance_satang == -10_000
    assert [c.id for c in below_zero()] == [campaign.id]
    hooked.close_dispute(event.object["id"], "won")
    assert reload(campaign).balance_satang == 20_000
    assert below_zero() == [] and verify() == []


def test_an_all_or_nothing_refund_run_after_spending_is_listed_below_zero(
    make_campaign, give, hooked
):
    """Money paid out of a campaign that then missed its all-or-nothing goal: the refund run
    gives every gift back (the donors are owed it), and the campaign shows below zero."""
    campaign = make_campaign(title="Missed goal", goal_satang=10_000_000)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(funding_rule=FundingRule.ALL_OR_NOTHING)
    )
    db.session.commit()
    _, session_id = give(campaign, custom_amount="500")
    hooked.pay(session_id)
    spend(campaign, 40_000)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(ends_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert close_due() == [campaign.id]
    db.session.commit()
    (report,) = settle_failed()
    assert report.requested == 1
    db.session.commit()
    hooked.deliver_outbox()
    campaign = reload(campaign)
    assert (campaign.raised_satang, campaign.spent_satang) == (0, 40_000)
    assert [c.id for c in below_zero()] == [campaign.id]
    problems = verify()
    assert problems == [
        f"campaign {campaign.id} (Missed goal): balance -40000 satang is below zero "
        "(raised 0, spent 40000)"
    ]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("visitor", False),
        ("donor", False),
        ("school", False),
        ("other school", False),
        ("sponsor", False),
        ("committee", False),
        ("staff", True),
    ],
)
def test_who_sees_the_campaigns_below_zero(
    client, login, login_as, make_user, make_programme, spent, hooked, role, allowed
):
    from partnership.registry.models import Sector
    from partnership.review.models import CommitteeMember

    campaign, _, big_session, _ = spent
    hooked.refund(big_session)  # below zero
    if role == "school":
        login_as("school", school=campaign.school)
    elif role == "other school":
        login_as("school")
    elif role == "committee":
        member = make_user()
        db.session.add(
            CommitteeMember(
                programme_id=make_programme().id, user_id=member.id, sector=Sector.PUBLIC
            )
        )
        db.session.commit()
        login(member)
    elif role != "visitor":
        login_as(role)
    for url in ("/staff/campaigns/below-zero", "/staff/campaigns/"):
        response = client.get(url)
        if allowed:
            assert response.status_code == 200
            assert "Notebooks" in response.get_data(as_text=True)
        else:
            assert response.status_code in (302, 401, 403), (url, response.status_code)
            assert "Notebooks" not in response.get_data(as_text=True)


def test_staff_pages_show_spent_and_balance(client, login_as, spent, hooked):
    campaign, _, big_session, _ = spent
    login_as("staff")
    listing = page_text(client.get("/staff/campaigns/"))
    assert "฿800.00" in listing and "฿600.00" in listing and "฿200.00" in listing
    empty = page_text(client.get("/staff/campaigns/below-zero"))
    assert 'id="none-below-zero"' in empty
    edit = page_text(client.get(f"/staff/campaigns/{campaign.id}"))
    assert 'id="staff-money"' in edit and 'id="below-zero-note"' not in edit
    hooked.refund(big_session)
    edit = page_text(client.get(f"/staff/campaigns/{campaign.id}"))
    assert 'id="below-zero-note"' in edit and "-฿300.00" in edit

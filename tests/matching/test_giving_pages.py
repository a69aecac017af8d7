"""Matching where the donor gives (issue 16, item 14) and the sponsor's mail when staff approve
a pledge (item 21)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.matching.models import MatchPledge, PledgeState
from partnership.notifications.models import OutgoingMail
from tests.crowd import page_text
from tests.factories import english  # noqa: F401  (autouse: pages in English)

pytestmark = pytest.mark.usefixtures("stripe_app")


def test_the_give_form_shows_what_each_amount_becomes(client, make_campaign, make_pledge):
    campaign = make_campaign()
    # 1:1, at most ฿1,500 a gift, ฿3,000 left: ฿200 → ฿400, ฿2,000 → ฿3,500.
    make_pledge(campaign, cap_satang=300_000, per_donation_cap_satang=150_000)
    text = page_text(client.get(f"/campaigns/{campaign.id}/give"))
    assert '฿200.00\n      <span class="match-preview">becomes ฿400.00</span>' in text or (
        "becomes ฿400.00" in text
    )
    assert "becomes ฿1,000.00" in text and "becomes ฿3,500.00" in text
    assert 'data-match-terms="[[1, 1, 150000, 300000]]"' in text


def test_no_match_text_without_a_pool_with_money(client, make_campaign, make_pledge):
    campaign = make_campaign()
    make_pledge(campaign, state=PledgeState.PENDING)
    html = client.get(f"/campaigns/{campaign.id}/give").get_data(as_text=True)
    assert "becomes" not in html and "data-match-terms" not in html


def test_the_thank_you_page_says_what_was_matched(client, make_campaign, make_pledge, give, hooked):
    campaign = make_campaign()
    pledge = make_pledge(campaign, cap_satang=30_000)  # less than the gift asks
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    text = page_text(client.get(f"/donations/{donation.token}/thanks"))
    name = pledge.organisation.display_name("en")
    assert f"{name} matched it with ฿300.00: the school receives ฿800.00 from your gift." in text


def test_the_thank_you_page_without_a_match_says_nothing_of_it(client, make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    assert 'id="gift-matched"' not in client.get(f"/donations/{donation.token}/thanks").text


def test_the_sponsors_people_hear_once_that_their_pledge_is_approved(
    client, make_campaign, make_pledge, make_org, make_user, add_membership, login
):
    org = make_org(name="บริษัท สมทบดี จำกัด", name_en="Matchgood Co.")
    thai, english_speaker = make_user(), make_user()
    english_speaker.locale = "en"
    add_membership(thai, organisation=org)
    add_membership(english_speaker, organisation=org)
    add_membership(make_user(), organisation=make_org())  # another sponsor: not told
    pledge = make_pledge(make_campaign(), organisation=org, state=PledgeState.PENDING)
    login(make_user(is_staff=True))
    assert client.post(f"/staff/matching/{pledge.id}/approve").status_code == 303
    assert client.post(f"/staff/matching/{pledge.id}/approve").status_code == 303  # again
    mails = db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "pledge-approved")
    ).all()
    assert sorted(m.to_address for m in mails) == sorted([thai.email, english_speaker.email])
    by_address = {m.to_address: m for m in mails}
    assert by_address[english_speaker.email].subject == "Your matching pledge is approved"
    assert "Matchgood Co." in by_address[english_speaker.email].body
    assert "บริษัท สมทบดี จำกัด" in by_address[thai.email].body
    assert db.session.get(MatchPledge, pledge.id).state == PledgeState.APPROVED


def test_a_declined_pledge_sends_no_approval(
    client, make_campaign, make_pledge, make_org, make_user, add_membership, login
):
    org = make_org()
    add_membership(make_user(), organisation=org)
    pledge = make_pledge(make_campaign(), organisation=org, state=PledgeState.PENDING)
    login(make_user(is_staff=True))
    assert client.post(f"/staff/matching/{pledge.id}/decline").status_code == 303
    assert not db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "pledge-approved")
    ).all()

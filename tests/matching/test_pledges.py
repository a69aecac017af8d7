"""The pledge machine, the pledge form (sponsor's representative), staff decisions, the pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.matching.models import MatchPledge, MatchScope, PledgeState
from partnership.matching.pledges import TRANSITIONS, IllegalPledgeTransition, decide
from tests.crowd import page_text, reload

from .conftest import paid_event, pending_donation

P = PledgeState
ALL_MOVES = [(a, b) for a in PledgeState for b in PledgeState]


@pytest.mark.parametrize(("from_state", "to_state"), ALL_MOVES)
def test_every_transition(make_campaign, make_pledge, from_state, to_state):
    pledge = make_pledge(make_campaign(), state=from_state)
    assert pledge.state == from_state
    if to_state in TRANSITIONS[from_state]:
        decide(pledge, to_state)
        db.session.commit()
        assert reload(pledge).state == to_state
        assert reload(pledge).decided_at is not None
    else:
        with pytest.raises(IllegalPledgeTransition):
            decide(pledge, to_state)


def pledge_form(target, **overrides):
    return {
        "ratio": "1:1",
        "cap": "20,000",
        "per_donation_cap": "",
        "scope": "campaign",
        "campaign": str(target.id),
        "programme": "",
        "province": "",
        "starts_on": "2020-01-01",
        "ends_on": "2099-12-31",
        "note": "",
    } | overrides


def test_a_sponsor_pledges_and_staff_approve(
    client, make_campaign, make_org, login_as, login, make_user
):
    campaign = make_campaign(goal_satang=10_000_000)
    org = make_org(name="บริษัท สมทบดี จำกัด", name_en="Matchgood Co.")
    login_as("sponsor", organisation=org)
    response = client.post(f"/organisations/{org.id}/pledges/new", data=pledge_form(campaign))
    assert response.status_code == 302
    pledge = db.session.scalar(sa.select(MatchPledge))
    assert (pledge.state, pledge.cap_satang, pledge.scope) == (
        P.PENDING,
        2_000_000,
        MatchScope.CAMPAIGN,
    )
    assert "Waiting for staff approval" in page_text(client.get(f"/organisations/{org.id}"))
    # The sponsor cannot approve its own pledge.
    assert client.post(f"/staff/matching/{pledge.id}/approve").status_code == 403

    login(make_user(is_staff=True))
    assert "Matchgood" in client.get("/staff/matching").get_data(as_text=True)
    assert client.post(f"/staff/matching/{pledge.id}/approve").status_code == 303
    assert reload(pledge).state == P.APPROVED
    assert client.post(f"/staff/matching/{pledge.id}/approve").status_code == 303  # no 500
    text = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert "Every baht doubled by Matchgood Co. — ฿20,000.00 left" in text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cap": ""}, "cap", "Enter an amount in baht."),
        ({"cap": "abc"}, "cap", "Enter an amount in baht, such as 50,000."),
        ({"cap": "0"}, "cap", "more than zero"),
        ({"per_donation_cap": "-5"}, "per_donation_cap", "more than zero"),
        ({"campaign": ""}, "campaign", "Choose the campaign to match."),
        ({"scope": "province", "province": ""}, "province", "Choose the province"),
        ({"ends_on": "2019-01-01"}, "ends_on", "cannot be before"),
        ({"ratio": "9:1"}, "ratio", "Not a valid choice"),
    ],
)
def test_bad_pledges_get_form_errors(
    client, make_campaign, make_org, login_as, overrides, field, message
):
    campaign = make_campaign()
    org = make_org()
    login_as("sponsor", organisation=org)
    response = client.post(
        f"/organisations/{org.id}/pledges/new", data=pledge_form(campaign) | overrides
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MatchPledge.id))) == 0


@pytest.mark.parametrize("role", ["anonymous", "donor", "school", "other sponsor"])
def test_only_the_organisation_or_staff_pledge(client, make_campaign, make_org, login_as, role):
    org = make_org()
    if role == "other sponsor":
        login_as("sponsor")
    elif role != "anonymous":
        login_as(role)
    response = client.get(f"/organisations/{org.id}/pledges/new")
    assert response.status_code in (302, 401, 403)
    assert client.get("/staff/matching").status_code in (302, 401, 403)


def test_the_public_sees_approved_pledges_with_what_is_used(
    client, hooked, make_campaign, make_pledge
):
    campaign = make_campaign(goal_satang=10_000_000)
    pledge = make_pledge(campaign, cap_satang=100_000)
    hidden = make_pledge(campaign, organisation=pledge.organisation, state=P.PENDING)
    hooked.send(paid_event(hooked, pending_donation(campaign, 30_000)))
    text = page_text(client.get(f"/organisations/{pledge.organisation_id}"))
    assert "Matching pledges" in text
    assert "฿300.00" in text and "฿700.00" in text  # used, left
    assert "Waiting for staff approval" not in text
    assert hidden.id != pledge.id


@pytest.mark.parametrize(
    ("sponsor_part", "donor_part", "wording"),
    [
        (1, 1, "Every baht doubled by"),
        (2, 1, "Every baht tripled by"),
        (1, 2, "adds 1 baht for every 2 baht you give"),
    ],
)
def test_campaign_page_wording_follows_the_ratio(
    client, make_campaign, make_pledge, sponsor_part, donor_part, wording
):
    campaign = make_campaign()
    make_pledge(campaign, sponsor_part=sponsor_part, donor_part=donor_part)
    assert wording in page_text(client.get(f"/campaigns/{campaign.id}"))

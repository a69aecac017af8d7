"""Finding one's way (issue 16 items 12 and 20): each role lands on its own tasks after logging
in, the home page leads to giving, the staff home keeps money apart from the committee."""

from __future__ import annotations

import re

import pyotp
import pytest

from partnership.extensions import db
from partnership.registry.models import Sector
from partnership.review.models import CommitteeMember
from tests.crowd import counted_queries
from tests.factories import build_programme

PASSWORD = "correct horse 9"


def _log_in(client, user, **query):
    return client.post(
        "/login", query_string=query, data={"email": user.email, "password": PASSWORD}
    )


def _landing(client, response) -> str:
    """Where the login's redirects end (the /start hop followed)."""
    assert response.status_code == 302, response.text[:500]
    location = response.headers["Location"]
    if location == "/start":
        location = client.get("/start").headers["Location"]
    return location


@pytest.fixture()
def roles(app, make_user, make_school, make_org, add_membership):
    """One person per role, each with an id the expected page may mention."""
    staff = make_user(is_staff=True)
    school_user, school = make_user(), make_school()
    add_membership(school_user, school=school)
    sponsor, organisation = make_user(), make_org(sector=Sector.PRIVATE)
    add_membership(sponsor, organisation=organisation)
    reviewer, reviewer_org = make_user(), make_org(sector=Sector.PUBLIC)
    add_membership(reviewer, organisation=reviewer_org)
    programme = build_programme()
    db.session.add(programme)
    db.session.add(
        CommitteeMember(
            programme=programme, user=reviewer, organisation=reviewer_org, sector=Sector.PUBLIC
        )
    )
    donor = make_user()
    db.session.commit()
    return {
        "staff": (staff, "/staff"),
        "school": (school_user, "/my/applications"),
        "sponsor": (sponsor, f"/organisations/{organisation.id}"),
        "committee": (reviewer, "/committee"),
        "donor": (donor, "/"),
    }


@pytest.mark.parametrize("role", ["staff", "school", "sponsor", "committee", "donor"])
def test_each_role_lands_on_its_own_tasks(client, roles, role):
    user, expected = roles[role]
    assert _landing(client, _log_in(client, user)) == expected
    assert client.get(expected).status_code == 200


def test_a_safe_next_still_wins_and_an_outside_one_does_not(client, roles):
    user, _ = roles["school"]
    assert _landing(client, _log_in(client, user, next="/campaigns")) == "/campaigns"
    client.post("/logout")
    landed = _landing(client, _log_in(client, user, next="https://evil.example/"))
    assert landed == "/my/applications"


def test_the_landing_comes_after_the_second_factor(client, roles, add_totp):
    user, expected = roles["staff"]
    secret = add_totp(user)
    first = _log_in(client, user)
    assert first.headers["Location"].endswith("/login/second-factor")
    assert client.get(expected).status_code in (302, 401, 403)  # not signed in yet
    second = client.post("/login/second-factor", data={"code": pyotp.TOTP(secret).now()})
    assert _landing(client, second) == expected


def test_the_home_page_leads_to_giving_in_constant_queries(client, app, make_campaign):
    first = make_campaign(title="สมุดให้น้อง")
    client.get("/")  # warm up what is loaded once per process
    with counted_queries() as one:
        client.get("/")
    make_campaign(state="draft", title="ร่างที่ยังไม่เปิด")
    make_campaign(state="ended", title="จบไปแล้ว")
    for _ in range(4):
        make_campaign()
    with counted_queries() as many:
        page = client.get("/").text
    assert len(many) == len(one)
    assert "ร่างที่ยังไม่เปิด" not in page and "จบไปแล้ว" not in page
    gives = re.findall(r'class="btn btn-give" href="/campaigns/(\d+)/give"', page)
    assert len(gives) == 3
    assert client.get(f"/campaigns/{first.id}/give").status_code == 200


def test_school_staff_are_not_asked_to_join_the_network(client, roles, login):
    assert 'id="join-card"' in client.get("/").text
    login(roles["school"][0])
    page = client.get("/").text
    assert 'id="join-card"' not in page and 'href="/my/applications"' in page


def test_staff_home_keeps_money_out_of_the_committee_card(client, roles, login):
    login(roles["staff"][0])
    page = client.get("/staff").text
    committee = re.search(r'id="committee-card">(.*?)</div>', page, re.S).group(1)
    money = re.search(r'id="money-card">(.*?)</div>', page, re.S).group(1)
    for link in ("/staff/campaigns/", "/staff/payments/donations", "/staff/matching"):
        assert link not in committee
        assert link in money

"""A sponsor's dashboard (issue 19 §3): its pools' pledged, used and left figures, the
campaigns it matched with what it matched, the delivery and outcomes; only its
representatives and staff see it; the exports are escaped; the query count is fixed."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import g

from partnership.extensions import db
from partnership.matching.models import MatchScope
from partnership.registry.models import PartnershipRole, Sector
from partnership.site.sponsor_figures import sponsor_figures
from tests.crowd import build_campaign, counted_queries, page_text, reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.paid_gifts import gift


@pytest.fixture()
def sponsor(app, make_school, make_org, make_pledge, make_partnership):
    """An organisation with two pools on two campaigns, and another organisation's pool."""
    organisation = make_org(name="บริษัท มิตรผล จำกัด", sector=Sector.PRIVATE)
    other = make_org(name="บริษัท อื่น จำกัด", sector=Sector.PRIVATE)
    school_x, school_y = make_school(), make_school()
    make_partnership(organisation, school_x, role=PartnershipRole.SPONSOR)
    x = build_campaign(school_x, goal_satang=1_000_000, title="โน้ตบุ๊ก ป.4")
    y = build_campaign(school_y, goal_satang=1_000_000, title="แท็บเล็ต")
    unmatched = build_campaign(make_school(), goal_satang=1_000_000, title="ไม่ได้สมทบ")
    pool_x = make_pledge(x, organisation=organisation, cap_satang=100_000)  # 1:1
    pool_y = make_pledge(y, organisation=organisation, cap_satang=50_000, sponsor_part=2)  # 2:1
    make_pledge(x, organisation=other, cap_satang=10_000)
    make_pledge(unmatched, organisation=other, cap_satang=10_000)
    gift(x, amount_satang=30_000)  # draws 30,000 of pool x (and 10,000 of the other's pool)
    gift(x, amount_satang=50_000)  # draws 50,000 of pool x
    gift(y, amount_satang=10_000)  # draws 20,000 of pool y (2:1)
    gift(unmatched, amount_satang=10_000)
    return {
        "organisation": organisation,
        "other": other,
        "x": x,
        "y": y,
        "pools": (pool_x, pool_y),
        "school": school_x,
    }


def test_pledged_used_left_by_hand(sponsor):
    figures = sponsor_figures(sponsor["organisation"])
    # pool x: 100,000 pledged, 30,000 + 50,000 used, 20,000 left;
    # pool y: 50,000 pledged, 2 × 10,000 used, 30,000 left
    by_cap = {row.pledge.cap_satang: row.pledge for row in figures.pledges}
    assert (by_cap[100_000].used_satang, by_cap[100_000].remaining_satang) == (80_000, 20_000)
    assert (by_cap[50_000].used_satang, by_cap[50_000].remaining_satang) == (20_000, 30_000)
    assert (figures.pledged_satang, figures.used_satang, figures.left_satang) == (
        150_000,
        100_000,
        50_000,
    )
    matched = {row.campaign.id: row.matched_satang for row in figures.campaigns}
    # only this sponsor's draws: not the other organisation's 10,000 on campaign x
    assert matched == {sponsor["x"].id: 80_000, sponsor["y"].id: 20_000}
    x = reload(sponsor["x"])
    assert x.raised_satang == 30_000 + 50_000 + 80_000 + 10_000
    row_x = next(row for row in figures.campaigns if row.campaign.id == x.id)
    assert row_x.balance_satang == x.raised_satang - x.spent_satang
    assert [p.school_id for p in figures.partnerships] == [sponsor["school"].id]


def test_the_page_shows_the_figures(client, login, make_user, add_membership, sponsor):
    rep = make_user()
    add_membership(rep, organisation=sponsor["organisation"])
    login(rep)
    response = client.get(f"/organisations/{sponsor['organisation'].id}/dashboard")
    assert response.status_code == 200
    text = page_text(response)
    totals = re.search(r'<ul class="stats" id="sponsor-totals">.*?</ul>', text, re.S).group(0)
    assert "฿1,500.00" in totals and "฿1,000.00" in totals and "฿500.00" in totals
    campaigns = re.search(r'id="campaigns-table".*?</table>', text, re.S).group(0)
    assert "โน้ตบุ๊ก ป.4" in campaigns and "แท็บเล็ต" in campaigns
    assert "ไม่ได้สมทบ" not in text
    assert "฿800.00" in campaigns and "฿200.00" in campaigns
    # the sponsor report (reporting), for its CSR report
    assert (
        f'id="sponsor-report-link" href="/organisations/{sponsor["organisation"].id}/report"'
        in text
    )
    assert len(response.data) < 100_000
    # the organisation's page (where a sponsor lands) links the dashboard
    page = client.get(f"/organisations/{sponsor['organisation'].id}").get_data(as_text=True)
    assert f'href="/organisations/{sponsor["organisation"].id}/dashboard"' in page


def test_delivery_and_outcomes_columns(client, login_as, sponsor):
    login_as("staff")
    response = client.get(f"/organisations/{sponsor['organisation'].id}/dashboard/campaigns.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Campaign", "School", "State", "Raised", "Matched by you"]
    assert rows[0][-4:] == [
        "Milestones done",
        "Milestones",
        "Devices delivered",
        "Devices confirmed",
    ]
    assert sorted(r[4] for r in rows[1:]) == ["200.00", "800.00"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_escaped(client, login_as, make_org, make_school, make_partnership, fmt):
    organisation = make_org(name="ทดสอบ")
    school = make_school(name_th="=cmd|' /C calc'!A0")
    make_partnership(organisation, school, role=PartnershipRole.SPONSOR)
    login_as("sponsor", organisation=organisation)
    response = client.get(f"/organisations/{organisation.id}/dashboard/partnerships.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[1][0].startswith("'=cmd")
        assert rows[1][2] == "2021-06-01"  # the partnership's start, a date
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.data)).active
        assert list(sheet.iter_rows(values_only=True))[1][0].startswith("'=cmd")


ROLES = ["anonymous", "donor", "school", "other_rep", "pending_rep", "rep", "staff"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["", "/pledges.csv", "/campaigns.xlsx"])
def test_who_may_see_it(
    client, login, make_user, make_org, make_school, add_membership, role, suffix
):
    from partnership.accounts.models import MembershipState

    organisation, other = make_org(), make_org()
    user = None
    if role == "staff":
        user = make_user(is_staff=True)
    elif role != "anonymous":
        user = make_user()
        if role == "school":
            add_membership(user, school=make_school())
        elif role == "other_rep":
            add_membership(user, organisation=other)
        elif role == "pending_rep":
            add_membership(user, organisation=organisation, state=MembershipState.PENDING)
        elif role == "rep":
            add_membership(user, organisation=organisation)
    if user is not None:
        login(user)
    response = client.get(f"/organisations/{organisation.id}/dashboard{suffix}")
    if role in ("rep", "staff"):
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert ("sponsor-dashboard-link" in page) == (role in ("rep", "staff"))


def test_unknown_organisation_or_table(client, login_as):
    login_as("staff")
    assert client.get("/organisations/999999/dashboard").status_code == 404


def _queries(client, organisation_id) -> int:
    g.pop("_login_user", None)
    db.session.expunge_all()  # nothing answered from what the test loaded
    with counted_queries() as statements:
        assert client.get(f"/organisations/{organisation_id}/dashboard").status_code == 200
    return len(statements)


def test_query_count_is_fixed(client, login_as, make_org, make_school, make_pledge):
    organisation = make_org()
    login_as("sponsor", organisation=organisation)

    def add(n):
        for i in range(n):
            campaign = build_campaign(make_school(), goal_satang=1_000_000, title=f"แคมเปญ {i}")
            make_pledge(campaign, organisation=organisation, cap_satang=100_000)
            gift(campaign, amount_satang=10_000)

    add(1)
    few = _queries(client, organisation.id)
    add(4)
    assert _queries(client, organisation.id) == few


def test_programme_and_province_pools_name_what_they_cover(make_org, make_pledge, make_school):
    organisation = make_org()
    campaign = build_campaign(make_school(), goal_satang=1_000_000)
    make_pledge(
        organisation=organisation,
        scope=MatchScope.PROGRAMME,
        target_id=campaign.programme_id,
        cap_satang=10_000,
    )
    make_pledge(
        organisation=organisation, scope=MatchScope.PROVINCE, province_code="40", cap_satang=10_000
    )
    targets = {row.pledge.scope: row.target for row in sponsor_figures(organisation).pledges}
    assert targets[MatchScope.PROGRAMME] == campaign.programme.display_name("th")
    assert targets[MatchScope.PROVINCE] == "ขอนแก่น"

"""Every outcomes route × every kind of visitor: who may see and do what (STYLE.md practice 5).

Staff pages are for staff; the report form is for the staff of the campaign's own school; the
programme page's table is public and shows verified figures only, to everyone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.i18n import current_academic_year
from partnership.outcomes import services
from partnership.outcomes.models import OutcomeReport, ReportState
from partnership.registry.models import Sector
from partnership.review.models import CommitteeMember
from tests.outcomes.conftest import form_data

ROLES = ("visitor", "donor", "school", "other_school", "sponsor", "committee", "staff")

LOGIN, OK, REDIRECT, FORBIDDEN, INVALID = "login", 200, 302, 403, 422


@pytest.fixture()
def world(funded, make_user, make_org, add_membership, school_staff):
    staff = make_user(is_staff=True)
    other_user, _other_school = school_staff()
    sponsor = make_user()
    add_membership(sponsor, organisation=make_org())
    reviewer, organisation = make_user(), make_org(sector=Sector.PUBLIC)
    add_membership(reviewer, organisation=organisation)
    db.session.add(
        CommitteeMember(
            programme_id=funded.campaign.programme_id,
            user=reviewer,
            organisation=organisation,
            sector=Sector.PUBLIC,
        )
    )
    verified, awaiting = services.report_outcomes(
        funded.campaign,
        current_academic_year(),
        {funded.measures["pupils"].id: 17, funded.measures["hours"].id: 9},
        "",
        funded.user,
    )
    services.verify(verified, staff)
    db.session.commit()
    funded.users = {
        "visitor": None,
        "donor": make_user(),
        "school": funded.user,
        "other_school": other_user,
        "sponsor": sponsor,
        "committee": reviewer,
        "staff": staff,
    }
    funded.verified, funded.awaiting = verified, awaiting
    return funded


def _requests(w):
    """(method, url, data, expected per role)."""
    c, p = w.campaign.id, w.campaign.programme_id
    measures = f"/staff/outcomes/programmes/{p}/measures"
    m, r = w.measures["hours"].id, w.awaiting.id
    staff_only = {role: FORBIDDEN for role in ROLES} | {"visitor": LOGIN}
    measure = {
        "name_th": "ใหม่",
        "key": "new_one",
        "kind": "count",
        "planned_from": "none",
        "position": "9",
    }
    edit = measure | {"key": "hours", "name_th": "ชั่วโมง", "kind": "hours_per_week"}
    own_school = {role: FORBIDDEN for role in ROLES} | {"visitor": LOGIN}
    return [
        ("GET", "/staff/outcomes/", None, staff_only | {"staff": OK}),
        ("GET", measures, None, staff_only | {"staff": OK}),
        ("POST", measures, measure, staff_only | {"staff": REDIRECT}),
        ("GET", f"/staff/outcomes/measures/{m}/edit", None, staff_only | {"staff": OK}),
        ("POST", f"/staff/outcomes/measures/{m}/edit", edit, staff_only | {"staff": REDIRECT}),
        ("GET", f"/staff/outcomes/campaigns/{c}", None, staff_only | {"staff": OK}),
        ("GET", f"/staff/outcomes/reports/{r}/return", None, staff_only | {"staff": OK}),
        ("POST", f"/staff/outcomes/reports/{r}/verify", {}, staff_only | {"staff": REDIRECT}),
        ("GET", "/school/outcomes/", None, own_school | {"school": OK, "other_school": OK}),
        ("GET", f"/school/outcomes/campaigns/{c}", None, own_school | {"school": OK}),
        (
            "POST",
            f"/school/outcomes/campaigns/{c}",
            form_data(w.measures, hours=7),
            own_school | {"school": REDIRECT},
        ),
        ("GET", f"/programmes/{p}", None, {role: OK for role in ROLES}),
    ]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, db, world, act_as, role):
    wrong = []
    for method, url, data, expected in _requests(world):
        act_as(world.users[role])
        response = client.open(url, method=method, data=data)
        status = response.status_code
        want = expected[role]
        if want == LOGIN:
            got_it = status == 302 and "/login" in response.headers["Location"]
        else:
            got_it = status == want
        if not got_it:
            wrong.append((method, url, status, want))
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_only_verified_figures_are_public(client, db, world, act_as, role):
    act_as(world.users[role])
    page = client.get(f"/programmes/{world.campaign.programme_id}").text
    assert 'id="programme-outcomes"' in page
    assert ">17<" in page  # verified pupils
    assert ">9<" not in page  # the hours await verification
    assert ('id="outcome-measures-link"' in page) == (role == "staff")


@pytest.mark.parametrize("role", ROLES)
def test_who_decides(client, db, world, act_as, role):
    """Only staff move a report; the refused leave it as it was."""
    act_as(world.users[role])
    client.post(f"/staff/outcomes/reports/{world.awaiting.id}/return", data={"reason": "no"})
    db.session.expire_all()
    state = db.session.scalar(
        sa.select(OutcomeReport.state).where(OutcomeReport.id == world.awaiting.id)
    )
    assert state == (ReportState.RETURNED if role == "staff" else ReportState.REPORTED)


def test_the_school_list_shows_only_ones_own_campaigns(client, db, world, act_as):
    act_as(world.users["other_school"])
    page = client.get("/school/outcomes/").text
    assert f"/school/outcomes/campaigns/{world.campaign.id}" not in page
    act_as(world.users["school"])
    page = client.get("/school/outcomes/").text
    assert f"/school/outcomes/campaigns/{world.campaign.id}" in page

"""A resolution's links both ways: the resolution page names what it decided, and the school,
the programme and its committee page show "Decided by" with the resolution; admitting a school
goes through the registry's decision; a members-only meeting is not cited to the public; every
route of bodies and links for every kind of visitor; hostile input refused, nothing written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from partnership.extensions import db
from partnership.governance.models import (
    BodyMember,
    LinkKind,
    Outcome,
    Resolution,
    ResolutionLink,
    Visibility,
)
from partnership.registry.models import NetworkEvent, NetworkStatus, Sector
from partnership.review.models import CommitteeMember
from tests.factories import build_programme, english  # noqa: F401  (autouse: pages in English)


def _links():
    return db.session.execute(
        sa.select(ResolutionLink.kind, ResolutionLink.subject_id).order_by(ResolutionLink.id)
    ).all()


def _programme(**overrides):
    programme = build_programme(name_en="Notebook for Education", **overrides)
    db.session.add(programme)
    db.session.commit()
    return programme


# Schools ---------------------------------------------------------------------------------------


def test_admitting_by_a_resolution_makes_the_school_a_member_with_its_event(
    client, login, body, resolution, make_school
):
    applicant = make_school(network_status=NetworkStatus.APPLICANT, name_en="Ban Nong School")
    waiting = make_school(network_status=NetworkStatus.APPLICANT)
    login(body.secretary_user)
    page = client.get(f"/governance/resolutions/{resolution.id}").get_data(as_text=True)
    assert 'id="admit-schools"' in page and "Ban Nong School" in page
    response = client.post(
        f"/staff/governance/resolutions/{resolution.id}/schools",
        data={"admit-school_ids": [str(applicant.id)]},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert applicant.network_status is NetworkStatus.MEMBER
    assert waiting.network_status is NetworkStatus.APPLICANT
    event = db.session.scalars(
        sa.select(NetworkEvent).where(NetworkEvent.school_id == applicant.id)
    ).one()
    assert (event.from_state, event.to_state) == (NetworkStatus.APPLICANT, NetworkStatus.MEMBER)
    assert event.actor_id == body.secretary_user.id
    assert "meeting 1/2564, item 4.1" in event.reason
    assert _links() == [(LinkKind.SCHOOL_ADMITTED, applicant.id)]

    # the resolution names the school, the school names the resolution
    page = client.get(f"/governance/resolutions/{resolution.id}").get_data(as_text=True)
    decided = page.split('id="decided"')[1]
    assert f"/schools/{applicant.id}" in decided
    client.post("/logout")
    school_page = client.get(f"/schools/{applicant.id}").get_data(as_text=True)
    card = school_page.split('id="decided-by"')[1]
    assert f"/governance/resolutions/{resolution.id}" in card


def test_an_admitted_school_is_linked_by_its_code_once(client, login_as, resolution, make_school):
    member = make_school()
    declined = make_school(network_status=NetworkStatus.DECLINED)
    login_as("staff")
    url = f"/staff/governance/resolutions/{resolution.id}/school"
    assert client.post(url, data={"school-code": member.code}).status_code == 303
    again = client.post(url, data={"school-code": member.code})
    assert "already names that school" in client.get(again.headers["Location"]).get_data(
        as_text=True
    )
    refused = client.post(url, data={"school-code": declined.code})
    assert refused.status_code == 303
    unknown = client.post(url, data={"school-code": "0000000000"})
    assert (
        unknown.status_code == 422
        and "No school in the registry has this code" in unknown.get_data(as_text=True)
    )
    assert _links() == [(LinkKind.SCHOOL_ADMITTED, member.id)]
    db.session.expire_all()
    assert declined.network_status is NetworkStatus.DECLINED


def test_a_school_already_decided_between_page_and_post_is_refused(
    client, login_as, resolution, make_school
):
    applicant = make_school(network_status=NetworkStatus.APPLICANT)
    login_as("staff")
    url = f"/staff/governance/resolutions/{resolution.id}/schools"
    applicant.network_status = NetworkStatus.DECLINED  # declined in the registry meanwhile
    db.session.commit()
    response = client.post(url, data={"admit-school_ids": [str(applicant.id)]})
    assert response.status_code == 422  # no longer a choice
    assert _links() == []


# Programmes ------------------------------------------------------------------------------------


def test_a_programme_opened_and_its_committee_named(client, login_as, resolution):
    programme = _programme()
    login_as("staff")
    url = f"/staff/governance/resolutions/{resolution.id}/programmes"
    for kind in ("programme_opened", "committee_named", "committee_named"):
        response = client.post(
            url, data={"programme-programme_id": str(programme.id), "programme-kind": kind}
        )
        assert response.status_code == 303
    assert _links() == [
        (LinkKind.PROGRAMME_OPENED, programme.id),
        (LinkKind.COMMITTEE_NAMED, programme.id),
    ]
    page = client.get(f"/governance/resolutions/{resolution.id}").get_data(as_text=True)
    assert page.split('id="decided"')[1].count(f"/programmes/{programme.id}") == 2
    committee = client.get(f"/review/programmes/{programme.id}/committee").get_data(as_text=True)
    card = committee.split('id="decided-by"')[1].split("</div>")[0]
    assert f"/governance/resolutions/{resolution.id}" in card
    client.post("/logout")
    g.pop("_login_user", None)
    public = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert f"/governance/resolutions/{resolution.id}" in public.split('id="decided-by"')[1]


def test_a_members_only_resolution_is_not_cited_to_the_public(
    client, login, login_as, body, make_meeting
):
    hidden = make_meeting(visibility=Visibility.MEMBERS).resolution
    programme = _programme()
    login(body.secretary_user)
    client.post(
        f"/staff/governance/resolutions/{hidden.id}/programmes",
        data={"programme-programme_id": str(programme.id), "programme-kind": "programme_opened"},
    )
    assert _links() == [(LinkKind.PROGRAMME_OPENED, programme.id)]
    url = f"/governance/resolutions/{hidden.id}"
    assert url in client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    login(body.member_user)
    g.pop("_login_user", None)
    assert url in client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    for role in (None, "donor", "sponsor"):
        with client.session_transaction() as session:
            session.clear()
            session["locale"] = "en"
        g.pop("_login_user", None)
        if role:
            login_as(role)
        page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
        assert url not in page and 'id="decided-by"' not in page
        assert client.get(url).status_code == 404


def test_a_resolution_that_did_not_approve_decides_nothing(client, login_as, body, meeting):
    from partnership.governance import services

    item = services.add_agenda_item(meeting, kind=meeting.agenda[0].kind, title_th="ไม่ผ่าน")
    refused = services.record_resolution(item, Outcome.NOT_APPROVED, "ไม่เห็นชอบ")
    db.session.commit()
    programme = _programme()
    login_as("staff")
    page = client.get(f"/governance/resolutions/{refused.id}").get_data(as_text=True)
    assert "Only an approved resolution can decide a record." in page
    assert 'id="link-programme"' not in page
    response = client.post(
        f"/staff/governance/resolutions/{refused.id}/programmes",
        data={"programme-programme_id": str(programme.id), "programme-kind": "programme_opened"},
    )
    assert response.status_code == 303
    assert _links() == []


def test_appointments_with_a_resolution_show_on_its_page(client, login_as, body, resolution):
    login_as("staff")
    client.post(
        f"/staff/governance/bodies/{body.id}/members/new",
        data={"person_name": "นางสาวใหม่ ทดสอบ", "sector": "civil_society", "role": "member",
              "starts_on": "2021-07-01", "organisation_id": "0",
              "resolution_id": str(resolution.id)},
    )  # fmt: skip
    chair = db.session.scalars(sa.select(BodyMember).order_by(BodyMember.id)).first()
    client.post(
        f"/staff/governance/members/{chair.id}/end",
        data={"ends_on": "2021-07-01", "reason": "ครบวาระ", "resolution_id": str(resolution.id)},
    )
    page = client.get(f"/governance/resolutions/{resolution.id}").get_data(as_text=True)
    decided = page.split('id="decided"')[1]
    assert "นางสาวใหม่ ทดสอบ" in decided and chair.person_name in decided
    assert "Member appointed" in decided and "term ended" in decided


# Permissions -----------------------------------------------------------------------------------

ROLES = ("visitor", "donor", "school", "sponsor", "committee", "member", "secretary", "staff")
OK, LOGIN, NO = "ok", "login", 403
STAFF_ONLY = {r: (OK if r == "staff" else LOGIN if r == "visitor" else NO) for r in ROLES}
RECORDERS = {
    r: (OK if r in ("secretary", "staff") else LOGIN if r == "visitor" else NO) for r in ROLES
}
EVERYONE = dict.fromkeys(ROLES, OK)
MEMBER_FORM = {"person_name": "คนใหม่", "sector": "public", "role": "member",
               "starts_on": "2021-07-01", "organisation_id": "0", "resolution_id": "0"}  # fmt: skip
BODY_FORM = {"kind": "committee", "name_th": "คณะกรรมการ", "parent_id": "0",
             "province_code": "", "quorum_percent": "50"}  # fmt: skip

#: (name, method, url template, form data, expected answer per role)
ROUTES = [
    ("new body page", "GET", "/staff/governance/bodies/new", None, STAFF_ONLY),
    ("create a body", "POST", "/staff/governance/bodies/new", BODY_FORM, STAFF_ONLY),
    ("edit page", "GET", "/staff/governance/bodies/{b}/edit", None, STAFF_ONLY),
    ("edit a body", "POST", "/staff/governance/bodies/{b}/edit", BODY_FORM, STAFF_ONLY),
    ("dissolve", "POST", "/staff/governance/bodies/{b}/dissolve",
     {"dissolved_on": "2022-01-01"}, STAFF_ONLY),
    ("appoint page", "GET", "/staff/governance/bodies/{b}/members/new", None, STAFF_ONLY),
    ("appoint", "POST", "/staff/governance/bodies/{b}/members/new", MEMBER_FORM, STAFF_ONLY),
    ("end page", "GET", "/staff/governance/members/{m}/end", None, STAFF_ONLY),
    ("end a term", "POST", "/staff/governance/members/{m}/end",
     {"ends_on": "2021-12-31", "reason": "ลาออก", "resolution_id": "0"}, STAFF_ONLY),
    ("role page", "GET", "/staff/governance/members/{m}/role", None, STAFF_ONLY),
    ("change a role", "POST", "/staff/governance/members/{m}/role",
     {"role": "vice_chair", "starts_on": "2021-07-01", "resolution_id": "0"}, STAFF_ONLY),
    ("resolution page", "GET", "/governance/resolutions/{r}", None, EVERYONE),
    ("admit schools", "POST", "/staff/governance/resolutions/{r}/schools",
     {"admit-school_ids": "{applicant}"}, RECORDERS),
    ("link a school", "POST", "/staff/governance/resolutions/{r}/school",
     {"school-code": "{code}"}, RECORDERS),
    ("link a programme", "POST", "/staff/governance/resolutions/{r}/programmes",
     {"programme-programme_id": "{p}", "programme-kind": "programme_opened"}, RECORDERS),
]  # fmt: skip


@pytest.fixture()
def people(body, make_user, make_school, make_org, add_membership):
    """role -> user (None for the visitor)."""
    found = {"visitor": None, "donor": make_user()}
    found["school"] = make_user()
    add_membership(found["school"], school=make_school())
    found["sponsor"] = make_user()
    add_membership(found["sponsor"], organisation=make_org())
    reviewer = make_user()
    programme = build_programme()
    db.session.add(programme)
    db.session.add(CommitteeMember(programme=programme, user=reviewer, sector=Sector.PUBLIC))
    db.session.commit()
    found["committee"] = reviewer
    found["member"] = body.member_user
    found["secretary"] = body.secretary_user
    found["staff"] = make_user(is_staff=True)
    return found


@pytest.fixture()
def world(body, resolution, make_school):
    programme = _programme()
    member = db.session.scalars(sa.select(BodyMember).order_by(BodyMember.id)).first()
    return {
        "b": body.id,
        "m": member.id,
        "r": resolution.id,
        "p": programme.id,
        "applicant": make_school(network_status=NetworkStatus.APPLICANT).id,
        "code": make_school().code,
    }


@pytest.fixture()
def as_role(switch_user, people):
    """as_role(name): that role's person signed in (the visitor: signed out), in English."""
    return lambda name: switch_user(people[name])


def _check(client, response, method, want):
    if want == OK:
        assert response.status_code in ((200,) if method == "GET" else (303,)), response.status_code
        if method == "POST":
            after = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "flash-error" not in after
    elif want == LOGIN:
        assert response.status_code in (302, 401)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == want, response.status_code


def _rows() -> dict:
    from partnership.governance.models import Body

    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Body, BodyMember, ResolutionLink, NetworkEvent, Resolution)
    }


CASES = [
    (route, winner)
    for route in ROUTES
    for winner in ([None] if route[1] == "GET" else [r for r in ROLES if route[4][r] == OK])
]


@pytest.mark.parametrize(("route", "winner"), CASES, ids=[f"{r[0]}-{w or 'all'}" for r, w in CASES])
def test_matrix(client, world, as_role, route, winner):
    _name, method, template, data, expected = route
    url = template.format(**world)
    form = {k: v.format(**world) for k, v in (data or {}).items()}
    before = _rows()
    for role in ROLES:
        if method == "POST" and (expected[role] == OK):
            continue
        as_role(role)
        response = client.get(url) if method == "GET" else client.post(url, data=form)
        _check(client, response, method, expected[role])
    db.session.expire_all()
    assert _rows() == before  # the refused wrote nothing
    if winner is not None:
        as_role(winner)
        _check(client, client.post(url, data=form), method, OK)


def test_link_forms_are_shown_only_to_who_may_link(client, world, as_role):
    for role in ROLES:
        as_role(role)
        page = client.get("/governance/resolutions/{r}".format(**world)).get_data(as_text=True)
        assert ('id="links"' in page) is (RECORDERS[role] == OK), role


def test_a_secretary_of_another_body_may_not_link(client, login, world, make_body, make_user):
    from datetime import date

    from partnership.governance import services

    other = make_body(name_th="อีกคณะ")
    stranger = make_user()
    services.appoint_member(
        other, person_name="เลขาอีกคณะ", sector=Sector.PUBLIC,
        role=services.MemberRole.SECRETARY, starts_on=date(2021, 1, 1), user_id=stranger.id,
    )  # fmt: skip
    db.session.commit()
    login(stranger)
    response = client.post(
        "/staff/governance/resolutions/{r}/programmes".format(**world),
        data={"programme-programme_id": str(world["p"]), "programme-kind": "programme_opened"},
    )
    assert response.status_code == 403
    assert _links() == []


# Hostile input ---------------------------------------------------------------------------------

HOSTILE = [
    "", " ", "0", "-1", "99999999999999999999", "1 OR 1=1", "<script>alert(1)</script>",
    "\x00", "a\u202eb", "ก" * 5000, "2021-02-30", "../../etc/passwd", "%s%s%n",
]  # fmt: skip

HOSTILE_TARGETS = [
    ("/staff/governance/bodies/new", BODY_FORM),
    ("/staff/governance/bodies/{b}/edit", BODY_FORM),
    ("/staff/governance/bodies/{b}/dissolve", {"dissolved_on": "2022-01-01"}),
    ("/staff/governance/bodies/{b}/members/new", MEMBER_FORM | {"account_email": "", "email": ""}),
    ("/staff/governance/members/{m}/end",
     {"ends_on": "2021-12-31", "reason": "ลาออก", "resolution_id": "0"}),
    ("/staff/governance/members/{m}/role",
     {"role": "vice_chair", "starts_on": "2021-07-01", "resolution_id": "0"}),
    ("/staff/governance/resolutions/{r}/schools", {"admit-school_ids": "{applicant}"}),
    ("/staff/governance/resolutions/{r}/school", {"school-code": "{code}"}),
    ("/staff/governance/resolutions/{r}/programmes",
     {"programme-programme_id": "{p}", "programme-kind": "programme_opened"}),
]  # fmt: skip


@pytest.mark.parametrize(("target", "fields"), HOSTILE_TARGETS, ids=[t for t, _ in HOSTILE_TARGETS])
def test_hostile_input_is_refused_safely(client, world, as_role, target, fields):
    as_role("staff")
    url = target.format(**world)
    valid = {k: v.format(**world) for k, v in fields.items()}
    for name in valid:
        for value in HOSTILE:
            before = _rows()
            response = client.post(url, data=valid | {name: value})
            assert response.status_code < 500, (name, value)
            if response.status_code >= 400:
                db.session.expire_all()
                assert _rows() == before, (name, value)

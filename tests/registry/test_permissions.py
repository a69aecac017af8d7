"""Who may open each registry page and run each registry action: a role × action matrix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from partnership.accounts.models import Membership, MembershipState
from partnership.extensions import db
from partnership.registry.models import (
    NetworkStatus,
    Organisation,
    OrganisationKind,
    School,
    Sector,
)
from partnership.registry.school_data.models import CollectionWindow
from partnership.registry.school_data.services import today

from .conftest import snapshot

SECRET_PHONE = "081-555-0199"
SECRET_EMAIL = "private-contact@school.example.com"
ORG_SECRET_EMAIL = "csr-private@company.example.com"
NOTE = "บันทึกภายในของมูลนิธิ"

ROLES = (
    "anonymous",
    "donor",
    "other_school",
    "own_school",
    "other_sponsor",
    "own_sponsor",
    "staff",
)


@dataclass
class World:
    school: School
    other_school: School
    applicant: School
    organisation: Organisation
    other_organisation: Organisation
    partnership_id: int
    membership_id: int


@pytest.fixture()
def world(app, make_school, make_org, make_partnership, make_user, add_membership) -> World:
    school = make_school(
        contact_name="ผู้ติดต่อ",
        contact_email=SECRET_EMAIL,
        contact_phone=SECRET_PHONE,
        network_note=NOTE,
        network_joined_on=date(2021, 5, 17),
    )
    other_school = make_school()
    applicant = make_school(network_status=NetworkStatus.APPLICANT, network_note=NOTE)
    organisation = make_org(contact_email=ORG_SECRET_EMAIL, contact_phone=SECRET_PHONE)
    other_organisation = make_org()
    partnership = make_partnership(organisation, school)
    asker = make_user()
    membership = add_membership(asker, school=other_school, state=MembershipState.PENDING)
    # the collection of 2568 is open: the school's own staff may record its figures
    db.session.add(
        CollectionWindow(academic_year=2025, opens_on=today(), closes_on=today() + timedelta(30))
    )
    db.session.commit()
    return World(
        school, other_school, applicant, organisation, other_organisation, partnership.id,
        membership.id,
    )  # fmt: skip


@pytest.fixture()
def sign_in_as(login_as):
    def sign_in(role: str, w: World):
        if role == "anonymous":
            return None
        if role == "donor":
            return login_as("donor")
        if role in ("other_school", "own_school"):
            school = w.school if role == "own_school" else w.other_school
            return login_as("school", school=school)
        if role in ("other_sponsor", "own_sponsor"):
            org = w.organisation if role == "own_sponsor" else w.other_organisation
            return login_as("sponsor", organisation=org)
        return login_as("staff")

    return sign_in


def school_data(w: World, **overrides) -> dict:
    data = {
        "code": w.school.code,
        "name_th": "โรงเรียนชื่อใหม่",
        "name_en": "Renamed School",
        "province_code": "40",
        "district": "เมืองขอนแก่น",
        "address": "",
        "affiliation": "obec",
        "min_grade": "0",
        "max_grade": "8",
        "contact_name": "ผู้ติดต่อ",
        "contact_email": SECRET_EMAIL,
        "contact_phone": SECRET_PHONE,
    }
    data.update(overrides)
    return data


def org_data(**overrides) -> dict:
    data = {"name": "องค์กรชื่อใหม่", "name_en": "", "kind": "company", "sector": "private",
            "website": "", "description": "คำอธิบายใหม่", "contact_name": "",
            "contact_email": ORG_SECRET_EMAIL, "contact_phone": SECRET_PHONE}  # fmt: skip
    data.update(overrides)
    return data


PUBLIC = set(ROLES)
SIGNED_IN = PUBLIC - {"anonymous"}
STAFF = {"staff"}
SCHOOL_EDITORS = {"own_school", "staff"}
ORG_EDITORS = {"own_sponsor", "staff"}

#: (name, method, url(w), data(w) or None, roles allowed)
ACTIONS = [
    ("school list", "GET", lambda w: "/schools", None, PUBLIC),
    ("school detail", "GET", lambda w: f"/schools/{w.school.id}", None, PUBLIC),
    ("without partner", "GET", lambda w: "/schools/without-private-partner", None, PUBLIC),
    ("organisation list", "GET", lambda w: "/organisations", None, PUBLIC),
    ("organisation detail", "GET", lambda w: f"/organisations/{w.organisation.id}", None, PUBLIC),
    ("new school form", "GET", lambda w: "/schools/new", None, STAFF),
    ("create school", "POST", lambda w: "/schools/new",
     lambda w: school_data(w, code="1099999999"), STAFF),
    ("edit school form", "GET", lambda w: f"/schools/{w.school.id}/edit", None, SCHOOL_EDITORS),
    ("edit school", "POST", lambda w: f"/schools/{w.school.id}/edit", school_data,
     SCHOOL_EDITORS),
    ("stats form", "GET", lambda w: f"/schools/{w.school.id}/data", None, SCHOOL_EDITORS),
    ("record stats", "POST", lambda w: f"/schools/{w.school.id}/stats",
     lambda w: {"academic_year": "2568", "pupils": "120", "teachers": "7"}, SCHOOL_EDITORS),
    ("school re-applies", "POST", lambda w: f"/schools/{w.school.id}/network/apply",
     lambda w: {}, SCHOOL_EDITORS),
    ("network accept", "POST", lambda w: f"/schools/{w.applicant.id}/network/accept",
     lambda w: {"note": "ยินดีต้อนรับ"}, STAFF),
    ("network decline", "POST", lambda w: f"/schools/{w.applicant.id}/network/decline",
     lambda w: {"note": ""}, STAFF),
    ("network leave", "POST", lambda w: f"/schools/{w.school.id}/network/leave",
     lambda w: {"note": ""}, STAFF),
    ("network queue", "GET", lambda w: "/staff/network", None, STAFF),
    ("network apply form", "GET", lambda w: "/network/apply", None, SIGNED_IN),
    ("new partnership form", "GET", lambda w: "/partnerships/new", None, STAFF),
    ("create partnership", "POST", lambda w: "/partnerships/new",
     lambda w: {"organisation_id": str(w.other_organisation.id), "school_code": w.school.code,
                "role": "sponsor", "started_on": "2024-05-16", "ended_on": "", "note": ""},
     STAFF),
    ("end partnership", "POST", lambda w: f"/partnerships/{w.partnership_id}/end",
     lambda w: {}, STAFF),
    ("new organisation form", "GET", lambda w: "/organisations/new", None, STAFF),
    ("create organisation", "POST", lambda w: "/organisations/new",
     lambda w: org_data(name="บริษัทใหม่ จำกัด"), STAFF),
    ("edit organisation form", "GET", lambda w: f"/organisations/{w.organisation.id}/edit",
     None, ORG_EDITORS),
    ("edit organisation", "POST", lambda w: f"/organisations/{w.organisation.id}/edit",
     lambda w: org_data(), ORG_EDITORS),
    ("staff home", "GET", lambda w: "/staff", None, STAFF),
    ("outgoing mail", "GET", lambda w: "/staff/mail", None, STAFF),
    ("membership queue", "GET", lambda w: "/staff/memberships", None, STAFF),
    ("approve membership", "POST",
     lambda w: f"/staff/memberships/{w.membership_id}/approve", lambda w: {"reason": ""}, STAFF),
    ("decline membership", "POST",
     lambda w: f"/staff/memberships/{w.membership_id}/decline", lambda w: {"reason": ""}, STAFF),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_permission_matrix(client, world, sign_in_as, action, role):
    name, method, url_of, data_of, allowed = action
    sign_in_as(role, world)
    url = url_of(world)
    before = snapshot()
    response = client.get(url) if method == "GET" else client.post(url, data=data_of(world))
    location = response.headers.get("Location", "")
    if role in allowed:
        # A POST may pass the permission check and still be refused by a rule (the school is
        # already a member): the one refusal handler answers that with a 303 back.
        assert response.status_code in ((200,) if method == "GET" else (302, 303)), response.text
        assert "/login" not in location
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert location.startswith(("/login", "http://localhost/login"))
        assert "next=" in location
    else:
        assert response.status_code == 403
    for secret in (SECRET_PHONE, SECRET_EMAIL, ORG_SECRET_EMAIL, NOTE):
        assert secret not in response.text
    assert snapshot() == before


def test_own_school_staff_edit_profile_but_not_code_or_status(client, world, sign_in_as):
    sign_in_as("own_school", world)
    code, status = world.school.code, world.school.network_status
    data = school_data(world, code="1011111111", name_th="โรงเรียนบ้านใหม่")
    data["network_status"] = "left"
    response = client.post(f"/schools/{world.school.id}/edit", data=data)
    assert response.status_code == 302, response.text
    db.session.expire_all()
    school = db.session.get(School, world.school.id)
    assert school.name_th == "โรงเรียนบ้านใหม่"
    assert school.code == code
    assert school.network_status == status


def test_own_school_staff_see_code_read_only(client, world, sign_in_as):
    sign_in_as("own_school", world)
    response = client.get(f"/schools/{world.school.id}/edit")
    assert response.status_code == 200
    assert "readonly" in response.text


def test_own_school_staff_may_reapply_but_not_decide(client, world, sign_in_as):
    world.school.network_status = NetworkStatus.LEFT
    db.session.commit()
    sign_in_as("own_school", world)
    assert client.post(f"/schools/{world.school.id}/network/accept", data={}).status_code == 403
    response = client.post(f"/schools/{world.school.id}/network/apply", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(School, world.school.id).network_status == NetworkStatus.APPLICANT
    before = snapshot()
    assert client.post(f"/schools/{world.school.id}/network/accept", data={}).status_code == 403
    assert snapshot() == before


def test_sponsor_edits_own_organisation_but_not_its_sector_or_kind(client, world, sign_in_as):
    sign_in_as("own_sponsor", world)
    form = client.get(f"/organisations/{world.organisation.id}/edit")
    assert form.status_code == 200
    assert 'name="sector"' not in form.text
    data = org_data(name="ชื่อใหม่ของบริษัท", kind="government", sector="public")
    response = client.post(f"/organisations/{world.organisation.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    organisation = db.session.get(Organisation, world.organisation.id)
    assert organisation.name == "ชื่อใหม่ของบริษัท"
    assert organisation.description == "คำอธิบายใหม่"
    assert organisation.sector == Sector.PRIVATE
    assert organisation.kind == OrganisationKind.COMPANY


def test_staff_may_reclassify_an_organisation(client, world, sign_in_as):
    sign_in_as("staff", world)
    data = org_data(kind="foundation", sector="civil_society")
    response = client.post(f"/organisations/{world.organisation.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    organisation = db.session.get(Organisation, world.organisation.id)
    assert organisation.sector == Sector.CIVIL_SOCIETY


def test_staff_change_the_code(client, world, sign_in_as):
    sign_in_as("staff", world)
    response = client.post(
        f"/schools/{world.school.id}/edit", data=school_data(world, code="1022222222")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(School, world.school.id).code == "1022222222"


def test_pending_membership_gives_no_rights(client, world, make_user, login):
    user = make_user()
    db.session.add(Membership(user=user, school=world.school, state=MembershipState.PENDING))
    db.session.commit()
    login(user)
    before = snapshot()
    response = client.post(f"/schools/{world.school.id}/edit", data=school_data(world))
    assert response.status_code == 403
    assert snapshot() == before


def test_internal_note_hidden_from_the_public(client, world):
    response = client.get(f"/schools/{world.applicant.id}")
    assert response.status_code == 200
    assert NOTE not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/schools/999999",
        "/schools/999999/edit",
        "/organisations/999999",
        "/organisations/999999/edit",
    ],
)
def test_missing_objects_are_404(client, world, sign_in_as, url):
    sign_in_as("staff", world)
    assert client.get(url).status_code == 404

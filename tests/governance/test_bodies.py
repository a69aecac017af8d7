"""Bodies and members from the staff pages: create, edit, dissolve; appoint, end a term once,
change a role as two terms; the body page keeps the earlier members."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.governance import bodies as svc
from partnership.governance import services
from partnership.governance.models import (
    AgendaKind,
    Body,
    BodyKind,
    BodyMember,
    LinkKind,
    MemberRole,
    Outcome,
    ResolutionLink,
)
from partnership.governance.services import GovernanceRefused
from tests.factories import english  # noqa: F401  (autouse: pages in English)


def _members(body_id):
    return db.session.scalars(
        sa.select(BodyMember).where(BodyMember.body_id == body_id).order_by(BodyMember.id)
    ).all()


def test_staff_create_a_provincial_assembly(client, login_as):
    login_as("staff")
    response = client.post(
        "/staff/governance/bodies/new",
        data={
            "kind": "provincial_assembly",
            "name_th": "สมัชชาการศึกษาจังหวัดขอนแก่น",
            "name_en": "Khon Kaen education assembly",
            "purpose_th": "ความเสมอภาคทางการศึกษา",
            "parent_id": "0",
            "province_code": "40",
            "quorum_percent": "25",
        },
    )
    assert response.status_code == 303
    body = db.session.scalar(sa.select(Body))
    assert (body.kind, body.province_code, body.quorum_percent) == (
        BodyKind.PROVINCIAL_ASSEMBLY,
        "40",
        25,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Khon Kaen education assembly" in page
    assert f"/staff/governance/bodies/{body.id}/edit" in page


def test_a_provincial_assembly_needs_its_province_and_others_have_none(client, login_as):
    login_as("staff")
    data = {"kind": "provincial_assembly", "name_th": "สมัชชา", "parent_id": "0",
            "province_code": "", "quorum_percent": "50"}  # fmt: skip
    response = client.post("/staff/governance/bodies/new", data=data)
    assert response.status_code == 422
    assert "Choose the province" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Body)) == 0
    data |= {"kind": "working_group", "province_code": "40"}
    assert client.post("/staff/governance/bodies/new", data=data).status_code == 303
    assert db.session.scalar(sa.select(Body.province_code)) is None


def test_edit_refuses_a_body_under_itself(client, login_as, make_body):
    top = make_body(name_th="บน")
    under = make_body(name_th="ล่าง", parent_id=top.id)
    login_as("staff")
    data = {"kind": "working_group", "name_th": "บนใหม่", "parent_id": str(under.id),
            "province_code": "", "quorum_percent": "50"}  # fmt: skip
    response = client.post(f"/staff/governance/bodies/{top.id}/edit", data=data)
    assert response.status_code == 422
    assert "cannot report to itself" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (top.name_th, top.parent_id) == ("บน", None)
    data["parent_id"] = "0"
    assert client.post(f"/staff/governance/bodies/{top.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert top.name_th == "บนใหม่"


def test_dissolve_once_and_nothing_deleted(client, login_as, body, meeting):
    login_as("staff")
    url = f"/staff/governance/bodies/{body.id}/dissolve"
    assert client.post(url, data={"dissolved_on": "2022-01-31"}).status_code == 303
    again = client.post(url, data={"dissolved_on": "2022-02-28"})
    assert again.status_code == 303
    db.session.expire_all()
    assert body.dissolved_on == date(2022, 1, 31)
    assert len(_members(body.id)) == 3
    page = client.get(f"/governance/bodies/{body.id}").get_data(as_text=True)
    assert "dissolved on" in page and "meeting 1/2564" in page.lower()
    # no new member of a dissolved body, not even by a crafted post
    crafted = client.post(
        f"/staff/governance/bodies/{body.id}/members/new",
        data={"person_name": "ใหม่", "sector": "public", "role": "member",
              "starts_on": "2022-03-01", "organisation_id": "0", "resolution_id": "0"},
    )  # fmt: skip
    assert crafted.status_code == 303
    assert "has been dissolved" in client.get(crafted.headers["Location"]).get_data(as_text=True)
    assert len(_members(body.id)) == 3


def test_appoint_with_account_email_and_resolution(
    client, login_as, body, resolution, make_org, make_user
):
    org = make_org()
    account = make_user("somchai@example.test")
    login_as("staff")
    response = client.post(
        f"/staff/governance/bodies/{body.id}/members/new",
        data={
            "person_name": "นายสมชาย ใจดี",
            "position": "ผู้จัดการ",
            "account_email": "somchai@example.test",
            "email": "invite@example.org",
            "organisation_id": str(org.id),
            "sector": "private",
            "role": "member",
            "starts_on": "2021-07-01",
            "resolution_id": str(resolution.id),
        },
    )
    assert response.status_code == 303, __import__("re").findall(
        r"field-error[^<]*<|flash-error[^<]*<", response.get_data(as_text=True)
    )
    member = _members(body.id)[-1]
    assert (member.user_id, member.email, member.organisation_id) == (
        account.id,
        "invite@example.org",
        org.id,
    )
    assert member.appointed_by_id == resolution.id
    kinds = db.session.scalars(sa.select(ResolutionLink.kind)).all()
    assert kinds == [LinkKind.MEMBER_APPOINTED]
    page = client.get(f"/governance/resolutions/{resolution.id}").get_data(as_text=True)
    assert "นายสมชาย ใจดี" in page


def test_appoint_refuses_an_unknown_account_and_a_foreign_resolution(
    client, login_as, body, make_body
):
    other = make_body(name_th="อีกคณะ")
    # a resolution of a body that is neither this body nor its parent
    foreign_meeting = services.schedule_meeting(
        other, starts_at=datetime(2021, 6, 1, 3, tzinfo=UTC), place="ห้องประชุม"
    )
    item = services.add_agenda_item(foreign_meeting, kind=AgendaKind.CONSIDERATION, title_th="เรื่อง")
    foreign = services.record_resolution(item, Outcome.APPROVED, "เห็นชอบ")
    db.session.commit()
    login_as("staff")
    base = {"person_name": "คนใหม่", "sector": "public", "role": "member",
            "starts_on": "2021-07-01", "organisation_id": "0", "resolution_id": "0"}  # fmt: skip
    url = f"/staff/governance/bodies/{body.id}/members/new"
    unknown = client.post(url, data=base | {"account_email": "nobody@example.test"})
    assert unknown.status_code == 422
    assert "No account has this e-mail address: leave" in unknown.get_data(as_text=True)
    crafted = client.post(url, data=base | {"resolution_id": str(foreign.id)})
    assert crafted.status_code == 422
    assert len(_members(body.id)) == 3


def test_a_term_ends_once_even_from_a_crafted_post(client, login_as, body, resolution):
    member = _members(body.id)[2]
    login_as("staff")
    url = f"/staff/governance/members/{member.id}/end"
    first = client.post(url, data={"ends_on": "2021-12-31", "reason": "ลาออก",
                                   "resolution_id": str(resolution.id)})  # fmt: skip
    assert first.status_code == 303
    second = client.post(url, data={"ends_on": "2022-06-30", "reason": "อีกครั้ง",
                                    "resolution_id": "0"})  # fmt: skip
    assert second.status_code == 303
    assert "already ended" in client.get(second.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert (member.ends_on, member.end_reason, member.ended_by_id) == (
        date(2021, 12, 31),
        "ลาออก",
        resolution.id,
    )
    with pytest.raises(GovernanceRefused):
        svc.end_member_term(member, date(2022, 1, 1), "x", None)
    links = db.session.scalars(sa.select(ResolutionLink.kind)).all()
    assert links == [LinkKind.MEMBER_REMOVED]


def test_a_term_cannot_end_before_it_started(client, login_as, body):
    member = _members(body.id)[2]
    login_as("staff")
    response = client.post(
        f"/staff/governance/members/{member.id}/end",
        data={"ends_on": "2020-01-01", "reason": "ผิด", "resolution_id": "0"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert member.ends_on is None


def test_a_change_of_role_is_two_terms_and_the_page_shows_both(client, login_as, body, resolution):
    member = _members(body.id)[2]
    login_as("staff")
    response = client.post(
        f"/staff/governance/members/{member.id}/role",
        data={"role": "vice_chair", "starts_on": "2021-07-01", "reason": "",
              "resolution_id": str(resolution.id)},
    )  # fmt: skip
    assert response.status_code == 303
    rows = [m for m in _members(body.id) if m.person_name == member.person_name]
    assert [(m.role, m.starts_on, m.ends_on) for m in rows] == [
        (MemberRole.MEMBER, date(2021, 1, 15), date(2021, 7, 1)),
        (MemberRole.VICE_CHAIR, date(2021, 7, 1), None),
    ]
    assert rows[1].user_id == rows[0].user_id
    links = db.session.execute(
        sa.select(ResolutionLink.kind, ResolutionLink.subject_id).order_by(ResolutionLink.id)
    ).all()
    assert links == [
        (LinkKind.MEMBER_REMOVED, rows[0].id),
        (LinkKind.MEMBER_APPOINTED, rows[1].id),
    ]
    # the old row's term cannot take a second new role
    again = client.post(
        f"/staff/governance/members/{member.id}/role",
        data={"role": "chair", "starts_on": "2021-08-01", "resolution_id": "0"},
    )
    assert again.status_code == 303
    assert len(_members(body.id)) == 4
    page = client.get(f"/governance/bodies/{body.id}").get_data(as_text=True)
    earlier = page.split('id="earlier-members"')[1]
    assert member.person_name in earlier and "Member" in earlier
    current = page.split('id="members"')[1].split('id="earlier-members"')[0]
    assert "Vice-chair" in current


def test_the_body_page_links_staff_to_the_forms_and_nobody_else(client, login_as, body):
    member = _members(body.id)[0]
    staff_page = client.get(f"/governance/bodies/{body.id}")
    assert f"/staff/governance/members/{member.id}/end" not in staff_page.get_data(as_text=True)
    login_as("staff")
    page = client.get(f"/governance/bodies/{body.id}").get_data(as_text=True)
    for url in (
        f"/staff/governance/bodies/{body.id}/edit",
        f"/staff/governance/bodies/{body.id}/members/new",
        f"/staff/governance/members/{member.id}/end",
        f"/staff/governance/members/{member.id}/role",
    ):
        assert url in page
        assert client.get(url).status_code == 200

"""Creators for the meeting tests (kept out of conftest.py: other parts of governance have
their own): a working group with a chair, a secretary and a member who have accounts, meetings
and one account per role of the permission matrix."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from pypdf import PdfWriter

from partnership.accounts.models import Membership
from partnership.accounts.services import create_user
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.governance import services
from partnership.governance.models import Body, BodyKind, MemberRole, Visibility
from partnership.registry.models import Sector

_n = iter(range(1_000_000))


def one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def user(email: str | None = None, *, is_staff: bool = False):
    """An account, committed (a session signs in by an id that is final only then)."""
    account = create_user(
        email or f"gov{next(_n)}@example.test", "ผู้ใช้ทดสอบ", "correct horse 9", is_staff=is_staff
    )
    db.session.commit()
    return account


def body(name: str = "คณะทำงานทดสอบ", quorum_percent: int = 50) -> Body:
    found = Body(
        kind=BodyKind.WORKING_GROUP,
        name_th=f"{name} {next(_n)}",
        name_en="Test working group",
        quorum_percent=quorum_percent,
    )
    db.session.add(found)
    db.session.flush()
    return found


def seat(found: Body, role: MemberRole, *, account=None, email: str = "", name: str = ""):
    member = services.appoint_member(
        found,
        person_name=name or f"สมาชิก {next(_n)}",
        sector=Sector.PRIVATE,
        role=role,
        starts_on=date(2020, 1, 1),
        user_id=account.id if account is not None else None,
    )
    member.email = email
    db.session.flush()
    return member


def meeting(found: Body, *, days: float = 30, visibility=Visibility.PUBLIC, **extra):
    """A meeting ``days`` from now (negative: in the past), at a place and online."""
    values = {
        "place": "ห้องประชุม 1",
        "online_platform": "Zoom",
        "online_url": "https://zoom.example/j/1",
    }
    return services.schedule_meeting(
        found,
        starts_at=utcnow() + timedelta(days=days),
        visibility=visibility,
        **(values | extra),
    )


class World(dict):
    """role -> user (None for the visitor), plus the body and the ids of the test."""


def world() -> World:
    """Every role of the matrix around one working group with a public and a members-only
    meeting, each with an agenda item that has a paper."""
    from partnership.governance.models import AgendaAttachment, AgendaKind
    from partnership.registry.models import (
        Affiliation,
        NetworkStatus,
        Organisation,
        OrganisationKind,
        School,
    )
    from partnership.review.models import CommitteeMember
    from tests.factories import build_programme

    people = World(visitor=None)
    people["donor"] = user()
    school = School(
        code=f"10500{next(_n):05d}", name_th="โรงเรียนทดสอบ", province_code="40",
        district="เมือง", affiliation=Affiliation.OBEC, min_grade=0, max_grade=8,
        network_status=NetworkStatus.MEMBER,
    )  # fmt: skip
    organisation = Organisation(
        name=f"บริษัททดสอบ {next(_n)}", kind=OrganisationKind.COMPANY, sector=Sector.PRIVATE
    )
    db.session.add_all([school, organisation])
    db.session.flush()
    people["school"] = user()
    db.session.add(Membership(user=people["school"], school=school))
    people["sponsor"] = user()
    db.session.add(Membership(user=people["sponsor"], organisation=organisation))
    people["committee"] = user()
    programme = build_programme()
    db.session.add(programme)
    db.session.add(
        CommitteeMember(
            programme=programme,
            user=people["committee"],
            organisation=organisation,
            sector=Sector.PRIVATE,
        )
    )
    people["member"] = user()
    people["secretary"] = user()
    people["staff"] = user(is_staff=True)
    group = body()
    seat(group, MemberRole.CHAIR, email="chair@example.test", name="ประธาน")
    seat(group, MemberRole.SECRETARY, account=people["secretary"])
    seat(group, MemberRole.MEMBER, account=people["member"])
    public = meeting(group, visibility=Visibility.PUBLIC)
    private = meeting(group, visibility=Visibility.MEMBERS)
    past = meeting(group, days=-1, visibility=Visibility.MEMBERS)
    ids = {"body": group.id, "public": public.id, "private": private.id, "past": past.id}
    for name, found in (("public", public), ("private", private), ("past", past)):
        item = services.add_agenda_item(found, kind=AgendaKind.CONSIDERATION, title_th="เรื่อง")
        ids[f"{name}_item"] = item.id
        paper = AgendaAttachment(
            agenda_item_id=item.id,
            filename="paper.pdf",
            content_type="application/pdf",
            size_bytes=10,
            storage_key=f"agenda-files/{next(_n):032x}.pdf",
            sha256="0" * 64,
        )
        db.session.add(paper)
        db.session.flush()
        ids[f"{name}_paper"] = paper.id
        from partnership.core.storage import get_storage

        get_storage().save(paper.storage_key, one_page_pdf(), "application/pdf")
    db.session.commit()
    people.body = group
    people.ids = ids
    return people


def bangkok_form(day: datetime | date, hour: str = "09:30", **extra) -> dict:
    """The schedule form's fields for a day at ``hour`` in Bangkok."""
    return {
        "day": day.strftime("%Y-%m-%d"),
        "starts": hour,
        "ends": "12:00",
        "place": "ห้องประชุม 1",
        "online_platform": "Zoom",
        "online_url": "https://zoom.example/j/1",
        "visibility": "members",
        "chair": "0",
        "title_th": "ประชุมทดสอบ",
    } | extra

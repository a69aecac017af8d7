"""Shared creators for the governance tests: a body with members, a held meeting with an item
and its (approved) resolution, each built through ``governance.services``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from partnership.extensions import db
from partnership.governance import services
from partnership.governance.models import (
    AgendaKind,
    Body,
    BodyKind,
    MemberRole,
    Outcome,
    Visibility,
)
from partnership.registry.models import Sector

#: The day the fixture body's first members start sitting.
SINCE = date(2021, 1, 15)


@pytest.fixture()
def make_body(app):
    """make_body(**overrides) -> a committed working group (no members)."""

    def make(**overrides) -> Body:
        values = {
            "kind": BodyKind.WORKING_GROUP,
            "name_th": "คณะทำงานทดสอบ",
            "name_en": "Test working group",
            "purpose_th": "ทดสอบ",
        } | overrides
        body = Body(**values)
        db.session.add(body)
        db.session.commit()
        return body

    return make


@pytest.fixture()
def body(make_body, make_user):
    """A working group with a chair, a secretary (with an account: ``body.secretary_user``), and
    a member (with an account: ``body.member_user``), all sitting since ``SINCE``."""
    group = make_body()
    secretary, member = make_user(name="เลขานุการ"), make_user(name="กรรมการ")
    seats = [
        ("นายประธาน ทดสอบ", MemberRole.CHAIR, Sector.PUBLIC, None),
        ("นางเลขา ทดสอบ", MemberRole.SECRETARY, Sector.PRIVATE, secretary.id),
        ("นายกรรมการ ทดสอบ", MemberRole.MEMBER, Sector.PRIVATE, member.id),
    ]
    for name, role, sector, user_id in seats:
        services.appoint_member(
            group, person_name=name, sector=sector, role=role, starts_on=SINCE, user_id=user_id
        )
    db.session.commit()
    group.secretary_user, group.member_user = secretary, member
    return group


@pytest.fixture()
def make_meeting(body):
    """make_meeting(visibility=PUBLIC, day=28 June 2021) -> a held meeting of ``body`` with one
    item for consideration and its approved resolution (``meeting.resolution``)."""

    def make(visibility: Visibility = Visibility.PUBLIC, day: date = date(2021, 6, 28)):
        meeting = services.schedule_meeting(
            body,
            starts_at=datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC),
            online_platform="Zoom",
            online_url="https://zoom.example.org/j/1",
            visibility=visibility,
        )
        item = services.add_agenda_item(
            meeting,
            kind=AgendaKind.CONSIDERATION,
            label="4.1",
            title_th="เรื่องเพื่อพิจารณา",
            title_en="An item for consideration",
        )
        services.mark_held(meeting)
        meeting.resolution = services.record_resolution(
            item, Outcome.APPROVED, "ที่ประชุมมีมติเห็นชอบ", text_en="Approved."
        )
        db.session.commit()
        return meeting

    return make


@pytest.fixture()
def meeting(make_meeting):
    """A public, held meeting of ``body`` with one item and its approved resolution."""
    return make_meeting()


@pytest.fixture()
def resolution(meeting):
    """The approved resolution of ``meeting``'s one item."""
    return meeting.resolution

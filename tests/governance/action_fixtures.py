"""Creators for the action items' tests: a working group with a secretary and a member, a
held public meeting with a resolution, one account per role, and a way to sign each in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.governance import services
from partnership.governance.actions.services import add_action_item, bangkok_today
from partnership.governance.models import (
    AgendaKind,
    Body,
    BodyKind,
    MemberRole,
    Outcome,
    Visibility,
)
from partnership.registry.models import Sector

ROLES = (
    "visitor", "donor", "school", "sponsor", "member", "owner", "secretary", "staff",
)  # fmt: skip


class World(dict):
    """role -> user (None for the visitor), plus the body, resolution and items made."""


def make_world(make_user, make_school, make_org, add_membership, visibility=Visibility.PUBLIC):
    people = World(visitor=None)
    people["donor"] = make_user()
    people["school"] = make_user()
    add_membership(people["school"], school=make_school())
    people["sponsor"] = make_user()
    add_membership(people["sponsor"], organisation=make_org())
    people["member"] = make_user()
    people["owner"] = make_user()
    people["secretary"] = make_user()
    people["staff"] = make_user(is_staff=True)
    body = Body(kind=BodyKind.WORKING_GROUP, name_th="คณะทำงานทดสอบ", name_en="Test group")
    db.session.add(body)
    db.session.flush()
    since = date(2020, 1, 1)
    secretary_seat = services.appoint_member(
        body, person_name="เลขานุการ", sector=Sector.PRIVATE, role=MemberRole.SECRETARY,
        starts_on=since, user_id=people["secretary"].id,
    )  # fmt: skip
    member_seat = services.appoint_member(
        body, person_name="กรรมการ", sector=Sector.PUBLIC, role=MemberRole.MEMBER,
        starts_on=since, user_id=people["member"].id,
    )  # fmt: skip
    meeting = services.schedule_meeting(
        body,
        starts_at=utcnow() - timedelta(days=30),
        place="ห้องประชุม 1",
        visibility=visibility,
        actor=people["staff"],
    )
    item = services.add_agenda_item(meeting, kind=AgendaKind.CONSIDERATION, title_th="เรื่องทดสอบ")
    resolution = services.record_resolution(item, Outcome.APPROVED, "เห็นชอบ", people["secretary"])
    people.body, people.meeting, people.resolution = body, meeting, resolution
    people.secretary_seat, people.member_seat = secretary_seat, member_seat
    people.item = add_action_item(
        resolution,
        title_th="จัดทำรายงาน",
        title_en="Write the report",
        owner_user=people["owner"],
        due_on=bangkok_today() + timedelta(days=10),
        actor=people["secretary"],
    )
    db.session.commit()
    return people


@pytest.fixture()
def world(app, make_user, make_school, make_org, add_membership):
    return make_world(make_user, make_school, make_org, add_membership)


@pytest.fixture()
def as_role(switch_user, world):
    """as_role(name): that role's person signed in (the visitor: signed out), in English."""
    return lambda name: switch_user(world[name])


def days_from_today(days: int) -> date:
    return bangkok_today() + timedelta(days=days)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12)

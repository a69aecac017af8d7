"""Demo of members over time: the public–private working group's SCG seat changes hands, and
in the PR working group a member becomes vice-chair, so the body pages show earlier members
(the history is never overwritten: one term ends, another starts)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..accounts.services import find_user
from ..extensions import db
from ..governance import bodies
from ..governance.models import Body, BodyMember, MemberRole
from .governance import PR_GROUP_TH, WORKING_GROUP_TH

#: SCG's representative before and after 1 August 2564 (invented names).
SCG_BEFORE = "นายปกรณ์ สุขสวัสดิ์"
SCG_AFTER = "นางสาวชุติมา ประเสริฐวงศ์"
#: The PR working group's member who became vice-chair on 1 September 2564.
PR_VICE_CHAIR = "นายธีรวัฒน์ ชูศรี"


def _seat(body: Body | None, person_name: str) -> BodyMember | None:
    """The person's current (not ended) seat on the body."""
    if body is None:
        return None
    return db.session.scalar(
        sa.select(BodyMember).where(
            BodyMember.body_id == body.id,
            BodyMember.person_name == person_name,
            BodyMember.ends_on.is_(None),
        )
    )


def seed_governance_bodies() -> None:
    """Once: SCG's seat passes to a new representative; a PR member becomes vice-chair."""
    staff = find_user("staff@demo.example.org")
    group = db.session.scalar(sa.select(Body).where(Body.name_th == WORKING_GROUP_TH))
    pr = db.session.scalar(sa.select(Body).where(Body.name_th == PR_GROUP_TH))
    before = _seat(group, SCG_BEFORE)
    if before is not None:
        handover = date(2021, 8, 1)
        bodies.end_member_term(before, handover, "SCG แจ้งเปลี่ยนผู้แทนในคณะทำงาน", staff)
        bodies.appoint(
            group,
            person_name=SCG_AFTER,
            position="ผู้แทน" + (before.organisation.name if before.organisation else ""),
            organisation_id=before.organisation_id,
            sector=before.sector,
            role=MemberRole.MEMBER,
            starts_on=handover,
            actor=staff,
        )
    member = _seat(pr, PR_VICE_CHAIR)
    if member is not None and member.role is MemberRole.MEMBER:
        bodies.change_role(
            member,
            MemberRole.VICE_CHAIR,
            date(2021, 9, 1),
            "ได้รับมอบหมายเป็นรองประธานคณะทำงาน",
            staff,
        )
    db.session.flush()

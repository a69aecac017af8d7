"""Governance demo: the action items that meeting 1/2564 of the public–private working group
gave out (seed 004): OBEC's school data collection (done by its 30 September 2564 deadline),
the PR working group's first PR plan (its chair; done), and the lessons-learned data that Mitr
Phol Group still owes (open and overdue: sponsor@demo.example.org sees it under "My action
items")."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..accounts.services import find_user
from ..extensions import db
from ..governance.actions.models import ActionItem, ActionStatus
from ..governance.actions.services import add_action_item, move_action
from ..governance.models import AgendaItem, Body, BodyMember, Meeting, MemberRole, Resolution
from ..registry.models import Organisation
from .governance import PR_GROUP_TH, SECRETARY_EMAIL, WORKING_GROUP_TH, _at

OBEC = "Office of the Basic Education Commission (OBEC)"
MITR_PHOL = "Mitr Phol Group"


def _resolutions(group: Body) -> dict[str, Resolution]:
    """Meeting 1/2564's resolutions by their agenda label ("4.1")."""
    rows = db.session.execute(
        sa.select(AgendaItem.label, Resolution)
        .join(Resolution, Resolution.agenda_item_id == AgendaItem.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.body_id == group.id, Meeting.year_be == 2564, Meeting.number == 1)
    ).all()
    return dict(rows)


def seed_governance_actions() -> None:
    """The three action items of meeting 1/2564; once (nothing when they, or the meeting, are
    not there)."""
    group = db.session.scalar(sa.select(Body).where(Body.name_th == WORKING_GROUP_TH))
    secretary = find_user(SECRETARY_EMAIL)
    if group is None or secretary is None:
        return
    resolutions = _resolutions(group)
    if not {"4.1", "4.2", "4.5"} <= resolutions.keys():
        return
    given = db.session.scalar(
        sa.select(ActionItem.id)
        .where(ActionItem.resolution_id.in_([r.id for r in resolutions.values()]))
        .limit(1)
    )
    if given is not None:
        return
    orgs = {o.name_en: o for o in db.session.scalars(sa.select(Organisation))}
    pr_chair = db.session.scalar(
        sa.select(BodyMember)
        .join(Body, Body.id == BodyMember.body_id)
        .where(Body.name_th == PR_GROUP_TH, BodyMember.role == MemberRole.CHAIR)
    )
    given_out = _at(date(2021, 6, 28), 12, 30)

    if OBEC in orgs:
        data = add_action_item(
            resolutions["4.1"],
            title_th="ติดตามให้โรงเรียนคอนเน็กซ์อีดีบันทึกข้อมูลพื้นฐานบนระบบ School Management System "
            "ให้ครบภายในวันที่ 30 ก.ย. 2564",
            title_en="See that CONNEXT ED schools enter their basic data on the School "
            "Management System by 30 September 2564",
            owner_organisation=orgs[OBEC],
            due_on=date(2021, 9, 30),
            actor=secretary,
            at=given_out,
        )
        move_action(
            data, ActionStatus.IN_PROGRESS, actor=secretary, at=_at(date(2021, 7, 12), 9),
            note="แจ้งโรงเรียนผ่านสำนักงานเขตพื้นที่การศึกษาแล้ว เริ่มบันทึกข้อมูล 12 ก.ค. 2564",
        )  # fmt: skip
        move_action(
            data, ActionStatus.DONE, actor=secretary, at=_at(date(2021, 9, 29), 16),
            note="โรงเรียนบันทึกข้อมูลครบทุกแห่ง (สพฐ. รายงานในที่ประชุมครั้งที่ 2/2564)",
        )  # fmt: skip

    if pr_chair is not None:
        plan = add_action_item(
            resolutions["4.5"],
            title_th="จัดทำแผนประชาสัมพันธ์ฉบับแรกของคณะทำงานด้านการประชาสัมพันธ์ เสนอที่ประชุมครั้งถัดไป",
            title_en="Draft the PR working group's first public relations plan for the next "
            "meeting",
            owner_member=pr_chair,
            due_on=date(2021, 9, 15),
            actor=secretary,
            at=given_out,
        )
        move_action(
            plan, ActionStatus.DONE, actor=secretary, at=_at(date(2021, 9, 14), 10),
            note="ส่งร่างแผนประชาสัมพันธ์ให้ฝ่ายเลขานุการแล้ว บรรจุในวาระการประชุมครั้งที่ 2/2564",
        )  # fmt: skip

    if MITR_PHOL in orgs:
        add_action_item(
            resolutions["4.2"],
            title_th="ส่งข้อมูลและผู้ให้สัมภาษณ์สำหรับการถอดบทเรียนองค์ความรู้ของภาคเอกชน",
            title_en="Send the data and name the people to interview for the private "
            "sector's lessons learned",
            owner_organisation=orgs[MITR_PHOL],
            due_on=date(2021, 8, 31),
            actor=secretary,
            at=given_out,
            note="ฝ่ายวิจัยจะติดต่อผู้ประสานงานของบริษัท",
        )
    db.session.flush()

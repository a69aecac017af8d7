"""Assemblies and public sessions in the demo.

Seed 001: the Khon Kaen provincial assembly for equity in education, coordinated by the Khon
Kaen Next Decade Community Foundation, its first sitting (24 November 2566, ห้องประชุมมงกุฎเพชร
โรงแรมโฆษะ) with its four policy proposals and the resolutions adopted on them.

Seed 000: the public part of a coming meeting of the public–private working group (the budget
and financing mechanisms for equity in education), open to anyone who registers: the first 500
places, the Zoom link by e-mail, live streams in Thai and in English; a few registrations.

People are invented; positions are those of the seeds. Runs after ``seed_governance``; once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..accounts.services import find_user
from ..db_types import utcnow
from ..extensions import db
from ..governance import services
from ..governance.models import (
    AgendaKind,
    AttendanceStatus,
    Body,
    BodyKind,
    MemberRole,
    Outcome,
    Visibility,
)
from ..governance.sessions.models import PublicSession
from ..governance.sessions.services import create_session, register
from ..i18n import BANGKOK, to_bangkok
from ..registry.models import Organisation, Sector

ASSEMBLY_TH = "สมัชชาเพื่อความเสมอภาคทางการศึกษาจังหวัดขอนแก่น"
ASSEMBLY_EN = "Khon Kaen Provincial Assembly for Equity in Education"
COORDINATOR_EN = "Khon Kaen Next Decade Community Foundation"
SITTING_DAY = date(2023, 11, 24)  # 24 พ.ย. 2566

#: Seed 001's four items for consideration, with the resolution each was adopted with.
POLICY_ITEMS = (
    (
        "การพิจารณาข้อเสนอเชิงนโยบายการพัฒนาเด็กปฐมวัยเติบโตอย่างมีคุณภาพ",
        "Policy proposal: early childhood development with quality",
        "ที่ประชุมรับรองข้อเสนอเชิงนโยบายการพัฒนาเด็กปฐมวัยเติบโตอย่างมีคุณภาพ "
        "และมอบคณะทำงานประเด็นเด็กปฐมวัยขับเคลื่อนร่วมกับหน่วยงานในจังหวัด",
        "The assembly adopted the proposal on early childhood development and asked its early "
        "childhood working group to carry it forward with the province's agencies.",
    ),
    (
        "การพิจารณาข้อเสนอเชิงนโยบายการสร้างโอกาสการเรียนและการมีงานทำของเด็กนอกระบบ",
        "Policy proposal: learning and work opportunities for out-of-school children",
        "ที่ประชุมรับรองข้อเสนอเชิงนโยบายการสร้างโอกาสการเรียนและการมีงานทำของเด็กนอกระบบ",
        "The assembly adopted the proposal on learning and work for out-of-school children.",
    ),
    (
        "การพิจารณาข้อเสนอเชิงนโยบาย การจัดการศึกษาที่ยืดหยุ่นเพื่อป้องกันเด็กกลุ่มเสี่ยงหลุดจากระบบการศึกษา",
        "Policy proposal: flexible education so that children at risk do not drop out",
        "ที่ประชุมรับรองข้อเสนอเชิงนโยบายการจัดการศึกษาที่ยืดหยุ่น เพื่อป้องกันเด็กกลุ่มเสี่ยงหลุดจากระบบการศึกษา",
        "The assembly adopted the proposal on flexible education for children at risk of "
        "dropping out.",
    ),
    (
        "การพิจารณาข้อเสนอทางนโยบายขอนแก่นเมืองแห่งการเรียนรู้ (Learning City) เมืองแห่งโอกาส",
        "Policy proposal: Khon Kaen, a learning city and a city of opportunity",
        "ที่ประชุมรับรองข้อเสนอทางนโยบายขอนแก่นเมืองแห่งการเรียนรู้ (Learning City) "
        "เมืองแห่งโอกาส และรับรองมติข้อตกลงร่วมกันในการขับเคลื่อนมติสมัชชาฯ ต่อไป",
        "The assembly adopted the Learning City proposal and agreed together to carry the "
        "assembly's resolutions forward.",
    ),
)

SESSION_TITLE_TH = (
    "กลไกการจัดทำงบประมาณและการจัดหาเงินทุนเพื่อเพิ่มความเสมอภาคทางการศึกษา (ส่วนสำหรับบุคคลทั่วไป)"
)
SESSION_TITLE_EN = "Budgeting and financing mechanisms for equity in education (public part)"

#: Invented registrants of the coming session.
REGISTRANTS = (
    ("นางสาวอัญชลี บุญมา", "anchalee@demo.example.org", "โรงเรียนบ้านโนนสว่าง"),
    ("นายสุรชัย แก้วมณี", "surachai@demo.example.org", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1"),
    ("Ms. Maria Santos", "maria@demo.example.org", "Department of Education, the Philippines"),
    ("นางรัตนา ศรีสุข", "rattana@demo.example.org", "องค์การบริหารส่วนจังหวัดขอนแก่น"),
    ("นายวิทยา พลอยงาม", "wittaya@demo.example.org", "มูลนิธิชุมชนขอนแก่นทศวรรษหน้า"),
    ("Mr. John Carter", "john@demo.example.org", "Equity Education Alliance"),
)  # fmt: skip


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def seed_governance_sessions() -> None:
    """The Khon Kaen assembly with its sitting, and the coming public session; once each."""
    _assembly()
    _public_session()
    db.session.flush()


def _assembly() -> None:
    if db.session.scalar(sa.select(Body.id).where(Body.name_th == ASSEMBLY_TH)) is not None:
        return
    staff = find_user("staff@demo.example.org")
    coordinator = db.session.scalar(
        sa.select(Organisation).where(Organisation.name_en == COORDINATOR_EN)
    )
    assembly = Body(
        kind=BodyKind.PROVINCIAL_ASSEMBLY,
        province_code="40",
        name_th=ASSEMBLY_TH,
        name_en=ASSEMBLY_EN,
        purpose_th="ขับเคลื่อนนโยบายสาธารณะด้านการศึกษาจังหวัดขอนแก่นอย่างมีส่วนร่วม "
        "ภายใต้แนวคิดขอนแก่นเมืองแห่งโอกาส (City of hope) โดยมีมูลนิธิชุมชนขอนแก่นทศวรรษหน้า "
        "เป็นผู้ประสานงาน",
        purpose_en="Make Khon Kaen's public education policy together (Khon Kaen, City of Hope); "
        "coordinated by the Khon Kaen Next Decade Community Foundation.",
    )
    db.session.add(assembly)
    db.session.flush()
    since = date(2023, 6, 1)
    chair = services.appoint_member(
        assembly, person_name="รศ.ดร.ประเสริฐ ศรีขอนแก่น",
        position="ประธานคณะกรรมการขับเคลื่อนสมัชชาการศึกษาเพื่อความเสมอภาคจังหวัดขอนแก่น",
        sector=Sector.CIVIL_SOCIETY, role=MemberRole.CHAIR, starts_on=since, actor=staff,
    )  # fmt: skip
    services.appoint_member(
        assembly, person_name="นายสมพงษ์ ใจดี", position="รองผู้ว่าราชการจังหวัดขอนแก่น",
        sector=Sector.PUBLIC, role=MemberRole.VICE_CHAIR, starts_on=since, actor=staff,
    )  # fmt: skip
    services.appoint_member(
        assembly, person_name="นางสาวจันทร์เพ็ญ ภูมิใจ",
        position="ผู้ประสานงานโครงการจัดการศึกษาเชิงพื้นที่เพื่อลดความเหลื่อมล้ำจังหวัดขอนแก่น",
        organisation_id=coordinator.id if coordinator is not None else None,
        sector=Sector.CIVIL_SOCIETY, role=MemberRole.SECRETARY, starts_on=since, actor=staff,
    )  # fmt: skip
    sitting = services.schedule_meeting(
        assembly,
        starts_at=_at(SITTING_DAY, 8, 30),
        ends_at=_at(SITTING_DAY, 16, 30),
        place="ห้องประชุมมงกุฎเพชร โรงแรมโฆษะ จังหวัดขอนแก่น",
        visibility=Visibility.PUBLIC,
        title_th="ขอนแก่นเมืองแห่งโอกาสเพื่อความเสมอภาคทางการศึกษาและอาชีพ (City of hope)",
        title_en="Khon Kaen, City of Hope: equity in education and work",
        chair=chair,
        actor=staff,
    )
    for number, (title_th, title_en, text_th, text_en) in enumerate(POLICY_ITEMS, start=1):
        item = services.add_agenda_item(
            sitting,
            kind=AgendaKind.CONSIDERATION,
            label=str(number),
            title_th=title_th,
            title_en=title_en,
            proposed_by_organisation_id=coordinator.id if coordinator is not None else None,
        )
        services.record_resolution(item, Outcome.APPROVED, text_th, staff, text_en=text_en)
    services.mark_held(sitting)
    services.set_attendance(
        sitting, {row.id: AttendanceStatus.PRESENT for row in sitting.attendance}
    )
    services.add_observer(sitting, "ภาคีเครือข่ายสมัชชาฯ กว่า 300 คน", "ภาครัฐ ภาควิชาการ ภาคประชาชน")


def _public_session() -> None:
    if (
        db.session.scalar(
            sa.select(PublicSession.id).where(PublicSession.title_th == SESSION_TITLE_TH)
        )
        is not None
    ):
        return
    from .governance import WORKING_GROUP_TH

    group = db.session.scalar(sa.select(Body).where(Body.name_th == WORKING_GROUP_TH))
    if group is None:
        return
    staff = find_user("staff@demo.example.org")
    day = to_bangkok(utcnow()).date() + timedelta(days=40)
    meeting = services.schedule_meeting(
        group,
        starts_at=_at(day, 13, 30),
        ends_at=_at(day, 17, 0),
        online_platform="Zoom",
        online_url="https://zoom.example.org/j/members-only",
        visibility=Visibility.MEMBERS,
        title_th="กลไกการจัดทำงบประมาณและการจัดหาเงินทุนเพื่อเพิ่มความเสมอภาคทางการศึกษา",
        title_en="Budgeting and financing mechanisms for equity in education",
        actor=staff,
    )
    session = create_session(
        meeting,
        {
            "title_th": SESSION_TITLE_TH,
            "title_en": SESSION_TITLE_EN,
            "description_th": "นำเสนอกลไกการจัดทำงบประมาณและการจัดหาเงินทุนเพื่อเพิ่มโอกาสสำหรับ"
            "ความเสมอภาคทางการศึกษาตั้งแต่ระดับชาติถึงระดับท้องถิ่น และแบ่งปันความรู้และแนวปฏิบัติที่ดี\n"
            "การประชุมผ่าน Zoom รองรับผู้เข้าร่วมได้ 500 ท่านแรกเท่านั้น "
            "ถ่ายทอดสดเป็นภาษาไทยและภาษาอังกฤษ มีบริการแปลภาษาไทยตลอดการประชุม",
            "description_en": "The budgeting and financing mechanisms that widen equity in "
            "education from the national to the local level, and good practice shared.\n"
            "The Zoom meeting takes the first 500 participants; it is streamed live in Thai and "
            "in English, with Thai interpretation throughout.",
            "starts_at": _at(day, 13, 30),
            "ends_at": _at(day, 14, 45),
            "capacity": 500,
            "registration_opens_at": utcnow() - timedelta(days=1),
            "registration_closes_at": _at(day - timedelta(days=1), 17, 0),
            "meeting_url": "https://zoom.example.org/j/public-session",
            "stream_url_th": "https://www.facebook.com/example.eef/live",
            "stream_url_en": "https://www.facebook.com/example.equityedhub/live",
        },
        staff,
    )
    for name, email, organisation in REGISTRANTS:
        # Through the public service, without mailing invented addresses.
        register(
            session, name=name, email=email, organisation=organisation,
            locale="en" if name.startswith("M") else "th", notify=False,
        )  # fmt: skip
    db.session.flush()
    db.session.expire(session)

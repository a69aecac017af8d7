"""Governance demo data from seed 004: the foundation's public–private working group, its online
meeting of 28 June 2564 with the six items the private side put forward (all approved), each
resolution linked to what it decided in the demo, the PR working group it appointed, and its
next meeting in September 2564. People are invented; positions are those of the seed."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import force_locale

from ..accounts.models import User
from ..accounts.services import create_user, find_user
from ..extensions import db
from ..governance import linking, meetings, services
from ..governance.models import (
    AgendaItem,
    AgendaKind,
    AttendanceStatus,
    Body,
    BodyKind,
    Meeting,
    MemberRole,
    Outcome,
    Resolution,
    Visibility,
)
from ..governance.models import LinkKind as L
from ..i18n import BANGKOK
from ..programmes.models import Programme
from ..registry.models import Organisation, School, Sector
from .registry import ADMITTED_AT_MEETING, FOUNDATION

WORKING_GROUP_TH = "คณะทำงานภาครัฐร่วมเอกชน มูลนิธิสานอนาคตการศึกษา คอนเน็กซ์อีดี"
WORKING_GROUP_EN = "Public–Private Working Group of the CONNEXT ED Foundation"
PR_GROUP_TH = "คณะทำงานด้านการประชาสัมพันธ์"
PR_GROUP_EN = "Public Relations Working Group"
SECRETARY_EMAIL = "secretary@demo.example.org"
#: The past call that resolution 3 of meeting 1/2564 opened (closing 30 June 2564).
PAST_PROGRAMME_EN = "Notebook for Education 2564"

#: (invented name, position from the seed, organisation's English name, sector, role)
PUBLIC_SIDE = (
    ("นางสาวกานดา ศรีวงศ์", "รัฐมนตรีว่าการกระทรวงศึกษาธิการ", "Ministry of Education", MemberRole.CHAIR),
    ("นายอนุชา พรหมมา", "เลขาธิการคณะกรรมการการศึกษาขั้นพื้นฐาน", "Office of the Basic Education Commission (OBEC)", MemberRole.VICE_CHAIR),
    ("นายวีระ ทองดี", "รองเลขาธิการคณะกรรมการการศึกษาขั้นพื้นฐาน", "Office of the Basic Education Commission (OBEC)", MemberRole.MEMBER),
    ("นางพรทิพย์ แสงทอง", "ผู้อำนวยการสำนักพัฒนานวัตกรรมการจัดการศึกษา", "Office of the Basic Education Commission (OBEC)", MemberRole.MEMBER),
)  # fmt: skip
#: One representative of each of 11 of the 14 companies (invented names); the other three
#: (Thai Union, AIS, Dusit Thani) join by resolution 4.6 (ADDED_MEMBERS).
PRIVATE_SIDE = (
    ("นายธนพล วัฒนากุล", "Mitr Phol Group"),
    ("นางสาวศิริพร ใจงาม", "Thai Beverage PCL"),
    ("นายปกรณ์ สุขสวัสดิ์", "SCG"),
    ("นางวรรณา จันทร์เพ็ญ", "Charoen Pokphand Group"),
    ("นายชัยวัฒน์ รุ่งเรือง", "PTT PCL"),
    ("นางสาวนภัสสร มั่นคง", "Kasikornbank"),
    ("นายณัฐวุฒิ เพชรรัตน์", "Siam Commercial Bank"),
    ("นางสุนิสา บุญเรือง", "Bangkok Bank"),
    ("นายกิตติพงษ์ แก้วกาญจนา", "True Corporation PCL"),
    ("นางสาวอรพรรณ ศักดิ์ดี", "Central Group"),
    ("นายภานุวัฒน์ ศรีสมบูรณ์", "Banpu PCL"),
)  # fmt: skip
#: Resolution 6: five more private organisations, six people (invented names).
ADDED_MEMBERS = (
    ("นายสมศักดิ์ ปัญญาดี", "Thai Union Group PCL"),
    ("นางสาวปิยะนุช วงศ์ใหญ่", "Thai Union Group PCL"),
    ("นายเอกชัย ศรีประเสริฐ", "Advanced Info Service PCL"),
    ("นางจิราภรณ์ ทองคำ", "Dusit Thani PCL"),
    ("นายประยุทธ ดวงแก้ว", "Khon Kaen Next Decade Community Foundation"),
    ("นางสาวมาลี รักไทย", "Rural Children's Friends Foundation"),
)
#: Resolution 5: the PR working group (invented names).
PR_MEMBERS = (
    ("นางสาวสุดารัตน์ พึ่งบุญ", "Office of the Basic Education Commission (OBEC)", Sector.PUBLIC, MemberRole.CHAIR),
    ("นายธีรวัฒน์ ชูศรี", "Central Group", Sector.PRIVATE, MemberRole.MEMBER),
    ("นางสาวเบญจวรรณ แก้วใส", "True Corporation PCL", Sector.PRIVATE, MemberRole.MEMBER),
    ("นายพีรพล อินทร์แก้ว", "CONNEXT ED Foundation", Sector.CIVIL_SOCIETY, MemberRole.SECRETARY),
)  # fmt: skip

INFORMATION_ITEMS = (
    (
        "ความคืบหน้าการดำเนินงานภาครัฐร่วมกับเอกชน และการสนับสนุนโรงเรียนคอนเน็กซ์อีดีในส่วนของภาครัฐ",
        "Progress of the public–private work and the public side's support of CONNEXT ED schools",
        "งบประมาณที่ภาครัฐได้สนับสนุน รวมถึงงบแลกเป้า",
    ),
    (
        "โครงการผู้นำด้านเทคโนโลยีเพื่อการศึกษา (ICT Talent) ภาครัฐ",
        "The public sector's ICT Talent programme",
        "อบรมอย่างต่อเนื่อง และเตรียมเปิดรับสมัครรุ่นที่ 2 ในเดือนกันยายน 2564",
    ),
    (
        "การแต่งตั้งสำนักติดตามวัดและประเมินผลการจัดการศึกษาขั้นพื้นฐาน",
        "Appointment of the Bureau of Basic Education Monitoring and Evaluation",
        "ช่วยขับเคลื่อนการกำกับและติดตามผลการจัดการศึกษาขั้นพื้นฐานอย่างต่อเนื่อง",
    ),
)

#: The six items of seed 004, put forward by the private side: (Thai, English, resolution).
#: Their resolutions in English, in the same order.
RESOLUTIONS_EN = (
    "Agreed: CONNEXT ED schools record their basic data for the academic year between 12 July and 30 September 2564.",
    "Agreed: the plan to collect data and to interview for lessons learned in the next phase.",
    "Agreed: open Notebook for Education to CONNEXT ED schools, applications closing on 30 June 2564, and send public and private representatives to the committee that scores the applications.",
    "Agreed: the additional schools join the CONNEXT ED network.",
    "Agreed: appoint a public relations working group of the public sector and the private partners.",
    "Agreed: appoint six more private-side members from five organisations.",
)

CONSIDERATION_ITEMS = (
    (
        "แผนการจัดเก็บข้อมูลเชิงลึกของสถานศึกษาบนระบบ School Management System ปีการศึกษา 2564",
        "Collecting in-depth school data on the School Management System, academic year 2564",
        "เห็นชอบให้โรงเรียนคอนเน็กซ์อีดีบันทึกข้อมูลพื้นฐานตามรอบปีการศึกษา ระหว่างวันที่ 12 ก.ค. 64 – 30 ก.ย. 64",
    ),
    (
        "แผนการดำเนินงานด้านงานวิจัย ถอดบทเรียนองค์ความรู้ภาคเอกชน",
        "Research plan: lessons learned from the private sector's work",
        "เห็นชอบแผนการเก็บข้อมูลและการสัมภาษณ์ถอดบทเรียนในระยะต่อไป",
    ),
    (
        "แผนงานด้านการกลั่นกรองโครงการบนระบบระดมทุนออนไลน์ (Crowdfunding) และโครงการ Notebook for Education",
        "Screening projects for online crowdfunding, and Notebook for Education",
        "เห็นชอบเปิดรับสมัครโรงเรียนคอนเน็กซ์อีดีเข้าร่วมโครงการ Notebook for Education ปิดรับสมัครวันที่ 30 มิถุนายน 2564 "
        "และส่งตัวแทนภาครัฐและภาคเอกชนร่วมเป็นกรรมการพิจารณาและให้คะแนนโครงการที่โรงเรียนสมัคร",
    ),
    (
        "พิจารณารายชื่อโรงเรียนเพิ่มเติมเป็นโรงเรียนคอนเน็กซ์อีดี",
        "Additional schools to join the CONNEXT ED network",
        "เห็นชอบรายชื่อโรงเรียนเพิ่มเติมเป็นโรงเรียนคอนเน็กซ์อีดี",
    ),
    (
        "พิจารณาแต่งตั้งคณะทำงานด้านการประชาสัมพันธ์",
        "Appointing a public relations working group",
        "เห็นชอบแต่งตั้งคณะทำงานด้านการประชาสัมพันธ์ ร่วมกันระหว่างภาครัฐและเครือข่ายพันธมิตรภาคเอกชน",
    ),
    (
        "พิจารณาแต่งตั้งรายชื่อคณะทำงานภาคเอกชนเพิ่มเติม 5 องค์กร 6 ท่าน",
        "Appointing six more private-side members from five organisations",
        "เห็นชอบแต่งตั้งคณะทำงานภาคเอกชนเพิ่มเติม 5 องค์กร 6 ท่าน",
    ),
)  # fmt: skip

MEETING_DAY = date(2021, 6, 28)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def _organisations() -> dict[str, Organisation]:
    return {o.name_en: o for o in db.session.scalars(sa.select(Organisation))}


def _secretary() -> tuple[User, tuple[str, str, str] | None]:
    user = find_user(SECRETARY_EMAIL)
    if user is not None:
        return user, None
    password = secrets.token_urlsafe(9)
    user = create_user(SECRETARY_EMAIL, "ดร.ศศิธร วิเศษสุข", password)
    return user, (SECRETARY_EMAIL, "working-group secretary", password)


def seed_governance() -> list[tuple[str, str, str]]:
    """The working group, its meetings 1/2564 and 2/2564, the PR working group; once."""
    existing = db.session.scalar(sa.select(Body).where(Body.name_th == WORKING_GROUP_TH))
    if existing is not None:
        return []
    staff = find_user("staff@demo.example.org")
    secretary, created = _secretary()
    sponsor = find_user("sponsor@demo.example.org")
    orgs = _organisations()
    group = Body(
        kind=BodyKind.WORKING_GROUP,
        name_th=WORKING_GROUP_TH,
        name_en=WORKING_GROUP_EN,
        purpose_th="สานต่อเจตนารมณ์ของมูลนิธิสานอนาคตการศึกษา คอนเน็กซ์อีดี "
        "ร่วมขับเคลื่อนการพัฒนาการศึกษาไทยให้เป็นไปอย่างต่อเนื่องและมีประสิทธิภาพสูงสุด",
        purpose_en="Carry on the CONNEXT ED Foundation's mission: public and private sectors "
        "driving Thai education forward together, steadily and effectively.",
    )
    db.session.add(group)
    db.session.flush()
    since = date(2021, 1, 15)
    for name, position, org, role in PUBLIC_SIDE:
        services.appoint_member(
            group, person_name=name, position=position, organisation_id=orgs[org].id,
            sector=Sector.PUBLIC, role=role, starts_on=since, actor=staff,
        )  # fmt: skip
    services.appoint_member(
        group, person_name=secretary.name, position="กรรมการและเลขานุการ มูลนิธิสานอนาคตการศึกษา คอนเน็กซ์อีดี",
        organisation_id=orgs["CONNEXT ED Foundation"].id, sector=Sector.PRIVATE,
        role=MemberRole.SECRETARY, starts_on=since, actor=staff, user_id=secretary.id,
    )  # fmt: skip
    for name, org in PRIVATE_SIDE:
        services.appoint_member(
            group, person_name=name, position="ผู้แทน" + orgs[org].name, organisation_id=orgs[org].id,
            sector=Sector.PRIVATE, role=MemberRole.MEMBER, starts_on=since, actor=staff,
            user_id=sponsor.id if sponsor is not None and org == "Mitr Phol Group" else None,
        )  # fmt: skip

    first = services.schedule_meeting(
        group,
        starts_at=_at(MEETING_DAY, 9, 30),
        ends_at=_at(MEETING_DAY, 12, 0),
        online_platform="Zoom",
        online_url="https://zoom.example.org/j/2564062801",
        visibility=Visibility.PUBLIC,
        title_th="การประชุมออนไลน์ คณะทำงานภาครัฐร่วมเอกชน",
        title_en="Online meeting of the public–private working group",
        actor=staff,
    )
    items = _agenda(first)
    services.mark_held(first)
    statuses = {
        row.id: (AttendanceStatus.EXCUSED if index == 7 else AttendanceStatus.PRESENT)
        for index, row in enumerate(first.attendance)
    }
    services.set_attendance(first, statuses)
    services.add_observer(first, "นายณรงค์ ศรีสุข", "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.)")
    _resolutions(first, items, secretary, orgs)

    second = services.schedule_meeting(
        group,
        starts_at=_at(date(2021, 9, 20), 13, 30),
        ends_at=_at(date(2021, 9, 20), 16, 0),
        online_platform="Zoom",
        online_url="https://zoom.example.org/j/2564092001",
        visibility=Visibility.MEMBERS,
        title_th="ความคืบหน้าและแผนการขับเคลื่อนการดำเนินงานในระยะต่อไป",
        title_en="Progress and the plan for the next phase",
        actor=staff,
    )
    services.add_agenda_item(
        second,
        kind=AgendaKind.CONSIDERATION,
        label="2",
        title_th="รับรองรายงานการประชุม ครั้งที่ 1/2564",
        title_en="Approval of the minutes of meeting 1/2564",
    )
    services.add_agenda_item(
        second,
        kind=AgendaKind.FOLLOW_UP,
        label="3",
        title_th="ความคืบหน้าโครงการ Notebook for Education หลังได้รับการระดมทุนสำเร็จ",
        title_en="Notebook for Education: progress after funding",
        proposed_by_sector=Sector.PRIVATE,
    )
    services.mark_held(second)
    services.set_attendance(second, {row.id: AttendanceStatus.PRESENT for row in second.attendance})
    db.session.flush()
    return [created] if created else []


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda: three items for information, then the private side's six for
    consideration (returned, to be resolved once the meeting is held)."""
    for number, (title_th, title_en, details) in enumerate(INFORMATION_ITEMS, start=1):
        services.add_agenda_item(
            meeting, kind=AgendaKind.INFORMATION, label=f"1.{number}", title_th=title_th,
            title_en=title_en, details_th=details, proposed_by_sector=Sector.PUBLIC,
        )  # fmt: skip
    foundation = db.session.scalar(sa.select(Organisation).where(Organisation.name == FOUNDATION))
    return [
        services.add_agenda_item(
            meeting,
            kind=AgendaKind.CONSIDERATION,
            label=f"4.{number}",
            title_th=title_th,
            title_en=title_en,
            proposed_by_sector=Sector.PRIVATE,
            proposed_by_organisation_id=foundation.id if foundation else None,
        )
        for number, (title_th, title_en, _text) in enumerate(CONSIDERATION_ITEMS, start=1)
    ]


def _resolutions(meeting: Meeting, items: list[AgendaItem], secretary: User, orgs) -> None:
    """The held meeting's resolutions on the six items, each linked to what it decided through
    the services staff use: the schools admitted by the registry's decision (their network
    history cites resolution 4.4, on the meeting's day), the programme opened and its committee
    named, the PR working group and the six members appointed."""
    resolutions: list[Resolution] = [
        meetings.record_resolution(item, Outcome.APPROVED, text, secretary, text_en=text_en)
        for item, (_th, _en, text), text_en in zip(
            items, CONSIDERATION_ITEMS, RESOLUTIONS_EN, strict=True
        )
    ]
    _, _, crowdfunding, schools, pr_group, more_members = resolutions

    programme = db.session.scalar(
        sa.select(Programme).where(Programme.name_en == PAST_PROGRAMME_EN)
    )
    if programme is not None:
        linking.link_programme(crowdfunding, programme, L.PROGRAMME_OPENED, secretary)
        linking.link_programme(crowdfunding, programme, L.COMMITTEE_NAMED, secretary)
    applicants = db.session.scalars(
        sa.select(School).where(School.code.in_(ADMITTED_AT_MEETING)).order_by(School.code)
    ).all()
    with force_locale("th"):  # the note in the school's history, as the secretary wrote it
        linking.admit_schools(schools, applicants, secretary, at=_at(MEETING_DAY, 12, 0))

    pr = Body(
        kind=BodyKind.WORKING_GROUP,
        name_th=PR_GROUP_TH,
        name_en=PR_GROUP_EN,
        parent_id=meeting.body_id,
        purpose_th="เผยแพร่ประชาสัมพันธ์มูลนิธิฯ และโครงการภายใต้การดำเนินงานของมูลนิธิฯ "
        "โดยประสานงานร่วมกันระหว่างภาครัฐและเครือข่ายพันธมิตรภาคเอกชน",
        purpose_en="Make the foundation and its programmes known widely, public sector and "
        "private partners together, so that schools get the news quickly.",
    )
    db.session.add(pr)
    db.session.flush()
    for name, org, sector, role in PR_MEMBERS:
        services.appoint_member(
            pr, person_name=name, organisation_id=orgs[org].id, sector=sector, role=role,
            starts_on=MEETING_DAY, resolution=pr_group, actor=secretary,
        )  # fmt: skip
    for name, org in ADDED_MEMBERS:
        sector = orgs[org].sector
        services.appoint_member(
            meeting.body, person_name=name, position="ผู้แทน" + orgs[org].name,
            organisation_id=orgs[org].id, sector=sector, role=MemberRole.MEMBER,
            starts_on=MEETING_DAY, resolution=more_members, actor=secretary,
        )  # fmt: skip

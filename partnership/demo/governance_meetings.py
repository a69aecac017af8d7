"""Governance demo, running meetings: the working group's coming meeting (three weeks from the
day the demo is seeded, online and in a room, public), with its agenda and one paper, so the
bodies page shows a meeting to come and members can add it to their calendar."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from pypdf import PdfWriter

from ..accounts.services import find_user
from ..core.storage import new_key, save_file
from ..db_types import utcnow
from ..extensions import db
from ..governance import services
from ..governance.agenda_files import AGENDA_FOLDER
from ..governance.models import AgendaAttachment, AgendaKind, Body, Meeting, Visibility
from ..i18n import BANGKOK, to_bangkok
from ..registry.models import Sector
from .governance import WORKING_GROUP_TH

#: (kind, label, Thai title, English title, sector that put it forward)
COMING_AGENDA = (
    (AgendaKind.INFORMATION, "1", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", "Announcements from the chair", None),
    (AgendaKind.CONSIDERATION, "2", "รับรองรายงานการประชุมครั้งที่ผ่านมา", "Approval of the minutes of the last meeting", None),
    (AgendaKind.FOLLOW_UP, "3", "ความคืบหน้าการส่งมอบโน้ตบุ๊กเพื่อการศึกษาแก่โรงเรียนในเครือข่าย", "Progress of the Notebook for Education deliveries", Sector.PUBLIC),
    (AgendaKind.CONSIDERATION, "4.1", "ข้อเสนอรับโรงเรียนเข้าร่วมเครือข่ายเพิ่มเติมในภาคตะวันออกเฉียงเหนือ", "Proposal to admit more schools in the north-east to the network", Sector.PRIVATE),
)  # fmt: skip


def _paper() -> bytes:
    """A one-page PDF standing in for the proposal's paper (cheap; no text to render)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Proposal 4.1 (demo)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seed_governance_meetings() -> None:
    """The working group's next meeting, after today, with its agenda; once (a meeting of the
    group still to come means it is there)."""
    group = db.session.scalar(sa.select(Body).where(Body.name_th == WORKING_GROUP_TH))
    if group is None:
        return
    coming = db.session.scalar(
        sa.select(Meeting.id).where(Meeting.body_id == group.id, Meeting.starts_at > utcnow())
    )
    if coming is not None:
        return
    day = to_bangkok(utcnow()).date() + timedelta(days=21)
    starts = datetime(day.year, day.month, day.day, 13, 30, tzinfo=BANGKOK).astimezone(UTC)
    staff = find_user("staff@demo.example.org")
    meeting = services.schedule_meeting(
        group,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        place="ห้องประชุม 1 อาคารกระทรวงศึกษาธิการ",
        online_platform="Zoom",
        online_url="https://zoom.example.org/j/2564000003",
        visibility=Visibility.PUBLIC,
        title_th="ติดตามโครงการโน้ตบุ๊กเพื่อการศึกษาและการขยายเครือข่ายโรงเรียน",
        title_en="Following up Notebook for Education and growing the school network",
        actor=staff,
    )
    items = [
        services.add_agenda_item(
            meeting,
            kind=kind,
            label=label,
            title_th=title_th,
            title_en=title_en,
            proposed_by_sector=sector,
        )  # fmt: skip
        for kind, label, title_th, title_en, sector in COMING_AGENDA
    ]
    data = _paper()
    paper = AgendaAttachment(
        agenda_item_id=items[-1].id,
        filename="ข้อเสนอวาระ 4.1.pdf",
        content_type="application/pdf",
        size_bytes=len(data),
        storage_key=new_key("application/pdf", AGENDA_FOLDER),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(staff, "id", None),
    )
    save_file(paper.storage_key, data, "application/pdf")
    db.session.add(paper)
    db.session.flush()

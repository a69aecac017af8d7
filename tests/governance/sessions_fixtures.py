"""Fixtures of the public sessions and assemblies tests (imported by their test files)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.governance import services
from partnership.governance.models import Body, BodyKind, Visibility
from partnership.governance.sessions.services import create_session


@pytest.fixture()
def english(client):
    with client.session_transaction() as session:
        session["locale"] = "en"


def _values(capacity: int, *, open_now: bool = True, **overrides) -> dict:
    now = utcnow()
    starts = now + timedelta(days=10)
    values = {
        "title_th": "ส่วนสำหรับบุคคลทั่วไป",
        "title_en": "Public part",
        "description_th": "",
        "description_en": "",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1, minutes=15),
        "capacity": capacity,
        "registration_opens_at": now - timedelta(days=1) if open_now else now + timedelta(days=1),
        "registration_closes_at": starts - timedelta(hours=1),
        "meeting_url": "https://zoom.example.org/j/123",
        "stream_url_th": "https://live.example.org/th",
        "stream_url_en": "https://live.example.org/en",
    }
    values.update(overrides)
    return values


@pytest.fixture()
def make_session(app):
    """make_session(capacity=5, visibility=..., open_now=True, **values) -> PublicSession."""

    def make(capacity: int = 5, *, visibility=Visibility.MEMBERS, open_now=True, **overrides):
        body = Body(kind=BodyKind.WORKING_GROUP, name_th="กลุ่มพันธมิตร EEA", name_en="EEA")
        db.session.add(body)
        db.session.flush()
        meeting = services.schedule_meeting(
            body,
            starts_at=utcnow() + timedelta(days=10),
            online_url="https://zoom.example.org/j/members",
            visibility=visibility,
            title_th="การประชุมครั้งที่ 7",
        )
        session = create_session(meeting, _values(capacity, open_now=open_now, **overrides))
        db.session.commit()
        return session

    return make


@pytest.fixture()
def khon_kaen_assembly(app):
    """A provincial assembly of Khon Kaen with a held public sitting of two items (one adopted,
    one deferred) and a members-only sitting."""
    from partnership.governance.models import AgendaKind, Outcome

    body = Body(
        kind=BodyKind.PROVINCIAL_ASSEMBLY, province_code="40",
        name_th="สมัชชาเพื่อความเสมอภาคทางการศึกษาจังหวัดขอนแก่น", name_en="Khon Kaen Assembly",
    )  # fmt: skip
    db.session.add(body)
    db.session.flush()
    sitting = services.schedule_meeting(
        body, starts_at=datetime(2023, 11, 24, 2, 0, tzinfo=UTC), place="โรงแรมโฆษะ",
        visibility=Visibility.PUBLIC,
    )  # fmt: skip
    adopted = services.add_agenda_item(
        sitting, kind=AgendaKind.CONSIDERATION, title_th="ข้อเสนอเชิงนโยบายเด็กปฐมวัย"
    )
    services.record_resolution(adopted, Outcome.APPROVED, "รับรองข้อเสนอเด็กปฐมวัย")
    deferred = services.add_agenda_item(
        sitting, kind=AgendaKind.CONSIDERATION, title_th="ข้อเสนอเมืองแห่งการเรียนรู้"
    )
    services.record_resolution(deferred, Outcome.DEFERRED, "เลื่อนการพิจารณา")
    hidden = services.schedule_meeting(
        body, starts_at=datetime(2024, 1, 10, 2, 0, tzinfo=UTC), place="ห้องลับ",
        visibility=Visibility.MEMBERS, title_th="ประชุมเฉพาะสมาชิก",
    )  # fmt: skip
    db.session.commit()
    return body, sitting, hidden


@pytest.fixture()
def smtp(app, monkeypatch):
    """A started SMTP server the app delivers to (inline, after each request's commit)."""
    from tests.smtp_server import SMTPServer

    server = SMTPServer().start()
    for key, value in server.config.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 2)
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "inline")
    try:
        yield server
    finally:
        server.stop()


__all__ = ["english", "khon_kaen_assembly", "make_session", "smtp"]


def cancel_token_in(body: str) -> str:
    """The secret of the cancel link in a mail's body."""
    import re

    found = re.search(r"/governance/sessions/cancel/([A-Za-z0-9_\-]+)", body)
    assert found, body
    return found.group(1)

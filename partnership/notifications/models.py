"""Every e-mail the app sends is recorded, so staff can see what went out."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, enum_type, utcnow
from ..extensions import db


class MailState(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    LOGGED = "logged"
    FAILED = "failed"


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    #: What the mail is about, e.g. "password_reset", "application_state".
    topic: Mapped[str] = mapped_column(sa.String(60), default="", index=True)
    state: Mapped[MailState] = mapped_column(
        enum_type(MailState, "mail_state"), default=MailState.QUEUED
    )
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

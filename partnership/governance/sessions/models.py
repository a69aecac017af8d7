"""The records of public sessions: a meeting's public part with its places, and the people
registered for it (confirmed, waiting, cancelled). The rules are in ``services.py``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ...extensions import db
from ..models import Meeting, MeetingState


class RegistrationState(LabelledEnum):
    #: Has a place: the mail with the meeting link and the calendar event was sent.
    CONFIRMED = "confirmed"
    #: No place yet: moves up, in order, when someone with a place cancels.
    WAITING = "waiting"
    #: Cancelled through the link in the mail (the row stays).
    CANCELLED = "cancelled"


LABELS[RegistrationState] = {
    RegistrationState.CONFIRMED: lazy_pgettext("registration", "Confirmed"),
    RegistrationState.WAITING: lazy_pgettext("registration", "On the waiting list"),
    RegistrationState.CANCELLED: _l("Cancelled"),
}


class PublicSession(db.Model):
    """The part of a meeting that anyone may register for: when, how many places, the meeting
    link sent to the registered, the public live streams."""

    __tablename__ = "public_sessions"
    __table_args__ = (
        sa.CheckConstraint("length(title_th) > 0", name="has_title"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        # The place counter can never pass the capacity: the database says so too.
        sa.CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        sa.CheckConstraint("waiting_drawn >= 0", name="waiting_drawn_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="time_order"),
        sa.CheckConstraint(
            "registration_closes_at > registration_opens_at", name="registration_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A meeting has at most one public session (its public part).
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), unique=True)
    title_th: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300), default="")
    description_th: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column()
    #: Places taken (confirmed registrations); moved only by conditional UPDATEs.
    taken: Mapped[int] = mapped_column(default=0)
    #: Numbers drawn for the waiting list so far (the next one joins as this + 1).
    waiting_drawn: Mapped[int] = mapped_column(default=0)
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The link to join (Zoom …): only in the confirmation e-mail, never on the public page.
    meeting_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Live streams anyone may watch without registering.
    stream_url_th: Mapped[str] = mapped_column(sa.String(500), default="")
    stream_url_en: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship()

    def display_title(self, lang: str) -> str:
        return (self.title_en or self.title_th) if lang == "en" else self.title_th

    def display_description(self, lang: str) -> str:
        return (self.description_en or self.description_th) if lang == "en" else self.description_th

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    def registration_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (
            self.registration_opens_at <= now < self.registration_closes_at
            and now < self.ends_at
            and self.meeting.state is not MeetingState.CANCELLED
        )

    def __repr__(self) -> str:
        return f"<PublicSession {self.id} {self.taken}/{self.capacity}>"


class SessionRegistration(db.Model):
    """One person registered for a public session: confirmed, waiting, or cancelled."""

    __tablename__ = "session_registrations"
    __table_args__ = (
        # One registration per e-mail address and session (the address stored lower-case).
        sa.UniqueConstraint("session_id", "email"),
        sa.UniqueConstraint("token_hash"),
        sa.CheckConstraint("length(name) > 0", name="has_name"),
        sa.CheckConstraint("length(email) > 0", name="has_email"),
        # Whoever waited has a number in the queue (kept after moving up, for the record).
        sa.CheckConstraint(
            "state != 'waiting' OR queue_number IS NOT NULL", name="waiting_has_number"
        ),
        sa.Index("ix_session_registrations_queue", "session_id", "state", "queue_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("public_sessions.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(300), default="")
    state: Mapped[RegistrationState] = mapped_column(
        enum_type(RegistrationState, "registration_state")
    )
    queue_number: Mapped[int | None] = mapped_column()
    #: SHA-256 of the secret in the cancel link (the secret itself is only in the e-mail).
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    #: The language the registrant used: their later mail (moved up) is written in it.
    locale: Mapped[str] = mapped_column(sa.String(5), default="th")
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[PublicSession] = relationship()

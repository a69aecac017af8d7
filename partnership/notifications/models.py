"""Every e-mail the app sends is a row of the outbox: queued in the request's transaction,
delivered by a worker (or inline after the commit in development), with retries."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db


class MailState(LabelledEnum):
    #: Waiting for its (next) attempt at ``next_attempt_at``.
    QUEUED = "queued"
    #: Claimed by one worker, which is talking to the SMTP server now.
    SENDING = "sending"
    SENT = "sent"
    #: No SMTP_HOST: written to the log instead (development).
    LOGGED = "logged"
    #: Gave up after MAIL_MAX_ATTEMPTS attempts; staff can retry it.
    FAILED = "failed"


LABELS[MailState] = {
    MailState.QUEUED: lazy_pgettext("mail state", "Pending"),
    MailState.SENDING: _l("Sending"),
    MailState.SENT: _l("Sent"),
    MailState.LOGGED: _l("Logged (no SMTP)"),
    MailState.FAILED: _l("Failed"),
}

#: States whose message has not gone out (yet).
WAITING_STATES = frozenset({MailState.QUEUED, MailState.SENDING, MailState.FAILED})


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        sa.CheckConstraint(
            "state <> 'queued' OR next_attempt_at IS NOT NULL", name="queued_has_next_attempt"
        ),
        # The worker's question: which queued mail is due now, oldest first.
        sa.Index("ix_outgoing_mail_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    #: The body as staff may read it: secrets (reset links) replaced by "[link removed]".
    body: Mapped[str] = mapped_column(sa.Text)
    #: The full body, Fernet-encrypted with MAIL_BODY_KEY, only while it holds a secret and has
    #: not been sent; wiped when it is (the worker cannot send what is not stored).
    secret_body: Mapped[str] = mapped_column(sa.Text, default="")
    #: What the mail is about, e.g. "password_reset", "application_state".
    topic: Mapped[str] = mapped_column(sa.String(60), default="", index=True)
    #: An event for the recipient's calendar (iCalendar text), sent attached as invite.ics;
    #: empty for mail without one.
    calendar: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    state: Mapped[MailState] = mapped_column(
        enum_type(MailState, "mail_state"), default=MailState.QUEUED
    )
    #: The last attempt's error (SMTP down, refused address...).
    error: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    #: The worker's claim: a random token and when it was taken (a crashed worker's claim
    #: expires after MAIL_CLAIM_TIMEOUT seconds).
    claim: Mapped[str] = mapped_column(sa.String(32), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

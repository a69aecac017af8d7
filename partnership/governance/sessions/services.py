"""Public sessions of meetings with registration in advance (seed 000: a public part that anyone
may join, the first 500 places only, a confirmation e-mail with the meeting link, a live stream
in Thai and in English); their mails are in ``mails.py``.

The rules of places, in one place:

- A place is taken with ONE conditional statement::

      UPDATE public_sessions SET taken = taken + 1 WHERE id = :id AND taken < capacity

  Its row count decides: one row, the registration is confirmed; none, it joins the waiting list.
  There is no read-then-write, so simultaneous registrations never over-book.
- The waiting list is ordered by ``queue_number``, drawn from the session row with
  ``UPDATE … SET waiting_drawn = waiting_drawn + 1`` (which holds the row until the commit), so a
  waiting registrant's position is exact even when many join at once.
- A cancellation holds the session row first (the same lock every registration and cancellation
  takes), then cancels once (compare-and-set), then either passes the place to the first on the
  waiting list (compare-and-set waiting → confirmed) or gives it back (``taken - 1``). Two
  simultaneous cancellations therefore move up two different people, never one twice.
- The link to cancel is a secret token in the e-mail; only its SHA-256 is stored.

Services flush; the request commits (and the mail queued here goes out after the commit).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...core.transitions import StaleState, compare_and_set, hold_row, insert_once
from ...core.unit_of_work import Refused
from ...db_types import utcnow
from ...extensions import db
from ..models import Meeting, MeetingState
from .mails import mail_confirmed, mail_moved_up, mail_waiting
from .models import PublicSession, RegistrationState, SessionRegistration


class SessionRefused(Refused):
    """A rule of public sessions said no (closed, full of the same e-mail, a used link)."""


# Registration --------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Registered:
    """What a registration came to: the row, its secret cancel token, the waiting position."""

    registration: SessionRegistration
    token: str
    position: int | None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def already_registered(session: PublicSession, email: str) -> bool:
    return (
        db.session.scalar(
            sa.select(SessionRegistration.id).where(
                SessionRegistration.session_id == session.id,
                SessionRegistration.email == normalise_email(email),
            )
        )
        is not None
    )


def _take_place(session_id: int) -> bool:
    """The one conditional statement that takes a place; True if this request got one."""
    table = PublicSession.__table__
    result = db.session.execute(
        sa.update(table)
        .where(table.c.id == session_id, table.c.taken < table.c.capacity)
        .values(taken=table.c.taken + 1),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def _draw_queue_number(session_id: int) -> int:
    """The next number of the waiting list (holds the session row until the commit)."""
    table = PublicSession.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == session_id)
        .values(waiting_drawn=table.c.waiting_drawn + 1),
        execution_options={"synchronize_session": False},
    )
    return db.session.scalar(sa.select(table.c.waiting_drawn).where(table.c.id == session_id))


def waiting_position(registration: SessionRegistration) -> int | None:
    """1 for the first on the waiting list; None for a registration that is not waiting."""
    if registration.state is not RegistrationState.WAITING:
        return None
    return db.session.scalar(
        sa.select(sa.func.count(SessionRegistration.id)).where(
            SessionRegistration.session_id == registration.session_id,
            SessionRegistration.state == RegistrationState.WAITING,
            SessionRegistration.queue_number <= registration.queue_number,
        )
    )


def register(
    session: PublicSession,
    *,
    name: str,
    email: str,
    organisation: str = "",
    locale: str = "th",
    notify: bool = True,
) -> Registered:
    """Register someone: a place if one is left (one conditional UPDATE), else the waiting list.
    (``notify=False``: the demo, which registers invented people and mails nobody.)

    The same address twice for one session is refused (and the database's unique constraint is
    the backstop for two at once: the loser's whole transaction, its place too, rolls back)."""
    now = utcnow()
    if not session.registration_open(now):
        raise SessionRefused(_l("Registration for this session is closed."))
    email = normalise_email(email)
    if already_registered(session, email):
        raise SessionRefused(
            _l(
                "This e-mail address is already registered for this session. Look for the "
                "e-mail we sent: it has the link to the meeting and the link to cancel."
            )
        )
    confirmed = _take_place(session.id)
    queue_number = None if confirmed else _draw_queue_number(session.id)
    token = secrets.token_urlsafe(32)
    new_id = insert_once(
        SessionRegistration,
        {
            "session_id": session.id,
            "name": name.strip(),
            "email": email,
            "organisation": organisation.strip(),
            "state": (
                RegistrationState.CONFIRMED if confirmed else RegistrationState.WAITING
            ).value,
            "queue_number": queue_number,
            "token_hash": hash_token(token),
            "locale": locale if locale in ("th", "en") else "th",
            "registered_at": now,
            "confirmed_at": now if confirmed else None,
        },
        unique=["session_id", "email"],
    )
    if new_id is None:  # the same address, registered by a simultaneous request
        raise SessionRefused(
            _l(
                "This e-mail address is already registered for this session. Look for the "
                "e-mail we sent: it has the link to the meeting and the link to cancel."
            )
        )
    db.session.expire(session, ["taken", "waiting_drawn"])
    registration = db.session.get(SessionRegistration, new_id)
    position = waiting_position(registration)
    if notify and confirmed:
        mail_confirmed(registration, token)
    elif notify:
        mail_waiting(registration, token, position)
    return Registered(registration, token, position)


def registration_by_token(token: str) -> SessionRegistration | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(SessionRegistration)
        .where(SessionRegistration.token_hash == hash_token(token))
        .options(joinedload(SessionRegistration.session).joinedload(PublicSession.meeting))
    )


def cancel(registration: SessionRegistration) -> SessionRegistration | None:
    """Cancel once; a confirmed place passes to the first on the waiting list (returned), or is
    given back. The session row is held first, as by every other change of its places."""
    session = registration.session
    hold_row(PublicSession, session.id)
    was = registration.state
    if was is RegistrationState.CANCELLED:
        raise SessionRefused(_l("This registration was already cancelled."))
    if session.ends_at <= utcnow():
        raise SessionRefused(_l("This session is over; there is nothing to cancel."))
    try:
        compare_and_set(
            registration,
            expected={"state": was},
            values={"state": RegistrationState.CANCELLED, "cancelled_at": utcnow()},
        )
    except StaleState:
        raise SessionRefused(_l("This registration was already cancelled.")) from None
    if was is not RegistrationState.CONFIRMED:
        return None
    return _pass_place_on(session)


def _pass_place_on(session: PublicSession) -> SessionRegistration | None:
    """The freed place goes to the first on the waiting list, else back to the counter.
    The caller holds the session row."""
    first = db.session.scalar(
        sa.select(SessionRegistration)
        .where(
            SessionRegistration.session_id == session.id,
            SessionRegistration.state == RegistrationState.WAITING,
        )
        .order_by(SessionRegistration.queue_number)
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if first is not None:
        compare_and_set(
            first,
            expected={"state": RegistrationState.WAITING},
            values={"state": RegistrationState.CONFIRMED, "confirmed_at": utcnow()},
        )
        mail_moved_up(first)
        return first
    table = PublicSession.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == session.id, table.c.taken > 0)
        .values(taken=table.c.taken - 1),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(session, ["taken"])
    return None


@dataclass(frozen=True)
class Counts:
    confirmed: int
    waiting: int
    cancelled: int

    @property
    def total(self) -> int:
        return self.confirmed + self.waiting + self.cancelled


def counts(session: PublicSession) -> Counts:
    """How many registrations are in each state (one query)."""
    rows = dict(
        db.session.execute(
            sa.select(SessionRegistration.state, sa.func.count(SessionRegistration.id))
            .where(SessionRegistration.session_id == session.id)
            .group_by(SessionRegistration.state)
        ).all()
    )
    return Counts(
        confirmed=rows.get(RegistrationState.CONFIRMED, 0),
        waiting=rows.get(RegistrationState.WAITING, 0),
        cancelled=rows.get(RegistrationState.CANCELLED, 0),
    )


def registrations_of(session: PublicSession) -> list[SessionRegistration]:
    """Every registration: confirmed first (by time), then the waiting list in order, then the
    cancelled."""
    order = sa.case(
        (SessionRegistration.state == RegistrationState.CONFIRMED, 0),
        (SessionRegistration.state == RegistrationState.WAITING, 1),
        else_=2,
    )
    return list(
        db.session.scalars(
            sa.select(SessionRegistration)
            .where(SessionRegistration.session_id == session.id)
            .order_by(order, SessionRegistration.queue_number, SessionRegistration.id)
        )
    )


def positions_of(rows: list[SessionRegistration]) -> dict[int, int]:
    """Waiting-list positions of ``rows`` as listed by :func:`registrations_of` (no query)."""
    waiting = sorted(
        (r for r in rows if r.state is RegistrationState.WAITING), key=lambda r: r.queue_number
    )
    return {r.id: n for n, r in enumerate(waiting, start=1)}


# Managing a session --------------------------------------------------------------------------

SESSION_FIELDS = (
    "title_th", "title_en", "description_th", "description_en", "starts_at", "ends_at",
    "capacity", "registration_opens_at", "registration_closes_at", "meeting_url",
    "stream_url_th", "stream_url_en",
)  # fmt: skip


def _check(values: dict) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise SessionRefused(_l("The session must end after it starts."))
    if values["registration_closes_at"] <= values["registration_opens_at"]:
        raise SessionRefused(_l("Registration must close after it opens."))
    if values["registration_closes_at"] > values["ends_at"]:
        raise SessionRefused(_l("Registration must close by the end of the session."))


def create_session(meeting: Meeting, values: dict, actor=None) -> PublicSession:
    """Give a meeting its public session (one per meeting)."""
    if meeting.state is MeetingState.CANCELLED:
        raise SessionRefused(_l("This meeting was cancelled."))
    _check(values)
    new_id = insert_once(
        PublicSession,
        {
            **{name: values[name] for name in SESSION_FIELDS},
            "meeting_id": meeting.id,
            "taken": 0,
            "waiting_drawn": 0,
            "created_at": utcnow(),
            "created_by_id": getattr(actor, "id", None),
        },
        unique=["meeting_id"],
    )
    if new_id is None:
        raise SessionRefused(_l("This meeting already has a public session."))
    return db.session.get(PublicSession, new_id)


def update_session(session: PublicSession, values: dict) -> None:
    """Change a session's details. The capacity never goes below the places already taken
    (checked in the same statement that writes it)."""
    _check(values)
    table = PublicSession.__table__
    result = db.session.execute(
        sa.update(table)
        .where(table.c.id == session.id, table.c.taken <= values["capacity"])
        .values({name: values[name] for name in SESSION_FIELDS}),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.expire(session)
        raise SessionRefused(
            _l(
                "The capacity cannot be less than the places already taken (%(taken)d).",
                taken=session.taken,
            )
        )
    db.session.expire(session)


def session_of_meeting(meeting_id: int) -> PublicSession | None:
    return db.session.scalar(sa.select(PublicSession).where(PublicSession.meeting_id == meeting_id))


def coming_sessions(limit: int = 50) -> list[PublicSession]:
    """Sessions not over yet, soonest first, with their meetings and bodies (one query)."""
    return list(
        db.session.scalars(
            sa.select(PublicSession)
            .join(Meeting, Meeting.id == PublicSession.meeting_id)
            .where(PublicSession.ends_at > utcnow(), Meeting.state != MeetingState.CANCELLED)
            .options(joinedload(PublicSession.meeting).joinedload(Meeting.body))
            .order_by(PublicSession.starts_at)
            .limit(limit)
        )
    )

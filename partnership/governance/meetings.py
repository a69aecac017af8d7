"""Running a meeting: its details changed while it is still to come, marked as held, its
``.ics`` file, and the invitation with the agenda mailed to each invited member once.

Services flush; the request commits (and then the queued mail goes out)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..core.transitions import StaleState, compare_and_set
from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db
from ..i18n import format_datetime
from ..notifications.services import queue_mail
from . import calendar, services
from .models import Attendance, BodyMember, Meeting, MeetingState, Visibility
from .services import GovernanceRefused
from .sitting import sync_invited

#: The outbox topic of invitations (Staff -> E-mail filters by it).
INVITATION_TOPIC = "meeting-invitation"


def update_meeting(
    meeting: Meeting,
    *,
    starts_at: datetime,
    ends_at: datetime | None,
    place: str,
    online_platform: str,
    online_url: str,
    visibility: Visibility,
    title_th: str,
    title_en: str,
    chair: BodyMember | None,
) -> None:
    """Change a scheduled meeting's details (once held or cancelled, it stays as it was); the
    invited members are those sitting on its (new) day.

    Its number stays: a meeting moved into another Buddhist-era year would carry the number of
    the wrong year, so that move is refused (cancel it and schedule a new one)."""
    if not (place.strip() or online_url.strip()):
        raise GovernanceRefused(_l("Give a place, an online link, or both."))
    if ends_at is not None and ends_at <= starts_at:
        raise GovernanceRefused(_l("The meeting must end after it starts."))
    if services.year_be_of(starts_at) != meeting.year_be:
        raise GovernanceRefused(
            _l(
                "A meeting cannot move into another year: its number belongs to %(year)d. "
                "Cancel it and schedule a new meeting instead.",
                year=meeting.year_be,
            )
        )
    if chair is not None and chair.body_id != meeting.body_id:
        raise GovernanceRefused(_l("The chair must be a member of this body."))
    try:
        compare_and_set(
            meeting,
            expected={"state": MeetingState.SCHEDULED},
            values={
                "starts_at": starts_at,
                "ends_at": ends_at,
                "place": place.strip(),
                "online_platform": online_platform.strip(),
                "online_url": online_url.strip(),
                "visibility": visibility,
                "title_th": title_th.strip(),
                "title_en": title_en.strip(),
                "chair_id": chair.id if chair is not None else meeting.chair_id,
            },
        )
    except StaleState:
        raise GovernanceRefused(_l("Only a scheduled meeting can be changed.")) from None
    sync_invited(meeting)  # a new day may have other members sitting


def mark_held(meeting: Meeting, now: datetime | None = None) -> None:
    """The meeting took place: not before it started, and once."""
    if meeting.starts_at > (now or utcnow()):
        raise GovernanceRefused(_l("A meeting can be marked as held only once it has started."))
    services.mark_held(meeting)


def record_resolution(item, outcome, text_th: str, actor=None, text_en: str = ""):
    """The resolution on an item of a held meeting (once: ``services.record_resolution``)."""
    if item.meeting.state is not MeetingState.HELD:
        raise GovernanceRefused(_l("Mark the meeting as held before recording its resolutions."))
    return services.record_resolution(item, outcome, text_th, actor=actor, text_en=text_en)


# The calendar file -----------------------------------------------------------------------------


def venue_text(meeting: Meeting) -> str:
    """Where, in one line: the room, the platform and its link."""
    parts = [meeting.place]
    if meeting.online_url:
        parts.append(" ".join(p for p in (meeting.online_platform, meeting.online_url) if p))
    return " · ".join(p for p in parts if p)


def meeting_title(meeting: Meeting, lang: str) -> str:
    """ "<body> ครั้งที่ 2/2564: <title>" in the language asked for."""
    with force_locale(lang):
        name = _(
            "%(body)s meeting %(number)s",
            body=meeting.body.display_name(lang),
            number=meeting.number_label,
        )
    title = meeting.display_title(lang)
    return f"{name}: {title}" if title else name


def meeting_ics(meeting: Meeting, lang: str, sequence: int = 0) -> str:
    """The meeting as an .ics event (UID stable per meeting, so a re-send updates it)."""
    return calendar.ics(
        uid=f"meeting-{meeting.id}",
        title=meeting_title(meeting, lang),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=venue_text(meeting),
        url=meeting.online_url or external_url("governance.meeting", meeting_id=meeting.id),
        description=external_url("governance.meeting", meeting_id=meeting.id),
        cancelled=meeting.state is MeetingState.CANCELLED,
        sequence=sequence,
    )


# Invitations -----------------------------------------------------------------------------------


def _address(row: Attendance) -> str:
    member = row.member
    user = member.user
    if user is not None and getattr(user, "email", ""):
        return user.email
    return member.email or ""


def last_sent(meeting: Meeting) -> datetime | None:
    """When the latest invitation of the meeting went out (what the "again" button carries)."""
    return db.session.scalar(
        sa.select(sa.func.max(Attendance.invited_at)).where(Attendance.meeting_id == meeting.id)
    )


def _claim(row: Attendance, seen: datetime | None, now: datetime) -> bool:
    """Take the row's invitation for this request: one UPDATE that only one request wins."""
    table = Attendance.__table__
    seen_clause = table.c.invited_at.is_(None) if seen is None else table.c.invited_at == seen
    result = db.session.execute(
        sa.update(table).where(table.c.id == row.id, seen_clause).values(invited_at=now),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def send_invitations(
    meeting: Meeting, *, again: bool = False, sent_until: datetime | None = None
) -> tuple[int, int]:
    """Mail the invitation, the agenda and the .ics to every invited member not yet invited
    (``again``: also to those invited up to ``sent_until``, the last invitation the secretary's
    page showed, after an agenda change).

    Each member's row is claimed by a conditional UPDATE on the ``invited_at`` it read, so two
    clicks at the same moment send one mail each; a second "again" from the same page finds
    the rows sent after ``sent_until`` and skips them. Returns (mails queued, members without
    an address)."""
    if meeting.state is not MeetingState.SCHEDULED:
        raise GovernanceRefused(_l("Invitations go out only for a scheduled meeting."))
    rows = db.session.scalars(
        sa.select(Attendance)
        .where(Attendance.meeting_id == meeting.id, Attendance.member_id.is_not(None))
        .options(joinedload(Attendance.member).joinedload(BodyMember.user))
        .order_by(Attendance.id)
    ).all()
    now = utcnow()
    sent = missing = 0
    sequence = int((now - meeting.created_at).total_seconds() // 60) if again else 0
    for row in rows:
        if row.invited_at is not None and (
            not again or sent_until is None or row.invited_at > sent_until
        ):
            continue
        address = _address(row)
        if not address:
            missing += 1
            continue
        if not _claim(row, row.invited_at, now):
            continue  # another request sent this one a moment ago
        lang = (row.member.user.locale if row.member.user else None) or "th"
        subject, body = invitation_text(meeting, row.member, lang, again=again)
        queue_mail(
            address,
            subject,
            body,
            topic=INVITATION_TOPIC,
            calendar=meeting_ics(meeting, lang, sequence=sequence),
        )
        sent += 1
    db.session.expire(meeting, ["attendance"])
    return sent, missing


def invitation_text(meeting: Meeting, member: BodyMember, lang: str, *, again: bool = False):
    """The subject and body of one member's invitation, in their language."""
    with force_locale(lang):
        title = meeting_title(meeting, lang)
        subject = (
            _("Updated invitation and agenda: %(title)s", title=title)
            if again
            else _("Invitation and agenda: %(title)s", title=title)
        )
        lines = [
            _("Dear %(name)s:", name=member.person_name),
            "",
            _("You are invited to %(title)s.", title=title),
            _("When: %(when)s (Bangkok time)", when=format_datetime(meeting.starts_at, lang)),
            _("Where: %(where)s", where=venue_text(meeting)),
        ]
        if meeting.chair is not None:
            lines.append(_("Chair: %(name)s", name=meeting.chair.person_name))
        lines += ["", _("Agenda")]
        for item in meeting.agenda:
            lines.append(f"{item.number}. {item.display_title(lang)} ({item.kind.label})")
        if not meeting.agenda:
            lines.append(_("The agenda will follow."))
        lines += [
            "",
            _("The meeting's page, with the agenda's papers:"),
            external_url("governance.meeting", meeting_id=meeting.id),
            _("The event is attached (invite.ics) for your calendar."),
        ]
    return subject, "\n".join(lines)

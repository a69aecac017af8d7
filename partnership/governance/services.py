"""The rules of bodies, meetings, agendas and resolutions. Services flush, the request commits.

Numbers are given under a lock on the parent row (the body for a meeting's number, the meeting
for an agenda item's position), so simultaneous requests get consecutive numbers and the unique
constraints stay a backstop that never fires in normal use (STYLE.md 12)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..core.transitions import StaleState, compare_and_set, insert_once, lock_row
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, to_bangkok
from ..registry.models import Sector
from .models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    AttendanceStatus,
    Body,
    BodyMember,
    LinkKind,
    Meeting,
    MeetingState,
    MemberRole,
    Outcome,
    Resolution,
    ResolutionLink,
    Visibility,
)
from .sitting import members_on, sync_body, sync_invited


class GovernanceRefused(Refused):
    """A rule of the bodies and meetings said no; the message says which."""


# Bodies and members --------------------------------------------------------------------------


def appoint_member(
    body: Body,
    *,
    person_name: str,
    sector: Sector,
    role: MemberRole,
    starts_on: date,
    actor=None,
    position: str = "",
    user_id: int | None = None,
    organisation_id: int | None = None,
    resolution: Resolution | None = None,
) -> BodyMember:
    """Seat a person on a body from ``starts_on``; with the resolution that appointed them."""
    if body.dissolved_on is not None:
        raise GovernanceRefused(_l("This body has been dissolved."))
    member = BodyMember(
        body=body,
        person_name=person_name.strip(),
        position=position.strip(),
        user_id=user_id,
        organisation_id=organisation_id,
        sector=sector,
        role=role,
        starts_on=starts_on,
        appointed_by=resolution,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(member)
    db.session.flush()
    if resolution is not None:
        link(resolution, LinkKind.MEMBER_APPOINTED, member.id, actor)
    sync_body(body.id)  # invited to the meetings still to come from their first day
    return member


def end_term(
    member: BodyMember,
    ends_on: date,
    reason: str,
    actor=None,
    resolution: Resolution | None = None,
) -> None:
    """End a member's term (once: a second end of the same term is refused)."""
    if ends_on < member.starts_on:
        raise GovernanceRefused(_l("A term cannot end before it started."))
    try:
        compare_and_set(
            member,
            expected={"ends_on": None},
            values={
                "ends_on": ends_on,
                "end_reason": reason.strip(),
                "ended_by_id": resolution.id if resolution is not None else None,
            },
        )
    except StaleState:
        raise GovernanceRefused(_l("This term has already ended.")) from None
    if resolution is not None:
        link(resolution, LinkKind.MEMBER_REMOVED, member.id, actor)
    sync_body(member.body_id)  # off the list of the meetings still to come after the end


def member_of(user, body_id: int, day: date | None = None) -> BodyMember | None:
    """The user's current seat on the body, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    day = day or to_bangkok(utcnow()).date()
    return db.session.scalar(
        sa.select(BodyMember)
        .where(
            BodyMember.body_id == body_id,
            BodyMember.user_id == user.id,
            BodyMember.starts_on <= day,
            sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on > day),
        )
        .order_by(BodyMember.id)
        .limit(1)
    )


def body_ids_of(user) -> set[int]:
    """The bodies the user sits on today (one query, for lists)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    day = to_bangkok(utcnow()).date()
    return set(
        db.session.scalars(
            sa.select(BodyMember.body_id).where(
                BodyMember.user_id == user.id,
                BodyMember.starts_on <= day,
                sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on > day),
            )
        )
    )


# Meetings ------------------------------------------------------------------------------------


def year_be_of(moment: datetime) -> int:
    """The Buddhist-era calendar year of a moment in Bangkok (meetings number by it)."""
    return to_bangkok(moment).year + BUDDHIST_ERA_OFFSET


def schedule_meeting(
    body: Body,
    *,
    starts_at: datetime,
    actor=None,
    ends_at: datetime | None = None,
    place: str = "",
    online_platform: str = "",
    online_url: str = "",
    visibility: Visibility = Visibility.MEMBERS,
    title_th: str = "",
    title_en: str = "",
    chair: BodyMember | None = None,
) -> Meeting:
    """Add the body's next meeting of that Buddhist-era year ("ครั้งที่ n/2564") and invite
    the members sitting on its day (the list follows the membership until it is held)."""
    if not (place.strip() or online_url.strip()):
        raise GovernanceRefused(_l("Give a place, an online link, or both."))
    if ends_at is not None and ends_at <= starts_at:
        raise GovernanceRefused(_l("The meeting must end after it starts."))
    year_be = year_be_of(starts_at)
    lock_row(Body, body.id)  # meetings of one body are numbered one at a time
    last = db.session.scalar(
        sa.select(sa.func.max(Meeting.number)).where(
            Meeting.body_id == body.id, Meeting.year_be == year_be
        )
    )
    meeting = Meeting(
        body_id=body.id,
        number=(last or 0) + 1,
        year_be=year_be,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_platform=online_platform.strip(),
        online_url=online_url.strip(),
        visibility=visibility,
        title_th=title_th.strip(),
        title_en=title_en.strip(),
        chair_id=chair.id if chair is not None else None,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(meeting)
    db.session.flush()
    day = to_bangkok(starts_at).date()
    members = members_on(body.id, day)
    if meeting.chair_id is None:
        chair = next((m for m in members if m.role is MemberRole.CHAIR), None)
        meeting.chair_id = chair.id if chair is not None else None
    db.session.flush()
    sync_invited(meeting)
    return meeting


def set_attendance(meeting: Meeting, statuses: dict[int, AttendanceStatus]) -> None:
    """Record who came: ``statuses`` maps attendance row ids of members to their status."""
    if meeting.state is MeetingState.CANCELLED:
        raise GovernanceRefused(_l("This meeting was cancelled."))
    rows = {row.id: row for row in meeting.attendance if row.member_id is not None}
    for row_id, status in statuses.items():
        if row_id not in rows or status is AttendanceStatus.OBSERVER:
            raise GovernanceRefused(_l("That person is not on this meeting's list."))
        rows[row_id].status = status
    db.session.flush()


def add_observer(meeting: Meeting, person_name: str, organisation_name: str = "") -> Attendance:
    """Someone who attends without a seat (an invited guest, a staff member taking notes)."""
    if not person_name.strip():
        raise GovernanceRefused(_l("Give the observer's name."))
    row = Attendance(
        meeting_id=meeting.id,
        person_name=person_name.strip(),
        organisation_name=organisation_name.strip(),
        status=AttendanceStatus.OBSERVER,
    )
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class Quorum:
    """Members present against the members invited, and what the body needs."""

    present: int
    members: int
    needed: int

    @property
    def met(self) -> bool:
        return self.members > 0 and self.present >= self.needed


def quorum(meeting: Meeting) -> Quorum:
    """Whether enough members were present (องค์ประชุม): observers never count."""
    rows = [row for row in meeting.attendance if row.member_id is not None]
    present = sum(1 for row in rows if row.status is AttendanceStatus.PRESENT)
    members = len(rows)
    needed = -(-members * meeting.body.quorum_percent // 100)  # ceiling
    return Quorum(present=present, members=members, needed=max(needed, 1))


def mark_held(meeting: Meeting) -> None:
    """The meeting took place (its attendance and resolutions may now be recorded)."""
    try:
        compare_and_set(
            meeting,
            expected={"state": MeetingState.SCHEDULED},
            values={"state": MeetingState.HELD},
        )
    except StaleState:
        raise GovernanceRefused(_l("Only a scheduled meeting can be marked as held.")) from None


def cancel_meeting(meeting: Meeting) -> None:
    """Call a scheduled meeting off; it keeps its number (a later one does not take it)."""
    try:
        compare_and_set(
            meeting,
            expected={"state": MeetingState.SCHEDULED},
            values={"state": MeetingState.CANCELLED},
        )
    except StaleState:
        raise GovernanceRefused(_l("Only a scheduled meeting can be cancelled.")) from None


# Agenda and resolutions ----------------------------------------------------------------------


def add_agenda_item(
    meeting: Meeting,
    *,
    kind: AgendaKind,
    title_th: str,
    title_en: str = "",
    details_th: str = "",
    details_en: str = "",
    label: str = "",
    proposed_by_sector: Sector | None = None,
    proposed_by_organisation_id: int | None = None,
) -> AgendaItem:
    """Put an item at the end of the agenda (positions are given one at a time)."""
    if not title_th.strip():
        raise GovernanceRefused(_l("Give the item's title in Thai."))
    if meeting.state is MeetingState.CANCELLED:
        raise GovernanceRefused(_l("This meeting was cancelled."))
    lock_row(Meeting, meeting.id)
    last = db.session.scalar(
        sa.select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(
        meeting_id=meeting.id,
        position=(last or 0) + 1,
        label=label.strip(),
        kind=kind,
        title_th=title_th.strip(),
        title_en=title_en.strip(),
        details_th=details_th.strip(),
        details_en=details_en.strip(),
        proposed_by_sector=proposed_by_sector,
        proposed_by_organisation_id=proposed_by_organisation_id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def record_resolution(
    item: AgendaItem, outcome: Outcome, text_th: str, actor=None, text_en: str = ""
) -> Resolution:
    """The meeting's resolution on an item, once (a second one for the same item is refused)."""
    if not text_th.strip():
        raise GovernanceRefused(_l("Give the resolution's text in Thai."))
    if item.meeting.state is MeetingState.CANCELLED:
        raise GovernanceRefused(_l("This meeting was cancelled."))
    new_id = insert_once(
        Resolution,
        {
            "agenda_item_id": item.id,
            "outcome": outcome.value,
            "text_th": text_th.strip(),
            "text_en": text_en.strip(),
            "recorded_at": utcnow(),
            "recorded_by_id": getattr(actor, "id", None),
        },
        unique=["agenda_item_id"],
    )
    if new_id is None:
        raise GovernanceRefused(_l("This item already has its resolution."))
    db.session.expire(item, ["resolution"])
    return db.session.get(Resolution, new_id)


def link(resolution: Resolution, kind: LinkKind, subject_id: int, actor=None) -> bool:
    """Point the resolution at what it decided; False if it already pointed there."""
    new_id = insert_once(
        ResolutionLink,
        {
            "resolution_id": resolution.id,
            "kind": kind.value,
            "subject_id": subject_id,
            "at": utcnow(),
            "actor_id": getattr(actor, "id", None),
        },
        unique=["resolution_id", "kind", "subject_id"],
    )
    db.session.expire(resolution, ["links"])
    return new_id is not None


def resolutions_deciding(kind: LinkKind, subject_ids: Iterable[int]) -> dict[int, list[Resolution]]:
    """For each subject id, the resolutions that decided it (one query with their meetings)."""
    ids = list(subject_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(ResolutionLink.subject_id, Resolution)
        .join(Resolution, Resolution.id == ResolutionLink.resolution_id)
        .where(ResolutionLink.kind == kind, ResolutionLink.subject_id.in_(ids))
        .options(
            sa.orm.joinedload(Resolution.agenda_item)
            .joinedload(AgendaItem.meeting)
            .joinedload(Meeting.body)
        )
        .order_by(ResolutionLink.id)
    ).all()
    found: dict[int, list[Resolution]] = {}
    for subject_id, resolution in rows:
        found.setdefault(subject_id, []).append(resolution)
    return found

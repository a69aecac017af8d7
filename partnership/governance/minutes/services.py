"""The rules of minutes: a first draft made from the meeting, edits while not approved, the
circulation to the members by e-mail, and the approval at a later meeting of the same body
(its resolution on the "รับรองรายงานการประชุม" item, a MINUTES_APPROVED link), after which the
minutes are locked.

Every move is one conditional UPDATE (``core.transitions.move``), and an edit's UPDATE checks
both the state and the revision it started from, so a crafted POST after the approval, or a
second editor's stale form, changes nothing. Services never commit (STYLE.md 1)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...core.history import MOVED
from ...core.transitions import StaleState, compare_and_set, insert_once, move
from ...core.urls import external_url
from ...db_types import utcnow
from ...extensions import db
from ...i18n import format_date, to_bangkok
from ...notifications.services import queue_mail
from ..meetings import record_resolution
from ..models import (
    AgendaItem,
    LinkKind,
    Meeting,
    MeetingState,
    Outcome,
    Resolution,
)
from ..services import GovernanceRefused, link, members_on
from ..signals import minutes_published
from .draft import default_draft
from .models import (
    DRAFTED_KIND,
    EDITABLE,
    EDITED,
    TRANSITIONS,
    Minutes,
    MinutesEvent,
    MinutesState,
)
from .queries import history, published_minutes  # noqa: F401  (the services' reads, re-exported)

#: The outcomes a meeting may give to minutes it approves.
APPROVING = (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)
#: The longest text of the minutes (in characters, per language).
MAX_TEXT = 100_000


class MinutesRefused(GovernanceRefused):
    """A rule of the minutes said no (locked, not yet held, the wrong meeting …)."""


class IllegalMinutesMove(MinutesRefused):
    """The move is not possible from the minutes' state (or another request made it first)."""

    def __init__(self, from_state: MinutesState, to_state: MinutesState):
        super().__init__(
            _l(
                "These minutes cannot be moved from “%(from)s” to “%(to)s”. Nothing was changed.",
                **{"from": from_state.label, "to": to_state.label},
            )  # fmt: skip
        )
        self.from_state, self.to_state = from_state, to_state


def minutes_of(meeting_id: int) -> Minutes | None:
    """The meeting's minutes, with their approval's meeting, if any were started."""
    return db.session.scalar(
        sa.select(Minutes)
        .where(Minutes.meeting_id == meeting_id)
        .options(
            joinedload(Minutes.approval)
            .joinedload(Resolution.agenda_item)
            .joinedload(AgendaItem.meeting)
        )
    )


# Moves and edits -------------------------------------------------------------------------------


def _event(minutes: Minutes, actor, kind: str, from_state=None, to_state=None, reason: str = ""):
    db.session.add(
        MinutesEvent(
            minutes_id=minutes.id,
            actor_id=getattr(actor, "id", None),
            kind=kind,
            from_state=from_state.value if from_state is not None else None,
            to_state=to_state.value if to_state is not None else None,
            reason=reason.strip(),
            revision=minutes.revision,
            text_th=minutes.text_th,
            text_en=minutes.text_en,
        )
    )
    db.session.flush()


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def start_minutes(
    meeting: Meeting, actor, *, text_th: str | None = None, text_en: str | None = None
) -> Minutes:
    """The meeting's minutes as a first draft (the default one unless texts are given); once
    per meeting, and only of a meeting that was held."""
    if meeting.state is not MeetingState.HELD:
        raise MinutesRefused(_l("Minutes are written for a meeting that was held."))
    text_th = _clean(text_th if text_th is not None else default_draft(meeting, "th"))
    text_en = _clean(text_en if text_en is not None else default_draft(meeting, "en"))
    now = utcnow()
    new_id = insert_once(
        Minutes,
        {
            "meeting_id": meeting.id,
            "state": MinutesState.DRAFTED.value,
            "text_th": text_th,
            "text_en": text_en,
            "revision": 1,
            "drafted_by_id": getattr(actor, "id", None),
            "created_at": now,
            "updated_at": now,
        },
        unique=["meeting_id"],
    )
    if new_id is None:
        raise MinutesRefused(_l("This meeting's minutes have already been started."))
    minutes = db.session.get(Minutes, new_id)
    _event(minutes, actor, DRAFTED_KIND, None, MinutesState.DRAFTED)
    return minutes


def edit_minutes(
    minutes: Minutes, actor, *, text_th: str, text_en: str, revision: int, reason: str = ""
) -> None:
    """Change the text while the minutes are not approved; ``revision`` is the one the editor
    started from. The state and the revision are checked in the UPDATE itself."""
    text_th, text_en = _clean(text_th), _clean(text_en)
    if not text_th:
        raise MinutesRefused(_l("Give the minutes in Thai."))
    if len(text_th) > MAX_TEXT or len(text_en) > MAX_TEXT:
        raise MinutesRefused(_l("The minutes are too long."))
    table = Minutes.__table__
    try:
        compare_and_set(
            minutes,
            expected={"revision": revision},
            values={
                "text_th": text_th,
                "text_en": text_en,
                "revision": revision + 1,
                "updated_at": utcnow(),
            },
            where=[table.c.state.in_([s.value for s in EDITABLE])],
        )
    except StaleState:
        db.session.refresh(minutes)
        if minutes.state not in EDITABLE:
            raise MinutesRefused(
                _l("These minutes have been approved and are locked: they cannot be changed.")
            ) from None
        raise MinutesRefused(
            _l(
                "Someone else changed these minutes while you were editing. Your text was not "
                "saved: reload the page, then make your change again."
            )  # fmt: skip
        ) from None
    _event(minutes, actor, EDITED, reason=reason)


def _move(minutes: Minutes, to_state: MinutesState, actor, reason: str = "", **values) -> None:
    from_state = move(
        minutes,
        to_state,
        allowed=TRANSITIONS,
        illegal=IllegalMinutesMove,
        values=values,
    )
    _event(minutes, actor, MOVED, from_state, to_state, reason)


def recipients(minutes: Minutes) -> list[tuple[str, str]]:
    """(address, language) of each member sitting today, once per address; members with no
    address (no account, no e-mail) are left out."""
    today = to_bangkok(utcnow()).date()
    found: dict[str, tuple[str, str]] = {}
    for member in members_on(minutes.meeting.body_id, today):
        user = member.user
        address = member.email or (user.email if user is not None else "")
        if user is not None and not user.is_active_account and not member.email:
            continue
        if not address:
            continue
        locale = (user.locale if user is not None else None) or "th"
        found.setdefault(address.strip().lower(), (address.strip(), locale))
    return list(found.values())


def circulate(minutes: Minutes, actor, *, notify: bool = True, at: datetime | None = None) -> int:
    """Send the draft to the members (each address once) for them to read; returns how many
    mails were queued. Only a draft circulates, once. (``notify=False`` and ``at``: the demo,
    which replays a circulation of 2564 and mails nobody now.)"""
    _move(minutes, MinutesState.CIRCULATED, actor, circulated_at=at or utcnow())
    if not notify:
        return 0
    meeting = minutes.meeting
    link_url = external_url("governance_minutes.minutes", meeting_id=meeting.id)
    sent = 0
    for address, locale in recipients(minutes):
        with force_locale(locale):
            name = meeting.body.display_name(locale)
            subject = _(
                "Draft minutes of meeting %(number)s of %(body)s",
                number=meeting.number_label,
                body=name,
            )
            body = _(
                "The draft minutes of meeting %(number)s of %(body)s (%(date)s) are ready for "
                "you to read. Please send the secretary any correction before the next meeting, "
                "which will be asked to approve them: %(link)s",
                number=meeting.number_label,
                body=name,
                date=format_date(meeting.starts_at, locale),
                link=link_url,
            )
        queue_mail(address, subject[:300], body, topic="governance-minutes")
        sent += 1
    return sent


def approval_items(minutes: Minutes) -> list[AgendaItem]:
    """The agenda items that may approve these minutes: items without a resolution on the
    agenda of a later meeting of the same body that has been held (a meeting still to come
    cannot approve anything yet, a cancelled one never will)."""
    meeting = minutes.meeting
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .outerjoin(Resolution, Resolution.agenda_item_id == AgendaItem.id)
            .where(
                Meeting.body_id == meeting.body_id,
                Meeting.starts_at > meeting.starts_at,
                Meeting.state == MeetingState.HELD,
                Resolution.id.is_(None),
            )
            .options(joinedload(AgendaItem.meeting))
            .order_by(Meeting.starts_at, AgendaItem.position)
        )
    )


def suggested_item(minutes: Minutes, items: list[AgendaItem]) -> AgendaItem | None:
    """The item whose title names these minutes ("รับรองรายงานการประชุม ครั้งที่ 1/2564")."""
    label = minutes.meeting.number_label
    for item in items:
        if label in item.title_th and "รับรอง" in item.title_th:
            return item
    return next((i for i in items if label in i.title_th), None)


def approve(
    minutes: Minutes,
    item: AgendaItem,
    actor,
    *,
    outcome: Outcome = Outcome.APPROVED,
    text_th: str = "",
    text_en: str = "",
    at: datetime | None = None,
) -> Resolution:
    """The later meeting approves the minutes: its resolution on ``item`` is recorded, linked
    to the minuted meeting (MINUTES_APPROVED), and the minutes are approved and locked.

    The resolution goes through ``meetings.record_resolution``, the rule every resolution
    follows: only a meeting that has been held resolves anything."""
    meeting = minutes.meeting
    if outcome not in APPROVING:
        raise MinutesRefused(_l("Minutes are approved, or approved with changes."))
    if item.meeting.body_id != meeting.body_id or item.meeting.starts_at <= meeting.starts_at:
        raise MinutesRefused(_l("Minutes are approved at a later meeting of the same body."))
    if item.meeting.state is MeetingState.CANCELLED:
        raise MinutesRefused(_l("This meeting was cancelled."))
    if item.meeting.state is not MeetingState.HELD:
        raise MinutesRefused(_l("Minutes are approved at a meeting that has been held."))
    if item.resolution is not None:
        raise MinutesRefused(_l("This item already has its resolution."))
    if minutes.state is not MinutesState.CIRCULATED:
        raise IllegalMinutesMove(minutes.state, MinutesState.APPROVED)
    if not text_th.strip():
        with force_locale("th"):
            text_th = _default_resolution(minutes, outcome)
    resolution = record_resolution(item, outcome, text_th, actor, text_en=text_en)
    now = at or utcnow()
    _move(minutes, MinutesState.APPROVED, actor, approval_id=resolution.id, approved_at=now)
    _move(minutes, MinutesState.LOCKED, actor, locked_at=now)
    link(resolution, LinkKind.MINUTES_APPROVED, meeting.id, actor)
    if meeting.is_public:
        _announce(minutes)
    return resolution


def _announce(minutes: Minutes) -> None:
    """Tell the features above (the library) that public minutes are published."""
    meeting = minutes.meeting
    body = meeting.body
    path = current_app.url_map.bind("localhost").build(
        "governance_minutes.minutes", {"meeting_id": meeting.id}
    )
    titles = {}
    for lang in ("th", "en"):
        with force_locale(lang):
            titles[lang] = _(
                "Minutes of %(body)s, meeting %(number)s",
                body=body.display_name(lang),
                number=meeting.number_label,
            )
    minutes_published.send(
        current_app._get_current_object(),
        minutes_id=minutes.id,
        title_th=titles["th"],
        title_en=titles["en"],
        year_be=meeting.year_be,
        path=path,
        province_code=body.province_code,
    )


def _default_resolution(minutes: Minutes, outcome: Outcome) -> str:
    if outcome is Outcome.APPROVED_WITH_CHANGES:
        return _(
            "The meeting approved the minutes of meeting %(number)s with the changes made.",
            number=minutes.meeting.number_label,
        )
    return _(
        "The meeting approved the minutes of meeting %(number)s.",
        number=minutes.meeting.number_label,
    )

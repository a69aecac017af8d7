"""The first draft of a meeting's minutes, written from the meeting itself (who attended, each
item and its resolution) in Thai or English, for the secretary to edit."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import force_locale
from flask_babel import gettext as _

from ...i18n import format_date, to_bangkok
from ..models import AttendanceStatus, Meeting, MemberRole
from ..services import members_on


def default_draft(meeting: Meeting, lang: str = "th") -> str:
    """A first draft made from the meeting as recorded: when and where, who attended, each
    agenda item with its resolution; the secretary edits it from there."""
    with force_locale(lang):
        return "\n".join(_draft_lines(meeting, lang)).strip() + "\n"


def _draft_lines(meeting: Meeting, lang: str) -> Iterable[str]:
    body = meeting.body
    yield _("Minutes of the meeting of %(body)s", body=body.display_name(lang))
    yield _("Meeting %(number)s", number=meeting.number_label)
    if meeting.display_title(lang):
        yield meeting.display_title(lang)
    start = to_bangkok(meeting.starts_at)
    yield _("On %(date)s at %(time)s", date=format_date(start, lang), time=_clock(start, lang))
    online = meeting.online_platform if meeting.online_url else ""
    places = [p for p in (meeting.place, online) if p]
    if places:
        yield _("At %(place)s", place=", ".join(places))
    yield ""
    groups = [
        (_("Members present"), AttendanceStatus.PRESENT),
        (_("Members who sent apologies"), AttendanceStatus.EXCUSED),
        (_("Members absent"), AttendanceStatus.ABSENT),
    ]
    members = [row for row in meeting.attendance if row.member_id is not None]
    for heading, status in groups:
        rows = [row for row in members if row.status is status]
        if not rows:
            continue
        yield heading
        for number, row in enumerate(rows, start=1):
            who = row.member.person_name
            if row.member.position:
                who += f" {row.member.position}"
            yield f"{number}. {who}"
        yield ""
    observers = [row for row in meeting.attendance if row.member_id is None]
    if observers:
        yield _("Also attending")
        for number, row in enumerate(observers, start=1):
            extra = f" {row.organisation_name}" if row.organisation_name else ""
            yield f"{number}. {row.person_name}{extra}"
        yield ""
    if meeting.chair is not None:
        yield _(
            "The meeting started at %(time)s, %(chair)s in the chair.",
            time=_clock(start, lang),
            chair=meeting.chair.person_name,
        )
        yield ""
    for item in meeting.agenda:
        yield _("Item %(number)s: %(title)s", number=item.number, title=item.display_title(lang))
        details = item.details_en if lang == "en" and item.details_en else item.details_th
        if details:
            yield details.strip()
        if item.resolution is not None:
            yield _(
                "Resolution (%(outcome)s): %(text)s",
                outcome=item.resolution.outcome.label,
                text=item.resolution.display_text(lang),
            )
        yield ""
    if meeting.ends_at is not None:
        yield _("The meeting ended at %(time)s.", time=_clock(to_bangkok(meeting.ends_at), lang))
        yield ""
    sitting = members_on(body.id, start.date())
    secretary = next((m for m in sitting if m.role is MemberRole.SECRETARY), None)
    if secretary is not None:
        yield _("%(name)s, secretary, took the minutes", name=secretary.person_name)


def _clock(moment, lang: str) -> str:
    return f"{moment:%H.%M} น." if lang == "th" else f"{moment:%H:%M}"

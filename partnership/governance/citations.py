"""The resolutions behind a record, for the record's own page (``core.signals.decided_by``)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.signals import Citation
from ..i18n import current_language
from .access import can_view_meeting
from .models import LinkKind, Resolution
from .services import resolutions_deciding


def label(resolution: Resolution, lang: str) -> str:
    """ "มติ คณะทำงาน… ครั้งที่ 1/2564 วาระที่ 4.3": how a record names the resolution."""
    item = resolution.agenda_item
    meeting = item.meeting
    return _(
        "Resolution of %(body)s, meeting %(number)s, item %(item)s",
        body=meeting.body.display_name(lang),
        number=meeting.number_label,
        item=item.number,
    )


def cite(kind: str, subject_id: int, **_extra) -> list[Citation]:
    """``decided_by``: the resolutions linked to (``kind``, ``subject_id``) that the visitor
    may read (a members-only meeting's resolution is not shown to the public)."""
    try:
        link_kind = LinkKind(kind)
    except ValueError:
        return []
    lang = current_language()
    found = resolutions_deciding(link_kind, [subject_id]).get(subject_id, [])
    return [
        Citation(
            label(resolution, lang),
            url_for("governance.resolution", resolution_id=resolution.id),
            resolution.outcome.label,
        )
        for resolution in found
        if can_view_meeting(current_user, resolution.agenda_item.meeting)
    ]

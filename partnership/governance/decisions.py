"""What a resolution decided, named and linked for its page: the schools it admitted, the
programme it opened, the committee it named, the members it appointed or whose term it ended."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import current_language
from ..programmes.models import Programme
from ..registry.models import School
from .models import BodyMember, LinkKind, Meeting, ResolutionLink


@dataclass(frozen=True)
class Decided:
    """One record a resolution decided: what kind, its name, where to see it."""

    kind: LinkKind
    name: str
    url: str | None


def decided_records(links: Iterable[ResolutionLink]) -> list[Decided]:
    """The records behind ``links``, one query per kind of record (never one per link)."""
    by_kind: dict[LinkKind, list[int]] = {}
    for row in links:
        by_kind.setdefault(row.kind, []).append(row.subject_id)
    lang = current_language()
    found: list[Decided] = []
    school_ids = by_kind.get(LinkKind.SCHOOL_ADMITTED, [])
    if school_ids:
        schools = db.session.scalars(
            sa.select(School).where(School.id.in_(school_ids)).order_by(School.name_th)
        ).all()
        found += [
            Decided(
                LinkKind.SCHOOL_ADMITTED,
                school.display_name(lang),
                url_for("registry.school", school_id=school.id),
            )
            for school in schools
        ]
    for kind, endpoint in (
        (LinkKind.PROGRAMME_OPENED, "programmes.programme"),
        (LinkKind.COMMITTEE_NAMED, "programmes.programme"),
    ):
        ids = by_kind.get(kind, [])
        if ids:
            programmes = db.session.scalars(
                sa.select(Programme).where(Programme.id.in_(ids)).order_by(Programme.id)
            ).all()
            found += [
                Decided(kind, p.display_name(lang), url_for(endpoint, programme_id=p.id))
                for p in programmes
            ]
    for kind in (LinkKind.MEMBER_APPOINTED, LinkKind.MEMBER_REMOVED):
        ids = by_kind.get(kind, [])
        if ids:
            members = db.session.scalars(
                sa.select(BodyMember)
                .where(BodyMember.id.in_(ids))
                .options(sa.orm.joinedload(BodyMember.body))
                .order_by(BodyMember.id)
            ).all()
            found += [
                Decided(
                    kind,
                    f"{m.person_name} — {m.role.label}, {m.body.display_name(lang)}",
                    url_for("governance.body", body_id=m.body_id),
                )
                for m in members
            ]
    meeting_ids = by_kind.get(LinkKind.MINUTES_APPROVED, [])
    if meeting_ids:
        meetings = db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.id.in_(meeting_ids))
            .options(sa.orm.joinedload(Meeting.body))
            .order_by(Meeting.starts_at)
        ).all()
        found += [
            Decided(
                LinkKind.MINUTES_APPROVED,
                _(
                    "Minutes of %(body)s meeting %(number)s",
                    body=m.body.display_name(lang),
                    number=m.number_label,
                ),
                url_for("governance.meeting", meeting_id=m.id),
            )
            for m in meetings
        ]
    return found

"""The queries of the assemblies (สมัชชา): provincial and national bodies whose meetings are
sittings, whose agenda items are policy proposals and whose approved resolutions are adopted.
Read by the assemblies page and by the province pages of the figures."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import ASSEMBLY_KINDS, AgendaItem, Body, BodyKind, Meeting, Resolution


def assemblies() -> list[Body]:
    """The national assemblies, then the provincial ones by province code (one query)."""
    return list(
        db.session.scalars(
            sa.select(Body)
            .where(Body.kind.in_(ASSEMBLY_KINDS))
            .order_by(
                sa.case((Body.kind == BodyKind.NATIONAL_ASSEMBLY, 0), else_=1),
                Body.province_code,
                Body.name_th,
            )
        )
    )


def public_sittings(body_ids: list[int]) -> dict[int, list[Meeting]]:
    """The public sittings of these assemblies, latest first, with their policy proposals and
    resolutions (three queries however many there are)."""
    if not body_ids:
        return {}
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.body_id.in_(body_ids), Meeting.visibility == "public")
        .options(
            sa.orm.selectinload(Meeting.agenda).joinedload(AgendaItem.resolution),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    ).all()
    found: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        found.setdefault(meeting.body_id, []).append(meeting)
    return found


def province_assemblies(province_code: str) -> list[tuple[Body, Meeting | None]]:
    """A province's assemblies, each with its latest public sitting: ONE query (the province page
    keeps a fixed query count)."""
    latest = (
        sa.select(Meeting.id)
        .where(Meeting.body_id == Body.id, Meeting.visibility == "public")
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
        .correlate(Body)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Body, Meeting)
        .outerjoin(Meeting, Meeting.id == latest)
        .where(Body.kind == BodyKind.PROVINCIAL_ASSEMBLY, Body.province_code == province_code)
        .order_by(Body.name_th)
    ).all()
    return [(body, meeting) for body, meeting in rows]


def adopted(meeting: Meeting) -> list[Resolution]:
    """The sitting's adopted resolutions (approved, with or without changes)."""
    return [
        item.resolution
        for item in meeting.agenda
        if item.resolution is not None and item.resolution.outcome.value.startswith("approved")
    ]

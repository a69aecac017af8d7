"""The rules of managing bodies and their members (staff): create, edit and dissolve a body;
appoint a member, end a term, change a role. Services flush, the request commits.

A member's row is never rewritten: a term ends once (``services.end_term`` checks and writes in
one statement) and a change of role is the end of one term and the start of another, so the
body page can always say who sat when, in which role, and by which resolution."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..core.transitions import StaleState, compare_and_set
from ..extensions import db
from ..registry.models import Sector
from ..registry.provinces import get_province
from .models import (
    AgendaItem,
    Body,
    BodyKind,
    BodyMember,
    Meeting,
    MeetingState,
    MemberRole,
    Outcome,
    Resolution,
)
from .services import GovernanceRefused, appoint_member, end_term

#: Outcomes that decide something: only these may appoint, end a term or link a record.
DECIDING = (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)


def _check_place(kind: BodyKind, province_code: str | None, parent: Body | None, body=None):
    if kind is BodyKind.PROVINCIAL_ASSEMBLY and get_province(province_code or "") is None:
        raise GovernanceRefused(_l("Choose the province of a provincial assembly."))
    if parent is None:
        return
    if parent.dissolved_on is not None:
        raise GovernanceRefused(_l("A body cannot report to a dissolved body."))
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.id not in seen:
        if body is not None and ancestor.id == body.id:
            raise GovernanceRefused(_l("A body cannot report to itself or to a body under it."))
        seen.add(ancestor.id)
        ancestor = ancestor.parent


def create_body(
    *,
    kind: BodyKind,
    name_th: str,
    name_en: str = "",
    purpose_th: str = "",
    purpose_en: str = "",
    parent: Body | None = None,
    province_code: str | None = None,
    quorum_percent: int = 50,
) -> Body:
    """A new working group, committee or assembly."""
    if not name_th.strip():
        raise GovernanceRefused(_l("Give the body's name in Thai."))
    _check_place(kind, province_code, parent)
    body = Body(
        kind=kind,
        name_th=name_th.strip(),
        name_en=name_en.strip(),
        purpose_th=purpose_th.strip(),
        purpose_en=purpose_en.strip(),
        parent_id=parent.id if parent is not None else None,
        province_code=province_code if kind is BodyKind.PROVINCIAL_ASSEMBLY else None,
        quorum_percent=quorum_percent,
    )
    db.session.add(body)
    db.session.flush()
    return body


def edit_body(
    body: Body,
    *,
    kind: BodyKind,
    name_th: str,
    name_en: str,
    purpose_th: str,
    purpose_en: str,
    parent: Body | None,
    province_code: str | None,
    quorum_percent: int,
) -> None:
    """Change what the body is called, what it is for and whom it reports to."""
    if body.dissolved_on is not None:
        raise GovernanceRefused(_l("This body has been dissolved."))
    if not name_th.strip():
        raise GovernanceRefused(_l("Give the body's name in Thai."))
    _check_place(kind, province_code, parent, body)
    body.kind = kind
    body.name_th = name_th.strip()
    body.name_en = name_en.strip()
    body.purpose_th = purpose_th.strip()
    body.purpose_en = purpose_en.strip()
    body.parent_id = parent.id if parent is not None else None
    body.province_code = province_code if kind is BodyKind.PROVINCIAL_ASSEMBLY else None
    body.quorum_percent = quorum_percent
    db.session.flush()
    db.session.expire(body, ["parent"])


def dissolve_body(body: Body, on: date) -> None:
    """The body stops (once): its members, meetings and resolutions stay as they were."""
    try:
        compare_and_set(body, expected={"dissolved_on": None}, values={"dissolved_on": on})
    except StaleState:
        raise GovernanceRefused(_l("This body has already been dissolved.")) from None


# Members -------------------------------------------------------------------------------------


def deciding_resolutions(body: Body) -> list[Resolution]:
    """Resolutions that may appoint to or remove from ``body``: the approved ones of its own
    meetings and of its parent's, newest meeting first."""
    bodies = [body.id] + ([body.parent_id] if body.parent_id is not None else [])
    return list(
        db.session.scalars(
            sa.select(Resolution)
            .join(AgendaItem, AgendaItem.id == Resolution.agenda_item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(
                Meeting.body_id.in_(bodies),
                Meeting.state != MeetingState.CANCELLED,
                Resolution.outcome.in_(DECIDING),
            )
            .options(
                joinedload(Resolution.agenda_item)
                .joinedload(AgendaItem.meeting)
                .joinedload(Meeting.body)
            )
            .order_by(Meeting.starts_at.desc(), AgendaItem.position)
        )
    )


def _deciding(body: Body, resolution: Resolution | None) -> Resolution | None:
    if resolution is None:
        return None
    if resolution.id not in {r.id for r in deciding_resolutions(body)}:
        raise GovernanceRefused(
            _l("Choose an approved resolution of this body or of the body it reports to.")
        )
    return resolution


def appoint(
    body: Body,
    *,
    person_name: str,
    sector: Sector,
    role: MemberRole,
    starts_on: date,
    actor,
    position: str = "",
    email: str = "",
    user_id: int | None = None,
    organisation_id: int | None = None,
    resolution: Resolution | None = None,
) -> BodyMember:
    """Seat a person (with the approved resolution that appointed them, if any)."""
    if not person_name.strip():
        raise GovernanceRefused(_l("Give the member's name."))
    member = appoint_member(
        body,
        person_name=person_name,
        position=position,
        sector=sector,
        role=role,
        starts_on=starts_on,
        actor=actor,
        user_id=user_id,
        organisation_id=organisation_id,
        resolution=_deciding(body, resolution),
    )
    member.email = email.strip()
    db.session.flush()
    return member


def end_member_term(
    member: BodyMember, ends_on: date, reason: str, actor, resolution: Resolution | None = None
) -> None:
    """End the term, once (a second end, even from a crafted form, is refused)."""
    if member.ends_on is not None:
        raise GovernanceRefused(_l("This term has already ended."))
    end_term(member, ends_on, reason, actor, _deciding(member.body, resolution))


def change_role(
    member: BodyMember,
    role: MemberRole,
    on: date,
    reason: str,
    actor,
    resolution: Resolution | None = None,
) -> BodyMember:
    """A new role from ``on``: the term in the old role ends that day and a new one starts."""
    if role is member.role:
        raise GovernanceRefused(_l("Choose a role other than the present one."))
    if member.body.dissolved_on is not None:
        raise GovernanceRefused(_l("This body has been dissolved."))
    end_member_term(member, on, reason or str(_l("New role")), actor, resolution)
    return appoint(
        member.body,
        person_name=member.person_name,
        position=member.position,
        email=member.email,
        user_id=member.user_id,
        organisation_id=member.organisation_id,
        sector=member.sector,
        role=role,
        starts_on=on,
        actor=actor,
        resolution=resolution,
    )

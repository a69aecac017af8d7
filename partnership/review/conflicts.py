"""Conflicts of interest: automatic (the member's organisation partners the school) and declared.

Automatic rule: a member is conflicted with an application when any organisation they sit for
(the one named at appointment, or any organisation they are an active member of) has a
partnership with the applying school that is current or ended less than
``CONFLICT_LOOKBACK_YEARS`` years ago.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import Membership, MembershipState
from ..applications.models import Application
from ..core.transitions import StaleState, add_unique, compare_and_set
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..registry.models import Partnership
from ..registry.services import today
from .access import assignment_of, end_assignment
from .models import CommitteeMember, ConflictOfInterest, ConflictSource
from .workflow import ASSIGNABLE_STATES

CONFLICT_LOOKBACK_YEARS = 3


class ConflictError(Refused):
    """A conflict declaration that cannot be made."""


#: Why a conflict cannot be recorded on this pair.
NOT_DECLARABLE = _l(
    "A conflict can be recorded only on an application of this programme that is "
    "under review, for a current member."
)


def _cutoff(day: date) -> date:
    try:
        return day.replace(year=day.year - CONFLICT_LOOKBACK_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year - CONFLICT_LOOKBACK_YEARS, day=28)


def member_organisations(members: list[CommitteeMember]) -> dict[int, set[int]]:
    """member id → organisation ids they sit for (one query)."""
    result = {m.id: {m.organisation_id} - {None} for m in members}
    by_user = defaultdict(list)
    for m in members:
        by_user[m.user_id].append(m.id)
    if by_user:
        rows = db.session.execute(
            sa.select(Membership.user_id, Membership.organisation_id).where(
                Membership.user_id.in_(by_user),
                Membership.state == MembershipState.ACTIVE,
                Membership.organisation_id.is_not(None),
            )
        )
        for user_id, organisation_id in rows:
            for member_id in by_user[user_id]:
                result[member_id].add(organisation_id)
    return result


def automatic_conflicts(
    members: list[CommitteeMember], school_by_app: dict[int, int]
) -> set[tuple[int, int]]:
    """(member id, application id) pairs conflicted by a partnership (two queries)."""
    orgs = member_organisations(members)
    all_orgs = set().union(*orgs.values()) if orgs else set()
    schools = set(school_by_app.values())
    if not all_orgs or not schools:
        return set()
    cutoff = _cutoff(today())
    partnered = defaultdict(set)  # organisation → schools
    rows = db.session.execute(
        sa.select(Partnership.organisation_id, Partnership.school_id).where(
            Partnership.organisation_id.in_(all_orgs),
            Partnership.school_id.in_(schools),
            sa.or_(Partnership.ended_on.is_(None), Partnership.ended_on >= cutoff),
        )
    )
    for organisation_id, school_id in rows:
        partnered[organisation_id].add(school_id)
    pairs = set()
    for member_id, org_ids in orgs.items():
        school_ids = set().union(*(partnered[o] for o in org_ids)) if org_ids else set()
        for app_id, school_id in school_by_app.items():
            if school_id in school_ids:
                pairs.add((member_id, app_id))
    return pairs


def declared_pairs(member_ids: list[int]) -> set[tuple[int, int]]:
    if not member_ids:
        return set()
    rows = db.session.execute(
        sa.select(ConflictOfInterest.member_id, ConflictOfInterest.application_id).where(
            ConflictOfInterest.member_id.in_(member_ids),
            ConflictOfInterest.withdrawn_at.is_(None),
        )
    )
    return {(m, a) for m, a in rows}


def programme_conflicts(
    members: list[CommitteeMember], school_by_app: dict[int, int]
) -> set[tuple[int, int]]:
    """Every conflicted (member, application) pair: recorded rows and live partnerships."""
    return declared_pairs([m.id for m in members]) | automatic_conflicts(members, school_by_app)


def is_conflicted(member: CommitteeMember, application: Application) -> bool:
    pairs = programme_conflicts([member], {application.id: application.school_id})
    return (member.id, application.id) in pairs


def sync_automatic_conflicts(members: list[CommitteeMember], school_by_app: dict[int, int]) -> int:
    """Record the automatic conflicts found now (so they are listed and audited); returns how
    many new rows were written."""
    recorded = declared_pairs([m.id for m in members])
    new = automatic_conflicts(members, school_by_app) - recorded
    for member_id, app_id in sorted(new):
        db.session.add(
            ConflictOfInterest(
                member_id=member_id,
                application_id=app_id,
                source=ConflictSource.AUTOMATIC,
                reason="partnership",
            )
        )
    db.session.flush()
    return len(new)


def current_conflict(member: CommitteeMember, application: Application):
    """The pair's conflict on record now (withdrawn ones are history)."""
    return db.session.scalar(
        sa.select(ConflictOfInterest).where(
            ConflictOfInterest.member_id == member.id,
            ConflictOfInterest.application_id == application.id,
            ConflictOfInterest.withdrawn_at.is_(None),
        )
    )


def declare_conflict(
    member: CommitteeMember, application: Application, reason: str, actor
) -> ConflictOfInterest:
    """Record a declared conflict; an assignment of the pair that was never submitted is
    withdrawn (a submitted review stays on record but never counts).

    Conflicts are declared on applications the committee may review (eligible or in review),
    not on drafts or decided ones.
    """
    if application.programme_id != member.programme_id:
        raise ConflictError(NOT_DECLARABLE)
    if not member.is_current:
        raise ConflictError(NOT_DECLARABLE)
    if application.state not in ASSIGNABLE_STATES:
        raise ConflictError(NOT_DECLARABLE)
    conflict = current_conflict(member, application)
    if conflict is None:
        conflict = ConflictOfInterest(
            member_id=member.id, application_id=application.id, source=ConflictSource.DECLARED,
            reason=reason.strip(), declared_by_id=actor.id if actor else None,
        )  # fmt: skip
        if not add_unique(conflict):  # declared by a simultaneous request: that one stands
            conflict = current_conflict(member, application)
    else:
        # A declaration (by the member or staff) replaces an automatic record's wording.
        conflict.source = ConflictSource.DECLARED
        conflict.reason = reason.strip()
        conflict.declared_by = actor
    assignment = assignment_of(member, application.id)
    if assignment is not None:
        end_assignment(assignment, actor, f"conflict declared: {reason.strip()}")
    db.session.flush()
    return conflict


def withdraw_conflict(conflict: ConflictOfInterest, reason: str, actor) -> None:
    """Staff withdraw a declared conflict, with why; it stays on record as withdrawn (an
    automatic one comes back while the partnership exists)."""
    if conflict.source != ConflictSource.DECLARED:
        raise ConflictError("automatic conflicts follow the partnership")
    try:
        compare_and_set(
            conflict,
            expected={"withdrawn_at": None},
            values={
                "withdrawn_at": utcnow(),
                "withdrawn_by_id": actor.id,
                "withdrawal_reason": reason.strip(),
            },
        )
    except StaleState:
        raise ConflictError("already withdrawn") from None

"""Committee and assignment rules: appoint members, assign automatically or by hand."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..applications.models import Application, ApplicationState
from ..core.transitions import StaleState, add_unique, compare_and_set, lock_row
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..programmes.models import Programme, ProgrammeState
from ..registry.models import Organisation, Sector
from .access import CURRENT, assignment_of, end_assignment
from .assignment import MemberSlot, Plan, plan_assignments
from .conflicts import is_conflicted, programme_conflicts, sync_automatic_conflicts
from .models import CommitteeMember, Review, ReviewAssignment, ReviewState
from .workflow import ASSIGNABLE_STATES, move_application

#: Programme states in which staff may change the committee and the assignments.
ASSIGNING_PHASES = (ProgrammeState.OPEN, ProgrammeState.CLOSED, ProgrammeState.REVIEWING)


class CommitteeError(Refused):
    """A committee or assignment change the rules do not allow."""


def members_of(programme: Programme, *, former: bool = False) -> list[CommitteeMember]:
    """The committee now (or, with ``former``, the people whose membership has ended)."""
    ended = CommitteeMember.ended_at.is_not(None) if former else CommitteeMember.ended_at.is_(None)
    return list(
        db.session.scalars(
            sa.select(CommitteeMember)
            .where(CommitteeMember.programme_id == programme.id, ended)
            .options(selectinload(CommitteeMember.user), selectinload(CommitteeMember.organisation))
            .order_by(CommitteeMember.sector, CommitteeMember.id)
        )
    )


def assignable_applications(programme: Programme) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.programme_id == programme.id,
                Application.state.in_(ASSIGNABLE_STATES),
            )
            .order_by(Application.id)
        )
    )


def appoint_member(
    programme: Programme,
    user: User,
    organisation: Organisation | None,
    sector: Sector | None,
    is_chair: bool,
    actor: User,
) -> CommitteeMember:
    """Name a person to the committee; the sector is the organisation's unless staff set one."""
    if programme.state not in ASSIGNING_PHASES and programme.state != ProgrammeState.DRAFT:
        raise CommitteeError("the committee can no longer change")
    if db.session.scalar(
        sa.select(CommitteeMember.id).where(
            CommitteeMember.programme_id == programme.id,
            CommitteeMember.user_id == user.id,
            CommitteeMember.ended_at.is_(None),
        )
    ):
        raise CommitteeError("already a member")
    if sector is None:
        if organisation is None:
            raise CommitteeError("no sector")
        sector = organisation.sector
    member = CommitteeMember(
        programme=programme, user=user, organisation=organisation, sector=sector,
        is_chair=is_chair, appointed_by_id=actor.id,
    )  # fmt: skip
    if not add_unique(member):  # appointed by a simultaneous request
        raise CommitteeError("already a member")
    return member


def end_membership(member: CommitteeMember, reason: str, actor: User) -> None:
    """Take a member off the committee, with who and why; nothing they did is deleted.

    Their submitted reviews stay on record and keep counting. Assignments they never started
    work on are withdrawn, so the automatic assignment can give them to someone else; ones
    with history stay, as history.
    """
    try:
        compare_and_set(
            member,
            expected={"ended_at": None},
            values={"ended_at": utcnow(), "ended_by_id": actor.id, "end_reason": reason.strip()},
        )
    except StaleState:
        raise CommitteeError("already ended") from None
    for assignment in list(member.current_assignments):
        end_assignment(assignment, actor, f"membership ended: {reason.strip()}")
    db.session.flush()


def set_chair(member: CommitteeMember, is_chair: bool) -> None:
    member.is_chair = is_chair
    db.session.flush()


@dataclass
class AssignmentState:
    """What the automatic assignment would do now (a dry run, used by the page and the run)."""

    plan: Plan
    members: list[CommitteeMember]
    applications: list[Application]


def dry_run(programme: Programme) -> AssignmentState:
    members = members_of(programme)
    applications = assignable_applications(programme)
    school_by_app = {a.id: a.school_id for a in applications}
    conflicts = programme_conflicts(members, school_by_app)
    rows = db.session.execute(
        sa.select(ReviewAssignment.member_id, ReviewAssignment.application_id, Review.state)
        .outerjoin(Review)
        .join(CommitteeMember)
        .where(CommitteeMember.programme_id == programme.id, CURRENT)
    ).all()
    existing = {(m, a) for m, a, _ in rows}
    locked = {(m, a) for m, a, state in rows if state == ReviewState.SUBMITTED}
    plan = plan_assignments(
        [MemberSlot(m.id, m.sector.value) for m in members],
        [a.id for a in applications],
        programme.reviews_per_application,
        programme.require_sector_balance,
        conflicts,
        existing,
        locked,
    )
    return AssignmentState(plan, members, applications)


def run_automatic_assignment(
    programme: Programme, actor: User | None, *, notify: bool = True
) -> AssignmentState:
    """Apply the plan: keep what exists, drop unsubmitted conflicted pairs, add the new ones,
    and put every application that has a reviewer in review."""
    if programme.state not in ASSIGNING_PHASES:
        raise CommitteeError(_l("Reviewers cannot be assigned in this phase of the programme."))
    lock_row(Programme, programme.id)  # two runs at once take turns; the second adds nothing
    state = dry_run(programme)
    sync_automatic_conflicts(state.members, {a.id: a.school_id for a in state.applications})
    for member_id, app_id in state.plan.remove:
        assignment = db.session.scalar(
            sa.select(ReviewAssignment).where(
                ReviewAssignment.member_id == member_id,
                ReviewAssignment.application_id == app_id,
                CURRENT,
            )
        )
        if assignment is not None:
            end_assignment(assignment, actor, "conflicted: dropped by the automatic assignment")
    for member_id, app_id in state.plan.add:
        db.session.add(ReviewAssignment(member_id=member_id, application_id=app_id))
    db.session.flush()
    assigned = {a for _, a in state.plan.add} | set(
        db.session.scalars(
            sa.select(ReviewAssignment.application_id)
            .join(CommitteeMember)
            .where(CommitteeMember.programme_id == programme.id, CURRENT)
        )
    )
    for application in state.applications:
        if application.state == ApplicationState.ELIGIBLE and application.id in assigned:
            move_application(application, ApplicationState.IN_REVIEW, actor, "", notify=notify)
    db.session.flush()
    return state


#: Why staff cannot assign this member to this application by hand.
NOT_ASSIGNABLE = _l("This assignment is not possible now.")


def assign_by_hand(member: CommitteeMember, application: Application, actor: User):
    """Staff add one reviewer; never a conflicted one."""
    if application.programme_id != member.programme_id:
        raise CommitteeError(NOT_ASSIGNABLE)
    if not member.is_current:
        raise CommitteeError(NOT_ASSIGNABLE)
    if member.programme.state not in ASSIGNING_PHASES:
        raise CommitteeError(NOT_ASSIGNABLE)
    if application.state not in ASSIGNABLE_STATES:
        raise CommitteeError(NOT_ASSIGNABLE)
    if is_conflicted(member, application):
        raise CommitteeError(_l("This member is conflicted with this application."))
    if assignment_of(member, application.id) is not None:
        raise CommitteeError(_l("This member is already assigned to this application."))
    assignment = ReviewAssignment(
        member_id=member.id, application_id=application.id, assigned_by_id=actor.id
    )
    if not add_unique(assignment):
        raise CommitteeError(_l("This member is already assigned to this application."))
    if application.state == ApplicationState.ELIGIBLE:
        move_application(application, ApplicationState.IN_REVIEW, actor, "")
    db.session.flush()
    return assignment


def unassign(assignment: ReviewAssignment, actor: User) -> None:
    """Withdraw an assignment by hand: it is ended with who and why, its draft kept on record.

    A review that was ever submitted has a history (submitted, reopened) and cannot be
    unassigned: the member's work and the trail stay on record. Withdrawing one already
    withdrawn changes nothing.
    """
    if not end_assignment(assignment, actor, "withdrawn by staff") and assignment.is_current:
        raise CommitteeError(
            _l("This review has been submitted, so it stays on record and cannot be unassigned.")
        )
    db.session.flush()

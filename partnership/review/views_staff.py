"""Staff pages of committee review: programmes, committee, conflicts, assignment, reopening."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..accounts.mfa.policy import step_up_required
from ..applications.models import Application
from ..core.forms import BaseForm
from ..core.unit_of_work import discard_changes, refusal_returns_to
from ..extensions import db
from ..programmes.models import Programme, ProgrammeState
from ..registry.models import Organisation, OrganisationKind, Sector
from ..registry.services import today
from . import committee as svc
from .access import is_committee_member
from .conflicts import CONFLICT_LOOKBACK_YEARS, ConflictError, declare_conflict, withdraw_conflict
from .forms import AppointMemberForm, ManualAssignForm, ReasonForm, StaffConflictForm
from .models import CommitteeMember, ConflictOfInterest, ConflictSource, Review, ReviewAssignment
from .ranking import load_programme_reviews
from .reviews import reopen_review

bp = Blueprint("review_staff", __name__, url_prefix="/review")

PROBLEM_TEXT = {
    "short": lambda p: _(
        "only %(have)d of the %(need)d reviewers needed: not enough non-conflicted members",
        have=p.have,
        need=p.need,
    ),
    "no_public": lambda p: _("no non-conflicted public-sector member is available"),
    "no_private": lambda p: _("no non-conflicted private-sector member is available"),
    "conflicted_kept": lambda p: _(
        "a conflicted member has already submitted a review; it is kept but never counts"
    ),
}


@bp.record_once
def _on_register(state) -> None:
    state.app.jinja_env.globals["is_committee_member"] = lambda: is_committee_member(current_user)


@bp.before_request
def _staff_only():
    from ..permissions import require

    require(current_user.is_authenticated and current_user.is_staff)


def _programme(programme_id: int) -> Programme:
    return db.get_or_404(Programme, programme_id)


def _member(programme_id: int, member_id: int) -> CommitteeMember:
    """The member, only through the URL of their own programme (else 404)."""
    member = db.get_or_404(CommitteeMember, member_id)
    if member.programme_id != programme_id:
        abort(404)
    return member


@bp.get("/programmes")
def programmes():
    programmes = db.session.scalars(
        sa.select(Programme)
        .where(Programme.state != ProgrammeState.DRAFT)
        .order_by(Programme.closes_at.desc())
    ).all()
    counts = dict(
        db.session.execute(
            sa.select(CommitteeMember.programme_id, sa.func.count(CommitteeMember.id)).group_by(
                CommitteeMember.programme_id
            )
        ).all()
    )
    return render_template("review/programmes.html", programmes=programmes, counts=counts)


@bp.route("/programmes/<int:programme_id>/committee", methods=["GET", "POST"])
@step_up_required(methods=("POST",))
def committee(programme_id: int):
    programme = _programme(programme_id)
    members = svc.members_of(programme)
    organisations = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.kind != OrganisationKind.VENDOR)  # suppliers sit on no committee
        .order_by(Organisation.name)
    ).all()
    form = AppointMemberForm(
        organisations=organisations, member_user_ids=[m.user_id for m in members]
    )
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data or 0)
        try:
            member = svc.appoint_member(
                programme, form.user, organisation,
                Sector(form.sector.data) if form.sector.data else None,
                form.is_chair.data, current_user,
            )  # fmt: skip
        except svc.CommitteeError:
            flash(_("The committee of this programme can no longer change."), "error")
        else:
            flash(_("%(name)s joined the committee.", name=member.user.name), "success")
            return redirect(url_for(".committee", programme_id=programme.id))
    applications = svc.assignable_applications(programme)
    all_conflicts = db.session.scalars(
        sa.select(ConflictOfInterest)
        .join(CommitteeMember)
        .where(CommitteeMember.programme_id == programme.id)
        .options(
            selectinload(ConflictOfInterest.member).selectinload(CommitteeMember.user),
            selectinload(ConflictOfInterest.application),
            selectinload(ConflictOfInterest.declared_by),
            selectinload(ConflictOfInterest.withdrawn_by),
        )
        .order_by(ConflictOfInterest.id)
    ).all()
    conflicts = [c for c in all_conflicts if c.is_current]
    data = load_programme_reviews(programme)
    recorded = {(c.member_id, c.application_id) for c in conflicts}
    automatic = data.conflicts - recorded
    former = db.session.scalars(
        sa.select(CommitteeMember)
        .where(CommitteeMember.programme_id == programme.id, CommitteeMember.ended_at.is_not(None))
        .options(selectinload(CommitteeMember.user), selectinload(CommitteeMember.ended_by))
        .order_by(CommitteeMember.ended_at)
    ).all()
    return render_template(
        "review/committee.html",
        programme=programme,
        members=members,
        form=form,
        conflict_form=StaffConflictForm(
            formdata=None, members=members, applications=applications, prefix="conflict"
        ),
        conflicts=conflicts,
        withdrawn=[c for c in all_conflicts if not c.is_current],
        former=former,
        automatic=sorted(automatic),
        member_by_id={m.id: m for m in members},
        app_by_id={a.id: a for a in data.applications},
        lookback=CONFLICT_LOOKBACK_YEARS,
        button=BaseForm(),
    )


@bp.route(
    "/programmes/<int:programme_id>/committee/<int:member_id>/remove", methods=["GET", "POST"]
)
@step_up_required(methods=("POST",))
def remove_member(programme_id: int, member_id: int):
    """End a membership of the committee, with a reason (the member's record stays)."""
    member = _member(programme_id, member_id)
    form = ReasonForm()
    if member.is_current and form.validate_on_submit():
        try:
            svc.end_membership(member, form.reason.data, current_user)
        except svc.CommitteeError:
            discard_changes()
        else:
            flash(
                _("%(name)s is no longer on the committee. Their submitted reviews stay on "
                  "record.", name=member.user.name),
                "success",
            )  # fmt: skip
            return redirect(url_for(".committee", programme_id=programme_id))
    if not member.is_current:
        flash(_("This membership has already ended."), "info")
        return redirect(url_for(".committee", programme_id=programme_id))
    return render_template(
        "review/end_member.html", form=form, member=member, programme=member.programme
    )


@bp.post("/programmes/<int:programme_id>/committee/<int:member_id>/chair")
def toggle_chair(programme_id: int, member_id: int):
    member = _member(programme_id, member_id)
    svc.set_chair(member, not member.is_chair)
    flash(_("Saved."), "success")
    return redirect(url_for(".committee", programme_id=programme_id))


@bp.post("/programmes/<int:programme_id>/conflicts")
def add_conflict(programme_id: int):
    programme = _programme(programme_id)
    members = svc.members_of(programme)
    form = StaffConflictForm(
        members=members, applications=svc.assignable_applications(programme), prefix="conflict"
    )
    if not form.validate_on_submit():
        flash(_("Choose a member and an application and give the reason."), "error")
        return redirect(url_for(".committee", programme_id=programme.id))
    member = db.get_or_404(CommitteeMember, form.member_id.data)
    application = db.get_or_404(Application, form.application_id.data)
    refusal_returns_to(url_for(".committee", programme_id=programme.id))
    declare_conflict(member, application, form.reason.data, current_user)
    flash(_("Conflict recorded."), "success")
    return redirect(url_for(".committee", programme_id=programme.id))


@bp.route(
    "/programmes/<int:programme_id>/conflicts/<int:conflict_id>/remove", methods=["GET", "POST"]
)
def delete_conflict(programme_id: int, conflict_id: int):
    """Withdraw a declared conflict, with a reason (it stays listed as withdrawn)."""
    conflict = db.get_or_404(ConflictOfInterest, conflict_id)
    if conflict.member.programme_id != programme_id:
        abort(404)
    form = ReasonForm()
    withdrawable = conflict.is_current and conflict.source == ConflictSource.DECLARED
    if withdrawable and form.validate_on_submit():
        try:
            withdraw_conflict(conflict, form.reason.data, current_user)
        except ConflictError:
            discard_changes()
        else:
            flash(_("Conflict withdrawn."), "success")
            return redirect(url_for(".committee", programme_id=programme_id))
    if not withdrawable:
        flash(_("This conflict cannot be withdrawn (it is automatic or already withdrawn)."),
              "info")  # fmt: skip
        return redirect(url_for(".committee", programme_id=programme_id))
    return render_template(
        "review/withdraw_conflict.html", form=form, conflict=conflict,
        programme=conflict.member.programme,
    )  # fmt: skip


@bp.get("/programmes/<int:programme_id>/assignments")
def assignments(programme_id: int):
    programme = _programme(programme_id)
    state = svc.dry_run(programme)
    data = load_programme_reviews(programme)
    loads = {m.id: 0 for m in data.members}
    submitted = {m.id: 0 for m in data.members}
    for record in data.records:
        if record.member.id in loads:  # former members' reviews are not a current load
            loads[record.member.id] += 1
            submitted[record.member.id] += record.counts
    app_by_id = {a.id: a for a in data.applications}
    return render_template(
        "review/assignments.html",
        programme=programme,
        data=data,
        plan=state.plan,
        problems=[
            (app_by_id.get(p.application_id), PROBLEM_TEXT[p.code](p)) for p in state.plan.problems
        ],
        loads=loads,
        submitted=submitted,
        form=ManualAssignForm(formdata=None, members=data.members, applications=state.applications),
        button=BaseForm(),
        can_assign=programme.state in svc.ASSIGNING_PHASES,
        today=today(),
    )


@bp.post("/programmes/<int:programme_id>/assignments/auto")
def run_assignment(programme_id: int):
    programme = _programme(programme_id)
    refusal_returns_to(url_for(".assignments", programme_id=programme.id))
    state = svc.run_automatic_assignment(programme, current_user)
    flash(
        _(
            "%(count)d new assignments made. Existing assignments were kept.",
            count=len(state.plan.add),
        ),
        "success",
    )
    if state.plan.problems:
        flash(_("Some requirements could not be met: see the list below."), "error")
    return redirect(url_for(".assignments", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/assignments/add")
def add_assignment(programme_id: int):
    programme = _programme(programme_id)
    members = svc.members_of(programme)
    form = ManualAssignForm(members=members, applications=svc.assignable_applications(programme))
    if form.validate_on_submit():
        member = db.get_or_404(CommitteeMember, form.member_id.data)
        application = db.get_or_404(Application, form.application_id.data)
        refusal_returns_to(url_for(".assignments", programme_id=programme.id))
        svc.assign_by_hand(member, application, current_user)
        flash(_("Assigned."), "success")
    else:
        flash(_("Choose a member and an application."), "error")
    return redirect(url_for(".assignments", programme_id=programme.id))


@bp.post("/assignments/<int:assignment_id>/remove")
def remove_assignment(assignment_id: int):
    assignment = db.get_or_404(ReviewAssignment, assignment_id)
    programme_id = assignment.member.programme_id
    refusal_returns_to(url_for(".assignments", programme_id=programme_id))
    svc.unassign(assignment, current_user)
    flash(_("Assignment withdrawn."), "success")
    return redirect(url_for(".assignments", programme_id=programme_id))


@bp.route("/reviews/<int:review_id>/reopen", methods=["GET", "POST"])
def reopen(review_id: int):
    review = db.get_or_404(Review, review_id)
    programme = review.assignment.member.programme
    form = ReasonForm()
    if form.validate_on_submit():
        refusal_returns_to(url_for(".assignments", programme_id=programme.id))
        reopen_review(review, form.reason.data, current_user)
        flash(_("The review is open again; the member can change it."), "success")
        return redirect(url_for(".assignments", programme_id=programme.id))
    return render_template("review/reopen.html", form=form, review=review, programme=programme)

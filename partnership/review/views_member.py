"""Committee members' pages: my queue, an application, the score sheet, others' scores."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..applications.models import Application
from ..core.unit_of_work import discard_changes
from ..extensions import db
from ..i18n import current_language
from ..permissions import login_required, require
from ..programmes.models import ProgrammeState
from .access import PEER_SCORES_PHASES, assignment_of, member_of
from .conflicts import ConflictError, declare_conflict, is_conflicted
from .forms import ConflictForm, score_sheet_form
from .models import CommitteeMember, ConflictOfInterest, ReviewAssignment, ReviewState
from .ranking import load_programme_reviews, scores_for
from .reviews import ReviewError, save_review

bp = Blueprint("review", __name__, url_prefix="/committee")


@bp.app_template_global()
def review_attachment_url(attachment) -> str | None:
    """The applications feature's download link for an attachment, if it has one."""
    values = {"attachment_id": attachment.id, "application_id": attachment.application_id}
    for rule in current_app.url_map.iter_rules():
        if (
            rule.endpoint.startswith("applications.")
            and "attachment_id" in rule.arguments
            and rule.arguments <= values.keys()
            and "GET" in (rule.methods or ())
        ):
            return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
    return None


@bp.get("")
@login_required
def queue():
    memberships = db.session.scalars(
        sa.select(CommitteeMember)
        .where(CommitteeMember.user_id == current_user.id, CommitteeMember.ended_at.is_(None))
        .options(
            selectinload(CommitteeMember.programme),
            selectinload(CommitteeMember.current_assignments).selectinload(
                ReviewAssignment.application
            ),
            selectinload(CommitteeMember.current_assignments).selectinload(ReviewAssignment.review),
            selectinload(CommitteeMember.conflicts),
        )
        .order_by(CommitteeMember.id.desc())
    ).all()
    require(bool(memberships) or current_user.is_staff)
    others = {}
    for member in memberships:
        mine = {a.application_id for a in member.current_assignments}
        others[member.id] = db.session.scalars(
            sa.select(Application)
            .where(
                Application.programme_id == member.programme_id,
                Application.id.not_in(mine or {0}),
                Application.state.in_(("eligible", "in_review")),
            )
            .order_by(Application.id)
        ).all()
    return render_template("review/queue.html", memberships=memberships, others=others)


def _member_and_application(application_id: int):
    application = db.get_or_404(Application, application_id)
    member = member_of(current_user, application.programme_id)
    return member, application


def _assigned_or_403(application_id: int):
    """The member's assignment of a non-conflicted application; 403 otherwise."""
    member, application = _member_and_application(application_id)
    assignment = assignment_of(member, application.id)
    require(assignment is not None and not is_conflicted(member, application))
    return member, application, assignment


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    member, application, assignment = _assigned_or_403(application_id)
    return _application_page(application, assignment, ConflictForm(formdata=None))


def _application_page(application, assignment, conflict_form):
    return render_template(
        "review/application.html",
        application=application,
        assignment=assignment,
        review=assignment.review,
        conflict_form=conflict_form,
        review_open=application.programme.state == ProgrammeState.REVIEWING,
    )


@bp.route("/applications/<int:application_id>/review", methods=["GET", "POST"])
@login_required
def sheet(application_id: int):
    member, application, assignment = _assigned_or_403(application_id)
    programme = application.programme
    review = assignment.review
    lang = current_language()
    submitting = request.form.get("action") == "submit"
    form = score_sheet_form(programme.criteria, lang, submitting=submitting)
    locked = (review is not None and review.is_submitted) or (
        programme.state != ProgrammeState.REVIEWING
    )
    if request.method == "GET" and review is not None:
        by_criterion = {r.criterion_id: r for r in review.ratings}
        for criterion in programme.criteria:
            rating = by_criterion.get(criterion.id)
            if rating is not None:
                form.score_field(criterion).data = rating.score
                form.comment_field(criterion).data = rating.comment
        form.overall_comment.data = review.overall_comment
    if request.method == "POST":
        require(not locked)
        if form.validate_on_submit():
            try:
                save_review(
                    assignment, form.scores(), form.comments(), form.overall_comment.data or "",
                    submit=submitting, actor=current_user,
                )  # fmt: skip
            except ReviewError:
                discard_changes()
                flash(_("The review could not be saved. Check every score."), "error")
            else:
                if submitting:
                    flash(
                        _("Review submitted. You can now see the other members' scores."), "success"
                    )
                    return redirect(url_for(".peers", application_id=application.id))
                flash(_("Draft saved."), "success")
                return redirect(url_for(".sheet", application_id=application.id))
    return render_template(
        "review/sheet.html", form=form, application=application, review=review,
        locked=locked, criteria=programme.criteria, programme=programme,
    )  # fmt: skip


@bp.post("/applications/<int:application_id>/conflict")
@login_required
def declare(application_id: int):
    member, application = _member_and_application(application_id)
    require(member is not None)
    form = ConflictForm()
    assignment = assignment_of(member, application.id)

    def stay(message: str, status: int):
        """Back to the application with the error and what was typed (the queue only when the
        member has no page for it)."""
        discard_changes()
        flash(message, "error")
        if assignment is None or is_conflicted(member, application):
            return redirect(url_for(".queue"))
        return _application_page(application, assignment, form), status

    if not form.validate_on_submit():
        return stay(_("Give the reason for the conflict."), 400)
    submitted_before = assignment is not None and assignment.is_submitted
    try:
        declare_conflict(member, application, form.reason.data, current_user)
    except ConflictError:
        return stay(_("A conflict can be declared only on an application under review."), 409)
    if submitted_before:
        flash(
            _("You have already submitted this review; it will not count. Staff are informed."),
            "info",
        )
    flash(_("Conflict declared. You will not review this application."), "success")
    return redirect(url_for(".queue"))


@bp.get("/applications/<int:application_id>/scores")
@login_required
def peers(application_id: int):
    """Everyone's scores, for a member who has submitted their own (and staff)."""
    application = db.get_or_404(Application, application_id)
    programme = application.programme
    if not current_user.is_staff:
        member, application, assignment = _assigned_or_403(application_id)
        require(
            programme.state in PEER_SCORES_PHASES
            and assignment.review is not None
            and assignment.review.state == ReviewState.SUBMITTED
        )
    data = load_programme_reviews(programme, [application.id])
    records = [r for r in data.records_for(application.id) if r.state == ReviewState.SUBMITTED]
    declared = []
    if current_user.is_staff:
        declared = db.session.scalars(
            sa.select(ConflictOfInterest).where(ConflictOfInterest.application_id == application.id)
        ).all()
    return render_template(
        "review/peers.html", application=application, records=records, criteria=data.criteria,
        score=scores_for(data)[application.id] if data.applications else None,
        conflicts=declared, programme=programme,
    )  # fmt: skip

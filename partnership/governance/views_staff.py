"""Staff pages of bodies and members (create, edit, dissolve; appoint, end a term, change a
role), and the resolution page's forms that link a resolution to what it decided (staff or the
body's secretary). Form -> service -> one commit (the request's) -> redirect."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..core.unit_of_work import discard_changes
from ..db_types import utcnow
from ..extensions import db
from ..i18n import to_bangkok
from ..permissions import require, staff_required
from ..programmes.models import Programme
from ..registry import notices as registry_notices
from ..registry.models import Organisation, OrganisationKind, School, Sector
from . import bodies as svc
from . import linking
from .access import can_record
from .forms_bodies import (
    AdmitSchoolsForm,
    BodyForm,
    DissolveForm,
    EndTermForm,
    LinkProgrammeForm,
    LinkSchoolForm,
    MemberForm,
    RoleForm,
)
from .models import AgendaItem, Body, BodyKind, BodyMember, LinkKind, MemberRole, Resolution
from .services import GovernanceRefused
from .views import resolution as resolution_page

bp = Blueprint("governance_bodies", __name__, url_prefix="/staff/governance")


def _today():
    return to_bangkok(utcnow()).date()


def _other_bodies(body: Body | None = None) -> list[Body]:
    query = sa.select(Body).where(Body.dissolved_on.is_(None)).order_by(Body.name_th)
    if body is not None:
        query = query.where(Body.id != body.id)
    return list(db.session.scalars(query))


def _body_values(form: BodyForm) -> dict:
    parent = db.session.get(Body, form.parent_id.data) if form.parent_id.data else None
    if form.parent_id.data and parent is None:
        abort(400)
    return {
        "kind": BodyKind(form.kind.data),
        "name_th": form.name_th.data,
        "name_en": form.name_en.data or "",
        "purpose_th": form.purpose_th.data or "",
        "purpose_en": form.purpose_en.data or "",
        "parent": parent,
        "province_code": form.province_code.data or None,
        "quorum_percent": form.quorum_percent.data,
    }


def _form_page(template: str, form, status_ok: int = 200, **context):
    """The page again with the form: 422 when it was sent with errors."""
    return render_template(template, form=form, **context), (422 if form.errors else status_ok)


# Bodies --------------------------------------------------------------------------------------


@bp.route("/bodies/new", methods=["GET", "POST"])
@staff_required
def new_body():
    """A new working group, committee or assembly."""
    form = BodyForm(parents=_other_bodies())
    if form.validate_on_submit():
        try:
            body = svc.create_body(**_body_values(form))
        except GovernanceRefused as refused:
            discard_changes()
            form.name_th.errors.append(refused.user_message())
        else:
            flash(_("The body is created."), "success")
            return redirect(url_for("governance.body", body_id=body.id), 303)
    return _form_page("governance/staff_body.html", form, body=None)


@bp.route("/bodies/<int:body_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_body(body_id: int):
    """Change a body's names, purpose, parent, province and quorum; or dissolve it."""
    body = db.get_or_404(Body, body_id)
    if body.dissolved_on is not None and request.method == "POST":
        raise GovernanceRefused(_l("This body has been dissolved."))
    form = BodyForm(obj=body, parents=_other_bodies(body))
    if request.method == "GET":
        form.parent_id.data = body.parent_id or 0
        form.province_code.data = body.province_code or ""
        form.kind.data = body.kind.value
    if form.validate_on_submit():
        try:
            svc.edit_body(body, **_body_values(form))
        except GovernanceRefused as refused:
            discard_changes()
            body = db.get_or_404(Body, body_id)
            form.name_th.errors.append(refused.user_message())
        else:
            flash(_("The body is saved."), "success")
            return redirect(url_for("governance.body", body_id=body.id), 303)
    return _form_page(
        "governance/staff_body.html",
        form,
        body=body,
        dissolve_form=DissolveForm(formdata=None, dissolved_on=_today()),
    )


@bp.post("/bodies/<int:body_id>/dissolve")
@staff_required
def dissolve(body_id: int):
    """The body stops; nothing of its history is deleted."""
    body = db.get_or_404(Body, body_id)
    form = DissolveForm()
    if not form.validate_on_submit():
        edit_form = BodyForm(formdata=None, obj=body, parents=_other_bodies(body))
        html = render_template(
            "governance/staff_body.html", form=edit_form, body=body, dissolve_form=form
        )
        return html, 422
    svc.dissolve_body(body, form.dissolved_on.data)
    flash(_("The body is dissolved. Its members, meetings and resolutions stay."), "success")
    return redirect(url_for("governance.body", body_id=body.id), 303)


# Members -------------------------------------------------------------------------------------


def _organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.kind != OrganisationKind.VENDOR)  # suppliers sit on no body
            .order_by(Organisation.name)
        )
    )


def _resolution(resolution_id: int | None) -> Resolution | None:
    return db.session.get(Resolution, resolution_id) if resolution_id else None


@bp.route("/bodies/<int:body_id>/members/new", methods=["GET", "POST"])
@staff_required
def appoint(body_id: int):
    """Seat a person on the body, with the resolution that appointed them."""
    body = db.get_or_404(Body, body_id)
    resolutions = svc.deciding_resolutions(body)
    form = MemberForm(organisations=_organisations(), resolutions=resolutions)
    if request.method == "GET":
        form.starts_on.data = _today()
        form.role.data = MemberRole.MEMBER.value
    if body.dissolved_on is not None and request.method == "POST":
        raise GovernanceRefused(_l("This body has been dissolved."))
    if form.validate_on_submit():
        try:
            member = svc.appoint(
                body,
                person_name=form.person_name.data,
                position=form.position.data or "",
                email=form.email.data or "",
                user_id=form.user.id if form.user is not None else None,
                organisation_id=form.organisation_id.data or None,
                sector=Sector(form.sector.data),
                role=MemberRole(form.role.data),
                starts_on=form.starts_on.data,
                resolution=_resolution(form.resolution_id.data),
                actor=current_user,
            )
        except GovernanceRefused as refused:
            discard_changes()
            body = db.get_or_404(Body, body_id)
            form.resolution_id.errors.append(refused.user_message())
        else:
            flash(_("%(name)s is appointed.", name=member.person_name), "success")
            return redirect(url_for("governance.body", body_id=body.id) + "#members", 303)
    return _form_page("governance/staff_member.html", form, body=body)


def _member(member_id: int) -> BodyMember:
    return db.session.scalar(
        sa.select(BodyMember)
        .where(BodyMember.id == member_id)
        .options(joinedload(BodyMember.body), joinedload(BodyMember.organisation))
    ) or abort(404)


@bp.route("/members/<int:member_id>/end", methods=["GET", "POST"])
@staff_required
def end_term(member_id: int):
    """End a member's term (once)."""
    member = _member(member_id)
    form = EndTermForm(resolutions=svc.deciding_resolutions(member.body))
    if request.method == "GET":
        form.ends_on.data = _today()
    if member.ends_on is None and form.validate_on_submit():
        svc.end_member_term(
            member,
            form.ends_on.data,
            form.reason.data,
            current_user,
            _resolution(form.resolution_id.data),
        )
        flash(_("The term of %(name)s has ended.", name=member.person_name), "success")
        return redirect(url_for("governance.body", body_id=member.body_id) + "#members", 303)
    if member.ends_on is not None and request.method == "POST":
        raise GovernanceRefused(_l("This term has already ended."))
    return _form_page("governance/staff_member_end.html", form, member=member)


@bp.route("/members/<int:member_id>/role", methods=["GET", "POST"])
@staff_required
def change_role(member_id: int):
    """A new role: the term in the old one ends, a new term starts (history is kept)."""
    member = _member(member_id)
    form = RoleForm(resolutions=svc.deciding_resolutions(member.body), current_role=member.role)
    if request.method == "GET":
        form.starts_on.data = _today()
    if member.ends_on is None and form.validate_on_submit():
        new = svc.change_role(
            member,
            MemberRole(form.role.data),
            form.starts_on.data,
            form.reason.data or "",
            current_user,
            _resolution(form.resolution_id.data),
        )
        flash(
            _("%(name)s is %(role)s from now on.", name=new.person_name, role=new.role.label),
            "success",
        )
        return redirect(url_for("governance.body", body_id=member.body_id) + "#members", 303)
    if member.ends_on is not None and request.method == "POST":
        raise GovernanceRefused(_l("This term has already ended."))
    return _form_page("governance/staff_member_role.html", form, member=member)


# Resolution links ----------------------------------------------------------------------------


def _linkable(resolution_id: int) -> Resolution:
    """The resolution, if the person may record for its body (else 404/403)."""
    resolution = db.session.scalar(
        sa.select(Resolution)
        .where(Resolution.id == resolution_id)
        .options(joinedload(Resolution.agenda_item).joinedload(AgendaItem.meeting))
    ) or abort(404)
    require(can_record(current_user, resolution.agenda_item.meeting.body))
    return resolution


def link_forms(resolution: Resolution) -> dict | None:
    """The resolution page's forms for the person who may link (None for anyone else): the
    ones this request posted with errors, or empty ones."""
    if not can_record(current_user, resolution.agenda_item.meeting.body):
        return None
    posted = g.get("resolution_link_forms", {})
    programmes = db.session.scalars(
        sa.select(Programme).order_by(Programme.opens_at.desc(), Programme.id.desc())
    ).all()
    return {
        "admit": posted.get("admit")
        or AdmitSchoolsForm(formdata=None, applicants=linking.applicant_schools(), prefix="admit"),
        "school": posted.get("school") or LinkSchoolForm(formdata=None, prefix="school"),
        "programme": posted.get("programme")
        or LinkProgrammeForm(formdata=None, programmes=programmes, prefix="programme"),
        "decides": resolution.outcome in svc.DECIDING,
    }


@bp.record_once
def _register_global(state) -> None:
    state.app.jinja_env.globals["resolution_link_forms"] = link_forms


def _back(resolution: Resolution):
    return redirect(url_for("governance.resolution", resolution_id=resolution.id) + "#links", 303)


def _again(resolution: Resolution, name: str, form):
    """The resolution page again, the form with its errors; nothing is written."""
    discard_changes()
    g.resolution_link_forms = {name: form}
    return resolution_page(resolution.id), 422


@bp.post("/resolutions/<int:resolution_id>/schools")
def admit_schools(resolution_id: int):
    """Admit the chosen applicant schools by this resolution, and link them."""
    resolution = _linkable(resolution_id)
    form = AdmitSchoolsForm(applicants=linking.applicant_schools(), prefix="admit")
    if not form.validate_on_submit():
        return _again(resolution, "admit", form)
    schools = db.session.scalars(
        sa.select(School).where(School.id.in_(form.school_ids.data)).order_by(School.id)
    ).all()
    admitted = linking.admit_schools(resolution, schools, current_user)
    note = linking.admission_note(resolution)
    for school in admitted:
        registry_notices.tell_network_decision(school, "accept", note)
    flash(
        _("Admitted to the network by this resolution: %(names)s.",
          names=", ".join(s.name_th for s in admitted)),
        "success",
    )  # fmt: skip
    return _back(resolution)


@bp.post("/resolutions/<int:resolution_id>/school")
def link_school(resolution_id: int):
    """Link a school already in the network (admitted earlier, by this resolution)."""
    resolution = _linkable(resolution_id)
    form = LinkSchoolForm(prefix="school")
    if form.validate_on_submit():
        school = db.session.scalar(sa.select(School).where(School.code == form.code.data.strip()))
        if school is None:
            form.code.errors.append(_("No school in the registry has this code."))
        else:
            if school.id in linking.linked_ids(resolution, LinkKind.SCHOOL_ADMITTED):
                flash(_("This resolution already names that school."), "info")
                return _back(resolution)
            admitted = linking.admit_schools(resolution, [school], current_user)
            for each in admitted:
                registry_notices.tell_network_decision(
                    each, "accept", linking.admission_note(resolution)
                )
            flash(_("%(name)s is linked to this resolution.", name=school.name_th), "success")
            return _back(resolution)
    return _again(resolution, "school", form)


@bp.post("/resolutions/<int:resolution_id>/programmes")
def link_programme(resolution_id: int):
    """The resolution opened a programme, or named its scoring committee."""
    resolution = _linkable(resolution_id)
    programmes = db.session.scalars(sa.select(Programme).order_by(Programme.id)).all()
    form = LinkProgrammeForm(programmes=programmes, prefix="programme")
    if not form.validate_on_submit():
        return _again(resolution, "programme", form)
    programme = db.session.get(Programme, form.programme_id.data) or abort(400)
    if linking.link_programme(resolution, programme, LinkKind(form.kind.data), current_user):
        flash(_("The programme is linked to this resolution."), "success")
    else:
        flash(_("This resolution already says so about that programme."), "info")
    return _back(resolution)

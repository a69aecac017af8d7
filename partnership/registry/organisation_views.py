"""Sponsor organisations and the partnerships between organisations and schools."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..core.inputs import arg_id
from ..core.pagination import paginate
from ..extensions import db
from ..permissions import load_or_404, staff_required
from . import services
from .forms import OrganisationForm, OrganisationSearchForm, PartnershipForm
from .hooks import sections_for
from .models import Organisation, OrganisationKind, Partnership, PartnershipRole, School, Sector

bp = Blueprint("organisations", __name__)


@bp.get("/organisations")
def organisations():
    search_form = OrganisationSearchForm(request.args)
    search_form.validate()
    q = search_form.value("q", 100)
    sector, kind = search_form.value("sector", 20), search_form.value("kind", 20)
    page = paginate(services.organisation_query(q, sector, kind))
    counts = services.active_school_counts([o.id for o in page.items])
    return render_template(
        "registry/organisations.html",
        page=page,
        counts=counts,
        q=q,
        search_form=search_form,
        sector=sector,
        kind=kind,
        sectors=Sector.choices(),
        kinds=OrganisationKind.choices(),
    )


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    organisation = db.session.scalar(
        db.select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(selectinload(Organisation.partnerships).selectinload(Partnership.school))
    )
    if organisation is None:
        abort(404)
    return render_template(
        "registry/organisation.html",
        organisation=organisation,
        can_edit=organisation.can_edit(current_user),
        can_manage=organisation.can_manage(current_user),
        today=services.today(),
        **sections_for(organisation),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@staff_required
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = services.create_organisation(form.data)
        flash(_("%(name)s is registered.", name=organisation.name), "success")
        return redirect(url_for("organisations.organisation", organisation_id=organisation.id))
    return render_template("registry/organisation_form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = load_or_404(Organisation, organisation_id, "edit")
    form = OrganisationForm(obj=organisation, organisation=organisation)
    if not current_user.is_staff:  # a sponsor may not reclassify itself
        del form.kind
        del form.sector
    if form.validate_on_submit():
        services.update_organisation(organisation, form.data)
        flash(_("Saved."), "success")
        return redirect(url_for("organisations.organisation", organisation_id=organisation.id))
    return render_template("registry/organisation_form.html", form=form, organisation=organisation)


@bp.route("/partnerships/new", methods=["GET", "POST"])
@staff_required
def new_partnership():
    form = PartnershipForm()
    if request.method == "GET":
        school_id = arg_id("school")
        school = db.session.get(School, school_id) if school_id else None
        if school is not None:
            form.school_code.data = school.code
        form.organisation_id.data = arg_id("organisation") or 0
        form.started_on.data = services.today()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        if organisation is None:
            form.organisation_id.errors.append(_("Choose an organisation."))
        else:
            services.create_partnership(
                organisation,
                form.school,
                PartnershipRole(form.role.data),
                form.started_on.data,
                form.ended_on.data,
                form.note.data,
            )
            flash(_("The partnership is recorded."), "success")
            return redirect(url_for("registry.school", school_id=form.school.id))
    return render_template("registry/partnership_form.html", form=form)


@bp.post("/partnerships/<int:partnership_id>/end")
@staff_required
def end_partnership(partnership_id: int):
    partnership = db.get_or_404(Partnership, partnership_id)
    try:
        services.end_partnership(partnership)
    except services.RegistryError:
        flash(_("This partnership has already ended."), "info")
    else:
        flash(_("The partnership is ended as of today."), "success")
    return redirect(url_for("registry.school", school_id=partnership.school_id))

"""Schools (list, search, profile, edits, yearly figures, network admission), sponsor
organisations, and the partnerships between organisations and schools."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..core.inputs import arg_id
from ..core.pagination import paginate
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, current_academic_year, current_language
from ..permissions import load_or_404, login_required, staff_required
from . import figures, notices, services
from .forms import (
    NetworkApplicationForm,
    NetworkDecisionForm,
    OrganisationForm,
    OrganisationSearchForm,
    PartnershipForm,
    SchoolForm,
    SchoolSearchForm,
    YearStatForm,
)
from .hooks import school_sections_for, sections_for
from .models import (
    NetworkEvent,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipRole,
    School,
    Sector,
)
from .provinces import province_choices, region_choices
from .school_data import services as school_data

bp = Blueprint("registry", __name__)


def _school_filters() -> tuple[SchoolSearchForm, services.SchoolFilters]:
    form = SchoolSearchForm(request.args)
    form.validate()
    return form, services.SchoolFilters(
        q=form.value("q", 100),
        province=form.value("province", 2),
        region=form.value("region", 20),
        status=form.value("status", 20),
        partner=form.value("partner", 10),
    )


def _filter_choices() -> dict:
    lang = current_language()
    return {
        "provinces": province_choices(lang),
        "regions": region_choices(lang),
        "statuses": NetworkStatus.choices(),
    }


#: The school lists count at most this many matches (50 pages): at 30,000 schools an exact count
#: of a broad filter would cost more than the page itself (tests/bench/ranking_scale.py).
SCHOOLS_COUNTED = 1_000
#: A search is for finding a school: past 10 pages of matches the term is too broad, and counting
#: further would read thousands of names ("หนองบัว" is in one school name in eight).
SEARCH_COUNTED = 200


@bp.get("/schools")
def schools():
    search_form, filters = _school_filters()
    query = services.school_query(filters).options(selectinload(School.year_stats))
    page = paginate(query, count_limit=SEARCH_COUNTED if filters.q.strip() else SCHOOLS_COUNTED)
    return render_template(
        "registry/schools.html",
        page=page,
        filters=filters,
        search_form=search_form,
        **_filter_choices(),
    )


@bp.get("/schools/without-private-partner")
def schools_without_partner():
    query = services.schools_without_private_partner_query().options(
        selectinload(School.year_stats)
    )
    page = paginate(query, count_limit=SCHOOLS_COUNTED)
    return render_template("registry/schools_without_partner.html", page=page)


@bp.get("/schools/<int:school_id>")
def school(school_id: int):
    school = db.session.scalar(
        db.select(School)
        .where(School.id == school_id)
        .options(
            selectinload(School.year_stats),
            selectinload(School.partnerships).selectinload(Partnership.organisation),
        )
    )
    if school is None:
        abort(404)
    can_edit = school.can_edit(current_user)
    stat_form = YearStatForm(formdata=None) if can_edit else None
    if stat_form is not None:
        stat_form.academic_year.data = current_academic_year() + BUDDHIST_ERA_OFFSET
    sections = school_sections_for(school)
    return render_template(
        "registry/school.html",
        school=school,
        years=figures.school_years(school, sections.get("computers_delivered", {})),
        data_history=school_data.history(school.id) if can_edit else None,
        data_window=school_data.open_window_now() if can_edit else None,
        data_label=school_data.figure_label,
        can_edit=can_edit,
        can_manage=school.can_manage(current_user),
        stat_form=stat_form,
        decision_form=NetworkDecisionForm(),
        today=services.today(),
    )


@bp.route("/schools/new", methods=["GET", "POST"])
@staff_required
def new_school():
    form = SchoolForm()
    if form.validate_on_submit():
        school = services.create_school(form.data)
        flash(_("School %(name)s is registered.", name=school.name_th), "success")
        return redirect(url_for("registry.school", school_id=school.id))
    return render_template("registry/school_form.html", form=form, school=None)


@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
def edit_school(school_id: int):
    school = load_or_404(School, school_id, "edit")
    form = SchoolForm(obj=school, school=school)
    if not current_user.is_staff:
        form.code.render_kw = {"readonly": True}
        form.code.data = school.code
    if form.validate_on_submit():
        services.update_school(school, form.data, current_user)
        flash(_("Saved."), "success")
        return redirect(url_for("registry.school", school_id=school.id))
    return render_template("registry/school_form.html", form=form, school=school)


@bp.route("/schools/<int:school_id>/stats", methods=["GET", "POST"])
def school_stats(school_id: int):
    """Totals only (pupils, teachers): the form before the per-grade collection. Its page is
    now the school data form; a post keeps the collection's rule (the school's staff while the
    year's collection is open, staff at any time)."""
    school = load_or_404(School, school_id, "edit")
    if request.method == "GET":
        return redirect(url_for("school_data.enter", school_id=school.id))
    form = YearStatForm()
    if form.validate_on_submit():
        year = form.academic_year.data - BUDDHIST_ERA_OFFSET
        if not school_data.may_enter(school, current_user, year):
            raise school_data.SchoolDataRefused(school_data.window_closed_message())
        services.record_year_stat(school, year, form.pupils.data, form.teachers.data, current_user)
        flash(_("Figures for %(year)d saved.", year=form.academic_year.data), "success")
        return redirect(url_for("registry.school", school_id=school.id))
    return render_template("registry/stats_form.html", form=form, school=school)


@bp.route("/network/apply", methods=["GET", "POST"])
@login_required
def network_apply():
    form = NetworkApplicationForm()
    if form.validate_on_submit():
        school = services.apply_to_network(form.data, current_user, form.position.data.strip())
        services.record_year_stat(
            school, current_academic_year(), form.pupils.data, form.teachers.data, current_user
        )
        notices.tell_application_received(school, current_user)
        flash(_("Your application is sent. Staff will review it."), "success")
        return redirect(url_for("registry.school", school_id=school.id))
    return render_template("registry/network_apply.html", form=form)


@bp.post("/schools/<int:school_id>/network/apply")
def network_reapply(school_id: int):
    school = load_or_404(School, school_id, "edit")
    refusal_returns_to(url_for("registry.school", school_id=school.id))
    services.request_network_admission(school, current_user)
    flash(_("Your application is sent. Staff will review it."), "success")
    return redirect(url_for("registry.school", school_id=school.id))


@bp.get("/staff/network")
@staff_required
def network_queue():
    applicants = db.session.scalars(
        db.select(School)
        .where(School.network_status == NetworkStatus.APPLICANT)
        .order_by(School.network_applied_at, School.id)
        .options(
            selectinload(School.year_stats),
            selectinload(School.network_events).selectinload(NetworkEvent.actor),
        )
    ).all()
    return render_template(
        "registry/network_queue.html", applicants=applicants, form=NetworkDecisionForm()
    )


@bp.post("/schools/<int:school_id>/network/<any(accept, decline, leave):decision>")
@staff_required
def network_decide(school_id: int, decision: str):
    school = load_or_404(School, school_id, "manage")
    form = NetworkDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    note = (form.note.data or "").strip()
    refusal_returns_to(url_for("registry.school", school_id=school.id))
    if decision == "leave":
        services.leave_network(school, note, current_user)
    else:
        services.decide_network(school, decision == "accept", current_user, note)
    notices.tell_network_decision(school, decision, note)
    flash(notices.network_decision_text(school, decision), "success")
    if request.form.get("back") == "queue":
        return redirect(url_for("registry.network_queue"))
    return redirect(url_for("registry.school", school_id=school.id))


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
        return redirect(url_for("registry.organisation", organisation_id=organisation.id))
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
        return redirect(url_for("registry.organisation", organisation_id=organisation.id))
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
    refusal_returns_to(url_for("registry.school", school_id=partnership.school_id))
    services.end_partnership(partnership)
    flash(_("The partnership is ended as of today."), "success")
    return redirect(url_for("registry.school", school_id=partnership.school_id))

"""Staff pages of the library: every entry (withdrawn ones too), add a document, edit,
withdraw, publish again, collect the final reports now."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..core.pagination import paginate
from ..core.unit_of_work import discard_changes
from ..extensions import db
from ..permissions import staff_required
from . import services, sources
from .forms import CollectForm, EntryForm, RepublishForm, WithdrawForm, entry_form_data
from .models import LibraryEntry
from .views import read_filters

bp = Blueprint("library_staff", __name__, url_prefix="/staff/library")


@bp.get("/")
@staff_required
def entries():
    form, filters = read_filters(everything=True)
    query = services.search(filters).options(joinedload(LibraryEntry.withdrawn_by))
    return render_template(
        "library/staff_entries.html",
        form=form,
        filters=filters,
        page=paginate(query),
        collect_form=CollectForm(),
    )


def _save(form: EntryForm, entry: LibraryEntry | None):
    """Store the upload (if any) and add or change the entry; a refusal is shown on the form."""
    values = form.values()
    try:
        upload = form.uploaded()
        if upload is not None:
            values["file_key"], values["file_name"] = services.store_document(*upload)
        if entry is None:
            return services.add_entry(**values, actor=current_user)
        services.edit_entry(entry, values, current_user)
        return entry
    except services.LibraryRefused as refused:
        discard_changes()
        field = form.document if form.is_document else form.title_th
        field.errors = [*field.errors, refused.user_message()]
        return None


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    form = EntryForm()
    if form.validate_on_submit():
        created = _save(form, None)
        if created is not None:
            flash(_("Added to the library."), "success")
            return redirect(url_for("library.entry", entry_id=created.id))
    status = 422 if request.method == "POST" else 200
    return render_template("library/entry_form.html", form=form, entry=None), status


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(entry_id: int):
    entry = db.get_or_404(LibraryEntry, entry_id)
    if request.method == "GET":
        form = EntryForm(data=entry_form_data(entry), entry=entry)
    else:
        form = EntryForm(entry=entry)
    if form.validate_on_submit() and _save(form, entry) is not None:
        flash(_("Saved."), "success")
        return redirect(url_for("library.entry", entry_id=entry.id))
    status = 422 if request.method == "POST" else 200
    return render_template("library/entry_form.html", form=form, entry=entry), status


@bp.route("/<int:entry_id>/withdraw", methods=["GET", "POST"])
@staff_required
def withdraw(entry_id: int):
    entry = db.get_or_404(LibraryEntry, entry_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(entry, form.reason.data, current_user)
        flash(_("Withdrawn: the public no longer sees this entry."), "success")
        return redirect(url_for("library.entry", entry_id=entry.id))
    status = 422 if request.method == "POST" else 200
    return render_template("library/withdraw.html", form=form, entry=entry), status


@bp.post("/<int:entry_id>/republish")
@staff_required
def republish(entry_id: int):
    entry = db.get_or_404(LibraryEntry, entry_id)
    if not RepublishForm().validate_on_submit():
        flash(_("The form expired: nothing was changed. Try again."), "error")
    else:
        services.republish(entry, current_user)
        flash(_("Published again."), "success")
    return redirect(url_for("library.entry", entry_id=entry.id))


@bp.post("/collect")
@staff_required
def collect():
    """The final reports done since the worker's last pass, now."""
    if not CollectForm().validate_on_submit():
        flash(_("The form expired: nothing was changed. Try again."), "error")
    else:
        added, withdrawn = sources.collect_final_reports()
        flash(
            _("Final reports added: %(added)d; withdrawn (reopened): %(withdrawn)d.",
              added=added, withdrawn=withdrawn),
            "success",
        )  # fmt: skip
    return redirect(url_for(".entries"))

"""The public library: every published entry, searched by text, topic, province, year and
kind; an entry's page; a document's PDF."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..core.pagination import paginate
from ..core.storage import send_private
from ..extensions import db
from . import services
from .forms import MAX_QUERY, RepublishForm, SearchForm
from .models import LibraryEntry

bp = Blueprint("library", __name__, url_prefix="/library")


def read_filters(*, everything: bool = False) -> tuple[SearchForm, services.Filters]:
    """The search form from the query string, and the filters it gives (refused values
    ignored)."""
    form = SearchForm(request.args, years=services.years())
    form.validate()
    filters = services.Filters(
        text=form.value("q", MAX_QUERY),
        topic=form.choice("topic"),
        province=form.choice("province"),
        year=form.year_value(),
        source=form.choice("source"),
        everything=everything,
        state=form.choice("state") if everything else "",
    )
    return form, filters


@bp.get("/")
def index():
    """The library: published entries, newest year first, filtered by the query string."""
    form, filters = read_filters()
    page = paginate(services.search(filters))
    return render_template("library/index.html", form=form, filters=filters, page=page)


def _visible_entry(entry_id: int) -> LibraryEntry:
    """The entry, for whoever may see it: a withdrawn entry is not found by the public."""
    entry = db.get_or_404(LibraryEntry, entry_id)
    if not entry.can_view(current_user):
        abort(404)
    return entry


@bp.get("/<int:entry_id>")
def entry(entry_id: int):
    found = _visible_entry(entry_id)
    staff = current_user.is_authenticated and current_user.is_staff
    return render_template(
        "library/entry.html",
        entry=found,
        events=services.events_of(found) if staff else [],
        republish_form=RepublishForm() if staff else None,
    )


@bp.get("/<int:entry_id>/document.pdf")
def document(entry_id: int):
    """The entry's PDF, shown in the browser; never cached (a withdrawn entry's file must stop
    being served at once)."""
    found = _visible_entry(entry_id)
    if found.file_key is None:
        abort(404)
    return send_private(
        found.file_key,
        found.file_name or "document.pdf",
        content_type="application/pdf",
        inline=True,
    )

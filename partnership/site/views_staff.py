"""The staff dashboard: review progress by programme and each list of what waits for staff
(``worklists``), every row linking to where it is acted on, each list whole on its own page and
in CSV and Excel."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _

from ..core.exports import download
from ..core.pagination import paginate
from ..db_types import utcnow
from ..i18n import to_bangkok
from ..permissions import staff_required
from .worklists import (
    BY_KEY,
    PROGRESS_COLUMNS,
    PROGRESS_STATES,
    WORKLISTS,
    review_progress,
)

bp = Blueprint("site_staff", __name__)

#: The key of the review progress table in the export URLs (beside the worklists' keys).
PROGRESS = "review-progress"


def _moment():
    now = utcnow()
    return now, to_bangkok(now).date()


@bp.get("/staff/dashboard")
@staff_required
def dashboard():
    """Everything staff should act on, a few rows of each list with its count."""
    now, today = _moment()
    lists = [
        (worklist, worklist.rows(now, today), worklist.count(now, today)) for worklist in WORKLISTS
    ]
    return render_template(
        "site/staff_dashboard.html",
        lists=lists,
        progress=review_progress(),
        progress_states=PROGRESS_STATES,
        progress_key=PROGRESS,
    )


def _worklist(key: str):
    worklist = BY_KEY.get(key)
    if worklist is None:
        abort(404)
    return worklist


@bp.get("/staff/dashboard/<key>")
@staff_required
def worklist(key: str):
    """One list of the dashboard whole, a page at a time."""
    worklist = _worklist(key)
    now, today = _moment()
    return render_template(
        "site/staff_worklist.html", worklist=worklist, page=paginate(worklist.query(now, today), 50)
    )


@bp.get("/staff/dashboard/<key>.<any(csv, xlsx):fmt>")
@staff_required
def worklist_export(key: str, fmt: str):
    """One list (or the review progress) as CSV or Excel, every row."""
    now, today = _moment()
    if key == PROGRESS:
        columns, rows, title = PROGRESS_COLUMNS, review_progress(), _("Review progress")
    else:
        worklist = _worklist(key)
        columns, rows = worklist.columns, worklist.rows(now, today, limit=None)
        title = str(worklist.title)
    return download(fmt, columns, rows, f"{key}-{today:%Y%m%d}", title)

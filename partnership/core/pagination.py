"""List pages: read the page number safely and paginate a SELECT."""

from __future__ import annotations

from flask import current_app, request

from ..extensions import db


def paginate(query, per_page: int | None = None, *, total: int | None = None):
    """A Flask-SQLAlchemy Pagination for ``query``; bad or too-large page numbers are clamped.

    ``total``, when a counter already knows how many rows there are, saves the COUNT query.
    """
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    pagination = db.paginate(
        query,
        page=page_number,
        per_page=per_page or current_app.config["PAGE_SIZE"],
        error_out=False,
        max_per_page=200,
        count=total is None,
    )
    if total is not None:
        pagination.total = total
    return pagination

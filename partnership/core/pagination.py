"""List pages: read the page number safely and paginate a SELECT."""

from __future__ import annotations

from flask import current_app, request

from ..extensions import db


def paginate(query, per_page: int | None = None):
    """A Flask-SQLAlchemy Pagination for ``query``; bad or too-large page numbers are clamped."""
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    return db.paginate(
        query,
        page=page_number,
        per_page=per_page or current_app.config["PAGE_SIZE"],
        error_out=False,
        max_per_page=200,
    )

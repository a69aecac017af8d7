"""Public files of outcomes: a programme's "planned and reported" table (verified figures)."""

from __future__ import annotations

from flask import Blueprint

from ..core.exports import download
from ..permissions import load_or_404
from ..programmes.models import Programme
from . import services
from .exports import PUBLIC_COLUMNS, public_rows

bp = Blueprint("outcomes", __name__)


@bp.get("/programmes/<int:programme_id>/outcomes.<any(csv, xlsx):fmt>")
def programme_export(programme_id: int, fmt: str):
    """The programme page's outcomes table: planned, and reported once staff verified it."""
    programme = load_or_404(Programme, programme_id, "view")
    rows = public_rows(services.outcome_table(programme.id))
    stem = f"programme-{programme.id}-outcomes"
    return download(fmt, PUBLIC_COLUMNS, rows, stem, "outcomes", private=False)

"""What the public and the school see: "What the money bought" on the campaign page, the
invoice for staff and the school's staff, and a redacted copy staff published."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ..campaigns.models import Campaign
from ..campaigns.views import load_public
from ..core.exports import download
from ..core.storage import send_private, send_public
from ..extensions import db
from ..permissions import load_or_404
from . import exports
from .models import Disbursement, DisbursementLine
from .services import PUBLIC_STATES, SPENDING_STATES

bp = Blueprint("spending", __name__)

#: Seconds a browser may keep a published redacted copy.
PUBLIC_COPY_MAX_AGE = 3600


@cache
def _public_disbursements() -> sa.Select:
    """A campaign's paid and reversed disbursements with their lines, built once (the campaign
    page asks on every visit; the campaign's id is bound when it runs)."""
    return (
        sa.select(Disbursement)
        .where(
            Disbursement.campaign_id == sa.bindparam("campaign_id"),
            Disbursement.state.in_(PUBLIC_STATES),
        )
        .options(
            joinedload(Disbursement.payee_organisation),
            selectinload(Disbursement.lines).joinedload(DisbursementLine.budget_line),
        )
        .order_by(Disbursement.paid_on, Disbursement.id)
    )


def spent_section(campaign: Campaign, **_page) -> dict:
    """The campaign page's "What the money bought": paid disbursements, and reversed ones
    struck through with their reason. One query for the rows, one for their lines."""
    # Money goes out only of a campaign in a spending state, and a campaign never goes back
    # to live: a live one has nothing to list, and is not asked.
    disbursements = (
        db.session.scalars(_public_disbursements(), {"campaign_id": campaign.id}).all()
        if campaign.state in SPENDING_STATES
        else []
    )
    user = current_user
    invoice_readers = bool(
        user.is_authenticated and (user.is_staff or user.is_school_staff_of(campaign.school_id))
    )
    return {"spent_disbursements": disbursements, "may_see_invoices": invoice_readers}


@bp.get("/campaigns/<int:campaign_id>/disbursements.<any(csv, xlsx):fmt>")
def export(campaign_id: int, fmt: str):
    """ "What the money bought" as a file: the campaign page's figures, line by line."""
    campaign = load_public(campaign_id)
    rows = exports.public_rows(campaign.id)
    stem = f"campaign-{campaign.id}-disbursements"
    return download(fmt, exports.PUBLIC_COLUMNS, rows, stem, "disbursements", private=False)


@bp.get("/disbursements/<int:disbursement_id>/invoice")
def invoice(disbursement_id: int):
    """The invoice itself: staff and the school's staff only."""
    d = load_or_404(Disbursement, disbursement_id, "view_invoice")
    if not d.invoice_key:
        abort(404)
    return send_private(d.invoice_key, d.invoice_name or "invoice", inline=True)


@bp.get("/disbursements/<int:disbursement_id>/public-invoice")
def public_invoice(disbursement_id: int):
    """The redacted copy staff marked public, of money that went out; else 404."""
    d = db.get_or_404(Disbursement, disbursement_id)
    if not d.public_invoice_key or d.state not in PUBLIC_STATES:
        abort(404)
    return send_public(
        d.public_invoice_key,
        content_type=d.public_invoice_content_type,
        max_age=PUBLIC_COPY_MAX_AGE,
    )

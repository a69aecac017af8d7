"""Receipt pages: the donor's signed link to the PDF; staff's receipts and e-Donation export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.mfa.policy import step_up_required
from ..core.downloads import private_download
from ..core.pagination import paginate
from ..extensions import db, limiter
from ..payments.models import Donation
from ..payments.tax import tax_info_for
from ..permissions import staff_required
from . import numbering
from .exports import export_e_donation, export_history, receipt_years
from .forms import EDonationExportForm, FreshLinkForm
from .links import (
    LinkExpired,
    donation_from_link,
    donation_of_expired_link,
    link_window_open,
    receipt_link,
)
from .models import Receipt

bp = Blueprint("receipts", __name__)


@bp.app_template_global("receipt_link")
def receipt_link_for(donation: Donation) -> str | None:
    """The signed receipt URL of a paid donation that has its number, else None (templates).

    It expires when the thank-you e-mail's link does (signed as of the payment), and is not
    offered after that: the thank-you page's address never becomes a longer-lived key."""
    if not donation.is_paid or not link_window_open(donation):
        return None
    if numbering.receipt_for(donation.id) is None:
        return None
    return receipt_link(donation, issued_at=donation.paid_at)


def _pdf_response(donation: Donation, receipt: Receipt | None = None) -> Response:
    """The PDF of ``receipt`` (by default the donation's latest)."""
    if receipt is None:
        receipt = numbering.receipt_for(donation.id) if donation.is_paid else None
    if receipt is None:
        abort(404)
    replaces = numbering.replaced_receipt(receipt)
    # Imported here: the PDF's typesetting (fpdf2, fontTools, HarfBuzz) is the largest part of
    # a worker's memory, and most workers never render a receipt (issue 22).
    from .pdf import ReceiptView, render_receipt

    body = render_receipt(ReceiptView(donation, receipt, tax_info_for(donation.id), replaces))
    filename = f"receipt-{receipt.year}-{receipt.number:06d}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Robots-Tag": "noindex",
        },
    )


@bp.get("/receipts/<signed>")
@limiter.limit(lambda: current_app.config["RECEIPT_RATE_LIMIT"])
def receipt(signed: str):
    """The donor's receipt: the link from the thank-you e-mail or page (each opening renders
    the PDF, so one address may open receipts only so often)."""
    try:
        donation = donation_from_link(signed)
    except LinkExpired:
        return render_template("receipts/expired.html", form=FreshLinkForm(), signed=signed), 410
    if donation is None:
        abort(404)
    return _pdf_response(donation)


def _mail_address_key() -> str:
    return "mail:" + (request.form.get("email") or "").strip().lower()


@bp.post("/receipts/<signed>/fresh-link")
@limiter.limit(lambda: current_app.config["RECEIPT_RENEW_RATE_LIMIT"])
# The same bucket as sign-up and password-reset mail: one address gets only so much mail.
@limiter.shared_limit(
    lambda: current_app.config["MAIL_RATE_LIMIT"],
    scope="mail-to-address",
    key_func=_mail_address_key,
)
def fresh_link(signed: str):
    """An expired link's donor asks for a new one, by e-mail to the gift's own address; the
    answer is the same whether or not the address matches."""
    try:
        donation_from_link(signed)
    except LinkExpired:
        pass
    else:  # a link that still works (or is not ours) needs no new one
        abort(404)
    form = FreshLinkForm()
    if not form.validate_on_submit():
        return render_template("receipts/expired.html", form=form, signed=signed), 400
    numbering.send_fresh_link(donation_of_expired_link(signed), form.email.data)
    return render_template(
        "receipts/expired.html",
        form=None,
        signed=signed,
        sent=_(
            "If this is the address the gift was made with, a new link to the receipt is on "
            "its way. It may take a few minutes."
        ),
    )


@bp.get("/staff/receipts/donations/<int:donation_id>.pdf")
@staff_required
@step_up_required
def staff_receipt(donation_id: int):
    return _pdf_response(db.get_or_404(Donation, donation_id))


@bp.get("/staff/receipts/<int:receipt_id>.pdf")
@staff_required
@step_up_required
def staff_receipt_document(receipt_id: int):
    """Any receipt ever issued, a cancelled one too (it stays, marked and pointing on)."""
    receipt = db.get_or_404(Receipt, receipt_id)
    return _pdf_response(receipt.donation, receipt)


@bp.route("/staff/receipts", methods=["GET", "POST"])
@staff_required
@step_up_required(methods=("POST",))
def exports():
    """The e-Donation export (a year's CSV) and the record of every download."""
    form = EDonationExportForm(years=receipt_years())
    if request.method == "POST" and form.validate_on_submit():
        body = export_e_donation(form.year.data, current_user)
        return private_download(body, "text/csv", f"e-donation-{form.year.data}.csv")
    status = 422 if request.method == "POST" else 200
    return render_template(
        "receipts/staff_exports.html", form=form, page=paginate(export_history())
    ), status

"""Staff pages: disbursements of a campaign and of all campaigns, one disbursement and its moves,
suppliers, and a link to the campaigns whose balance is below zero (campaigns' staff page)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.mfa.policy import step_up_required
from ..campaigns.models import Campaign, CampaignState
from ..campaigns.services import below_zero
from ..core.exports import filtered_download
from ..core.pagination import paginate
from ..core.unit_of_work import discard_changes, refusal_returns_to
from ..extensions import db
from ..permissions import load_or_404, staff_required
from . import exports, services, suppliers
from .budget import budget_use, over_budget_items
from .exports import DisbursementFilters
from .forms import DisbursementForm, NoteForm, PublicCopyForm, ReasonForm, VendorForm
from .models import Disbursement, DisbursementEvent, DisbursementLine, DisbursementState

bp = Blueprint("spending_staff", __name__, url_prefix="/staff/spending")

D = DisbursementState
#: The overall list's order: what waits for someone first.
STATE_ORDER = sa.case(
    {D.SUBMITTED: 0, D.APPROVED: 1, D.DRAFT: 2, D.PAID: 3, D.REVERSED: 4, D.CANCELLED: 5},
    value=Disbursement.state,
)


def _with_lines():
    return (
        joinedload(Disbursement.payee_organisation),
        selectinload(Disbursement.lines).joinedload(DisbursementLine.budget_line),
    )


@bp.get("/disbursements.<any(csv, xlsx):fmt>")
@staff_required
@step_up_required
def export(fmt: str):
    """Every disbursement the filters keep, one row per line, with the payee's tax id."""
    filters = DisbursementFilters(request.args)
    return filtered_download(
        fmt, filters, exports.STAFF_COLUMNS, exports.staff_rows, "disbursements", "disbursements"
    )


@bp.get("/")
@staff_required
def overview():
    filters = DisbursementFilters(request.args)
    filters.validate()
    query = filters.apply(
        sa.select(Disbursement).options(
            *_with_lines(), joinedload(Disbursement.campaign).load_only(Campaign.title)
        )
    )
    page = paginate(query.order_by(STATE_ORDER, Disbursement.id.desc()), 50)
    campaigns = db.session.scalars(
        sa.select(Campaign)
        .where(
            sa.or_(
                Campaign.state == CampaignState.FUNDED,
                sa.and_(
                    Campaign.state.in_((CampaignState.ENDED, CampaignState.CLOSED)),
                    Campaign.raised_satang > 0,
                ),
            )
        )
        .order_by(Campaign.funded_at.desc().nulls_last(), Campaign.id.desc())
        .limit(50)
    ).all()
    return render_template(
        "spending/overview.html",
        page=page,
        filters=filters,
        campaigns=campaigns,
        below_zero_count=len(below_zero()),
    )


def _form(campaign: Campaign, **kwargs) -> DisbursementForm:
    return DisbursementForm(
        budget_lines=campaign.budget_lines, vendors=suppliers.vendors(), **kwargs
    )


def _campaign_page(campaign: Campaign, form: DisbursementForm, status: int = 200):
    disbursements = db.session.scalars(
        sa.select(Disbursement)
        .where(Disbursement.campaign_id == campaign.id)
        .options(*_with_lines())
        .order_by(Disbursement.id.desc())
    ).all()
    return (
        render_template(
            "spending/campaign.html",
            campaign=campaign,
            form=form,
            disbursements=disbursements,
            use=budget_use(campaign.id),
            may_spend=services.can_spend_from(campaign),
        ),
        status,
    )


def _invoice_from(form: DisbursementForm):
    """The stored invoice (key, name, type), None without a file; False if it was refused."""
    upload = form.invoice.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return suppliers.store_invoice(upload.read(), upload.filename)
    except services.InvoiceRefused as error:
        form.invoice.errors = [error.user_message()]
        return False


def _payee(form: DisbursementForm) -> services.Payee:
    payee = form.payee
    if form.register_vendor.data and payee.organisation_id is None:
        vendor = suppliers.register_vendor(payee.name, payee.tax_id)
        payee = services.Payee(organisation_id=vendor.id)
    return payee


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@staff_required
def campaign_disbursements(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _form(campaign)
    if not form.validate_on_submit():
        return _campaign_page(campaign, form, 422 if request.method == "POST" else 200)
    invoice = _invoice_from(form)
    if invoice is False:
        return _campaign_page(campaign, form, 422)
    try:
        d = services.create_disbursement(
            campaign,
            paid_on=form.paid,
            payee=_payee(form),
            lines=form.line_values,
            over_budget_reason=form.over_budget_reason.data or "",
            invoice=invoice,
            actor=current_user,
        )
    except services.SpendingRefused as error:
        discard_changes()  # the stored invoice goes with the rollback
        form.lines_message = error.user_message()
        return _campaign_page(campaign, form, 422)
    flash(_("Disbursement %(id)s is saved as a draft.", id=d.id), "success")
    return redirect(url_for("spending_staff.disbursement", disbursement_id=d.id), 303)


def _load(disbursement_id: int) -> Disbursement:
    d = db.session.scalar(
        sa.select(Disbursement)
        .where(Disbursement.id == disbursement_id)
        .options(
            *_with_lines(),
            joinedload(Disbursement.campaign),
            selectinload(Disbursement.events).joinedload(DisbursementEvent.actor),
        )
    )
    if d is None:
        abort(404)
    return load_or_404(Disbursement, d.id, "edit")


@bp.get("/<int:disbursement_id>")
@staff_required
def disbursement(disbursement_id: int):
    d = _load(disbursement_id)
    return render_template(
        "spending/disbursement.html",
        d=d,
        reason_form=ReasonForm(formdata=None),
        note_form=NoteForm(formdata=None),
        copy_form=PublicCopyForm(formdata=None),
        over_items=over_budget_items(d) if d.state in (D.DRAFT, D.SUBMITTED) else [],
        replacement=services.replacement_of(d) if d.state == D.REVERSED else None,
        balance=d.campaign.balance_satang,
        state_label=lambda value: D(value).label if value else "",
    )


@bp.route("/<int:disbursement_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(disbursement_id: int):
    d = _load(disbursement_id)
    if d.state != D.DRAFT:
        flash(_("Only a draft can be changed. Nothing was changed."), "error")
        return redirect(url_for("spending_staff.disbursement", disbursement_id=d.id), 303)
    form = _form(d.campaign, rows=max(3, len(d.lines) + 1))
    if request.method == "GET":
        _prefill(form, d)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        invoice = _invoice_from(form)
        if invoice is not False:
            refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
            services.update_draft(
                d,
                paid_on=form.paid,
                payee=_payee(form),
                lines=form.line_values,
                over_budget_reason=form.over_budget_reason.data or "",
                invoice=invoice,
                actor=current_user,
            )
            flash(_("The draft is saved."), "success")
            return redirect(url_for("spending_staff.disbursement", disbursement_id=d.id), 303)
    return render_template("spending/edit.html", d=d, form=form), status


def _prefill(form: DisbursementForm, d: Disbursement) -> None:
    from ..money import satang_to_input

    form.paid_on.data = d.paid_on
    form.payee_organisation_id.data = d.payee_organisation_id or 0
    form.payee_name.data, form.payee_tax_id.data = d.payee_name, d.payee_tax_id
    form.over_budget_reason.data = d.over_budget_reason
    for row, line in zip(form.lines, d.lines, strict=False):
        row.budget_line_id.data = line.budget_line_id
        row.quantity.data = str(line.quantity)
        row.unit_price.data = satang_to_input(line.unit_price_satang)


def _back(d: Disbursement):
    return redirect(url_for("spending_staff.disbursement", disbursement_id=d.id), 303)


def _reason(d: Disbursement, message: str) -> str | None:
    form = ReasonForm()
    if form.validate_on_submit():
        return form.reason.data
    flash(message, "error")
    return None


@bp.post("/<int:disbursement_id>/submit")
@staff_required
def submit(disbursement_id: int):
    d = _load(disbursement_id)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    services.submit(d, current_user)
    flash(_("Sent for approval: another member of staff approves it."), "success")
    return _back(d)


@bp.post("/<int:disbursement_id>/send-back")
@staff_required
def send_back(disbursement_id: int):
    d = _load(disbursement_id)
    if (reason := _reason(d, _("Say why it is sent back."))) is None:
        return _back(d)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    services.send_back(d, current_user, reason)
    flash(_("Sent back to draft."), "success")
    return _back(d)


@bp.post("/<int:disbursement_id>/approve")
@staff_required
@step_up_required
def approve(disbursement_id: int):
    d = _load(disbursement_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_("The note is too long or holds characters that cannot be kept."), "error")
        return _back(d)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    services.approve(d, current_user, form.reason.data or "")
    flash(_("Approved. It can be paid now."), "success")
    return _back(d)


@bp.post("/<int:disbursement_id>/pay")
@staff_required
@step_up_required
def pay(disbursement_id: int):
    d = _load(disbursement_id)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    services.pay(d, current_user)
    flash(_("Paid: the payment is in the campaign's public ledger."), "success")
    return _back(d)


@bp.post("/<int:disbursement_id>/reverse")
@staff_required
@step_up_required
def reverse(disbursement_id: int):
    d = _load(disbursement_id)
    if (reason := _reason(d, _("Say why the payment is reversed."))) is None:
        return _back(d)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    services.reverse(d, current_user, reason)
    flash(_("Reversed: a reversing row is in the ledger. Enter it again if it was a mistake."),
          "success")  # fmt: skip
    return _back(d)


@bp.post("/<int:disbursement_id>/cancel")
@staff_required
def cancel(disbursement_id: int):
    d = _load(disbursement_id)
    if (reason := _reason(d, _("Say why it is cancelled."))) is None:
        return _back(d)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    services.cancel(d, current_user, reason)
    flash(_("Cancelled."), "success")
    return _back(d)


@bp.post("/<int:disbursement_id>/enter-again")
@staff_required
def enter_again(disbursement_id: int):
    d = _load(disbursement_id)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    new = services.enter_again(d, current_user)
    flash(_("A new draft replaces the reversed disbursement: correct it and send it."), "success")
    return redirect(url_for("spending_staff.edit", disbursement_id=new.id), 303)


@bp.post("/<int:disbursement_id>/public-copy")
@staff_required
def public_copy(disbursement_id: int):
    d = _load(disbursement_id)
    form = PublicCopyForm()
    upload = form.copy.data
    if not form.validate_on_submit():
        flash(_("The form could not be read. Nothing was changed."), "error")
        return _back(d)
    if not upload or not getattr(upload, "filename", ""):
        if form.public.data or not d.public_invoice_key:
            flash(_("Choose the redacted copy to publish."), "error")
            return _back(d)
        services.set_public_copy(d, None, current_user)
        flash(_("The public copy is withdrawn."), "success")
        return _back(d)
    if not form.public.data:
        flash(_("Tick the box to confirm the copy may be public."), "error")
        return _back(d)
    refusal_returns_to(url_for("spending_staff.disbursement", disbursement_id=d.id))
    key, _name, content_type = suppliers.store_invoice(upload.read(), upload.filename)
    services.set_public_copy(d, (key, content_type), current_user)
    flash(_("The redacted copy is public on the campaign page."), "success")
    return _back(d)


@bp.route("/vendors", methods=["GET", "POST"])
@staff_required
def vendors():
    form = VendorForm()
    if form.validate_on_submit():
        refusal_returns_to(url_for("spending_staff.vendors"))
        vendor = suppliers.register_vendor(form.name.data, form.tax_id.data)
        flash(_("%(name)s is registered as a supplier.", name=vendor.name), "success")
        return redirect(url_for("spending_staff.vendors"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("spending/vendors.html", form=form, vendors=suppliers.vendors()), status

"""Staff's monthly e-Donation worklist: what to enter, amend or cancel, marked as done, and the
month's file."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..accounts.mfa.policy import step_up_required
from ..config import ConfigError
from ..core.downloads import private_download
from ..core.unit_of_work import discard_changes
from ..extensions import db
from ..i18n import format_date
from ..payments.models import DonationTaxInfo
from ..permissions import staff_required
from . import edonation
from .edonation import IllegalEDonationTransition, ReferenceMissing
from .exports import export_month, month_filename, unknown_columns
from .forms import (
    EDonationMarkForm,
    EDonationMonthExportForm,
    EDonationMonthForm,
    parse_month,
)
from .models import EDONATION_OPEN_STATES, EDonationRecord, EDonationState

bp = Blueprint("edonation", __name__, url_prefix="/staff/e-donation")

#: The worklist's sections: (id, title, the states listed there).
SECTIONS = (
    ("new", _l("New gifts to record"), (EDonationState.DUE, EDonationState.RECORDED,
                                    EDonationState.WITHDRAWN)),
    ("amend", _l("Recorded gifts to amend"), (EDonationState.TO_AMEND,
                                              EDonationState.AMENDED)),
    ("cancel", _l("Recorded gifts to cancel"), (EDonationState.TO_CANCEL,
                                                EDonationState.CANCELLED)),
)  # fmt: skip

#: The badge style of each state (templates/_macros.html ``badge``).
BADGES = {
    EDonationState.DUE: "pending",
    EDonationState.WITHDRAWN: "withdrawn",
    EDonationState.RECORDED: "approved",
    EDonationState.TO_AMEND: "waitlisted",
    EDonationState.TO_CANCEL: "rejected",
    EDonationState.AMENDED: "approved",
    EDonationState.CANCELLED: "closed",
}

#: The one staff action of an open state.
ACTIONS = {
    EDonationState.DUE: "recorded",
    EDonationState.TO_AMEND: "amended",
    EDonationState.TO_CANCEL: "cancelled",
}


@bp.record_once
def _check_columns(state) -> None:
    unknown = unknown_columns(state.app.config["EDONATION_COLUMNS"])
    if unknown:
        raise ConfigError(f"EDONATION_COLUMNS: unknown column(s) {', '.join(unknown)}")


def month_label(year: int, month: int) -> str:
    """ธ.ค. 2569 / Dec 2026."""
    return format_date(date(year, month, 1)).split(" ", 1)[1]


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _tax_by_donation(records) -> dict[int, DonationTaxInfo]:
    ids = [r.donation_id for r in records]
    if not ids:
        return {}
    query = db.select(DonationTaxInfo).where(DonationTaxInfo.donation_id.in_(ids))
    rows = db.session.scalars(query)
    return {t.donation_id: t for t in rows}


@bp.get("/")
@staff_required
def worklist():
    """One month's records by section, with what is overdue in any month."""
    today = edonation.bangkok_today()
    form = EDonationMonthForm(request.args)
    form.validate()
    year, month = form.chosen((today.year, today.month))
    records = edonation.month_records(year, month)
    sections = [
        (key, title, [r for r in records if r.state in states]) for key, title, states in SECTIONS
    ]
    value = f"{year:04d}-{month:02d}"
    return render_template(
        "receipts/edonation.html",
        form=form,
        sections=sections,
        taxes=_tax_by_donation(records),
        year=year,
        month=month,
        month_value=value,
        label=month_label(year, month),
        previous=_shift(year, month, -1),
        following=_shift(year, month, 1),
        overdue=edonation.overdue_months(),
        month_label=month_label,
        today=today,
        badges=BADGES,
        actions=ACTIONS,
        open_states=EDONATION_OPEN_STATES,
        open_count=sum(1 for r in records if r.state in EDONATION_OPEN_STATES),
        export_form=EDonationMonthExportForm(month=value),
    )


def _back(month: str) -> Response:
    args = {"month": month} if parse_month(month) else {}
    return redirect(url_for("edonation.worklist", **args), 303)


@bp.post("/mark")
@staff_required
def mark():
    """Mark the ticked records (or one row's) as entered, amended or cancelled in e-Donation."""
    form = EDonationMarkForm()
    if not form.validate_on_submit():
        flash(_("Choose at least one record and an action."), "error")
        return _back(form.month.data or "")
    to_state = EDonationState(form.action.data)
    records = db.session.scalars(
        db.select(EDonationRecord)
        .where(EDonationRecord.id.in_(form.records.data))
        .order_by(EDonationRecord.id)
    ).all()
    done = skipped = 0
    reference = form.reference.data or ""
    for record in records:
        try:
            edonation.mark(record, to_state, actor=current_user, reference=reference)
        except ReferenceMissing:
            discard_changes()
            flash(_("Enter the Revenue Department's reference."), "error")
            return _back(form.month.data or "")
        except IllegalEDonationTransition:
            skipped += 1
        else:
            done += 1
    if done:
        flash(ngettext("%(num)d record marked.", "%(num)d records marked.", done), "success")
    if skipped or not records:
        flash(
            _(
                "%(count)d record(s) were not in a state for this action (already marked, or "
                "changed by a refund): nothing was changed for them.",
                count=skipped + len(form.records.data) - len(records),
            ),
            "info",
        )
    return _back(form.month.data or "")


@bp.post("/export")
@staff_required
@step_up_required
def export():
    """The month's file of records still to send; the download is recorded."""
    form = EDonationMonthExportForm()
    chosen = parse_month(form.month.data)
    if not form.validate_on_submit() or chosen is None:
        flash(_("Choose a month."), "error")
        return redirect(url_for("edonation.worklist"), 303)
    year, month = chosen
    body = export_month(year, month, current_user)
    return private_download(body, "text/csv", month_filename(year, month))

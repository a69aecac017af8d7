"""The rules of a disbursement: what it may buy, who approves it, paying it once, reversing it.

Every move goes through ``core.transitions.move`` (one conditional UPDATE) and appends a
``DisbursementEvent`` with who, when and why. Paying is that move and
``campaigns.services.pay_out`` in one transaction: two "pay" requests on one disbursement move
it once; sixteen payments against one campaign never take it below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..campaigns.models import Campaign, CampaignState
from ..campaigns.pages import page_changed
from ..campaigns.services import pay_out, record_money
from ..core.storage import delete_file_after_commit
from ..core.transitions import hold_row, move
from ..db_types import utcnow
from ..extensions import db
from ..ledger.models import LedgerKind
from ..money import line_total_satang
from ..registry.models import Organisation, OrganisationKind
from .budget import budget_lines, over_budget_items
from .models import Disbursement, DisbursementEvent, DisbursementLine, DisbursementState
from .refusals import (  # noqa: F401  (the rules' refusals, named where the rules are)
    FourEyes,
    IllegalDisbursementMove,
    InvoiceRefused,
    OverBudget,
    SpendingRefused,
)
from .suppliers import copy_invoice

D = DisbursementState

#: The machine: a draft is sent for approval, approved by someone else, paid, maybe reversed.
TRANSITIONS: dict[DisbursementState, frozenset[DisbursementState]] = {
    D.DRAFT: frozenset({D.SUBMITTED, D.CANCELLED}),
    D.SUBMITTED: frozenset({D.DRAFT, D.APPROVED, D.CANCELLED}),
    D.APPROVED: frozenset({D.PAID, D.CANCELLED}),
    D.PAID: frozenset({D.REVERSED}),
    D.REVERSED: frozenset(),
    D.CANCELLED: frozenset(),
}
#: Campaign states money may go out of (a funded one, or one that ended with money).
SPENDING_STATES = (CampaignState.FUNDED, CampaignState.ENDED, CampaignState.CLOSED)
#: What the public sees: money that went out (and came back, struck through).
PUBLIC_STATES = (D.PAID, D.REVERSED)


@dataclass(frozen=True)
class LineValues:
    budget_line_id: int
    quantity: int
    unit_price_satang: int


@dataclass(frozen=True)
class Payee:
    organisation_id: int | None = None
    name: str = ""
    tax_id: str = ""


# Who may do what ------------------------------------------------------------------------------


def can_spend_from(campaign: Campaign) -> bool:
    """A funded campaign, or one that ended or closed holding money."""
    if campaign.state == CampaignState.FUNDED:
        return True
    return campaign.state in SPENDING_STATES and campaign.raised_satang > 0


# Writing a draft ------------------------------------------------------------------------------


def _event(d: Disbursement, actor, to_state, from_state=None, reason: str = "", kind="moved"):
    db.session.add(
        DisbursementEvent(
            disbursement_id=d.id,
            actor_id=getattr(actor, "id", None),
            kind=kind,
            from_state=from_state.value if from_state else None,
            to_state=to_state.value if to_state else None,
            reason=reason,
        )
    )


def _fill(d: Disbursement, *, paid_on: date, payee: Payee, lines: list[LineValues],
          over_budget_reason: str) -> None:  # fmt: skip
    if not lines:
        raise SpendingRefused(_l("Add at least one line: what the payment buys."))
    budget = budget_lines(d.campaign_id)
    if any(line.budget_line_id not in budget for line in lines):
        raise SpendingRefused(_l("A line is not one of this campaign's budget lines."))
    if payee.organisation_id is not None:
        vendor = db.session.get(Organisation, payee.organisation_id)
        if vendor is None or vendor.kind != OrganisationKind.VENDOR:
            raise SpendingRefused(_l("Choose a registered supplier."))
    d.paid_on = paid_on
    d.payee_organisation_id = payee.organisation_id
    d.payee_name = "" if payee.organisation_id else payee.name.strip()
    d.payee_tax_id = "" if payee.organisation_id else payee.tax_id
    d.over_budget_reason = over_budget_reason.strip()
    d.lines = [
        DisbursementLine(
            position=i,
            budget_line_id=line.budget_line_id,
            quantity=line.quantity,
            unit_price_satang=line.unit_price_satang,
        )
        for i, line in enumerate(lines)
    ]
    d.amount_satang = sum(line_total_satang(v.unit_price_satang, v.quantity) for v in lines)


def create_disbursement(
    campaign: Campaign,
    *,
    paid_on: date,
    payee: Payee,
    lines: list[LineValues],
    over_budget_reason: str = "",
    invoice: tuple[str, str, str] | None = None,
    actor,
    replaces: Disbursement | None = None,
) -> Disbursement:
    """A draft disbursement with its lines; its amount is the sum of the lines (flushed)."""
    if not can_spend_from(campaign):
        raise SpendingRefused(
            _l("Money goes out only of a funded campaign, or one that ended holding money.")
        )
    d = Disbursement(campaign_id=campaign.id, state=D.DRAFT, created_by_id=actor.id)
    _fill(d, paid_on=paid_on, payee=payee, lines=lines, over_budget_reason=over_budget_reason)
    if invoice:
        d.invoice_key, d.invoice_name, d.invoice_content_type = invoice
    if replaces is not None:
        d.replaces_id = replaces.id
    db.session.add(d)
    db.session.flush()
    reason = _l("Entered again: replaces disbursement %(id)s.", id=replaces.id) if replaces else ""
    _event(d, actor, D.DRAFT, reason=str(reason))
    db.session.flush()
    return d


def update_draft(
    d: Disbursement,
    *,
    paid_on: date,
    payee: Payee,
    lines: list[LineValues],
    over_budget_reason: str = "",
    invoice: tuple[str, str, str] | None = None,
    actor,
) -> None:
    """Change a draft (only a draft: once sent, it is approved, sent back or cancelled)."""
    hold_row(Disbursement, d.id)
    db.session.refresh(d, ["state"])
    if d.state != D.DRAFT:
        raise SpendingRefused(_l("Only a draft can be changed. Nothing was changed."))
    for line in list(d.lines):
        db.session.delete(line)
    db.session.flush()
    _fill(d, paid_on=paid_on, payee=payee, lines=lines, over_budget_reason=over_budget_reason)
    if invoice:
        if d.invoice_key:
            delete_file_after_commit(d.invoice_key)
        d.invoice_key, d.invoice_name, d.invoice_content_type = invoice
    _event(d, actor, None, kind="edited")
    db.session.flush()


# The moves ------------------------------------------------------------------------------------


def _move(d: Disbursement, to_state, actor, reason: str = "", values=None) -> None:
    from_state = move(
        d, to_state, allowed=TRANSITIONS, illegal=IllegalDisbursementMove, values=values
    )
    _event(d, actor, to_state, from_state, reason.strip())
    db.session.flush()


def submit(d: Disbursement, actor) -> None:
    """draft → submitted: the invoice is attached; a second member of staff approves it."""
    if d.state == D.DRAFT and not d.invoice_key:
        raise SpendingRefused(_l("Attach the invoice before sending it for approval."))
    if d.state == D.DRAFT and not d.over_budget_reason and (items := over_budget_items(d)):
        raise OverBudget(items)
    _move(d, D.SUBMITTED, actor, values={"submitted_by_id": actor.id, "submitted_at": utcnow()})


def send_back(d: Disbursement, actor, reason: str) -> None:
    """submitted → draft, with the reason the submitter reads."""
    if not reason.strip():
        raise SpendingRefused(_l("Say why it is sent back."))
    _move(d, D.DRAFT, actor, reason, values={"submitted_by_id": None, "submitted_at": None})


def approve(d: Disbursement, actor, reason: str = "") -> None:
    """submitted → approved by someone who did not submit it, within the budget lines' totals
    (or with an over-budget reason). The campaign row is held, so two approvals against one
    budget line are checked one after the other."""
    if d.submitted_by_id is not None and d.submitted_by_id == actor.id:
        raise FourEyes()
    hold_row(Campaign, d.campaign_id)
    if not d.over_budget_reason and (items := over_budget_items(d)):
        raise OverBudget(items)
    # The submitter is part of the statement: a send-back and a new submission by this very
    # person in between leave the row unmatched (refused), never approved by its submitter.
    from_state = move(
        d,
        D.APPROVED,
        allowed=TRANSITIONS,
        illegal=IllegalDisbursementMove,
        values={"approved_by_id": actor.id, "approved_at": utcnow()},
        where=[Disbursement.submitted_by_id != actor.id],
    )
    _event(d, actor, D.APPROVED, from_state, reason.strip())
    db.session.flush()


def pay(d: Disbursement, actor) -> None:
    """approved → paid and the ledger's payment out, in this transaction: once, and never
    more than the campaign's balance (``pay_out`` refuses with ``NotEnoughMoney``)."""
    _move(d, D.PAID, actor, values={"paid_by_id": actor.id, "paid_at": utcnow()})
    pay_out(
        d.campaign_id,
        amount_satang=d.amount_satang,
        source=f"disbursement:{d.id}",
        public_label=d.payee_display(),
    )


def reverse(d: Disbursement, actor, reason: str) -> None:
    """paid → reversed with a reason: a reversing ledger row gives the campaign its money back
    (the paid row stays)."""
    if not reason.strip():
        raise SpendingRefused(_l("Say why the payment is reversed."))
    _move(
        d,
        D.REVERSED,
        actor,
        reason,
        values={
            "reversal_reason": reason.strip(),
            "reversed_by_id": actor.id,
            "reversed_at": utcnow(),
        },
    )
    record_money(
        d.campaign_id,
        amount_satang=d.amount_satang,
        kind=LedgerKind.DISBURSEMENT_REVERSED,
        source=f"disbursement:{d.id}:reversed",
        public_label=d.payee_display(),
    )


def cancel(d: Disbursement, actor, reason: str) -> None:
    """draft, submitted or approved → cancelled (nothing reached the ledger)."""
    if not reason.strip():
        raise SpendingRefused(_l("Say why it is cancelled."))
    _move(d, D.CANCELLED, actor, reason)


def enter_again(d: Disbursement, actor) -> Disbursement:
    """A new draft for a reversed disbursement: same payee, date, lines and invoice, to be
    corrected and sent for approval again. One at a time (a cancelled one may be replaced)."""
    if d.state != D.REVERSED:
        raise SpendingRefused(_l("Only a reversed disbursement is entered again."))
    hold_row(Disbursement, d.id)
    if replacement_of(d) is not None:
        raise SpendingRefused(_l("This disbursement was already entered again."))
    lines = [LineValues(x.budget_line_id, x.quantity, x.unit_price_satang) for x in d.lines]
    new = create_disbursement(
        d.campaign,
        paid_on=d.paid_on,
        payee=Payee(d.payee_organisation_id, d.payee_name, d.payee_tax_id),
        lines=lines,
        over_budget_reason=d.over_budget_reason,
        actor=actor,
        replaces=d,
    )
    # The same file under a key of its own: each row owns what it points at.
    if d.invoice_key:
        new.invoice_key = copy_invoice(d.invoice_key, d.invoice_content_type)
        new.invoice_name = d.invoice_name
        new.invoice_content_type = d.invoice_content_type
    db.session.flush()
    return new


def replacement_of(d: Disbursement) -> Disbursement | None:
    return db.session.scalar(
        sa.select(Disbursement)
        .where(Disbursement.replaces_id == d.id, Disbursement.state != D.CANCELLED)
        .limit(1)
    )


def set_public_copy(d: Disbursement, key_type: tuple[str, str] | None, actor) -> None:
    """Publish a redacted copy of the invoice (``key_type``), or withdraw it (None)."""
    if d.public_invoice_key:
        delete_file_after_commit(d.public_invoice_key)
    if key_type is None:
        d.public_invoice_key, d.public_invoice_content_type = None, ""
    else:
        d.public_invoice_key, d.public_invoice_content_type = key_type
    _event(d, actor, None, kind="public_copy" if key_type else "public_copy_removed")
    db.session.flush()
    page_changed(d.campaign_id)

"""Disbursements: money paid out of a campaign to a supplier, against its budget lines, with the
invoice, approved by a second staff member (four eyes), corrected only by a reversal."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..money import line_total_satang

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..campaigns.models import Campaign, CampaignBudgetLine
    from ..registry.models import Organisation


class DisbursementState(LabelledEnum):
    #: Being written by staff; can be changed.
    DRAFT = "draft"
    #: Sent for approval: a second staff member approves it or sends it back to draft.
    SUBMITTED = "submitted"
    #: Approved by someone other than its submitter; ready to pay.
    APPROVED = "approved"
    #: Paid: the ledger holds its row (money out).
    PAID = "paid"
    #: A paid disbursement corrected by a reversal row (its money counts as not spent again).
    REVERSED = "reversed"
    #: Dropped before it was paid (nothing reached the ledger).
    CANCELLED = "cancelled"


LABELS[DisbursementState] = {
    DisbursementState.DRAFT: _l("Draft"),
    DisbursementState.SUBMITTED: _l("Awaiting approval"),
    DisbursementState.APPROVED: _l("Approved"),
    DisbursementState.PAID: _l("Paid"),
    DisbursementState.REVERSED: _l("Reversed"),
    DisbursementState.CANCELLED: _l("Cancelled"),
}
#: States whose approver is recorded (and so differs from the submitter).
APPROVED_STATES = ("approved", "paid", "reversed")


class Disbursement(db.Model):
    """One payment out of a campaign to a payee, for one or more of its budget lines."""

    __tablename__ = "disbursements"
    __table_args__ = (
        sa.CheckConstraint("amount_satang > 0", name="amount_positive"),
        # Four eyes: the approver is never the submitter, whatever a form or a script sends.
        sa.CheckConstraint(
            "approved_by_id IS NULL OR submitted_by_id IS NULL"
            " OR approved_by_id <> submitted_by_id",
            name="four_eyes",
        ),
        sa.CheckConstraint(
            "state NOT IN ('approved', 'paid', 'reversed')"
            " OR (approved_by_id IS NOT NULL AND submitted_by_id IS NOT NULL)",
            name="approved_has_approver",
        ),
        sa.CheckConstraint(
            "state NOT IN ('paid', 'reversed') OR paid_at IS NOT NULL", name="paid_has_time"
        ),
        sa.CheckConstraint(
            "payee_organisation_id IS NOT NULL OR payee_name <> ''", name="payee_named"
        ),
        sa.Index("ix_disbursements_campaign_id_id", "campaign_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="RESTRICT"))
    state: Mapped[DisbursementState] = mapped_column(
        enum_type(DisbursementState, "disbursement_state"),
        default=DisbursementState.DRAFT,
        index=True,
    )
    #: The date of the payment as on the invoice or the bank transfer (Bangkok calendar).
    paid_on: Mapped[date] = mapped_column(sa.Date)
    #: The supplier as a registry organisation of kind "vendor" ...
    payee_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    #: ... or a name and a 13-digit tax id.
    payee_name: Mapped[str] = mapped_column(sa.String(200), default="")
    payee_tax_id: Mapped[str] = mapped_column(sa.String(13), default="")
    #: What was paid, in satang (the sum of its lines).
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: Why the lines may pass the budget lines' approved totals (empty: they may not).
    over_budget_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The invoice or tax invoice (ใบกำกับภาษี) in the file store: staff and the school's staff.
    invoice_key: Mapped[str | None] = mapped_column(sa.String(80))
    invoice_name: Mapped[str] = mapped_column(sa.String(200), default="")
    invoice_content_type: Mapped[str] = mapped_column(sa.String(80), default="")
    #: A redacted copy that staff marked public (empty: the public sees no file).
    public_invoice_key: Mapped[str | None] = mapped_column(sa.String(80))
    public_invoice_content_type: Mapped[str] = mapped_column(sa.String(80), default="")
    #: The reversed disbursement this one enters again (a correction), if any.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("disbursements.id"))
    reversal_reason: Mapped[str] = mapped_column(sa.Text, default="")

    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reversed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    payee_organisation: Mapped[Organisation | None] = relationship()
    lines: Mapped[list[DisbursementLine]] = relationship(
        back_populates="disbursement", order_by="DisbursementLine.position", cascade="all"
    )
    events: Mapped[list[DisbursementEvent]] = history_of(
        "DisbursementEvent", back_populates="disbursement"
    )
    replaces: Mapped[Disbursement | None] = relationship(remote_side=[id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    def payee_display(self, lang: str = "th") -> str:
        if self.payee_organisation is not None:
            return self.payee_organisation.display_name(lang)
        return self.payee_name

    @property
    def lines_total_satang(self) -> int:
        return sum(line.total_satang for line in self.lines)

    def can_view(self, user) -> bool:
        """The disbursement's page and its moves: programme staff."""
        return bool(user.is_authenticated and user.is_staff)

    can_edit = can_view

    def can_view_invoice(self, user) -> bool:
        """The invoice file: staff and the staff of the campaign's school, nobody else."""
        return bool(
            user.is_authenticated
            and (user.is_staff or user.is_school_staff_of(self.campaign.school_id))
        )


class DisbursementLine(db.Model):
    """What a disbursement buys: a quantity of one of the campaign's budget lines at a price."""

    __tablename__ = "disbursement_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_satang > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    disbursement_id: Mapped[int] = mapped_column(sa.ForeignKey("disbursements.id"), index=True)
    budget_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign_budget_lines.id"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[int] = mapped_column()
    unit_price_satang: Mapped[int] = mapped_column(sa.BigInteger)

    disbursement: Mapped[Disbursement] = relationship(back_populates="lines")
    budget_line: Mapped[CampaignBudgetLine] = relationship()

    @property
    def total_satang(self) -> int:
        return line_total_satang(self.unit_price_satang, self.quantity)


class DisbursementEvent(HistoryMixin, db.Model):
    """Append-only history of a disbursement: each move with who, when and why."""

    __tablename__ = "disbursement_events"

    disbursement_id: Mapped[int] = mapped_column(sa.ForeignKey("disbursements.id"), index=True)

    disbursement: Mapped[Disbursement] = relationship(back_populates="events")

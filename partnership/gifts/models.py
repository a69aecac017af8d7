"""An offline gift, recorded by staff; voided (a mistake) or returned by hand, never deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..campaigns.models import Campaign


class GiftMethod(LabelledEnum):
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    CASH = "cash"


class GiftState(LabelledEnum):
    RECORDED = "recorded"
    #: Recorded by mistake: a reversing ledger row took it out.
    VOIDED = "voided"
    #: Given back by hand (an all-or-nothing campaign that missed its goal).
    RETURNED = "returned"


LABELS.update(
    {
        GiftMethod: {
            GiftMethod.BANK_TRANSFER: _l("Bank transfer"),
            GiftMethod.CHEQUE: _l("Cheque"),
            GiftMethod.CASH: _l("Cash"),
        },
        GiftState: {
            GiftState.RECORDED: _l("Recorded"),
            GiftState.VOIDED: _l("Voided"),
            GiftState.RETURNED: _l("Returned to the donor"),
        },
    }
)


class OfflineGift(db.Model):
    """Money that reached the foundation outside Stripe, for one campaign."""

    __tablename__ = "offline_gifts"
    __table_args__ = (
        sa.CheckConstraint("amount_satang > 0", name="amount_positive"),
        sa.CheckConstraint(
            "state = 'recorded' OR (reversed_at IS NOT NULL AND reversal_reason <> '')",
            name="reversal_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    method: Mapped[GiftMethod] = mapped_column(enum_type(GiftMethod, "gift_method"))
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: The day the money arrived (Bangkok date, as on the slip).
    received_on: Mapped[date] = mapped_column(sa.Date)
    #: The bank's transaction reference, the cheque number or the cash receipt number.
    reference: Mapped[str] = mapped_column(sa.String(120))
    #: Why staff recorded it although a live gift of the campaign had the same reference.
    duplicate_reason: Mapped[str] = mapped_column(sa.Text, default="")
    donor_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    #: Storage key of the re-encoded slip image, if one was uploaded.
    slip_key: Mapped[str | None] = mapped_column(sa.String(80))
    state: Mapped[GiftState] = mapped_column(
        enum_type(GiftState, "gift_state"), default=GiftState.RECORDED
    )
    reversal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reversed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship()

    @property
    def public_label(self) -> str:
        return "" if self.anonymous else self.donor_name

    def can_view(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)

    can_edit = can_view

"""Campaign updates mailed to donors, and the append-only record of donor data erasures."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import AppendOnly
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..accounts.models import User


class CampaignUpdate(db.Model):
    """A short news item on a campaign, shown on its page and mailed to opted-in donors."""

    __tablename__ = "campaign_updates"
    __table_args__ = (
        sa.CheckConstraint("length(title) > 0", name="has_title"),
        sa.CheckConstraint("recipients >= 0", name="recipients_non_negative"),
        sa.Index("ix_campaign_updates_campaign_id_id", "campaign_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Addresses it was mailed to (one mail per address).
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()
    photos: Mapped[list[CampaignUpdatePhoto]] = relationship(
        back_populates="update", order_by="CampaignUpdatePhoto.id"
    )


class CampaignUpdatePhoto(db.Model):
    """A photo of a campaign update. Public (on the page, linked in the mail) only when the
    school confirmed that the guardians of any child shown agreed (PDPA); otherwise staff and
    the school's staff see it."""

    __tablename__ = "campaign_update_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign_updates.id"), index=True)
    #: The random key of its variants in the store (``update-photos/<key>-<width>.jpg``).
    storage_key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    #: Guardians agreed to children being shown (PDPA consent ticked by the poster).
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    update: Mapped[CampaignUpdate] = relationship(back_populates="photos")


class ErasureReason(LabelledEnum):
    #: The donor asked, through the link in their e-mail.
    DONOR_REQUEST = "donor_request"
    #: ``flask donors purge``: older than TAX_DATA_RETENTION_DAYS.
    RETENTION = "retention"


LABELS[ErasureReason] = {
    ErasureReason.DONOR_REQUEST: _l("Donor's request"),
    ErasureReason.RETENTION: _l("Retention period over"),
}


class DonorErasure(AppendOnly, db.Model):
    """One erasure of donor personal data: when, why, how many rows. No personal data.

    Append-only (``core.history``): the ORM refuses to change or delete a row.
    """

    __tablename__ = "donor_erasures"
    __table_args__ = (
        sa.CheckConstraint("donations >= 0 AND ledger_rows >= 0", name="counts_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[ErasureReason] = mapped_column(enum_type(ErasureReason, "erasure_reason"))
    donations: Mapped[int] = mapped_column(default=0)
    ledger_rows: Mapped[int] = mapped_column(default=0)
    #: Rows the features connected to ``purge_due`` erased (tax data).
    other_rows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

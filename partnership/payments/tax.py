"""What a donor gives for a tax receipt: name, address and Thai id, in a table of its own.

One row per donation, apart from ``donations`` so that the donations table stays lean and the
data can be erased on request without touching the money. The 13-digit id is stored only
encrypted (``core.crypto``, keys ``TAX_ID_KEYS``) with its last four digits for display; it is
never logged, put in a URL, an e-mail or Stripe's metadata.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core import crypto
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from .models import Donation


class DonationTaxInfo(db.Model):
    """The donor's details for the Revenue Department's e-Donation, for one donation."""

    __tablename__ = "donation_tax_info"
    __table_args__ = (sa.CheckConstraint("length(tax_id_last4) = 4", name="last4_has_four_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(500))
    #: The 13-digit id as a Fernet token (MultiFernet of ``TAX_ID_KEYS``); never the id itself.
    tax_id_encrypted: Mapped[str] = mapped_column(sa.Text)
    #: The id's last four digits, the only part ever shown.
    tax_id_last4: Mapped[str] = mapped_column(sa.String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def masked_tax_id(self) -> str:
        """x-xxxx-xxxxx-12-3 style: only the last four digits."""
        last = self.tax_id_last4
        return f"x-xxxx-xxxx{last[0]}-{last[1:3]}-{last[3]}"

    def tax_id(self) -> str:
        """The id in clear, for the staff export only."""
        return crypto.decrypt(self.tax_id_encrypted)

    def __repr__(self) -> str:  # never the id, even in a traceback
        return f"<DonationTaxInfo donation={self.donation_id} id={self.masked_tax_id}>"


def record_tax_info(donation: Donation, *, full_name: str, address: str, tax_id: str) -> None:
    """Keep the donor's tax details with ``tax_id`` (13 checked digits) encrypted; flushes."""
    db.session.add(
        DonationTaxInfo(
            donation_id=donation.id,
            full_name=full_name.strip(),
            address=address.strip(),
            tax_id_encrypted=crypto.encrypt(tax_id),
            tax_id_last4=tax_id[-4:],
        )
    )
    db.session.flush()


def tax_info_for(donation_id: int) -> DonationTaxInfo | None:
    return db.session.scalar(
        sa.select(DonationTaxInfo).where(DonationTaxInfo.donation_id == donation_id)
    )

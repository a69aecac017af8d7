"""What a donor gives for a tax receipt: name, address and Thai id, in a table of its own.

One row per donation, apart from ``donations`` so that the donations table stays lean and the
data can be erased on request without touching the money. The 13-digit id is stored only
encrypted (``core.crypto``, keys ``TAX_ID_KEYS``) with its last four digits for display; it is
never logged, put in a URL, an e-mail or Stripe's metadata.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..core import crypto
from ..extensions import db
from .models import Donation, DonationTaxInfo


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

"""Receipt numbers, given in the transaction that marks a donation paid, and the thank-you.

The number comes from the year's counter row, moved by one ``UPDATE … SET last = last + 1 …
RETURNING last``: the row stays locked until the payment commits, so concurrent payments take
the numbers one after another, and a payment that rolls back gives its number back with it.
There are no gaps and, with the unique (year, number), no duplicates.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from ..db_types import utcnow
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, to_bangkok
from ..money import format_satang
from ..notifications.services import queue_mail
from ..payments.models import Donation
from ..payments.signals import donation_paid
from .links import receipt_link
from .models import Receipt, ReceiptCounter

_COUNTERS = ReceiptCounter.__table__


def buddhist_year(donation: Donation) -> int:
    """The Buddhist-Era year of the payment in Bangkok (2569 for a gift of 2026)."""
    return to_bangkok(donation.paid_at or utcnow()).year + BUDDHIST_ERA_OFFSET


def next_number(year: int) -> int:
    """The year's next receipt number; the counter row stays locked until the commit."""
    bump = (
        sa.update(_COUNTERS)
        .where(_COUNTERS.c.year == year)
        .values(last=_COUNTERS.c.last + 1)
        .returning(_COUNTERS.c.last)
    )
    number = db.session.execute(bump).scalar()
    if number is None:  # the year's first receipt: make the row (once, even in a race)
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        db.session.execute(
            dialect.insert(_COUNTERS).values(year=year, last=0).on_conflict_do_nothing()
        )
        number = db.session.execute(bump).scalar_one()
    return number


def receipt_for(donation_id: int) -> Receipt | None:
    return db.session.scalar(sa.select(Receipt).where(Receipt.donation_id == donation_id))


def assign_receipt(donation: Donation) -> Receipt:
    """The paid donation's receipt, numbered now if it has none yet (flushes)."""
    existing = receipt_for(donation.id)
    if existing is not None:
        return existing
    year = buddhist_year(donation)
    receipt = Receipt(donation_id=donation.id, year=year, number=next_number(year))
    db.session.add(receipt)
    db.session.flush()
    return receipt


def queue_thanks(donation: Donation, receipt: Receipt) -> None:
    """The thank-you e-mail with the receipt link, in the donor's language (queued)."""
    # A bearer link to a PDF with the donor's name and address: a secret, like a reset link.
    link = receipt_link(donation)
    with force_locale(donation.locale or "th"):
        subject = _("Thank you for your gift to %(title)s", title=donation.campaign.title)
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=donation.donor_name or _("donor")),
                _(
                    "Thank you for your gift of %(amount)s to %(title)s. It has arrived and "
                    "counts towards the project.",
                    amount=format_satang(donation.amount_satang),
                    title=donation.campaign.title,
                ),
                _(
                    "Your receipt number is %(number)s. Download the receipt (PDF) here:",
                    number=receipt.label,
                ),
                link,
                _(
                    "The link works for %(days)d days. Please keep the receipt for your records.",
                    days=max(1, current_app.config["RECEIPT_LINK_MAX_AGE"] // 86400),
                ),
            ]
        )
    queue_mail(donation.email, subject, body, topic="donation-thanks", secrets=[link])


@donation_paid.connect
def number_and_thank(donation: Donation, **extra) -> None:
    """On payment, in its transaction: the receipt number and the queued thank-you (a gift
    recorded without an e-mail address, such as an offline one, is numbered only)."""
    receipt = assign_receipt(donation)
    if donation.email:
        queue_thanks(donation, receipt)

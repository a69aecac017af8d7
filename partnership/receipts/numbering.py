"""Receipt numbers and the thank-you.

A paid gift is numbered after its payment commits, in paid order, by one claimer
(``receipts.claims``). The number comes from the year's counter row, moved by one ``UPDATE …
SET last = last + n … RETURNING last``: the row stays locked until the claimer commits, so
claimers (and replacements, below) take the numbers one after another, and one that rolls back
gives its numbers back with it. There are no gaps and, with the unique (year, number), no
duplicates.

A receipt is never changed. When money of a gift is returned (``donation_returned``: a refund,
a dispute, or money that came back), the standing receipt is cancelled and, if something was
kept, a new receipt for what was kept takes the next number of the year it is issued in; the
cancelled one points to it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from ..core.transitions import compare_and_set
from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, to_bangkok
from ..money import format_satang
from ..notifications.services import queue_mail
from ..payments.models import Donation
from .links import receipt_link
from .models import Receipt, ReceiptCounter

_COUNTERS = ReceiptCounter.__table__


def buddhist_year(donation: Donation) -> int:
    """The Buddhist-Era year of the payment in Bangkok (2569 for a gift of 2026)."""
    return to_bangkok(donation.paid_at or utcnow()).year + BUDDHIST_ERA_OFFSET


def next_number(year: int) -> int:
    """The year's next receipt number; the counter row stays locked until the commit."""
    return take_numbers(year, 1)


def take_numbers(year: int, count: int) -> int:
    """Take the year's next ``count`` numbers; the last of them (the counter row stays locked
    until the commit, so the numbers of concurrent transactions never interleave)."""
    bump = (
        sa.update(_COUNTERS)
        .where(_COUNTERS.c.year == year)
        .values(last=_COUNTERS.c.last + count)
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
    """The donation's latest receipt: the one that stands, or the last one cancelled."""
    return db.session.scalar(
        sa.select(Receipt)
        .where(Receipt.donation_id == donation_id)
        .order_by(Receipt.id.desc())
        .limit(1)
    )


def replaced_receipt(receipt: Receipt) -> Receipt | None:
    """The cancelled receipt that ``receipt`` replaces, if any."""
    return db.session.scalar(sa.select(Receipt).where(Receipt.replaced_by_id == receipt.id))


def kept_satang(donation: Donation) -> int:
    """What the foundation keeps of the gift: paid less refunded and disputed."""
    return donation.amount_satang - donation.refunded_satang - donation.disputed_satang


def assign_receipt(donation: Donation) -> Receipt:
    """The paid donation's receipt, numbered now if it has none yet (flushes)."""
    existing = receipt_for(donation.id)
    if existing is not None:
        return existing
    year = buddhist_year(donation)
    receipt = Receipt(
        donation_id=donation.id,
        year=year,
        number=next_number(year),
        amount_satang=donation.amount_satang,
    )
    db.session.add(receipt)
    db.session.flush()
    return receipt


def follow_returned_money(donation: Donation) -> Receipt | None:
    """Bring the donation's receipts to what it keeps (flushes): the standing receipt is
    cancelled when it says another amount, and a new one is numbered for what is kept, if
    anything. The caller holds the donation's row lock. Returns the standing receipt."""
    current = receipt_for(donation.id)
    if current is None:  # never numbered: nothing was acknowledged
        return None
    kept = kept_satang(donation)
    if not current.cancelled and current.amount_satang == kept:
        return current
    if current.cancelled and kept <= 0:
        return None
    now = utcnow()
    if not current.cancelled:
        _set_once(current, cancelled_at=now)
    if kept <= 0:
        return None
    year = to_bangkok(now).year + BUDDHIST_ERA_OFFSET
    replacement = Receipt(
        donation_id=donation.id, year=year, number=next_number(year), amount_satang=kept
    )
    db.session.add(replacement)
    db.session.flush()
    if current.replaced_by_id is None:
        _set_once(current, replaced_by_id=replacement.id)
    return replacement


def _set_once(receipt: Receipt, **values) -> None:
    """``UPDATE receipts SET column = value WHERE id = … AND column IS NULL``: a receipt's
    cancellation and its replacement are written once, never overwritten."""
    compare_and_set(receipt, expected=dict.fromkeys(values), values=values)


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
                *_trail_lines(donation),
            ]
        )
    queue_mail(donation.email, subject, body, topic="donation-thanks", secrets=[link])


#: The endpoint of the campaign's public trail (the devices feature, a layer above receipts).
TRAIL_ENDPOINT = "devices.trail"


def _trail_lines(donation: Donation) -> list[str]:
    """Where the donor follows the gift to the classroom, when the app serves the trail.

    Named by its endpoint, not imported: the page belongs to a feature above receipts, and
    the line is left out when that feature is not installed."""
    if TRAIL_ENDPOINT not in current_app.view_functions:
        return []
    return [
        _("Follow your gift: what was bought and where the devices are:"),
        external_url(TRAIL_ENDPOINT, campaign_id=donation.campaign_id),
    ]


def send_fresh_link(donation: Donation | None, email: str) -> bool:
    """Queue a new receipt link (valid ``RECEIPT_LINK_MAX_AGE`` from now) to the gift's own
    address, only if ``email`` is that address and the gift has a receipt. The caller answers
    the same whatever this returns."""
    if donation is None or not donation.is_paid or not donation.email:
        return False
    if donation.email.strip().lower() != email.strip().lower():
        return False
    receipt = receipt_for(donation.id)
    if receipt is None:
        return False
    link = receipt_link(donation)
    with force_locale(donation.locale or "th"):
        subject = _("A new link to your receipt %(number)s", number=receipt.label)
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=donation.donor_name or _("donor")),
                _(
                    "You asked for a new link to the receipt of your gift of %(amount)s to "
                    "%(title)s. Download the receipt (PDF) here:",
                    amount=format_satang(donation.amount_satang),
                    title=donation.campaign.title,
                ),
                link,
                _(
                    "The link works for %(days)d days. Please keep the receipt for your records.",
                    days=max(1, current_app.config["RECEIPT_LINK_MAX_AGE"] // 86400),
                ),
            ]
        )
    queue_mail(donation.email, subject, body, topic="receipt-link", secrets=[link])
    return True


def follow_returned_donation(donation: Donation, **extra) -> None:
    """Money left the gift or came back, in that transaction: its receipt follows."""
    follow_returned_money(donation)

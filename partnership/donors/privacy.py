"""Donor privacy (Thailand's PDPA): a link in every donor e-mail to erase one's personal data,
and ``flask donors purge`` after the retention period.

The link carries a signed, expiring token (itsdangerous, ``DONOR_LINK_MAX_AGE``) of the
donation's random token, never its id. Erasure removes the name, e-mail address and message
from every donation made with the same address; the amounts stay, shown as "anonymous donor",
and so do the ledger rows, whose public label is blanked (``ledger.services.erase_labels``).
Each erasure appends a ``DonorErasure`` row: when, why, how many rows; no personal data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..campaigns.pages import page_changed
from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db
from ..gifts.models import OfflineGift
from ..ledger.services import erase_labels
from ..notifications.services import forget_recipient
from ..payments.donations import lock_donation
from ..payments.event_privacy import events_naming, scrub_events
from ..payments.models import Donation, DonationTaxInfo, StripeEvent
from .models import DonorErasure, ErasureReason

#: Mail topics written to donors: each gets the privacy footer.
DONOR_TOPIC_PREFIXES = ("donor", "donation", "receipt", "campaign_update")


class LinkInvalid(Exception):
    """The privacy link was tampered with, has expired or names no donation."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="donor-privacy")


def privacy_token(donation: Donation) -> str:
    return _serializer().dumps(donation.token)


def privacy_url(donation: Donation) -> str:
    return external_url("donors.privacy", token=privacy_token(donation))


def donation_for_token(token: str) -> Donation:
    """The donation the link was made for; LinkInvalid if it is forged, expired or erased."""
    try:
        donation_token = _serializer().loads(
            token, max_age=current_app.config["DONOR_LINK_MAX_AGE"]
        )
    except SignatureExpired:
        raise LinkInvalid("expired") from None
    except BadSignature:
        raise LinkInvalid("bad signature") from None
    if not isinstance(donation_token, str):
        raise LinkInvalid("bad payload")
    donation = db.session.scalar(sa.select(Donation).where(Donation.token == donation_token))
    if donation is None:
        raise LinkInvalid("no donation")
    return donation


def donor_footer(donation: Donation) -> tuple[str, list[str]]:
    """The privacy footer of a donor e-mail and its secret (the link), for ``queue_mail``."""
    url = privacy_url(donation)
    text = _(
        "You receive this because you gave to a campaign. To have your name, e-mail address "
        "and message removed from our records (your gift stays, as an anonymous donor), open: "
        "%(url)s",
        url=url,
    )
    return text, [url]


def donor_topic_footer(topic: str, to: str) -> tuple[str, list[str]] | None:
    """Every mail of a donor topic gets the footer of the donor's latest gift."""
    if not topic.startswith(DONOR_TOPIC_PREFIXES) or not to:
        return None
    donation = db.session.scalar(
        sa.select(Donation)
        .where(sa.func.lower(Donation.email) == to.strip().lower())
        .order_by(Donation.id.desc())
        .limit(1)
    )
    if donation is None:
        return None
    with force_locale(donation.locale or "th"):
        return donor_footer(donation)


def donations_of(donation: Donation) -> list[Donation]:
    """Every donation made with this donation's e-mail address (case-insensitive)."""
    if not donation.email:
        return []
    return list(
        db.session.scalars(
            sa.select(Donation)
            .where(sa.func.lower(Donation.email) == donation.email.strip().lower())
            .order_by(Donation.id)
        )
    )


def _sources_of(donation: Donation) -> set[str]:
    """The ledger sources of this donation's rows: its Stripe events (a payment proved by a
    refund or dispute is ``<event>:paid``) and the demo's."""
    events = db.session.scalars(
        sa.select(StripeEvent.event_id).where(StripeEvent.donation_id == donation.id)
    ).all()
    return {*events, *(f"{e}:paid" for e in events), f"demo:{donation.token}"}


def _erase(donations: list[Donation]) -> tuple[int, int]:
    """Erase these donations' personal data and their ledger labels (flushed)."""
    erased = ledger_rows = 0
    for donation in sorted(donations, key=lambda d: d.id):
        donation = lock_donation(donation.id)  # a webhook writing its label waits, or went first
        if donation.anonymous and not donation.donor_name and not donation.email:
            continue
        forget_recipient(donation.email, DONOR_TOPIC_PREFIXES)  # the mail log's copies too
        label = "" if donation.anonymous else donation.donor_name
        ledger_rows += erase_labels(donation.campaign_id, _sources_of(donation), label)
        db.session.execute(
            sa.update(Donation)
            .where(Donation.id == donation.id)
            .values(donor_name="", email="", message="", anonymous=True)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(donation)
        page_changed(donation.campaign_id)  # its wall: the name and message leave at once
        erased += 1
    return erased, ledger_rows


def _erase_offline_gifts(gifts: list[OfflineGift]) -> tuple[int, int]:
    """The same for gifts staff recorded by hand (their ledger rows are ``offline:<id>``)."""
    erased = ledger_rows = 0
    for gift in gifts:
        label = "" if gift.anonymous else gift.donor_name
        ledger_rows += erase_labels(gift.campaign_id, {f"offline:{gift.id}"}, label)
        result = db.session.execute(
            sa.update(OfflineGift)
            .where(OfflineGift.id == gift.id, OfflineGift.donor_name == gift.donor_name)
            .values(donor_name="", email="", anonymous=True)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(gift)
        if result.rowcount:
            page_changed(gift.campaign_id)
        erased += result.rowcount
    return erased, ledger_rows


def offline_gifts_of(email: str) -> list[OfflineGift]:
    """Gifts recorded by staff with this e-mail address (case-insensitive)."""
    if not email.strip():
        return []
    return list(
        db.session.scalars(
            sa.select(OfflineGift)
            .where(sa.func.lower(OfflineGift.email) == email.strip().lower())
            .order_by(OfflineGift.id)
            .with_for_update()
        )
    )


def erase_donor(donation: Donation) -> DonorErasure | None:
    """The donor's request: erase every donation made with this donation's e-mail address,
    online or recorded by staff.

    None when a simultaneous request erased them first (each row is locked, then checked)."""
    email = donation.email
    gifts = offline_gifts_of(email)
    donations = donations_of(donation)
    erased, ledger_rows = _erase(donations)
    if not erased:
        return None
    erased_gifts, gift_rows = _erase_offline_gifts(gifts)
    erased, ledger_rows = erased + erased_gifts, ledger_rows + gift_rows
    if not erased:
        return None
    # What Stripe told us of the payer, in the events kept for staff.
    events = scrub_events(events_naming(email, [d.id for d in donations]))
    record = DonorErasure(
        reason=ErasureReason.DONOR_REQUEST,
        donations=erased,
        ledger_rows=ledger_rows,
        other_rows=events,
    )
    db.session.add(record)
    db.session.flush()
    return record


def retention_cutoff(now: datetime | None = None) -> datetime:
    days = current_app.config["TAX_DATA_RETENTION_DAYS"]
    return (now or utcnow()) - timedelta(days=days)


def purge(cutoff: datetime) -> DonorErasure:
    """Erase donor data of gifts made before ``cutoff``: donations, offline gifts, the tax
    details kept for e-Donation and the payer's details in Stripe events received before it."""
    old = list(
        db.session.scalars(
            sa.select(Donation)
            .where(Donation.created_at < cutoff, Donation.email != "")
            .order_by(Donation.id)
        )
    )
    erased, ledger_rows = _erase(old)
    old_gifts = db.session.scalars(
        sa.select(OfflineGift)
        .where(OfflineGift.created_at < cutoff, OfflineGift.donor_name != "")
        .order_by(OfflineGift.id)
        .with_for_update()
    ).all()
    erased_gifts, gift_rows = _erase_offline_gifts(list(old_gifts))
    erased, ledger_rows = erased + erased_gifts, ledger_rows + gift_rows
    # The tax details for e-Donation: kept as long as the law asks, then gone.
    tax_rows = db.session.execute(
        sa.delete(DonationTaxInfo).where(
            DonationTaxInfo.donation_id.in_(
                sa.select(Donation.id).where(Donation.created_at < cutoff)
            )
        )
    ).rowcount
    # The payer's details in the Stripe events kept for staff: ids and amounts stay.
    other = tax_rows + scrub_events(StripeEvent.received_at < cutoff)
    record = DonorErasure(
        reason=ErasureReason.RETENTION, donations=erased, ledger_rows=ledger_rows, other_rows=other
    )
    db.session.add(record)
    db.session.flush()
    return record

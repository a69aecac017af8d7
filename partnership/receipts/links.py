"""The receipt link in the thank-you e-mail: a signed, expiring token, never a database id.

It carries the donation's random token (itsdangerous, the app's SECRET_KEY and a salt of its
own), so it cannot be guessed, changed or used for anything else, and stops working after
``RECEIPT_LINK_MAX_AGE`` seconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db
from ..payments.models import Donation

SALT = "partnership.receipts.link"
#: Longer than any link we make; anything longer is refused before it is read.
MAX_LENGTH = 200


class LinkExpired(Exception):
    """The link was genuine but is older than ``RECEIPT_LINK_MAX_AGE``."""


def _serializer(issued_at: datetime | None = None) -> URLSafeTimedSerializer:
    if issued_at is None:
        return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)
    stamp = int(issued_at.timestamp())

    class _IssuedAt(TimestampSigner):
        def get_timestamp(self) -> int:
            return stamp

    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT, signer=_IssuedAt)


def receipt_link(donation: Donation, issued_at: datetime | None = None) -> str:
    """The absolute receipt URL for ``donation`` (on BASE_URL), valid for
    ``RECEIPT_LINK_MAX_AGE`` from ``issued_at`` (default: now)."""
    signed = _serializer(issued_at).dumps(donation.token)
    return external_url("receipts.receipt", signed=signed)


def link_window_open(donation: Donation, now: datetime | None = None) -> bool:
    """Whether the thank-you e-mail's link (sent when the gift was paid) still works: the
    thank-you page offers the receipt only as long (its link expires with the e-mail's)."""
    if donation.paid_at is None:
        return False
    max_age = timedelta(seconds=current_app.config["RECEIPT_LINK_MAX_AGE"])
    return donation.paid_at + max_age > (now or utcnow())


def donation_of_expired_link(signed: str) -> Donation | None:
    """The donation an expired (but genuine) link names, to mail its donor a fresh one; None
    when the link is not ours."""
    if len(signed) > MAX_LENGTH:
        return None
    try:
        token = _serializer().loads(signed)  # the signature, not its age
    except BadSignature:
        return None
    if not isinstance(token, str):
        return None
    return db.session.scalar(sa.select(Donation).where(Donation.token == token))


def donation_from_link(signed: str) -> Donation | None:
    """The donation the link names; None when it is not ours. Raises LinkExpired."""
    if len(signed) > MAX_LENGTH:
        return None
    try:
        token = _serializer().loads(signed, max_age=current_app.config["RECEIPT_LINK_MAX_AGE"])
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        return None
    if not isinstance(token, str):
        return None
    return db.session.scalar(sa.select(Donation).where(Donation.token == token))

"""The receipt link in the thank-you e-mail: a signed, expiring token, never a database id.

It carries the donation's random token (itsdangerous, the app's SECRET_KEY and a salt of its
own), so it cannot be guessed, changed or used for anything else, and stops working after
``RECEIPT_LINK_MAX_AGE`` seconds.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core.urls import external_url
from ..extensions import db
from ..payments.models import Donation

SALT = "partnership.receipts.link"
#: Longer than any link we make; anything longer is refused before it is read.
MAX_LENGTH = 200


class LinkExpired(Exception):
    """The link was genuine but is older than ``RECEIPT_LINK_MAX_AGE``."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def receipt_link(donation: Donation) -> str:
    """The absolute receipt URL for ``donation`` (on BASE_URL), valid from now."""
    signed = _serializer().dumps(donation.token)
    return external_url("receipts.receipt", signed=signed)


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

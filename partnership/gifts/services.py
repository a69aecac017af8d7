"""Recording, voiding or returning an offline gift: each a ledger row, never a delete."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from ..applications.storage import get_storage, new_key, sniff_type
from ..applications.uploads import RefusedFile, checked_content
from ..campaigns.models import Campaign
from ..campaigns.services import record_money
from ..core.transitions import move
from ..db_types import utcnow
from ..extensions import db
from ..ledger.models import LedgerKind
from .models import GiftMethod, GiftState, OfflineGift
from .signals import gift_recorded, gift_reversed

G = GiftState

#: A recorded gift is voided (a mistake) or returned by hand; both are final.
TRANSITIONS: dict[GiftState, frozenset[GiftState]] = {
    G.RECORDED: frozenset({G.VOIDED, G.RETURNED}),
    G.VOIDED: frozenset(),
    G.RETURNED: frozenset(),
}

#: Slip images only (a photo or a screenshot of the bank's slip).
SLIP_TYPES = frozenset({"image/jpeg", "image/png"})


class IllegalGiftTransition(Exception):
    def __init__(self, from_state: GiftState, to_state: GiftState):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"offline gift cannot go from {from_state} to {to_state}")


class SlipRefused(ValueError):
    """The slip is not a JPEG or PNG image that decodes; the message is for staff."""


def store_slip(data: bytes) -> str:
    """Decode and re-encode the slip image (no metadata kept) and store it; its key."""
    content_type = sniff_type(data[:16])
    if content_type not in SLIP_TYPES:
        raise SlipRefused(_l("The slip must be a JPEG or PNG image."))
    try:
        stored = checked_content(data, content_type, "slip")
    except RefusedFile as error:
        raise SlipRefused(str(error)) from error
    key = new_key(content_type)
    get_storage().save(key, stored, content_type)
    return key


def record_gift(
    campaign: Campaign,
    *,
    method: GiftMethod,
    amount_satang: int,
    received_on: date,
    reference: str,
    donor_name: str,
    email: str = "",
    anonymous: bool = False,
    slip_key: str | None = None,
    actor=None,
) -> OfflineGift:
    """The gift, its ledger row and the campaign's counters (flushed); matches follow by signal."""
    gift = OfflineGift(
        campaign_id=campaign.id,
        method=method,
        amount_satang=amount_satang,
        received_on=received_on,
        reference=reference.strip(),
        donor_name=donor_name.strip(),
        email=email.strip(),
        anonymous=anonymous,
        slip_key=slip_key,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(gift)
    db.session.flush()
    record_money(
        campaign.id,
        amount_satang=amount_satang,
        kind=LedgerKind.OFFLINE_GIFT,
        source=f"offline:{gift.id}",
        public_label=gift.public_label,
    )
    gift_recorded.send(gift)
    return gift


def reverse_gift(gift: OfflineGift, to_state: GiftState, *, reason: str, actor=None) -> None:
    """recorded → voided or returned, once: a reversing ledger row takes the money out."""
    move(
        gift,
        to_state,
        allowed=TRANSITIONS,
        illegal=IllegalGiftTransition,
        values={
            "reversal_reason": reason.strip(),
            "reversed_at": utcnow(),
            "reversed_by_id": getattr(actor, "id", None),
        },
    )
    record_money(
        gift.campaign_id,
        amount_satang=-gift.amount_satang,
        kind=LedgerKind.OFFLINE_GIFT_REVERSED,
        source=f"offline:{gift.id}",
        public_label="",  # money going back names nobody
    )
    gift_reversed.send(gift)

"""Recording, voiding or returning an offline gift: each a ledger row, never a delete."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..campaigns.models import Campaign
from ..campaigns.services import record_money
from ..core.storage import new_key, save_file
from ..core.transitions import TransitionRefused, hold_row, move
from ..core.unit_of_work import Refused
from ..core.uploads import IMAGE_TYPES, RefusedFile, checked_content, sniff_type
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
SLIP_TYPES = IMAGE_TYPES


class IllegalGiftTransition(TransitionRefused):
    message = _l("This gift was already voided or returned.")

    def __init__(self, from_state: GiftState, to_state: GiftState):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"offline gift cannot go from {from_state} to {to_state}")


class DuplicateReference(Refused):
    """The reference is already on live gifts of the campaign, and no reason was given."""

    def __init__(self, gifts: list[OfflineGift]):
        self.gifts = gifts
        super().__init__(f"reference already on gifts {[g.id for g in gifts]}")


def reference_key(reference: str) -> str:
    """A reference as compared: no spaces, lower case ("KBank 123 4" = "kbank1234")."""
    return "".join(reference.split()).lower()


def gifts_with_reference(campaign_id: int, reference: str) -> list[OfflineGift]:
    """The live (recorded) gifts of the campaign whose reference is ``reference``, normalised."""
    stored = sa.func.lower(sa.func.replace(OfflineGift.reference, " ", ""))
    return list(
        db.session.scalars(
            sa.select(OfflineGift)
            .where(
                OfflineGift.campaign_id == campaign_id,
                OfflineGift.state == GiftState.RECORDED,
                stored == reference_key(reference),
            )
            .order_by(OfflineGift.id)
        )
    )


class SlipRefused(Refused, ValueError):
    """The slip is not a JPEG or PNG image that decodes; the message is for staff."""


def store_slip(data: bytes) -> str:
    """Decode and re-encode the slip image (no metadata kept) and store it; its key.

    The file goes with the transaction: if the gift is not recorded (a duplicate reference,
    any error), the slip is removed again."""
    content_type = sniff_type(data[:16])
    if content_type not in SLIP_TYPES:
        raise SlipRefused(_l("The slip must be a JPEG or PNG image."))
    try:
        stored = checked_content(data, content_type, "slip")
    except RefusedFile as error:
        raise SlipRefused(str(error)) from error
    key = new_key(content_type)
    save_file(key, stored, content_type)
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
    duplicate_reason: str = "",
    actor=None,
) -> OfflineGift:
    """The gift, its ledger row and the campaign's counters (flushed); matches follow by signal.

    A reference already on a live gift of the campaign raises ``DuplicateReference`` unless
    ``duplicate_reason`` says why this is another gift (the same money counted twice would
    swell the public total). The campaign row is held while checking, so two staff recording
    the same slip at once do not both pass.
    """
    hold_row(Campaign, campaign.id)
    duplicate_reason = duplicate_reason.strip()
    if not duplicate_reason and (earlier := gifts_with_reference(campaign.id, reference)):
        raise DuplicateReference(earlier)
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
        duplicate_reason=duplicate_reason,
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

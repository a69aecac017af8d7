"""Where matching listens: paid and returned donations, recorded and reversed offline gifts."""

from __future__ import annotations

from ..gifts.signals import gift_recorded, gift_reversed
from ..ledger.services import register_check
from ..payments.signals import donation_paid, donation_returned
from . import draws


@donation_paid.connect
def match_paid_donation(donation, **extra) -> None:
    draws.draw_for_gift(
        donation.campaign_id, base_satang=donation.amount_satang, donation_id=donation.id
    )


@donation_returned.connect
def follow_returned_donation(donation, source: str = "", **extra) -> None:
    draws.follow_donation(donation, source)


@gift_recorded.connect
def match_offline_gift(gift, **extra) -> None:
    draws.draw_for_gift(gift.campaign_id, base_satang=gift.amount_satang, offline_gift_id=gift.id)


@gift_reversed.connect
def release_offline_gift(gift, **extra) -> None:
    draws.release_gift(gift.id, f"{gift.state.value}:{gift.id}")


register_check("match pools", draws.check_pools)
register_check("campaign matches", draws.check_campaign_matches)

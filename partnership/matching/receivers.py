"""Where matching listens: paid and returned donations, recorded and reversed offline gifts.

Connected by ``matching.init_app`` (not on import), so every app the factory builds, a worker's
or a command's too, draws on paid gifts in the transaction that took the money.
"""

from __future__ import annotations

from . import draws


def match_paid_donation(donation, **extra) -> None:
    draws.draw_for_gift(
        donation.campaign_id, base_satang=donation.amount_satang, donation_id=donation.id
    )


def follow_returned_donation(donation, source: str = "", **extra) -> None:
    draws.follow_donation(donation, source)


def match_offline_gift(gift, **extra) -> None:
    draws.draw_for_gift(gift.campaign_id, base_satang=gift.amount_satang, offline_gift_id=gift.id)


def release_offline_gift(gift, **extra) -> None:
    draws.release_gift(gift.id, f"{gift.state.value}:{gift.id}")

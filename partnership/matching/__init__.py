"""Matching funds: sponsors' pledges (pools with a ratio, caps, scope and dates) and their draws."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Pledge pages; a draw on the pools for every paid donation and recorded offline gift (and
    its release when the money goes back), in the transaction that moved the money; what
    matching adds to the campaign, give, thank-you and organisation pages; the pools' checks in
    ``flask ledger verify``."""
    from ..campaigns.hooks import add_page_probe, campaign_page
    from ..gifts.signals import gift_recorded, gift_reversed
    from ..ledger.services import register_check
    from ..payments.hooks import give_page, thanks_page
    from ..payments.signals import donation_paid, donation_returned
    from ..registry.hooks import organisation_page
    from . import draws, hooks, receivers
    from .views import bp

    app.register_blueprint(bp)
    donation_paid.connect(receivers.match_paid_donation)
    donation_returned.connect(receivers.follow_returned_donation)
    gift_recorded.connect(receivers.match_offline_gift)
    gift_reversed.connect(receivers.release_offline_gift)
    campaign_page.connect(hooks.match_offers)
    add_page_probe("matching", draws.covers_campaign)
    give_page.connect(hooks.give_form_matching)
    thanks_page.connect(hooks.gift_matched)
    organisation_page.connect(hooks.sponsor_pledges)
    register_check("match pools", draws.check_pools)

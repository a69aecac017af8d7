"""Campaign updates: posted by staff or the school's staff, mailed to opted-in paid donors."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..campaigns.models import Campaign, CampaignState
from ..campaigns.pages import page_changed
from ..core.urls import external_url
from ..extensions import db
from ..notifications.services import queue_mail
from ..payments.models import Donation, DonationState
from .models import CampaignUpdate

#: Donors in these states hear the news: the money arrived and was not all given back.
UPDATE_STATES = (DonationState.PAID, DonationState.PARTIALLY_REFUNDED)


def can_post_update(campaign: Campaign, user) -> bool:
    """Programme staff, or the staff of the campaign's school, on a campaign the public sees."""
    if not user.is_authenticated or campaign.state == CampaignState.DRAFT:
        return False
    return bool(user.is_staff or user.is_school_staff_of(campaign.school_id))


def updates_of(campaign_id: int, limit: int = 20) -> list[CampaignUpdate]:
    """The newest updates first."""
    return list(
        db.session.scalars(
            sa.select(CampaignUpdate)
            .where(CampaignUpdate.campaign_id == campaign_id)
            .order_by(CampaignUpdate.id.desc())
            .limit(limit)
        )
    )


def recipients(campaign_id: int) -> list[tuple[str, str]]:
    """(address, language) of each opted-in paid donor, once per address (its latest gift)."""
    rows = db.session.execute(
        sa.select(Donation.email, Donation.locale)
        .where(
            Donation.campaign_id == campaign_id,
            Donation.wants_updates.is_(True),
            Donation.state.in_(UPDATE_STATES),
            Donation.email != "",
        )
        .order_by(Donation.id.desc())
    )
    seen: dict[str, tuple[str, str]] = {}
    for email, locale in rows:
        seen.setdefault(email.strip().lower(), (email.strip(), locale or "th"))
    return list(seen.values())


def post_update(campaign: Campaign, *, title: str, body: str, author) -> CampaignUpdate:
    """Add the update and queue one mail per opted-in donor address (flushed)."""
    update = CampaignUpdate(
        campaign_id=campaign.id,
        title=title.strip(),
        body=body.strip(),
        author_id=author.id if author is not None else None,
    )
    db.session.add(update)
    page_changed(campaign.id)
    db.session.flush()
    link = external_url("campaigns.campaign", campaign_id=campaign.id, _anchor="updates")
    addresses = recipients(campaign.id)
    for address, locale in addresses:
        with force_locale(locale):
            subject = _(
                "News from %(campaign)s: %(title)s", campaign=campaign.title, title=update.title
            )
            text = _(
                "%(body)s\n\nRead it on the campaign page: %(link)s\n\n"
                "You receive this because you asked for news of this project when you gave.",
                body=update.body,
                link=link,
            )
            queue_mail(address, subject[:300], text, topic="campaign_update")
    update.recipients = len(addresses)
    db.session.flush()
    return update

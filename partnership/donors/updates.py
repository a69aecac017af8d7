"""Campaign updates: posted by staff or the school's staff, mailed to opted-in paid donors."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..campaigns.models import Campaign, CampaignState
from ..campaigns.pages import page_changed
from ..campaigns.photos import WIDTHS, store_sized
from ..core.urls import external_url
from ..extensions import db
from ..notifications.services import queue_mail
from ..payments.models import Donation, DonationState
from .models import CampaignUpdate, CampaignUpdatePhoto

#: The update photos' folder in the file store.
PHOTO_FOLDER = "update-photos"

#: Donors in these states hear the news: the money arrived and was not all given back.
UPDATE_STATES = (DonationState.PAID, DonationState.PARTIALLY_REFUNDED)


def can_see_private_photos(campaign: Campaign, user) -> bool:
    """Photos without the PDPA confirmation: programme staff and the school's staff."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_school_staff_of(campaign.school_id))
    )


def can_post_update(campaign: Campaign, user) -> bool:
    """Programme staff, or the staff of the campaign's school, on a campaign the public sees."""
    if not user.is_authenticated or campaign.state == CampaignState.DRAFT:
        return False
    return bool(user.is_staff or user.is_school_staff_of(campaign.school_id))


@cache
def _newest_updates() -> sa.Select:
    """A campaign's updates, newest first, with their photos: built once (the campaign page
    asks on every visit), the campaign and the limit bound when it runs."""
    return (
        sa.select(CampaignUpdate)
        .where(CampaignUpdate.campaign_id == sa.bindparam("campaign_id"))
        .options(selectinload(CampaignUpdate.photos))
        .order_by(CampaignUpdate.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


def has_updates() -> sa.Exists:
    """Whether the campaign of the enclosing statement has an update (a page probe)."""
    return sa.exists().where(CampaignUpdate.campaign_id == Campaign.id)


def updates_of(campaign_id: int, limit: int = 20) -> list[CampaignUpdate]:
    """The newest updates first."""
    values = {"campaign_id": campaign_id, "limit": limit}
    return list(db.session.scalars(_newest_updates(), values))


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


def post_update(
    campaign: Campaign,
    *,
    title: str,
    body: str,
    author,
    photos: list[bytes] = (),
    public_photos: bool = False,
) -> CampaignUpdate:
    """Add the update with its photos and queue one mail per opted-in donor address (flushed).

    Photos are public (on the page, linked in the mail) only when ``public_photos``: the poster
    confirmed that the guardians of any child shown agreed (PDPA). The others are kept for
    staff and the school's staff, and the mail does not mention them.
    """
    update = CampaignUpdate(
        campaign_id=campaign.id,
        title=title.strip(),
        body=body.strip(),
        author_id=author.id if author is not None else None,
    )
    db.session.add(update)
    db.session.flush()
    stored = []
    for data in photos:
        key, width, height = store_sized(data, PHOTO_FOLDER)
        stored.append(
            CampaignUpdatePhoto(
                update_id=update.id,
                storage_key=key,
                width=width,
                height=height,
                public=public_photos,
            )
        )
    db.session.add_all(stored)
    page_changed(campaign.id)
    db.session.flush()
    link = external_url("campaigns.campaign", campaign_id=campaign.id, _anchor="updates")
    photo_links = [
        external_url("donors.update_photo", key=photo.storage_key, width=WIDTHS[-1])
        for photo in stored
        if photo.public
    ]
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
            if photo_links:
                text += "\n\n" + _("Photos:") + "\n" + "\n".join(photo_links)
            queue_mail(address, subject[:300], text, topic="campaign_update")
    update.recipients = len(addresses)
    db.session.flush()
    return update

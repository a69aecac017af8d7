"""Campaign photos: checked by the one image validator, resized to a few widths, each width
stored in the file store under the photo's random key."""

from __future__ import annotations

import io
import re
import secrets

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.storage import (
    MissingFile,
    delete_file_after_commit,
    load_file,
    save_file,
    send_private,
    send_public,
)
from ..core.transitions import lock_row
from ..core.unit_of_work import Refused
from ..core.uploads import IMAGE_TYPES, RefusedFile, open_image, sniff_type
from ..extensions import db
from .models import Campaign, CampaignPhoto
from .pages import page_changed

#: Widths of the stored variants; the page picks one with ``srcset``.
WIDTHS = (480, 960)
MAX_PHOTOS = 12
#: The variants' folder in the store (with local storage the same folder below the uploads as
#: before the store served photos: the photos stored then keep their keys and show as they did).
FOLDER = "campaign-photos"
#: A photo's key never changes its bytes, so browsers and proxies may keep a copy for 30 days.
MAX_AGE = 30 * 86400
_PHOTO_KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class PhotoRejected(Refused):
    """Not a photo we can use; the message is shown next to the field."""


def is_photo_key(key: str) -> bool:
    return bool(_PHOTO_KEY_RE.match(key))


def variant_key(key: str, width: int) -> str:
    """Where the ``width`` variant of the campaign photo with ``key`` lives in the store."""
    return sized_key(FOLDER, key, width)


def store_sized(data: bytes, folder: str = FOLDER) -> tuple[str, int, int]:
    """Check a photo with the one image validator and store its variants (JPEG, metadata
    stripped, one per width in :data:`WIDTHS`) in ``folder`` with the transaction; returns
    (key, width, height) of the largest variant. Campaign photos, milestone photos and update
    photos all go through here."""
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise PhotoRejected(_l("The photo is too large."))
    content_type = sniff_type(data[:16])
    if content_type not in IMAGE_TYPES:
        raise PhotoRejected(_l("Only JPEG and PNG photos are accepted."))
    try:
        image = open_image(data, content_type, _("The photo")).convert("RGB")
    except RefusedFile as error:
        raise PhotoRejected(str(error)) from error
    key = secrets.token_hex(16)
    largest = (image.width, image.height)
    for width in WIDTHS:
        variant = image.copy()
        if variant.width > width:
            variant.thumbnail((width, width * 4))
        out = io.BytesIO()
        variant.save(out, "JPEG", quality=80, optimize=True)
        # Each variant goes with the transaction: a rollback removes what was stored.
        save_file(sized_key(folder, key, width), out.getvalue(), "image/jpeg")
        largest = variant.size
    return key, largest[0], largest[1]


def sized_key(folder: str, key: str, width: int) -> str:
    """Where the ``width`` variant of the photo with ``key`` lives in the store's ``folder``."""
    return f"{folder}/{key}-{width}.jpg"


def add_photo(campaign: Campaign, data: bytes, caption: str = "") -> CampaignPhoto:
    """Store the resized variants (metadata stripped) and the photo's row (flushed)."""
    if len(campaign.photos) >= MAX_PHOTOS:
        raise PhotoRejected(_l("A campaign has at most %(n)d photos.", n=MAX_PHOTOS))
    key, *largest = store_sized(data)
    photo = CampaignPhoto(
        campaign_id=campaign.id,
        position=len(campaign.photos),
        storage_key=key,
        width=largest[0],
        height=largest[1],
        caption=caption.strip(),
    )
    campaign.photos.append(photo)
    page_changed(campaign.id)
    db.session.flush()
    return photo


def copy_application_photos(campaign: Campaign) -> int:
    """The application's JPEG and PNG attachments become the campaign's first photos."""
    copied = 0
    for attachment in campaign.application.attachments:
        if not attachment.content_type.startswith("image/"):
            continue
        try:
            add_photo(campaign, load_file(attachment.storage_key))
        except (PhotoRejected, MissingFile):
            continue  # a file we cannot use is left out; staff can upload another
        copied += 1
    return copied


def _locked_photos(campaign: Campaign) -> list[CampaignPhoto]:
    """The campaign's photos in order, with the campaign row held so two edits queue up."""
    lock_row(Campaign, campaign.id)
    return list(
        db.session.scalars(
            sa.select(CampaignPhoto)
            .where(CampaignPhoto.campaign_id == campaign.id)
            .order_by(CampaignPhoto.position, CampaignPhoto.id)
            .execution_options(populate_existing=True)
        )
    )


def move_photo(campaign: Campaign, photo_id: int, step: int) -> None:
    """Move a photo one place earlier (-1) or later (+1); the first photo heads the page."""
    photos = _locked_photos(campaign)
    index = next((i for i, p in enumerate(photos) if p.id == photo_id), None)
    if index is None:
        raise PhotoRejected(_l("This photo is not part of the campaign."))
    target = index + step
    if 0 <= target < len(photos):
        photos[index], photos[target] = photos[target], photos[index]
    for position, photo in enumerate(photos):
        photo.position = position
    page_changed(campaign.id)
    db.session.flush()
    db.session.expire(campaign, ["photos"])


def remove_photo(campaign: Campaign, photo_id: int) -> str:
    """Take a photo off the campaign (flushed); returns its storage key.

    A photo is content, not history: nothing refers to it, and a school may need a child's
    picture gone. Its stored variants are deleted once the removal is committed.
    """
    photos = _locked_photos(campaign)
    photo = next((p for p in photos if p.id == photo_id), None)
    if photo is None:
        raise PhotoRejected(_l("This photo is not part of the campaign."))
    db.session.delete(photo)
    for position, kept in enumerate(p for p in photos if p is not photo):
        kept.position = position
    page_changed(campaign.id)  # a child's picture taken off leaves the kept page at once
    db.session.flush()
    db.session.expire(campaign, ["photos"])
    for width in WIDTHS:
        delete_file_after_commit(variant_key(photo.storage_key, width))
    return photo.storage_key


def send_sized(folder: str, key: str, width: int, *, public: bool):
    """Answer with one stored variant: cached by anyone for a public photo, never kept by a
    cache for a private one (call it after the permission check)."""
    if width not in WIDTHS or not is_photo_key(key):
        abort(404)
    if public:
        return send_public(
            sized_key(folder, key, width), content_type="image/jpeg", max_age=MAX_AGE
        )
    return send_private(
        sized_key(folder, key, width), f"{key}-{width}.jpg", content_type="image/jpeg", inline=True
    )

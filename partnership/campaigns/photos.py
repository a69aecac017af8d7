"""Campaign photos: checked by Pillow, resized to a few widths, stored under random keys."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from ..core.transitions import lock_row
from ..core.unit_of_work import Refused
from ..extensions import db
from .models import Campaign, CampaignPhoto
from .pages import page_changed

#: Widths of the stored variants; the page picks one with ``srcset``.
WIDTHS = (480, 960)
MAX_PIXELS = 40_000_000
MAX_PHOTOS = 12


class PhotoRejected(Refused):
    """Not a photo we can use; the message is shown next to the field."""


def photo_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "campaign-photos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def variant_name(key: str, width: int) -> str:
    return f"{key}-{width}.jpg"


def add_photo(campaign: Campaign, data: bytes, caption: str = "") -> CampaignPhoto:
    """Store the resized variants (metadata stripped) and the photo's row (flushed)."""
    if len(campaign.photos) >= MAX_PHOTOS:
        raise PhotoRejected(_l("A campaign has at most %(n)d photos.", n=MAX_PHOTOS))
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise PhotoRejected(_l("The photo is too large."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in {"JPEG", "PNG"}:
                raise PhotoRejected(_l("Only JPEG and PNG photos are accepted."))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRejected(_l("The photo has too many pixels."))
            probe.verify()
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise PhotoRejected(_l("This file is not a photo we can read.")) from error
    key = secrets.token_hex(16)
    folder = photo_folder()
    largest = (image.width, image.height)
    for width in WIDTHS:
        variant = image.copy()
        if variant.width > width:
            variant.thumbnail((width, width * 4))
        variant.save(folder / variant_name(key, width), "JPEG", quality=80, optimize=True)
        largest = variant.size
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
    from ..applications.storage import get_storage

    storage = get_storage()
    copied = 0
    for attachment in campaign.application.attachments:
        if not attachment.content_type.startswith("image/"):
            continue
        try:
            add_photo(campaign, storage.load(attachment.storage_key))
        except (PhotoRejected, OSError):
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
    picture gone. The caller deletes the files once the removal is committed.
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
    return photo.storage_key


def delete_photo_files(key: str) -> None:
    """Remove a photo's stored variants (after the removal committed)."""
    for width in WIDTHS:
        (photo_folder() / variant_name(key, width)).unlink(missing_ok=True)

"""What an attachment may be, checked by parsing it, not by its first bytes alone.

- A PDF must open with pypdf, have at least one page and not be encrypted (nobody at the
  foundation could read it). It is stored as uploaded.
- A JPEG or PNG must decode completely with Pillow. It is stored re-encoded: the pixels, turned
  the way the camera's EXIF orientation says, and nothing else (no EXIF, GPS position, camera
  serial, text chunks, or whatever was appended after the image).

The first bytes (``storage.sniff_type``) only say which parser to try.
"""

from __future__ import annotations

import io
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps

#: More pixels than any photo of a school needs (a 50-megapixel camera); beyond it, a
#: decompression bomb is more likely than a picture.
MAX_PIXELS = 50_000_000

_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_JPEG_MODES = ("RGB", "L", "CMYK")
_PNG_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16")


class RefusedFile(ValueError):
    """The file is not what it claims, or cannot be read; the message names it."""


def checked_content(data: bytes, content_type: str, name: str) -> bytes:
    """The bytes to store for an upload of ``content_type`` (from its first bytes).

    Raises ``RefusedFile`` with a message for the school when the file does not parse."""
    if content_type == "application/pdf":
        _check_pdf(data, name)
        return data
    return _reencoded_image(data, _PILLOW_FORMATS[content_type], name)


def _check_pdf(data: bytes, name: str) -> None:
    try:
        from pypdf import PdfReader  # imported when used: a worker's memory (issue 22)

        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as exc:  # noqa: BLE001 - a hostile file can break the parser anywhere
        raise RefusedFile(_unreadable_pdf(name)) from exc
    if encrypted:
        raise RefusedFile(
            _(
                "%(name)s is protected by a password; save it without one and upload it again.",
                name=name,
            )
        )
    if pages < 1:
        raise RefusedFile(_unreadable_pdf(name))


def _unreadable_pdf(name: str) -> str:
    return _("%(name)s is not a readable PDF; it may be damaged or not a PDF at all.", name=name)


def _reencoded_image(data: bytes, pillow_format: str, name: str) -> bytes:
    too_big = _(
        "%(name)s has too many pixels; make it smaller than %(n)d megapixels.",
        name=name,
        n=MAX_PIXELS // 1_000_000,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != pillow_format:
                raise RefusedFile(_unreadable_image(name))
            if image.width * image.height > MAX_PIXELS:
                raise RefusedFile(too_big)
            image.load()  # every pixel: a truncated or corrupt file fails here
            image = ImageOps.exif_transpose(image)
    except RefusedFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RefusedFile(too_big) from exc
    except Exception as exc:  # noqa: BLE001 - a hostile file can break the decoder anywhere
        raise RefusedFile(_unreadable_image(name)) from exc
    return _encode(image, pillow_format)


def _unreadable_image(name: str) -> str:
    return _("%(name)s is not a readable image; it may be damaged or cut short.", name=name)


def _encode(image: Image.Image, pillow_format: str) -> bytes:
    """The pixels alone, in the same format (transparency kept, every other chunk dropped)."""
    keep = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    image.info = {}
    if pillow_format == "JPEG" and image.mode not in _JPEG_MODES:
        image = image.convert("RGB")
    elif pillow_format == "PNG" and image.mode not in _PNG_MODES:
        image, keep = image.convert("RGBA"), {}
    out = io.BytesIO()
    if pillow_format == "JPEG":
        image.save(out, "JPEG", quality=90)
    else:
        image.save(out, "PNG", **keep)
    return out.getvalue()

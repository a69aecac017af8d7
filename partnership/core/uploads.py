"""What an uploaded file may be, checked by parsing it, not by its name or first bytes alone.

One set of checks for every upload (application attachments, offline-gift slips, campaign
photos):

- The first bytes (``sniff_type``) only say which parser to try; the name is never trusted.
- A PDF must open with pypdf, have at least one page and not be encrypted (nobody at the
  foundation could read it). It is stored as uploaded.
- A JPEG or PNG must decode completely with Pillow (``open_image``, the one image validator),
  within ``MAX_PIXELS``. It is stored re-encoded: the pixels, turned the way the camera's EXIF
  orientation says, and nothing else (no EXIF, GPS position, camera serial, text chunks, or
  whatever was appended after the image).
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps

from .unit_of_work import Refused

#: Content types we accept, recognised by their first bytes (never by the file name); the first
#: bytes only choose the parser that ``checked_content`` then runs over the whole file.
MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSIONS = {content_type: ext for _, content_type, ext in MAGIC}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})

#: More pixels than any photo of a school needs (a 50-megapixel camera); beyond it, a
#: decompression bomb is more likely than a picture.
MAX_PIXELS = 50_000_000

_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_JPEG_MODES = ("RGB", "L", "CMYK")
_PNG_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16")


class RefusedFile(Refused, ValueError):
    """The file is not what it claims, or cannot be read; the message names it."""


def sniff_type(head: bytes) -> str | None:
    """The content type the bytes really are, or None if not one we accept."""
    for magic, content_type, _ext in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def clean_filename(name: str | None, content_type: str) -> str:
    """A display name safe to show and to send back: no path, no control characters; Thai kept.

    The extension always matches the real content type.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C",))
    name = re.sub(r"[^\w\s.()\-\u0E00-\u0E7F]", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    stem, _dot, _ext = name.rpartition(".") if "." in name else (name, "", "")
    stem = stem.strip(" ._")[:120] or "attachment"
    return stem + EXTENSIONS[content_type]


def checked_content(data: bytes, content_type: str, name: str) -> bytes:
    """The bytes to store for an upload of ``content_type`` (from its first bytes).

    Raises ``RefusedFile`` with a message for the person when the file does not parse."""
    if content_type == "application/pdf":
        _check_pdf(data, name)
        return data
    return _encode(open_image(data, content_type, name), _PILLOW_FORMATS[content_type])


def open_image(data: bytes, content_type: str, name: str) -> Image.Image:
    """The image, every pixel decoded and turned upright by its EXIF orientation.

    ``content_type`` comes from ``sniff_type``; the file must really be that format. Raises
    ``RefusedFile`` (naming ``name``) for anything else, a damaged file or too many pixels."""
    pillow_format = _PILLOW_FORMATS.get(content_type)
    if pillow_format is None:
        raise RefusedFile(_unreadable_image(name))
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
            return ImageOps.exif_transpose(image)
    except RefusedFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RefusedFile(too_big) from exc
    except Exception as exc:  # noqa: BLE001 - a hostile file can break the decoder anywhere
        raise RefusedFile(_unreadable_image(name)) from exc


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

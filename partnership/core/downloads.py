"""Files staff download that hold personal data (names, e-mail addresses, tax details), and
stored files that are private (attachments, slips: ``core.storage.send_private``).

Every such file answers through ``private_download``: ``Cache-Control: private, no-store``
so that neither a shared proxy nor the browser's cache keeps a copy after the download.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

#: What every download with personal data says to caches.
PRIVATE_NO_STORE = "private, no-store"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def private_download(
    body: bytes | str | Iterable,
    mimetype: str,
    filename: str,
    *,
    disposition: str = "attachment",
    **headers: str,
) -> Response:
    """A file named ``filename`` that no cache may keep (``body`` may be a stream); saved as a
    download, or shown in the browser with ``disposition="inline"``."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(disposition, filename)
    response.headers["Cache-Control"] = PRIVATE_NO_STORE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.update(headers)
    return response


def content_disposition(disposition: str, filename: str) -> str:
    """``attachment; filename="…"``; a Thai name also as ``filename*`` (RFC 6266), with an
    ASCII stand-in for old clients, since a header cannot carry it as it is."""
    if filename.isascii():
        return f'{disposition}; filename="{filename}"'
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace('"', "").strip() or "download"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"

"""Files staff download that hold personal data (names, e-mail addresses, tax details).

Every such export answers through ``private_download``: ``Cache-Control: private, no-store``
so that neither a shared proxy nor the browser's cache keeps a copy after the download.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response

#: What every download with personal data says to caches.
PRIVATE_NO_STORE = "private, no-store"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def private_download(
    body: bytes | str | Iterable, mimetype: str, filename: str, **headers: str
) -> Response:
    """An attachment named ``filename`` that no cache may keep (``body`` may be a stream)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = PRIVATE_NO_STORE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.update(headers)
    return response

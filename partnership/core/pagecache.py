"""Public pages kept whole for anonymous visitors, checked against a version read every request.

A visitor without a session (no cookie: nobody logged in, no flash message, no language chosen
in this browser) sees the same bytes as every other such visitor, so the rendered page can be
kept. What must never be stale (money, state) is part of the key: the view names a ``version``
function that reads it with one indexed query on every request, and a different answer is a
different page. What may lag (a story edit, a new sponsor, "days left") is bounded by
``PAGE_CACHE_SECONDS``. Each worker process keeps its own entries (``PAGE_CACHE_ENTRIES`` at
most, least recently used dropped first); ``PAGE_CACHE_SECONDS=0`` turns the cache off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, request, session
from flask_login import current_user

from ..i18n import current_language


@dataclass(frozen=True)
class _Entry:
    body: bytes
    mimetype: str
    expires: float


class PageStore:
    """A bounded least-recently-used map of rendered pages, safe for a threaded worker."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: _Entry, limit: int) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def store() -> PageStore:
    """This app's store (one per app object, so tests never share pages)."""
    return current_app.extensions.setdefault("page_cache", PageStore())


def _anonymous_request() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
        and not current_user.is_authenticated
    )


def cached_page(version: Callable[..., Hashable | None]) -> Callable:
    """Keep the view's page for anonymous visitors, keyed by ``version(**view_args)``.

    ``version`` returns None when the page must not be kept (the object does not exist or is not
    public): the view then answers as usual (its 404).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(**kwargs):
            seconds = current_app.config.get("PAGE_CACHE_SECONDS", 0)
            if not seconds or not _anonymous_request():
                return view(**kwargs)
            stamp = version(**kwargs)
            if stamp is None:
                return view(**kwargs)
            key = (request.endpoint, request.full_path, current_language(), stamp)
            hit = store().get(key)
            if hit is not None:
                return Response(hit.body, mimetype=hit.mimetype)
            response = current_app.make_response(view(**kwargs))
            # Only a plain page that wrote nothing to the session (no CSRF token, no flash
            # message: no cookie to set) is the same for every visitor.
            if response.status_code == 200 and not response.is_streamed and not session.modified:
                entry = _Entry(response.get_data(), response.mimetype, time.monotonic() + seconds)
                store().put(key, entry, current_app.config.get("PAGE_CACHE_ENTRIES", 1000))
            return response

        return wrapper

    return decorator

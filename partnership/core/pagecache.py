"""Public pages kept whole for anonymous visitors, checked against a version read every request.

A visitor without a session (no cookie: nobody logged in, no flash message, no language chosen
in this browser) sees the same bytes as every other such visitor, so the rendered page can be
kept. What must never be stale (money, state) is part of the key: the view names a ``version``
function that reads it with one indexed query on every request, and a different answer is a
different page; a feature that changes what a page shows otherwise (an erasure, an edit, a
pledge ended) records it so that the version changes too (``campaigns.pages``). A page that
changes by itself at a known time (an offer that ends) says so with ``keep_until``. What may
lag (a new sponsor, "days left") is bounded by ``PAGE_CACHE_SECONDS``.
``PAGE_CACHE_SECONDS=0`` turns the cache off.

Where the pages are kept: each worker process keeps its own (``PAGE_CACHE_ENTRIES`` pages and
``PAGE_CACHE_BYTES`` at most, least recently used dropped first); with ``PAGE_CACHE_URL`` (a
Redis URL; by default ``REDIS_URL``) they are also kept in Redis, shared by every worker and
server, each page expiring by itself. A worker asks Redis only for a page it does not hold, and
keeps what Redis gave it no longer than Redis will: the key holds the version, so the worker's
copy is exactly as fresh as Redis's. A Redis that does not answer costs a page its shared copy,
never the page: it is rendered as usual.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import TypeVar

from flask import Response, current_app, g, request, session
from flask_login import current_user

from ..db_types import utcnow
from ..i18n import current_language

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Values kept beside the pages (a list's total, its filter's choices), per process.
VALUES_KEPT = 512


@dataclass(frozen=True)
class _Entry:
    body: bytes
    mimetype: str
    expires: float


class PageStore:
    """A bounded least-recently-used map of rendered pages, safe for a threaded worker: at most
    ``PAGE_CACHE_ENTRIES`` pages and ``PAGE_CACHE_BYTES`` of them (a worker's memory is bounded
    in bytes: a campaign page weighs 15 KB, a list page 20 KB, a Thai one more)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        #: ``kept_with_page``'s values: (expires, value) by (name, version).
        self.values: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()

    def _drop(self, key: Hashable) -> None:
        self._bytes -= len(self._entries.pop(key).body)

    def get(self, key: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, body: bytes, mimetype: str, seconds: float) -> None:
        entry = _Entry(body, mimetype, time.monotonic() + seconds)
        limit = current_app.config.get("PAGE_CACHE_ENTRIES", 1000)
        byte_limit = current_app.config.get("PAGE_CACHE_BYTES", 8 * 1024 * 1024)
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._bytes += len(body)
            while self._entries and (len(self._entries) > limit or self._bytes > byte_limit):
                self._drop(next(iter(self._entries)))

    def get_value(self, key: Hashable) -> tuple[object] | None:
        """A value ``kept_with_page`` kept, as a 1-tuple (the value may be None), or None."""
        with self._lock:
            found = self.values.get(key)
            if found is None or found[0] <= time.monotonic():
                return None
            self.values.move_to_end(key)
            return (found[1],)

    def put_value(self, key: Hashable, value: object, seconds: float) -> None:
        with self._lock:
            self.values[key] = (time.monotonic() + seconds, value)
            self.values.move_to_end(key)
            while len(self.values) > VALUES_KEPT:
                self.values.popitem(last=False)

    @property
    def size_in_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self.values.clear()


class RedisPageStore:
    """The same pages in Redis, shared by every worker: a page one worker rendered is served by
    all of them. Keys are a digest of the page's key under one prefix; Redis expires them.

    In front of Redis, this worker's own ``PageStore`` (``near``): a page asked for often is
    served without a round trip to Redis, until the moment Redis would drop it.
    """

    PREFIX = "partnership:page:"
    #: A Redis that stops answering is given up on for this long before it is asked again.
    PAUSE_SECONDS = 30

    def __init__(self, url: str) -> None:
        from redis import Redis

        self._redis = Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self._paused_until = 0.0
        self.near = PageStore()
        # Values beside the pages stay in this process, as the near copies do.
        self.get_value, self.put_value = self.near.get_value, self.near.put_value

    def _name(self, key: Hashable) -> str:
        return self.PREFIX + hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()

    def _call(self, command: Callable, *args, **kwargs):
        """The Redis command's answer; None, for a while, once Redis does not answer."""
        from redis.exceptions import RedisError

        if time.monotonic() < self._paused_until:
            return None
        try:
            return command(*args, **kwargs)
        except RedisError as error:
            self._paused_until = time.monotonic() + self.PAUSE_SECONDS
            log.warning("page cache: Redis does not answer (%s); pages are rendered", error)
            return None

    def _get_with_ttl(self, name: str) -> tuple[bytes | None, int]:
        """The page and the milliseconds Redis keeps it still, in one round trip."""
        pipe = self._redis.pipeline(transaction=False)
        raw, ttl = pipe.get(name).pttl(name).execute()
        return raw, ttl

    def get(self, key: Hashable) -> _Entry | None:
        entry = self.near.get(key)
        if entry is not None:
            return entry
        raw, ttl = self._call(self._get_with_ttl, self._name(key)) or (None, 0)
        if raw is None:
            return None
        mimetype, _, body = raw.partition(b"\n")
        if ttl > 0:  # -1: no expiry (never set so), -2: gone since the GET
            self.near.put(key, body, mimetype.decode(), ttl / 1000)
        return _Entry(body, mimetype.decode(), 0.0)

    def put(self, key: Hashable, body: bytes, mimetype: str, seconds: int) -> None:
        self._call(self._redis.set, self._name(key), mimetype.encode() + b"\n" + body, ex=seconds)
        self.near.put(key, body, mimetype, seconds)

    def clear(self) -> None:
        """Drop every kept page (tests; KEYS walks the whole Redis database)."""
        self.near.clear()
        names = self._call(self._redis.keys, self.PREFIX + "*") or []
        if names:
            self._call(self._redis.delete, *names)


def store() -> PageStore | RedisPageStore:
    """This app's store (one per app object, so tests never share pages)."""
    kept = current_app.extensions.get("page_cache")
    if kept is None:
        url = current_app.config.get("PAGE_CACHE_URL", "")
        kept = RedisPageStore(url) if url else PageStore()
        current_app.extensions["page_cache"] = kept
    return kept


def _anonymous_request() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
        and not current_user.is_authenticated
    )


_UNTIL = "page_cache_until"


def keep_until(when: datetime | None) -> None:
    """The page being rendered changes by itself at ``when`` (a matching offer ends, the
    campaign stops taking gifts): it is kept no longer than that. A time past is ignored."""
    if when is None or when <= utcnow():
        return
    kept = g.get(_UNTIL)
    if kept is None or when < kept:
        setattr(g, _UNTIL, when)


def _seconds_to_keep(seconds: int) -> int:
    """``PAGE_CACHE_SECONDS``, or less when the page said it changes by itself sooner."""
    until = g.pop(_UNTIL, None)
    if until is None:
        return seconds
    return min(seconds, int((until - utcnow()).total_seconds()))


_STAMP = "page_cache_version"


def kept_with_page(name: Hashable, compute: Callable[[], T]) -> T:
    """A value of the page being rendered that changes only when its version does (a list's
    total: campaigns enter and leave the list by state changes, which the version reads), kept
    per process under that version for ``PAGE_CACHE_SECONDS``, so the next page of the same
    list does not count again. Computed afresh wherever pages are not kept (a signed-in
    visitor, the cache off)."""
    stamp = g.get(_STAMP)
    if stamp is None:
        return compute()
    kept = store()
    key = (name, stamp)
    found = kept.get_value(key)
    if found is not None:
        return found[0]
    value = compute()
    kept.put_value(key, value, current_app.config.get("PAGE_CACHE_SECONDS", 0))
    return value


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
            g.pop(_UNTIL, None)
            setattr(g, _STAMP, (request.endpoint, stamp))
            response = current_app.make_response(view(**kwargs))
            seconds = _seconds_to_keep(seconds)
            # Only a plain page that wrote nothing to the session (no CSRF token, no flash
            # message: no cookie to set) is the same for every visitor.
            if (
                seconds >= 1
                and response.status_code == 200
                and not response.is_streamed
                and not session.modified
            ):
                store().put(key, response.get_data(), response.mimetype, seconds)
            return response

        return wrapper

    return decorator

"""A real threaded HTTP server around the test app, and signed-in HTTP sessions for it.

Concurrency is proved against this, not the test client: the test client runs one request at
a time in the test's own thread and session, so it cannot race.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import requests
from flask import Flask, got_request_exception
from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:  # keep the test output readable
        pass


class LiveServer:
    def __init__(self, app: Flask, url: str):
        self.app, self.url = app, url
        self.errors: list[BaseException] = []

    def session_for(self, user) -> requests.Session:
        """An HTTP session signed in as ``user`` (the cookie Flask-Login reads, signed)."""
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        cookie = serializer.dumps(
            {"_user_id": user.get_id(), "_fresh": True, "locale": "en", "mfa_at": time.time()}
        )
        http = requests.Session()
        http.cookies.set(self.app.config.get("SESSION_COOKIE_NAME", "session"), cookie)
        return http


@contextmanager
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on a free port of 127.0.0.1 with a thread per request."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(app, f"http://127.0.0.1:{server.server_port}")

    def record(sender, exception, **extra) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(5)
        got_request_exception.disconnect(record, app)


def all_at_once(count: int, request: Callable[[int], requests.Response]) -> list[int]:
    """Run ``request(i)`` in ``count`` threads released together; their status codes."""
    barrier = threading.Barrier(count)

    def run(i: int) -> int:
        barrier.wait()
        return request(i).status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))

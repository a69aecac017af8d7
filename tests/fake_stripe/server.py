"""The HTTP side of the fake: Stripe's API under ``/v1/`` and the hosted page under ``/pay/``.

One :class:`Handler` per request on a ``ThreadingHTTPServer``. API requests go through, in
order: the request log, the API key, an injected fault, the idempotency layer, the endpoint.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import pay_page
from .errors import ApiError, not_emulated
from .forms import FormError, decode, parse_pairs
from .sdk_params import API_VERSION
from .store import Change, new_id
from .validation import check_expire_session, check_retrieve_refund, check_retrieve_session

if TYPE_CHECKING:
    from . import FakeStripe


@dataclass
class ReceivedRequest:
    """One API request as the fake received it (the log tests assert on)."""

    method: str
    path: str
    #: The decoded parameters (form body of a POST, query of a GET), values as strings.
    params: dict[str, Any]
    #: The raw ``(name, value)`` pairs, in the order the client sent them.
    pairs: list[tuple[str, str]]
    headers: dict[str, str]
    idempotency_key: str | None
    status: int | None = None
    #: The answer was the stored one of an earlier request with the same idempotency key.
    replayed: bool = False
    #: ``"error"`` or ``"timeout"`` when an injected fault hit this request.
    fault: str | None = None
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fault:
    kind: str  # "error" or "timeout"
    status: int = 500
    error_type: str = "api_error"
    code: str | None = None
    message: str | None = None
    should_retry: bool | None = None
    seconds: float = 2.0
    after_processing: bool = True


@dataclass
class StoredAnswer:
    method: str
    path: str
    pairs: list[tuple[str, str]]
    status: int
    body: bytes
    request_id: str


def _create_session(fake: FakeStripe, params: dict[str, Any]) -> tuple[dict, list[Change]]:
    return fake.store.create_session(params), []


def _get_session(fake: FakeStripe, params: dict[str, Any], id: str) -> tuple[dict, list[Change]]:
    check_retrieve_session(params)
    return fake.store.session(id), []


def _expire_session(fake: FakeStripe, params: dict[str, Any], id: str) -> tuple[dict, list[Change]]:
    check_expire_session(params)
    changes = fake.store.expire(id)
    return fake.store.session(id), changes


def _create_refund(fake: FakeStripe, params: dict[str, Any]) -> tuple[dict, list[Change]]:
    return fake.store.create_refund(params)


def _get_refund(fake: FakeStripe, params: dict[str, Any], id: str) -> tuple[dict, list[Change]]:
    check_retrieve_refund(params)
    return fake.store.refund(id), []


def _list_refunds(fake: FakeStripe, params: dict[str, Any]) -> tuple[dict, list[Change]]:
    from .disputes import list_refunds

    return list_refunds(fake.store, params), []


ROUTES = [
    ("POST", re.compile(r"/v1/checkout/sessions"), _create_session),
    ("GET", re.compile(r"/v1/checkout/sessions/(?P<id>[^/]+)"), _get_session),
    ("POST", re.compile(r"/v1/checkout/sessions/(?P<id>[^/]+)/expire"), _expire_session),
    ("POST", re.compile(r"/v1/refunds"), _create_refund),
    ("GET", re.compile(r"/v1/refunds/(?P<id>[^/]+)"), _get_refund),
    ("GET", re.compile(r"/v1/refunds"), _list_refunds),
]


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeStripe) -> None:
        super().__init__(address, Handler)
        self.fake = fake

    def handle_error(self, request, client_address) -> None:
        """Keep a bug of the fake for the fixture to report; a client hanging up is normal."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        self.fake.errors.append(traceback.format_exc())


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "stripe"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the request log is ``fake.requests``."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # Plumbing ------------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        if url.path.startswith("/v1/"):
            self._api(method, url.path, body if method == "POST" else url.query)
        elif url.path.startswith("/pay/") and method in {"GET", "POST"}:
            self._pay_page(method, url.path[len("/pay/") :], body)
        else:
            self._write(404, b"Not found", "text/plain")

    def _write(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    # The API -------------------------------------------------------------------------------

    def _api(self, method: str, path: str, form: str) -> None:
        fake = self.server.fake
        pairs = parse_pairs(form)
        key = self.headers.get("Idempotency-Key") if method == "POST" else None
        received = ReceivedRequest(method, path, {}, pairs, dict(self.headers.items()), key)
        with fake.store.lock:
            fake.requests.append(received)
            fault = fake.faults.popleft() if fake.faults else None
        headers = {"Request-Id": new_id("req_", 14)}
        # As at Stripe: the request's version, else the account's default (here the SDK's).
        version = self.headers.get("Stripe-Version") or API_VERSION
        headers["Stripe-Version"] = version
        if version != API_VERSION:
            error = not_emulated(f"API version {version} (only the pinned SDK's {API_VERSION})")
            return self._answer(received, error.status, error.body(), headers)
        if key:
            headers["Idempotency-Key"] = key
        if fault is not None:
            received.fault = fault.kind
            if fault.should_retry is not None:
                headers["Stripe-Should-Retry"] = "true" if fault.should_retry else "false"
            if fault.kind == "error":
                error = ApiError(
                    fault.message or "An unknown error occurred (injected by the fake).",
                    status=fault.status,
                    type=fault.error_type,
                    code=fault.code,
                )
                return self._answer(received, error.status, error.body(), headers)
            if not fault.after_processing:
                fake.stopping.wait(fault.seconds)
                self.close_connection = True
                return None
        status, body = self._process(received, method, path, pairs, key, headers)
        if fault is not None:  # a timeout after the work was done: the answer is lost
            fake.stopping.wait(fault.seconds)
        return self._answer(received, status, body, headers)

    def _process(
        self,
        received: ReceivedRequest,
        method: str,
        path: str,
        pairs: list[tuple[str, str]],
        key: str | None,
        headers: dict[str, str],
    ) -> tuple[int, dict[str, Any]]:
        """Authenticate, replay or run the endpoint; store a successful answer under its key."""
        fake = self.server.fake
        with fake.store.lock:
            try:
                self._authenticate()
                if key and (stored := fake.idempotency.get(key)) is not None:
                    if (stored.method, stored.path, stored.pairs) != (method, path, pairs):
                        raise ApiError(
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with. Try using a key other than "
                            f"'{key}' if you meant to execute a different request.",
                            type="idempotency_error",
                        )
                    received.replayed = True
                    headers["Idempotent-Replayed"] = "true"
                    headers["Original-Request"] = stored.request_id
                    return stored.status, json.loads(stored.body)
                received.params = params = decode(pairs)
                obj, changes = self._route(method, path, params)
            except FormError as error:
                error = ApiError(str(error), param=error.param)
                return error.status, error.body()
            except ApiError as error:
                return error.status, error.body()
            body = json.loads(json.dumps(obj))
            if key:
                fake.idempotency[key] = StoredAnswer(
                    method, path, pairs, 200, json.dumps(body).encode(), headers["Request-Id"]
                )
            fake.outbox.extend(fake.events_for(changes))
            return 200, body

    def _authenticate(self) -> None:
        fake = self.server.fake
        given = self.headers.get("Authorization", "")
        if not given.startswith("Bearer "):
            raise ApiError(
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth.",
                status=401,
            )
        api_key = given[len("Bearer ") :]
        if api_key != fake.api_key:
            raise ApiError(f"Invalid API Key provided: {api_key[:8]}****{api_key[-4:]}", status=401)

    def _route(self, method: str, path: str, params: dict[str, Any]) -> tuple[dict, list]:
        for route_method, pattern, endpoint in ROUTES:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                if params.get("expand"):
                    raise not_emulated("expand", "expand")
                params.pop("expand", None)
                return endpoint(self.server.fake, params, **match.groupdict())
        raise ApiError(
            f"Unrecognized request URL ({method}: {path}). The fake Stripe server serves only "
            "the calls the app makes.",
            status=404,
        )

    def _answer(
        self, received: ReceivedRequest, status: int, body: dict[str, Any], headers: dict
    ) -> None:
        received.status = status
        received.response = body
        payload = json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
        self._write(status, payload, "application/json", headers)

    # The hosted payment page ---------------------------------------------------------------

    def _pay_page(self, method: str, session_id: str, form: str) -> None:
        fake = self.server.fake
        with fake.store.lock:
            session = fake.store.sessions.get(session_id)
            lines = fake.store.line_items.get(session_id, [])
        if session is None:
            return self._write(404, pay_page.not_found(session_id).encode(), "text/html")
        if method == "GET":
            status = 200 if session["status"] == "open" else 410
            page = pay_page.render(session, lines).encode("utf-8")
            return self._write(status, page, "text/html; charset=utf-8")
        choice = dict(parse_pairs(form)).get("method", "card")
        paid_with, outcome = {
            "card": ("card", "succeeded"),
            "promptpay": ("promptpay", "succeeded"),
            "promptpay-failed": ("promptpay", "failed"),
        }.get(choice, ("card", "succeeded"))
        try:
            fake.pay(session_id, method=paid_with, outcome=outcome)
        except ApiError as error:
            return self._write(409, error.message.encode("utf-8"), "text/plain; charset=utf-8")
        target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return self._write(303, b"", "text/plain", {"Location": target})

"""The fake's hosted payment page over real HTTP: pay, webhook delivered, redirect back."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from partnership.payments.client import verify_webhook
from tests.payments.helpers import checkout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the 303 surface as an HTTPError, with its Location


OPENER = urllib.request.build_opener(_NoRedirect)


@pytest.fixture()
def receiver():
    """A tiny webhook endpoint: records each POST (body, Stripe-Signature), answers 200."""
    received: list[tuple[bytes, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("Stripe-Signature")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/stripe"
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def get(url: str) -> tuple[int, str]:
    try:
        with OPENER.open(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8")


def submit(url: str, method: str) -> tuple[int, str | None]:
    """POST the pay form; return the status and the ``Location`` it redirects to."""
    data = urllib.parse.urlencode({"method": method}).encode()
    try:
        with OPENER.open(urllib.request.Request(url, data=data), timeout=10) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location")


def verified_events(receiver) -> list[dict]:
    return [verify_webhook(body, signature) for body, signature in receiver.received]


def test_paying_by_card_sends_the_webhook_then_returns_to_the_success_url(
    payments_app, fake_stripe, receiver
):
    fake_stripe.webhook_url = receiver.url
    session = checkout()

    status, page = get(session.url)
    assert status == 200
    assert 'id="pay-card"' in page and "฿500.00" in page
    assert receiver.received == []  # looking at the page pays nothing

    status, location = submit(session.url, "card")

    assert status == 303
    assert location == f"http://app.test/donations/42/thanks?session={session.id}"
    [event] = verified_events(receiver)
    assert event["type"] == "checkout.session.completed"
    paid = event["data"]["object"]
    assert (paid["id"], paid["payment_status"], paid["status"]) == (session.id, "paid", "complete")
    assert paid["payment_intent"].startswith("pi_")
    assert paid["metadata"] == {"donation_id": "42"}
    assert [d.status for d in fake_stripe.deliveries] == [200]

    status, page = get(session.url)  # a paid session cannot be paid again
    assert status == 410
    assert submit(session.url, "card")[0] == 409
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("button", "second"),
    [
        ("promptpay", "checkout.session.async_payment_succeeded"),
        ("promptpay-failed", "checkout.session.async_payment_failed"),
    ],
)
def test_paying_with_promptpay_sends_the_async_events(
    payments_app, fake_stripe, receiver, button, second
):
    fake_stripe.webhook_url = receiver.url
    session = checkout()

    status, location = submit(session.url, button)

    assert (status, location) == (303, f"http://app.test/donations/42/thanks?session={session.id}")
    completed, settled = verified_events(receiver)
    assert (completed["type"], completed["data"]["object"]["payment_status"]) == (
        "checkout.session.completed",
        "unpaid",
    )
    assert settled["type"] == second
    paid = "paid" if second.endswith("succeeded") else "unpaid"
    assert settled["data"]["object"]["payment_status"] == paid


def test_an_unknown_or_expired_session_has_no_pay_page(payments_app, fake_stripe):
    assert get(f"{fake_stripe.base_url}/pay/cs_test_nope")[0] == 404
    session = checkout()
    fake_stripe.expire(session.id, send=False)
    status, page = get(session.url)
    assert status == 410 and "expired" in page

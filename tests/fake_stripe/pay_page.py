"""The fake hosted payment page (``GET /pay/<session id>``): what the donor sees at Stripe.

Three buttons post back to the same URL: pay by card, pay with PromptPay (the bank confirms
at once) and PromptPay refused by the bank. A link goes back to the session's ``cancel_url``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .validation import baht

_STYLE = (
    "body{font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}"
    "button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem}"
)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def render(session: dict[str, Any], lines: list[dict[str, Any]]) -> str:
    """The page of an open session, or a short notice when it can no longer be paid."""
    if session["status"] != "open":
        return _page(
            "Checkout session " + session["status"],
            f"<h1>This checkout session is {escape(session['status'])}</h1>",
        )
    items = "".join(
        f"<li>{escape(line['name'])} × {line['quantity']}: "
        f"{escape(baht(line['amount_total']))}</li>"
        for line in lines
    )
    methods = session["payment_method_types"]
    buttons = []
    if "card" in methods:
        buttons.append(
            '<button type="submit" name="method" value="card" id="pay-card">Pay</button>'
        )
    if "promptpay" in methods:
        buttons.append(
            '<button type="submit" name="method" value="promptpay" id="pay-promptpay">'
            "Pay with PromptPay</button>"
            '<button type="submit" name="method" value="promptpay-failed" '
            'id="pay-promptpay-failed">PromptPay: the bank refuses</button>'
        )
    cancel = ""
    if session["cancel_url"]:
        cancel = f'<p><a href="{escape(session["cancel_url"])}" id="cancel">Back</a></p>'
    total = escape(baht(session["amount_total"]))
    return _page(
        "Fake Stripe Checkout",
        f"<h1>Fake Stripe Checkout</h1><ul>{items}</ul>"
        f'<p>Total: <strong id="amount-total">{total}</strong></p>'
        f'<form method="post" action="/pay/{escape(session["id"])}">{"".join(buttons)}</form>'
        f"{cancel}",
    )


def not_found(session_id: str) -> str:
    return _page("Not found", f"<h1>No checkout session {escape(session_id)}</h1>")

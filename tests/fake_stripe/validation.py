"""Parameter checks of the calls the fake serves, with the errors (and codes) Stripe answers.

First the pinned SDK's generated request types (:mod:`.sdk_params`): what the API version
does not know is refused as Stripe refuses it (``parameter_unknown``, ``parameter_missing``,
``parameter_invalid_*``). Then what this fake emulates: a parameter the API accepts but the
fake does not emulate fails loudly (``fake_not_emulated``) instead of being ignored. Then the
business rules Stripe applies (amount limits, URLs, metadata limits).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from stripe.params import RefundCreateParams, RefundRetrieveParams
from stripe.params.checkout import (
    SessionCreateParams,
    SessionExpireParams,
    SessionRetrieveParams,
)

from . import sdk_params
from .errors import ApiError, invalid, missing, not_emulated

#: Stripe's minimum charge in THB (฿10) and the eight-digit maximum of any amount.
MIN_AMOUNT_THB = 1000
MAX_AMOUNT = 99_999_999

#: The Checkout Session parameters the fake emulates (all others the API knows are refused
#: as not emulated); nested ones by their path.
EMULATED_SESSION = {
    "mode",
    "line_items",
    "allowed_payment_method_types",
    "currency",
    "metadata",
    "client_reference_id",
    "customer_email",
    "success_url",
    "cancel_url",
    "locale",
    "expand",
    "payment_intent_data",
    "expires_at",
    "submit_type",
}
EMULATED_LINE_ITEM = {"price_data", "quantity"}
EMULATED_PRICE_DATA = {"currency", "unit_amount", "product_data"}
EMULATED_PRODUCT_DATA = {"name", "description"}
EMULATED_INTENT_DATA = {"metadata", "description"}
PAYMENT_METHODS = {"card", "promptpay"}
EMULATED_REFUND = {"payment_intent", "charge", "amount", "reason", "metadata", "expand"}


def check_retrieve_session(params: dict[str, Any]) -> None:
    sdk_params.check(params, SessionRetrieveParams)


def check_expire_session(params: dict[str, Any]) -> None:
    sdk_params.check(params, SessionExpireParams)


def check_retrieve_refund(params: dict[str, Any]) -> None:
    sdk_params.check(params, RefundRetrieveParams)


def _emulated(params: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
    for name in params:
        if name not in allowed:
            path = f"{prefix}[{name}]" if prefix else name
            raise not_emulated(f"the parameter {path}", path)


def baht(satang: int) -> str:
    return f"฿{satang // 100:,}.{satang % 100:02d}"


def integer(value: Any, param: str) -> int:
    """Stripe's integer parsing: digits only (an optional minus), else ``Invalid integer``."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise ApiError(f"Invalid integer: {value}", code="parameter_invalid_integer", param=param)


def string(value: Any, param: str, *, max_length: int = 5000) -> str:
    if not isinstance(value, str):
        raise ApiError(f"Invalid string: {value!r}", code="parameter_invalid_string", param=param)
    if len(value) > max_length:
        raise invalid(
            param,
            f"Invalid {param}: must be at most {max_length} characters",
            "parameter_invalid_string_length",
        )
    return value


def metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    """Stripe's metadata limits: 50 keys, keys of 40 characters, values of 500."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApiError("Invalid object", code="parameter_invalid_object", param=param)
    if len(value) > 50:
        raise invalid(param, "Metadata can have at most 50 keys.", "metadata_too_many_keys")
    for key, item in value.items():
        if len(key) > 40:
            raise invalid(f"{param}[{key}]", "Metadata keys can be at most 40 characters.")
        string(item, f"{param}[{key}]", max_length=500)
    return dict(value)


def url(value: Any, param: str) -> str:
    text = string(value, param)
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise invalid(param, "Not a valid URL", "url_invalid")
    return text


def check_session(params: dict[str, Any]) -> dict[str, Any]:
    """Validate ``POST /v1/checkout/sessions``; return the values the session is built from."""
    sdk_params.check(params, SessionCreateParams)
    _emulated(params, EMULATED_SESSION)
    mode = params.get("mode")
    if not mode:
        raise missing("mode")
    if mode != "payment":
        raise not_emulated(f"mode={mode} (only mode=payment)", "mode")
    items = params.get("line_items")
    if not items:
        raise missing("line_items")
    if not isinstance(items, list):
        raise ApiError("Invalid array", code="parameter_invalid_array", param="line_items")
    lines = [_line_item(item, i) for i, item in enumerate(items)]
    currencies = {line["currency"] for line in lines}
    if len(currencies) > 1:
        raise invalid("line_items", "All line items must use the same currency.")
    currency = currencies.pop()
    if "currency" in params and params["currency"] != currency:
        raise invalid("currency", "currency must match the currency of the line items.")
    methods = params.get("allowed_payment_method_types")
    if not methods:  # Stripe then offers the account's eligible methods: not emulated
        raise not_emulated(
            "dynamic payment methods (send allowed_payment_method_types)",
            "allowed_payment_method_types",
        )
    for i, method in enumerate(methods):
        if method not in PAYMENT_METHODS:
            raise not_emulated(f"payment method {method!r}", f"allowed_payment_method_types[{i}]")
    total = sum(line["amount_total"] for line in lines)
    if total < MIN_AMOUNT_THB:
        raise ApiError(
            "The Checkout Session's total amount due must add up to at least "
            f"{baht(MIN_AMOUNT_THB)} thb",
            code="amount_too_small",
            param="line_items",
        )
    if total > MAX_AMOUNT:
        raise ApiError(
            f"The Checkout Session's total amount due must be no more than {baht(MAX_AMOUNT)} thb",
            code="amount_too_large",
            param="line_items",
        )
    if "success_url" not in params:
        raise missing("success_url")
    locale = params.get("locale", "auto")
    email = params.get("customer_email")
    if email is not None and "@" not in string(email, "customer_email", max_length=800):
        raise invalid("customer_email", f"Invalid email address: {email}", "email_invalid")
    reference = params.get("client_reference_id")
    if reference is not None:
        string(reference, "client_reference_id", max_length=200)
    intent_data = params.get("payment_intent_data") or {}
    _emulated(intent_data, EMULATED_INTENT_DATA, "payment_intent_data")
    return {
        "lines": lines,
        "currency": currency,
        "amount_total": total,
        "payment_method_types": list(dict.fromkeys(methods)),
        "success_url": url(params["success_url"], "success_url"),
        "cancel_url": url(params["cancel_url"], "cancel_url") if "cancel_url" in params else None,
        "metadata": metadata(params.get("metadata")),
        "intent_metadata": metadata(intent_data.get("metadata"), "payment_intent_data[metadata]"),
        "customer_email": email,
        "client_reference_id": reference,
        "locale": locale,
        "submit_type": params.get("submit_type"),
        "expires_at": (
            integer(params["expires_at"], "expires_at") if "expires_at" in params else None
        ),
    }


def _line_item(item: Any, i: int) -> dict[str, Any]:
    prefix = f"line_items[{i}]"
    if "price" in item:
        raise not_emulated("Price objects (send price_data)", f"{prefix}[price]")
    _emulated(item, EMULATED_LINE_ITEM, prefix)
    price = item.get("price_data")
    if not isinstance(price, dict):
        raise missing(f"{prefix}[price_data]")
    _emulated(price, EMULATED_PRICE_DATA, f"{prefix}[price_data]")
    if "quantity" not in item:
        raise missing(f"{prefix}[quantity]")
    quantity = integer(item["quantity"], f"{prefix}[quantity]")
    if quantity < 1:
        raise invalid(f"{prefix}[quantity]", "Quantity must be at least 1.")
    currency = price.get("currency")
    if not currency:
        raise missing(f"{prefix}[price_data][currency]")
    if currency != "thb":
        raise not_emulated(f"currency {currency!r} (only thb)", f"{prefix}[price_data][currency]")
    if "unit_amount" not in price:
        raise missing(f"{prefix}[price_data][unit_amount]")
    unit_amount = integer(price["unit_amount"], f"{prefix}[price_data][unit_amount]")
    if unit_amount < 0:
        raise invalid(
            f"{prefix}[price_data][unit_amount]",
            "This value must be greater than or equal to 0.",
            "parameter_invalid_integer",
        )
    product = price.get("product_data")
    if not isinstance(product, dict) or not product.get("name"):
        raise missing(f"{prefix}[price_data][product_data][name]")
    _emulated(product, EMULATED_PRODUCT_DATA, f"{prefix}[price_data][product_data]")
    return {
        "name": string(product["name"], f"{prefix}[price_data][product_data][name]"),
        "currency": currency,
        "unit_amount": unit_amount,
        "quantity": quantity,
        "amount_total": unit_amount * quantity,
    }


def check_refund(params: dict[str, Any]) -> dict[str, Any]:
    """Validate ``POST /v1/refunds`` (the charge itself is checked by the store)."""
    sdk_params.check(params, RefundCreateParams)
    _emulated(params, EMULATED_REFUND)
    if not params.get("payment_intent") and not params.get("charge"):
        raise ApiError(
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
            code="parameter_missing",
        )
    amount = None
    if "amount" in params:
        amount = integer(params["amount"], "amount")
        if amount < 1:
            raise invalid(
                "amount",
                "This value must be greater than or equal to 1.",
                "parameter_invalid_integer",
            )
    reason = params.get("reason")
    return {
        "payment_intent": params.get("payment_intent"),
        "charge": params.get("charge"),
        "amount": amount,
        "reason": reason,
        "metadata": metadata(params.get("metadata")),
    }

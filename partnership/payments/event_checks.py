"""What a signed Stripe event must be before it may change anything.

A signature proves who sent an event, not that it is one we can apply: it must be of the API
version we pin (another version's objects may have other fields), in the shape the handlers
read (a donation id in ASCII digits within range, amounts as integers, ids as strings, not
expanded objects), and a Checkout Session must be the donation's own: its session id, amount,
currency and live or test mode. An event that fails is kept for staff with the reason and
answered 200 (Stripe would retry anything else for three days); it changes nothing.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .client import STRIPE_API_VERSION, live_mode
from .models import Donation, EventOutcome

#: The largest id of an INTEGER primary key (PostgreSQL's int4).
MAX_DONATION_ID = 2**31 - 1
#: No amount Stripe reports can be larger (eight digits; 12 leaves room for any currency).
MAX_AMOUNT = 10**12
#: The length of the columns that store Stripe ids and a refund's status.
MAX_ID_LENGTH = 120
MAX_STATUS_LENGTH = 30
CURRENCY = "thb"


class Refusal(NamedTuple):
    """Why an event is kept for staff instead of applied."""

    outcome: EventOutcome
    reason: str


class Malformed(ValueError):
    """A field the handlers read is not in the shape Stripe documents."""


def parse_donation_id(raw: Any) -> int | None:
    """Our donation id in ``raw`` (metadata or ``client_reference_id``), or None if it names none.

    Only ASCII digits within the id range are an id. Digits of another script (Thai "๑๒",
    fullwidth "１２": ``str.isdigit()`` and ``int()`` accept both) and out-of-range numbers are
    :class:`Malformed`; any other text (a Payment Link's own reference) names no donation.
    """
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise Malformed(f"the donation id is a {type(raw).__name__}, not a string")
    if not raw.isdigit():
        return None
    if not raw.isascii():
        raise Malformed(f"the donation id {raw[:40]!r} is not in ASCII digits")
    if len(raw) > 10 or not 1 <= int(raw) <= MAX_DONATION_ID:
        raise Malformed(f"the donation id {raw[:40]!r} is out of range")
    return int(raw)


def donation_id_of(obj: dict[str, Any]) -> int | None:
    """The donation id the object names in its metadata, else its ``client_reference_id``."""
    metadata = obj.get("metadata") or {}
    return parse_donation_id(metadata.get("donation_id") or obj.get("client_reference_id"))


def _string(obj: dict, name: str, *, required: bool = False, max_length: int = 5000) -> None:
    value = obj.get(name)
    if value is None:
        if required:
            raise Malformed(f"{name} is missing")
        return
    if isinstance(value, dict):
        raise Malformed(f"{name} is an expanded object, not an id")
    if not isinstance(value, str) or (required and not value):
        raise Malformed(f"{name} is not a string: {str(value)[:40]!r}")
    if len(value) > max_length:
        raise Malformed(f"{name} is longer than {max_length} characters")


def _amount(obj: dict, name: str, *, required: bool = False, minimum: int = 0) -> None:
    value = obj.get(name)
    if value is None:
        if required:
            raise Malformed(f"{name} is missing")
        return
    if type(value) is not int:  # bool is an int; "abc" and 1.5 are not amounts
        raise Malformed(f"{name} is not an integer: {str(value)[:40]!r}")
    if not minimum <= value <= MAX_AMOUNT:
        raise Malformed(f"{name} is out of range: {value}")


def _object_problem(event_type: str, obj: dict[str, Any]) -> None:
    """Raise :class:`Malformed` for a field of ``data.object`` the handlers cannot read."""
    _string(obj, "id", required=True, max_length=MAX_ID_LENGTH)
    metadata = obj.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Malformed("metadata is not an object")
    _string(obj, "client_reference_id", max_length=200)
    donation_id_of(obj)
    for reference in ("payment_intent", "charge"):
        _string(obj, reference, max_length=MAX_ID_LENGTH)
    _string(obj, "status", max_length=MAX_STATUS_LENGTH)
    _string(obj, "currency", max_length=10)
    if "livemode" in obj and not isinstance(obj["livemode"], bool):
        raise Malformed("livemode is not true or false")
    kind = _kind(event_type, obj)
    if kind == "checkout.session":
        _string(obj, "payment_status", max_length=MAX_STATUS_LENGTH)
        _amount(obj, "amount_total")
    elif kind == "refund":
        _amount(obj, "amount", required=True, minimum=1)
    elif kind == "dispute":
        _amount(obj, "amount")
    elif kind == "charge":
        _amount(obj, "amount_refunded", required=True)


#: The kind of object each family of events carries (``charge.refund.updated`` a refund).
EVENT_OBJECTS = (
    ("checkout.session.", "checkout.session"),
    ("refund.", "refund"),
    ("charge.refund.", "refund"),
    ("charge.dispute.", "dispute"),
    ("charge.", "charge"),
)


def _kind(event_type: str, obj: dict[str, Any]) -> str:
    """The kind of object the event type carries; the object's own ``object`` must agree."""
    expected = next((k for prefix, k in EVENT_OBJECTS if event_type.startswith(prefix)), "")
    actual = obj.get("object")
    if actual is not None and expected and actual != expected:
        raise Malformed(f"a {event_type} event carries a {str(actual)[:40]}, not a {expected}")
    return expected


def check_event(event: dict[str, Any], *, handled: bool) -> Refusal | None:
    """Why a verified event must not be applied, or None. ``handled``: we have its handler."""
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type:
        return Refusal(EventOutcome.MALFORMED, "the event has no type")
    if not handled:
        return None
    version = event.get("api_version")
    if version != STRIPE_API_VERSION:
        return Refusal(
            EventOutcome.WRONG_VERSION,
            f"API version {str(version)[:40]!r}, not {STRIPE_API_VERSION!r}: create the "
            "webhook endpoint with the pinned version",
        )
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        return Refusal(EventOutcome.MALFORMED, "data.object is not an object")
    try:
        _object_problem(event_type, obj)
    except Malformed as error:
        return Refusal(EventOutcome.MALFORMED, str(error))
    return None


def session_mismatch(donation: Donation, session: dict[str, Any]) -> Refusal | None:
    """Why a Checkout Session is not this donation's own, or None.

    ``client_reference_id`` alone is not proof: any Payment Link or session of the same
    account can carry it. The session must be the one created for the donation, for its
    amount, in baht, and in the mode of our key (a test payment never pays a live gift).
    """
    problems = []
    if not donation.checkout_session_id or session.get("id") != donation.checkout_session_id:
        problems.append(
            f"session {str(session.get('id'))[:80]} is not the donation's "
            f"({donation.checkout_session_id or 'none'})"
        )
    if session.get("amount_total") != donation.amount_satang:
        problems.append(
            f"amount_total {session.get('amount_total')} is not {donation.amount_satang}"
        )
    if session.get("currency") != CURRENCY:
        problems.append(f"currency {str(session.get('currency'))[:10]} is not {CURRENCY}")
    if session.get("livemode") is not live_mode():
        problems.append(f"livemode {session.get('livemode')} is not {live_mode()}")
    if not problems:
        return None
    return Refusal(EventOutcome.MISMATCH, "; ".join(problems)[:300])

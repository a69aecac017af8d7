"""The objects the fake answers and sends, built on Stripe's own example objects.

``vendor/fixtures3.json`` (Stripe's OpenAPI fixtures) has one example of every resource with
every field the API version sends. The fake starts each object from that example and
overrides the fields it emulates (ids, amounts, statuses, metadata, …), so our code meets
every field real Stripe sends, including those nobody here thought of.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "vendor" / "fixtures3.json"


@functools.cache
def _resources() -> dict[str, dict[str, Any]]:
    with FIXTURES.open(encoding="utf-8") as handle:
        return json.load(handle)["resources"]


def example(kind: str) -> dict[str, Any]:
    """A fresh copy of Stripe's example object of ``kind`` (``"checkout.session"``, …)."""
    return copy.deepcopy(_resources()[kind])


def shape(kind: str, **fields: Any) -> dict[str, Any]:
    """Stripe's example ``kind`` with ``fields`` (the values the fake emulates) written over.

    A field may be one the example lacks: Stripe sends some only in some states (a refund's
    ``next_action`` or ``failure_reason``).
    """
    obj = example(kind)
    obj.update(fields)
    return obj

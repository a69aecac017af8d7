"""Decode Stripe's form encoding (``a[b][0][c]=v``) into nested dicts and lists.

The Python SDK (>= 15) encodes every list with an index (``payment_method_types[0]=card``);
other clients and curl send ``payment_method_types[]=card``. Both are accepted. Values stay
strings, as on the wire: the endpoint that wants an integer parses it and answers Stripe's
``Invalid integer`` error otherwise.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


class FormError(ValueError):
    """A parameter name or value that Stripe would refuse to decode."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


def parse_pairs(body: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a form body or query string, in order."""
    return parse_qsl(body, keep_blank_values=True)


def decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nest the pairs: ``metadata[id]=7`` becomes ``{"metadata": {"id": "7"}}``."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        match = _KEY.match(name)
        if not match:
            raise FormError(f"Invalid parameter name: {name}", name)
        path = [match.group(1), *_SEGMENT.findall(match.group(2))]
        _insert(root, path, value, name)
    return _listify(root)


def _insert(node: dict, path: list[str], value: str, name: str) -> None:
    for i, segment in enumerate(path):
        last = i == len(path) - 1
        if segment == "":  # "a[]": append a new element
            segment = str(len(node))
        existing = node.get(segment)
        if last:
            if existing is not None:
                raise FormError(f"Received duplicate or conflicting parameter: {name}", name)
            node[segment] = value
            return
        if existing is None:
            existing = node[segment] = {}
        elif not isinstance(existing, dict):
            raise FormError(f"Received conflicting parameter: {name}", name)
        node = existing


def _listify(node: Any) -> Any:
    """Turn dicts whose keys are exactly 0..n-1 into lists (``a[0]``, ``a[1]``...)."""
    if not isinstance(node, dict):
        return node
    children = {key: _listify(child) for key, child in node.items()}
    keys = list(children)
    if keys and all(k.isdigit() for k in keys):
        indexes = sorted(int(k) for k in keys)
        if indexes == list(range(len(indexes))):
            return [children[str(i)] for i in indexes]
    return children

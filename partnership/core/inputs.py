"""What the app accepts from a request, checked once at the boundary: ids and free text.

A database integer column holds at most 2**31 - 1. An id beyond it is not an id the database
could hold, so it matches no route (404) and is ignored in a query string, instead of failing in
the database. Text with control characters (NUL and the like, which PostgreSQL refuses and no
keyboard types) is refused by every form (``core.forms``) before it reaches a query.
"""

from __future__ import annotations

import re

from flask import request
from werkzeug.routing import BaseConverter, IntegerConverter

#: The largest value of a database ``INTEGER`` column (PostgreSQL's, and the ids of every table).
DB_INT_MAX = 2**31 - 1

#: C0 and C1 control characters and DEL; a text area may hold tabs and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


#: Bidirectional embedding, override and isolate controls and the LRM/RLM marks: invisible,
#: they reorder what a name or address shows (U+202E turns "Somchai" into "iahcmoS").
_BIDI_CONTROL = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def has_bidi_controls(text: str) -> bool:
    """True when ``text`` holds a bidirectional control character (U+202A–U+202E, U+2066–U+2069,
    U+200E, U+200F)."""
    return bool(_BIDI_CONTROL.search(text))


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds a character no person types (``multiline`` allows \\t \\n \\r)."""
    return bool((_CONTROL_IN_TEXT if multiline else _CONTROL).search(text))


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` in every route: 0 to ``DB_INT_MAX``; a larger number matches no route."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        limit = DB_INT_MAX if max is None or max > DB_INT_MAX else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=limit, signed=signed)


class TokenConverter(BaseConverter):
    """``<token:...>``: a URL-safe random token (letters, digits, ``-`` and ``_``, at most 100);
    anything else (a NUL, markup, a path) matches no route, so it never reaches the database."""

    regex = r"[A-Za-z0-9_-]{1,100}"


def parse_id(value: object) -> int | None:
    """``value`` as a row id (1 to ``DB_INT_MAX``), or None when it cannot be one."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= DB_INT_MAX else None


def arg_id(name: str) -> int | None:
    """The id in the query string's ``name`` (``?school=12``), or None: absent or not an id."""
    return parse_id(request.args.get(name))

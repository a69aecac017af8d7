"""Tables sorted on the server: ``?sort=<column>&dir=asc|desc`` links, so no script is needed.

A view reads the request's choice with ``read_sort`` (an unknown column or direction falls back
to the default, never an error), sorts its rows with ``sort_rows`` and passes the ``Sort`` to
``templates/reporting/_table.html``'s ``sort_header``, which links each heading to the other
direction and marks the sorted one with ``aria-sort``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sort:
    """The column a table is sorted by and the direction."""

    column: str
    descending: bool

    @property
    def direction(self) -> str:
        return "desc" if self.descending else "asc"

    def link(self, column: str, first: str = "asc") -> dict[str, str]:
        """The query arguments of a heading's link: the other direction if sorted by it."""
        if column == self.column:
            return {"sort": column, "dir": "asc" if self.descending else "desc"}
        return {"sort": column, "dir": first}

    def aria(self, column: str) -> str | None:
        """``aria-sort`` of a heading: only the sorted column has one."""
        if column != self.column:
            return None
        return "descending" if self.descending else "ascending"


def read_sort(
    args: Mapping[str, str], columns: Sequence[str], default: str, descending: bool = False
) -> Sort:
    """The sort the query string asks for, or the default for anything unknown."""
    column = args.get("sort", default)
    if column not in columns:
        return Sort(default, descending)
    direction = args.get("dir")
    if direction not in ("asc", "desc"):
        return Sort(column, descending if column == default else False)
    return Sort(column, direction == "desc")


def sort_rows(
    rows: Iterable[Any], sort: Sort, keys: Mapping[str, Callable[[Any], Any]]
) -> list[Any]:
    """``rows`` sorted by ``keys[sort.column]``; rows without a value (None) come last in
    either direction, and ties keep their order (the rows' own order breaks them)."""
    key = keys[sort.column]
    rows = list(rows)
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=sort.descending) + missing

"""Keeping a one-to-many collection of ordered child rows equal to what a form submitted."""

from __future__ import annotations

from collections.abc import Callable, MutableSequence, Sequence
from typing import TypeVar

Row = TypeVar("Row")
Item = TypeVar("Item")


def sync_by_position(
    collection: MutableSequence[Row],
    items: Sequence[Item],
    new_row: Callable[[int], Row],
    apply: Callable[[Row, Item], None],
) -> None:
    """Make ``collection`` one row per item, in order: update in place by position, append, drop.

    ``collection`` is a relationship ordered by position. The row already at a position is
    updated with ``apply(row, item)`` rather than replaced, so its id survives an edit (ratings
    point at rubric criteria by id) and a position never holds two rows during the flush (no
    clash with a unique (parent, position) constraint). Items beyond the existing rows get
    ``new_row(position)``, appended; rows beyond the items are removed (delete-orphan).
    """
    existing = list(collection)
    for position, item in enumerate(items):
        if position < len(existing):
            row = existing[position]
        else:
            row = new_row(position)
            collection.append(row)
        apply(row, item)
    for extra in existing[len(items) :]:
        collection.remove(extra)

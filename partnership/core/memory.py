"""Pausing the cyclic garbage collector while a request builds many short-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block without the cyclic garbage collector, then turn it back on.

    Building a national ranking allocates a few hundred thousand small objects (rows, records,
    scores) that all live until the page is rendered. Every 700 new objects the collector walks
    the young ones, and every so often all of them, so the time of the build grew faster than
    the number of applications (7,000 took 14× the time of 700). Reference counting still frees
    what dies during the block; the collector, back on afterwards, finds any cycle left.

    The switch is process-wide: a block already running with the collector paused (another
    thread) is not turned back on early by a nested one, and at worst a concurrent block runs
    with the collector on, as before.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()

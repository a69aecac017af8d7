"""What features above campaigns add to the public campaign page.

Campaigns know nothing of donations; payments registers the donor wall and the give button
here (as review registers what it adds to applications), each a callable
``(campaign) -> dict`` whose keys the page template reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PAGE_SECTIONS: list[Callable[[Any], dict]] = []


def page_section(function: Callable[[Any], dict]) -> Callable[[Any], dict]:
    """Register a section provider (a decorator)."""
    PAGE_SECTIONS.append(function)
    return function


def sections_for(campaign) -> dict:
    context: dict = {}
    for provider in PAGE_SECTIONS:
        context.update(provider(campaign))
    return context

"""Parts of the layout that are the same for every anonymous visitor, rendered once per process.

The header's navigation (for one kind of page), the footer and the head's links cost a page a
dozen translated texts and URL builds each time, and come out the same for every visitor who is
not signed in. ``kept_fragment`` renders such a part once per key and serves the same bytes
after; a signed-in visitor's part (their name, their menus) is always rendered.

    {% call kept_fragment("footer", lang) %} ... {% endcall %}

The key must name everything the part depends on (the language, the page's endpoint); the part
must not depend on anything else of the request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Flask, current_app
from flask_login import current_user
from markupsafe import Markup

#: A bound on the parts kept (a few per endpoint and language: a few hundred in all).
MAX_FRAGMENTS = 2_000


def kept_fragment(*key: Hashable, caller: Callable[[], str]) -> Markup:
    """The part ``caller`` renders, kept under ``key`` for visitors who are not signed in."""
    if current_user.is_authenticated:
        return Markup(caller())
    kept: dict = current_app.extensions["layout_fragments"]
    part = kept.get(key)
    if part is None:
        part = Markup(caller())
        if len(kept) < MAX_FRAGMENTS:
            kept[key] = part
    return part


def init_app(app: Flask) -> None:
    app.extensions["layout_fragments"] = {}
    app.jinja_env.globals["kept_fragment"] = kept_fragment

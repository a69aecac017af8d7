"""Absolute URLs for links that leave the site (e-mail, payment return pages)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app


def external_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The absolute URL of ``endpoint`` on ``BASE_URL``, whatever Host the request carried.

    ``url_for(..., _external=True)`` inside a request builds on the request's scheme (and, without
    ``SERVER_NAME``, its Host header), which a client controls. This binds the URL map to the
    configured site instead, so it also works without a request (CLI commands, background work).
    ``endpoint`` is the full name (``"accounts.reset"``); extra ``values`` become the query string.
    """
    app = current_app._get_current_object()
    site = urlsplit(app.config["BASE_URL"])
    adapter = app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )
    app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    if _anchor:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url

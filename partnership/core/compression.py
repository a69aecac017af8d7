"""Responses sent compressed to browsers that accept it (Flask-Compress: zstd, Brotli or gzip).

A Thai page weighs three bytes a letter; compressed, the map of the 77 provinces travels in a
fifth of its size, so a visitor on a phone loads the figures' pages under 100 KB.

Which responses:
- the styles, scripts and outlines under ``static/``;
- every page an anonymous visitor gets (the public pages: campaigns, figures, the map).

Pages for a signed-in person are sent as they are: they can carry what is theirs alone (an
e-mail address, a donor's name, a form's token) beside text an attacker could make the page
repeat, and compressed together the size of the answer would tell a watcher on the network
whether a guess was right (BREACH). Downloads (CSV, Excel, PDF) are not text the list names.

Clients that send no ``Accept-Encoding`` (``wrk``, the test client) get the page unchanged.
"""

from __future__ import annotations

from contextlib import closing

from flask import Flask, Response, request
from flask_compress import Compress
from flask_login import current_user

compress = Compress()


def worth_compressing() -> bool:
    """Static files, and pages for a visitor who is not signed in (see the module's note)."""
    if "Accept-Encoding" not in request.headers:
        return False  # nothing to choose from: no need to look at who is asking
    if request.endpoint == "static":
        return True
    return not current_user.is_authenticated


def compress_response(response: Response) -> Response:
    if not worth_compressing():
        return response
    if (
        request.endpoint == "static"
        and response.status_code == 200
        and response.mimetype in compress.compress_mimetypes_set
    ):
        # A static file is sent as a file stream, which Flask-Compress would only compress in
        # chunks (no gzip, no length). Read it whole and close it: the files are small, and
        # every encoding and a Content-Length follow.
        response.direct_passthrough = False
        with closing(response.response):
            response.set_data(b"".join(response.iter_encoded()))
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    """Install the compression as the last step of every response (after the unit of work's
    commit, which ``init_unit_of_work`` placed first in the list: this one goes before it)."""
    app.config.setdefault("COMPRESS_REGISTER", False)  # our hook decides which responses
    compress.init_app(app)
    app.after_request_funcs.setdefault(None, []).insert(0, compress_response)

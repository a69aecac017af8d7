"""The request is the unit of work: one commit when an unsafe request succeeds, else a rollback.

Views and services change the session and ``flush()``; they never commit. When a POST, PUT,
PATCH or DELETE answers with a success or a redirect (status below 400), :func:`finish_request`
commits once and then sends :data:`work_committed`, on which notifications delivers the mail the
request queued (``MAIL_DELIVERY=inline``). Any exception, and any answer of 400 or more, rolls
back. A GET never writes. (Indico ``web/rh.py``: one commit per request.)

The few places that must make work visible before the request ends — before asking Stripe for
something that cannot be rolled back, and in the CLI and the worker, which have no request —
say so through :func:`commit_now` with the reason. ``tests/test_said_once.py`` fails on a
commit anywhere else.

A rule or state machine that says no raises :class:`Refused` (or a subclass); the app-wide
handler (``core.views``) rolls back and answers. See docs/architecture/unit-of-work.md.
"""

from __future__ import annotations

from blinker import Namespace
from flask import Flask, Response, current_app, g, request
from flask_babel import LazyString
from flask_babel import gettext as _

from ..extensions import db

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Sent (sender: the app) after an unsafe request's work is committed. Notifications connects
#: the inline delivery of the mail the request queued; nothing may write to the session here.
work_committed = Namespace().signal("work committed")


class Refused(Exception):
    """Base of every "refused, with a message for the user" error: a feature's rule said no, or
    a state machine (``core.transitions.TransitionRefused``) could not make the move.

    Unhandled, it rolls the request back and answers: a flash and a 303 back for a form, the
    409 page otherwise (``core.views``). A view catches it only to show it on a form it
    re-renders, and then calls :func:`discard_changes`.
    """

    #: What the person reads when the error was raised without a translatable sentence: a
    #: subclass whose every refusal means one thing says it here (``lazy_gettext``).
    message: LazyString | None = None

    def user_message(self) -> str:
        """What the person reads: the sentence it was raised with, if that was translatable
        (``lazy_gettext``), else the class's :attr:`message`, else that nothing was changed."""
        first = self.args[0] if self.args else None
        if isinstance(first, LazyString):
            return str(first)
        if self.message is not None:
            return str(self.message)
        return _(
            "This was not possible: it has changed in the meantime (someone may have just done "
            "it). Nothing was changed. Reload the page to see where it stands now."
        )


def refusal_returns_to(url: str) -> None:
    """Where a form refused in this request is sent back to, when that is not the page it was
    posted from (a used link's form goes to the login page, not to the link). The app-wide
    handler (``core.views.refused``) honours it; without it the person returns to the page they
    pressed the button on."""
    g.refusal_returns_to = url


def commit_now(*, reason: str) -> None:
    """Commit before the request's end: the one sanctioned commit outside :func:`finish_request`.

    Only for work that must be visible before something that cannot be rolled back (a stored
    request or claim before Stripe is asked, a lock not to be held while Stripe answers), and
    for the CLI and the worker, which have no request. ``reason`` says which; it is required so
    that every such place reads as what it is.
    """
    if not reason.strip():
        raise ValueError("commit_now needs a reason")
    db.session.commit()


def discard_changes() -> None:
    """Undo what this request wrote so far: for a view that catches a refusal (or a duplicate)
    to show it on the form it re-renders, so the page and the end of the request see the
    database as it was."""
    db.session.rollback()


def end_read_only() -> None:
    """End a safe request's READ ONLY transaction (``core.database``) with a COMMIT. It wrote
    nothing (PostgreSQL refuses a write in it), so this is a rollback in effect; but psycopg
    forgets every statement it prepared at a ROLLBACK, and a COMMIT keeps them."""
    db.session.commit()


def finish_request(response: Response) -> Response:
    """Commit a successful unsafe request once and announce it; roll back anything else.

    A streamed body is produced after this ran (and after the commit): it must not write.
    """
    if request.method not in UNSAFE_METHODS:
        return response  # a GET writes nothing; the teardown rolls back whatever it read
    if response.status_code >= 400:
        db.session.rollback()
        return response
    db.session.commit()
    work_committed.send(current_app._get_current_object())
    return response


def init_unit_of_work(app: Flask) -> None:
    """Install the commit at the request's end (registered first, so it runs after every other
    ``after_request`` function has settled the response)."""
    app.after_request_funcs.setdefault(None, []).insert(0, finish_request)

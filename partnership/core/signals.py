"""Questions a lower feature asks through a named signal, answered by the features above it.

The lower feature names the signal (``flask.signals.Namespace``) and asks ``any_receiver_agrees``;
a higher feature connects a receiver in its ``init_app`` that answers True or False. So the
lower feature learns what the higher one adds without importing it (review adds reviewers to
who may view an application, and submitted reviews to what locks a rubric).
"""

from __future__ import annotations

from collections.abc import Iterable

from blinker import Signal
from flask.signals import Namespace

_signals = Namespace()

#: A record of a lower feature (a school's admission, a programme's opening) asks which
#: decisions of a higher feature made it: sent with the kind of record as sender and
#: ``subject_id``; a receiver answers a list of :class:`Citation`. Templates ask through the
#: ``decided_by([(kind, id), …])`` global, so the lower feature never imports the one that answers.
decided_by = _signals.signal("decided-by")


def any_receiver_agrees(signal: Signal, sender, **kwargs) -> bool:
    """Send ``signal`` and say whether any receiver answered True (no receiver: False)."""
    return any(answer is True for _, answer in signal.send(sender, **kwargs))


class Citation:
    """A decision that made a record: how to name it and where to read it."""

    __slots__ = ("label", "url", "detail")

    def __init__(self, label: str, url: str, detail: str = "") -> None:
        self.label, self.url, self.detail = label, url, detail


def decisions_of(subjects: Iterable[tuple[str, int]]) -> list[Citation]:
    """Every receiver's citations of the records named by (kind, id) pairs, in that order."""
    found: dict[str, Citation] = {}  # one resolution deciding two things is cited once
    for kind, subject_id in subjects:
        for _, answer in decided_by.send(kind, subject_id=subject_id):
            for citation in answer or ():
                found.setdefault(citation.url, citation)
    return list(found.values())

"""What features above programmes add to its rules, through named signals (see core.signals)."""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: Asked before a programme's rubric changes, with the programme as sender. A receiver answers
#: True when the rubric is in use and must stay as it is (review: a review has been submitted).
rubric_in_use = _signals.signal("programme-rubric-in-use")

#: Sent with the programme as sender when its public page is built; each receiver returns a dict
#: of template values for the sections it adds (outcomes: planned against reported).
programme_page = _signals.signal("programme page sections")


def sections_for(programme) -> dict:
    """The template values every connected feature adds to this programme's page."""
    context: dict = {}
    for _receiver, values in programme_page.send(programme):
        context.update(values or {})
    return context

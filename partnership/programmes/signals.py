"""What features above programmes add to its rules, through named signals (see core.signals)."""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: Asked before a programme's rubric changes, with the programme as sender. A receiver answers
#: True when the rubric is in use and must stay as it is (review: a review has been submitted).
rubric_in_use = _signals.signal("programme-rubric-in-use")

"""Questions a lower feature asks through a named signal, answered by the features above it.

The lower feature names the signal (``flask.signals.Namespace``) and asks ``any_receiver_agrees``;
a higher feature connects a receiver in its ``init_app`` that answers True or False. So the
lower feature learns what the higher one adds without importing it (review adds reviewers to
who may view an application, and submitted reviews to what locks a rubric).
"""

from __future__ import annotations

from blinker import Signal


def any_receiver_agrees(signal: Signal, sender, **kwargs) -> bool:
    """Send ``signal`` and say whether any receiver answered True (no receiver: False)."""
    return any(answer is True for _, answer in signal.send(sender, **kwargs))

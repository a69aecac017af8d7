"""What features above payments add to the give form and the thank-you page (named signals).

Payments knows nothing of matching; matching connects receivers that return dicts of template
values (as ``campaigns.hooks.campaign_page`` does for the campaign page).
"""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: Sent with the campaign as sender when the give form is built.
give_page = _signals.signal("payments give page")

#: Sent with the donation as sender when its thank-you page is built.
thanks_page = _signals.signal("payments thanks page")


def values_from(signal, sender) -> dict:
    """The template values every connected receiver adds."""
    context: dict = {}
    for _receiver, values in signal.send(sender):
        context.update(values or {})
    return context

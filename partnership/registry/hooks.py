"""What features above the registry add to an organisation's page, through a named signal.

The registry knows nothing of money: matching connects a receiver to ``organisation_page`` that
returns the sponsor's pledges as a dict of template values (as ``campaigns.hooks`` does).
"""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: Sent with the organisation as sender when its page is built; receivers return a dict.
organisation_page = _signals.signal("organisation page sections")


def sections_for(organisation) -> dict:
    context: dict = {}
    for _receiver, values in organisation_page.send(organisation):
        context.update(values or {})
    return context


#: Sent with the school as sender when its page is built; receivers return a dict of template
#: values. Devices answer ``computers_delivered``: {academic year: computers the school received
#: through the programme that year}, for pupils per computer after the programme.
school_page = _signals.signal("school page sections")


def school_sections_for(school) -> dict:
    context: dict = {}
    for _receiver, values in school_page.send(school):
        context.update(values or {})
    return context

"""What features above campaigns add to the public campaign page, through a named signal.

Campaigns know nothing of donations; payments connects a receiver to ``campaign_page`` that
returns the donor wall and the give button as a dict whose keys the page template reads (as
review answers the applications feature's signals).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask.signals import Namespace

_signals = Namespace()

#: Sent with the campaign as sender when its public page is built, and ``probes`` (see
#: :func:`add_page_probe`); each receiver returns a dict of template values for the sections it
#: adds.
campaign_page = _signals.signal("campaign page sections")

#: name → builds a SQL expression correlated to ``Campaign`` (an ``EXISTS``) that the page's own
#: statement reads beside the campaign.
_page_probes: dict[str, Callable[[], sa.ColumnElement]] = {}


def add_page_probe(name: str, build: Callable[[], sa.ColumnElement]) -> None:
    """Have the campaign page's own statement answer a question for a section: ``build()``
    returns an expression of the ``Campaign`` row (it may bind ``now``, the request's time),
    and the section's receiver finds its value in ``probes[name]``. A section that asks "is
    there anything to show?" this way costs no statement of its own when there is not."""
    _page_probes[name] = build


def page_probe_columns() -> list[sa.ColumnElement]:
    """The registered probes as labelled columns, in name order (``probe_<name>``)."""
    return [_page_probes[name]().label(f"probe_{name}") for name in sorted(_page_probes)]


def probes_of(row) -> dict:
    """The probes' values in a row of the page's statement, by name."""
    found = row._mapping
    return {name: found[f"probe_{name}"] for name in _page_probes}


def sections_for(campaign, probes: dict) -> dict:
    """The template values every connected feature adds to this campaign's page."""
    context: dict = {}
    for _receiver, values in campaign_page.send(campaign, probes=probes):
        context.update(values or {})
    return context


#: Sent (no sender) by ``flask campaigns close-due`` after it committed the campaigns it ended,
#: outside any transaction: receivers settle ended campaigns (an all-or-nothing refund run) and
#: commit their own work, step by step, so that an interrupted run can simply run again.
#: Each receiver returns a line for the command's output.
after_close_due = _signals.signal("campaigns after close-due")

#: Sent with the campaign's id as sender by staff closing a campaign, after the commit, outside
#: any transaction: receivers stop what still points at it (payments expires its open Checkout
#: Sessions) and commit their own work.
after_campaign_closed = _signals.signal("campaigns after close")

#: Sent with the campaign as sender in the transaction that moved it live → funded (once: the
#: move is a conditional UPDATE): receivers add what a funded campaign gets (its delivery
#: milestones), in the same transaction.
campaign_funded = _signals.signal("campaign funded")

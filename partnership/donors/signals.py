"""Named signals of the donors feature, for the features that keep more donor data.

``purge_due`` is sent by ``flask donors purge`` with ``cutoff`` (an aware UTC datetime): a
receiver erases the donor data it keeps about gifts made before it (the receipts feature's tax
data) in the same transaction (flush, never commit) and may return how many rows it erased.

``ledger_sources`` is sent with a donation as sender when its donor's data is erased; a feature
that wrote ledger rows for it under sources of its own (an offline gift) returns their list, so
their public labels are erased too.
"""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

purge_due = _signals.signal("donors purge due")
ledger_sources = _signals.signal("donors ledger sources")

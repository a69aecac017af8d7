"""What happens to an offline gift, told to the features above (matching).

Sent inside the transaction that wrote the gift's ledger row; receivers flush, never commit.
"""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: Sent with the gift as sender once it is recorded (its ledger row written).
gift_recorded = _signals.signal("offline-gift-recorded")
#: Sent with the gift as sender once it is voided or returned (its reversing row written).
gift_reversed = _signals.signal("offline-gift-reversed")

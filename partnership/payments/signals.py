"""What happens to a donation's money, told to the features above payments (matching, receipts).

Each signal is sent inside the transaction that moved the money, after its ledger row was
written; a receiver does its own work in the same transaction (it flushes, never commits) and
must not send e-mail or render PDFs there: it queues them.
"""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: Sent with the donation as sender when it became paid (once per donation); ``source`` is the
#: ledger source of the payment row (a Stripe event id).
donation_paid = _signals.signal("donation-paid")

#: Sent with the donation as sender when money left it (a refund or a dispute) or came back
#: (a failed refund): ``returned_satang`` is positive when money left, negative when it came
#: back; ``source`` is the ledger source of that movement.
donation_returned = _signals.signal("donation-returned")

#: Sent by the Stripe webhook after its transaction committed, outside any transaction (the
#: app as sender): what follows a payment without being part of it (receipts number the gifts
#: just paid, ``receipts.claims``) commits its own work, and must not fail the webhook.
webhook_committed = _signals.signal("webhook-committed")

"""Online giving through Stripe: Checkout Sessions, refunds and signed webhooks.

Payments sits above the ledger and campaigns (see STYLE.md) and is the only feature that
talks to Stripe; ``client.py`` is that boundary and nothing else imports ``stripe``.
"""

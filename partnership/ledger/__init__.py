"""The ledger: append-only rows, one per movement of money, per campaign.

It knows campaigns by id, not who paid how: payments and (next) matching and offline gifts
append rows through :func:`services.append_entry`; the campaign counters are a cache of it that
``flask ledger verify`` recomputes.
"""

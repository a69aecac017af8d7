"""Donation receipts (ใบเสร็จรับเงินบริจาค): numbers per Buddhist-Era year, the PDF, the signed
link in the thank-you e-mail, the e-Donation record of each gift with tax details (``edonation``:
due, recorded, to amend or cancel after a refund) with staff's monthly worklist and file.

Receipts sit above payments: a receiver of ``payments.signals.donation_paid`` records, in the
webhook's transaction, that the gift waits for its number; the number, the e-Donation record and
the thank-you follow the commit (``claims``); ``donation_returned`` moves them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The receipt pages and staff's e-Donation worklist; for every paid donation a claim in the
    transaction that took the money, then after its commit (or at the worker's next pass) a
    receipt number in paid order, the e-Donation record and the thank-you mail."""
    from ..core.unit_of_work import work_committed
    from ..notifications.worker import worker_pass
    from ..payments.signals import donation_paid, donation_returned
    from . import claims, edonation, numbering
    from .views import bp
    from .views_staff import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.cli.add_command(claims.receipts_cli)
    donation_paid.connect(claims.claim_on_payment)
    work_committed.connect(claims.claim_after_commit)
    worker_pass.connect(claims.sweep_on_worker_pass)
    donation_returned.connect(edonation.follow_returned)
    donation_returned.connect(numbering.follow_returned_donation)

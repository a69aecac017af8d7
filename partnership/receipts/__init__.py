"""Donation receipts (ใบเสร็จรับเงินบริจาค): numbers per Buddhist-Era year, the PDF, the signed
link in the thank-you e-mail, the e-Donation record of each gift with tax details (``edonation``:
due, recorded, to amend or cancel after a refund) with staff's monthly worklist and file.

Receipts sit above payments: a receipt number and an e-Donation record are given by receivers
of ``payments.signals.donation_paid``, in the webhook's transaction; ``donation_returned`` moves
the record.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The receipt pages and staff's e-Donation worklist; a receipt number, the thank-you mail
    and an e-Donation record for every paid donation, in the transaction that took the money."""
    from ..payments.signals import donation_paid, donation_returned
    from . import edonation, numbering
    from .views import bp
    from .views_staff import bp as staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    donation_paid.connect(edonation.open_on_payment)
    donation_paid.connect(numbering.number_and_thank)
    donation_returned.connect(edonation.follow_returned)
    donation_returned.connect(numbering.follow_returned_donation)

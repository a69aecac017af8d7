"""Donation receipts (ใบเสร็จรับเงินบริจาค): numbers per Buddhist-Era year, the PDF, the signed
link in the thank-you e-mail, the e-Donation record of each gift with tax details (``edonation``:
due, recorded, to amend or cancel after a refund) with staff's monthly worklist and file.

Receipts sit above payments: a receiver of ``payments.signals.donation_paid`` records, in the
webhook's transaction, that the gift waits for its number; the number, the e-Donation record and
the thank-you follow the commit (``claims``); ``donation_returned`` moves them.
"""

"""Donation receipts (ใบเสร็จรับเงินบริจาค): numbers per Buddhist-Era year, the PDF, the signed
link in the thank-you e-mail, the e-Donation record of each gift with tax details (``edonation``:
due, recorded, to amend or cancel after a refund) with staff's monthly worklist and file.

Receipts sit above payments: a receipt number and an e-Donation record are given by receivers
of ``payments.signals.donation_paid``, in the webhook's transaction; ``donation_returned`` moves
the record.
"""

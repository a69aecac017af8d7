"""Donation receipts (ใบเสร็จรับเงินบริจาค): numbers per Buddhist-Era year, the PDF, the signed
link in the thank-you e-mail, and the staff's e-Donation export of the donors' tax details.

Receipts sit above payments: a receipt number is given by a receiver of
``payments.signals.donation_paid``, in the webhook's transaction.
"""

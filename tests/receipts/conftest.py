"""Receipts: paid donations (through the form and the fake Stripe's webhooks), their PDF text."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from partnership.receipts.links import receipt_link
from tests.crowd import reload

#: A valid Thai id (1-2345-67890-12-1: the check digit of 123456789012 is 1).
GOOD_ID = "1234567890121"
TAX_FIELDS = {
    "wants_tax_receipt": "y",
    "tax_full_name": "นายสมชาย ใจดี",
    "tax_address": "12 ถนนมิตรภาพ ตำบลในเมือง อำเภอเมืองขอนแก่น ขอนแก่น 40000",
    "tax_id": "1-2345-67890-12-1",
}


@pytest.fixture()
def in_language(client):
    """Set the donor's language for the next requests of the test client."""

    def choose(lang: str) -> None:
        with client.session_transaction() as session:
            session["locale"] = lang

    return choose


@pytest.fixture()
def paid(make_campaign, give, hooked):
    """paid(**form fields) -> (donation, session id): given through the form, paid by card."""

    def pay(campaign=None, **fields):
        donation, session_id = give(campaign or make_campaign(), **fields)
        hooked.pay(session_id)
        return reload(donation), session_id

    return pay


def receipt_path(donation) -> str:
    """The path of the donation's signed receipt link (as mailed, without the host)."""
    return urlsplit(receipt_link(donation)).path


def pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)

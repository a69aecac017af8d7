"""Tax-receipt details on the giving form: checked, kept encrypted, shown only masked."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import Donation, DonationTaxInfo
from tests.crowd import DONOR

from .conftest import GOOD_ID, TAX_FIELDS, pdf_text, receipt_path


def donations() -> int:
    return db.session.scalar(sa.select(sa.func.count(Donation.id)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tax_id": "1234567890122"}, "not valid"),  # bad check digit
        ({"tax_id": "123456789012"}, "13 digits"),  # 12 digits
        ({"tax_id": "12345678901234"}, "13 digits"),
        ({"tax_id": "12345abc90121"}, "digits only"),
        ({"tax_id": ""}, "13-digit ID"),
        ({"tax_address": ""}, "address"),
        ({"tax_address": "   "}, "address"),
        ({"tax_full_name": ""}, "full name"),
    ],
)
def test_bad_tax_details_are_form_errors_and_create_nothing(
    make_campaign, client, stripe_app, fake_stripe, in_language, changes, message
):
    in_language("en")
    campaign = make_campaign()
    data = DONOR | TAX_FIELDS | changes
    response = client.post(f"/campaigns/{campaign.id}/give", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert donations() == 0
    assert fake_stripe.sessions == {}
    # what the donor typed is kept
    kept = changes.get("tax_address", TAX_FIELDS["tax_address"]).strip()
    if kept:
        assert kept in response.text


def test_tax_fields_are_ignored_without_the_box(make_campaign, give):
    donation, _ = give(make_campaign(), tax_id="nonsense", tax_address="")
    assert db.session.scalar(sa.select(sa.func.count(DonationTaxInfo.id))) == 0
    assert donation.amount_satang == 50_000


def test_the_id_is_stored_only_encrypted_and_shown_only_masked(paid, client, fake_stripe, caplog):
    caplog.set_level(logging.DEBUG)
    donation, session_id = paid(**TAX_FIELDS)
    info = db.session.scalar(sa.select(DonationTaxInfo))
    assert info.donation_id == donation.id and info.tax_id() == GOOD_ID
    assert info.masked_tax_id.endswith("2-1") and GOOD_ID not in info.masked_tax_id
    assert GOOD_ID not in repr(info)
    # the raw table, read without the model: no column holds the id (nor its dashed form)
    rows = db.session.execute(sa.text("SELECT * FROM donation_tax_info")).all()
    assert len(rows) == 1
    raw = " ".join(str(value) for value in rows[0])
    assert GOOD_ID not in raw and TAX_FIELDS["tax_id"] not in raw
    assert "0121" in raw  # the last four, for display
    donation_row = db.session.execute(sa.text("SELECT * FROM donations")).all()
    assert GOOD_ID not in str(donation_row)
    # not sent to Stripe, not in any e-mail, not in the logs
    assert GOOD_ID not in str(fake_stripe.sessions[session_id])
    assert all(GOOD_ID not in m.body for m in db.session.scalars(sa.select(OutgoingMail)))
    assert GOOD_ID not in caplog.text
    # the receipt shows the name, the address and the masked id
    text = pdf_text(client.get(receipt_path(donation)).data)
    assert TAX_FIELDS["tax_full_name"] in text
    assert info.masked_tax_id in text and GOOD_ID not in text
    assert "e-Donation" in text

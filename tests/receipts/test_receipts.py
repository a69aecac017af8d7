"""A paid donation gets its receipt number, a thank-you e-mail and a PDF behind a signed link."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.extensions import db, limiter
from partnership.i18n import BUDDHIST_ERA_OFFSET
from partnership.notifications.crypto import decrypt
from partnership.notifications.models import OutgoingMail
from partnership.receipts.models import Receipt
from partnership.receipts.numbering import receipt_for
from tests.crowd import reload

from .conftest import pdf_text, receipt_path


def thanks_mails():
    return db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "donation-thanks")
    ).all()


def test_payment_numbers_the_receipt_and_queues_the_thank_you(paid, give, hooked):
    first, _ = paid(custom_amount="500")
    second, session_id = give(first.campaign, custom_amount="1234.50")
    [event] = hooked.pay(session_id, send=False)
    hooked.send(event, duplicate=True)  # a repeated event numbers nothing more
    one, two = receipt_for(first.id), receipt_for(second.id)
    year = first.paid_at.year + BUDDHIST_ERA_OFFSET
    assert (one.year, one.number, two.year, two.number) == (year, 1, year, 2)
    assert one.label == f"{year}/000001"
    assert db.session.scalar(sa.select(sa.func.count(Receipt.id))) == 2
    mails = thanks_mails()
    assert [m.to_address for m in mails] == ["somchai@example.com"] * 2
    assert "ขอบคุณ" in mails[0].subject  # the donor gave in Thai
    # The link is a secret: the log shows it removed, the worker sends the encrypted body.
    assert "/receipts/" not in mails[0].body and "[" in mails[0].body
    assert receipt_path(first).split("/")[-1][:10] in decrypt(mails[0].secret_body)
    assert f"{year}/000001" in mails[0].body


def test_the_thank_you_follows_the_donors_language(paid, in_language):
    in_language("en")
    donation, _ = paid()
    [mail] = thanks_mails()
    assert donation.locale == "en"
    assert mail.subject.startswith("Thank you for your gift")
    assert "/receipts/" in decrypt(mail.secret_body) and "[link removed]" in mail.body


def test_the_receipt_pdf_holds_the_number_and_the_amount_in_thai_words(paid, client):
    donation, _ = paid(custom_amount="1234.50")
    response = client.get(receipt_path(donation))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    receipt = receipt_for(donation.id)
    assert receipt.label in text
    assert "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์" in text
    assert "ใบเสร็จรับเงินบริจาค" in text
    assert "฿1,234.50" in text
    assert "สมชาย ใจดี" in text
    assert "มูลนิธิสานอนาคตการศึกษา" in text and "0993000000000" in text
    assert f"{receipt.year}" in text
    assert donation.campaign.title in text


def test_an_english_donor_gets_english_labels_and_still_thai_words(paid, client, in_language):
    in_language("en")
    donation, _ = paid(custom_amount="500")
    text = pdf_text(client.get(receipt_path(donation)).data)
    assert "Donation receipt" in text and "Receipt number" in text
    assert "ห้าร้อยบาทถ้วน" in text
    assert f"B.E. {receipt_for(donation.id).year}" in text


def test_an_expired_link_gets_a_clear_page(paid, client, app, monkeypatch):
    donation, _ = paid()
    path = receipt_path(donation)
    monkeypatch.setitem(app.config, "RECEIPT_LINK_MAX_AGE", -1)
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 410
    assert "text/html" in response.content_type
    assert 'id="receipt-expired"' in response.text


def test_a_tampered_or_guessed_link_is_not_found(paid, client):
    donation, _ = paid()
    path = receipt_path(donation)
    signed = path.rsplit("/", 1)[1]
    # Not the last character: base64's last one carries padding bits, and some of its
    # neighbours decode to the same bytes.
    flipped = ("A" if signed[0] != "A" else "B") + signed[1:]
    for guess in (
        f"/receipts/{flipped}",
        f"/receipts/{donation.id}",
        f"/receipts/{donation.token}",
        "/receipts/" + "x" * 500,
        "/receipts/%00",
    ):
        assert client.get(guess).status_code == 404, guess


def test_no_receipt_before_payment(make_campaign, give, client):
    donation, _ = give(make_campaign())
    assert client.get(receipt_path(donation)).status_code == 404
    assert receipt_for(donation.id) is None


def test_a_refunded_gift_shows_a_cancelled_receipt(paid, hooked, client, in_language):
    in_language("en")
    donation, session_id = paid(custom_amount="500")
    hooked.refund(session_id)
    assert reload(donation).refunded_satang == 50_000
    text = pdf_text(client.get(receipt_path(donation)).data)
    assert "CANCELLED" in text
    assert receipt_for(donation.id).number == 1  # the number stays taken


def test_a_partly_refunded_gift_shows_what_was_returned(paid, hooked, client, in_language):
    in_language("en")
    donation, session_id = paid(custom_amount="500")
    hooked.refund(session_id, amount=20_000)
    text = pdf_text(client.get(receipt_path(donation)).data)
    assert "CANCELLED" not in text
    assert "Partly refunded" in text and "฿200.00" in text and "฿300.00" in text


def test_a_thai_refunded_receipt_says_cancelled_in_thai(paid, hooked, client):
    donation, session_id = paid(custom_amount="500")
    hooked.refund(session_id)
    assert "ยกเลิก" in pdf_text(client.get(receipt_path(donation)).data)


def test_the_thanks_page_links_to_the_receipt_once_paid(make_campaign, give, hooked, client):
    donation, session_id = give(make_campaign())
    page = client.get(f"/donations/{donation.token}/thanks")
    assert page.status_code == 200 and 'id="receipt-link"' not in page.text
    hooked.pay(session_id)
    page = client.get(f"/donations/{donation.token}/thanks")
    assert 'id="receipt-link"' in page.text
    link = page.text.split('id="receipt-link" href="', 1)[1].split('"', 1)[0]
    assert client.get(link.replace("http://localhost", "")).status_code == 200


def test_opening_receipts_is_rate_limited(paid, client, app, monkeypatch):
    donation, _ = paid()
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "RECEIPT_RATE_LIMIT", "2 per minute")
    limiter.reset()
    try:
        statuses = [client.get(receipt_path(donation)).status_code for _ in range(3)]
    finally:
        limiter.reset()
    assert statuses == [200, 200, 429]

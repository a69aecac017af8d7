"""An expired receipt link is no dead end: the donor asks for a fresh one by e-mail (issue 16,
item 15), and every page names how to reach the foundation."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.extensions import db, limiter
from partnership.notifications.crypto import decrypt
from partnership.notifications.models import OutgoingMail
from partnership.receipts.links import receipt_link

from .conftest import receipt_path

SAME_ANSWER = "a new link to the receipt is on its way"


def link_mails():
    return db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "receipt-link")
    ).all()


def test_an_expired_link_mails_a_fresh_one_to_the_gifts_address_only(
    paid, client, app, monkeypatch, in_language
):
    in_language("en")
    # Left in the outbox (not delivered, which wipes the encrypted body) to read the link.
    monkeypatch.setattr("partnership.notifications.delivery.deliver_one", lambda mail_id: None)
    donation, _ = paid()
    # A January gift's link, opened for the tax filing a year and more later.
    old = urlsplit(receipt_link(donation, issued_at=utcnow() - timedelta(days=400))).path
    page = client.get(old)
    assert page.status_code == 410 and 'id="fresh-link"' in page.text
    assert app.config["CONTACT_EMAIL"] in page.text
    action = f"{old}/fresh-link"
    # Another address: the same answer, and no mail.
    wrong = client.post(action, data={"email": "someone.else@example.com"})
    assert wrong.status_code == 200 and SAME_ANSWER in wrong.text
    assert link_mails() == []
    # The gift's own address (in any case): a new link, which works for a year again.
    right = client.post(action, data={"email": " SomChai@Example.com "})
    assert right.status_code == 200 and SAME_ANSWER in right.text
    [mail] = link_mails()
    assert mail.to_address == donation.email and "/receipts/" not in mail.body
    fresh = next(w for w in decrypt(mail.secret_body).split() if "/receipts/" in w)
    assert urlsplit(fresh).path != old
    assert client.get(urlsplit(fresh).path).mimetype == "application/pdf"


def test_the_fresh_link_form_refuses_bad_input_and_working_or_foreign_links(
    paid, client, app, monkeypatch
):
    donation, _ = paid()
    old = receipt_path(donation)
    assert client.post(f"{old}/fresh-link", data={"email": "x@example.com"}).status_code == 404
    monkeypatch.setitem(app.config, "RECEIPT_LINK_MAX_AGE", -1)
    bad = client.post(f"{old}/fresh-link", data={"email": "not an address"})
    assert bad.status_code == 400 and 'class="field-error"' in bad.text
    assert client.post("/receipts/forged/fresh-link", data={"email": "a@b.co"}).status_code == 404
    assert link_mails() == []


def test_asking_for_fresh_links_is_rate_limited(paid, client, app, monkeypatch):
    donation, _ = paid()
    monkeypatch.setitem(app.config, "RECEIPT_LINK_MAX_AGE", -1)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "RECEIPT_RENEW_RATE_LIMIT", "2 per hour")
    limiter.reset()
    try:
        statuses = [
            client.post(
                f"{receipt_path(donation)}/fresh-link", data={"email": f"{n}@example.com"}
            ).status_code
            for n in range(3)
        ]
    finally:
        limiter.reset()
    assert statuses == [200, 200, 429]


def test_every_page_names_how_to_contact_the_foundation(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "hello@foundation.example")
    monkeypatch.setitem(app.config, "CONTACT_PHONE", "02 123 4567")
    html = client.get("/login").text
    assert 'href="mailto:hello@foundation.example"' in html
    assert 'href="tel:021234567"' in html and "02 123 4567" in html

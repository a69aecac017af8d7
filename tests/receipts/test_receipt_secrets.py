"""Receipt links are one-year bearer links to a PDF with a name and an address: the mail log and
the worker's output never show them, the thank-you page's link expires with the e-mail's, and
``flask seed-demo`` (guessable tokens) refuses to run in production."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.notifications.models import MailState, OutgoingMail
from partnership.notifications.worker import drain
from partnership.payments.models import Donation
from tests.crowd import reload


def thanks_mail() -> OutgoingMail:
    return db.session.scalar(sa.select(OutgoingMail).where(OutgoingMail.topic == "donation-thanks"))


def test_the_mail_log_and_the_workers_output_never_show_the_link(
    app, paid, in_language, monkeypatch, caplog
):
    in_language("en")
    paid()  # the webhook queues the thank-you; a worker sends it
    mail = thanks_mail()
    assert mail.state == MailState.QUEUED
    assert "/receipts/" not in mail.body and "[link removed]" in mail.body
    caplog.set_level("INFO")
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "worker")
    assert drain() == {MailState.LOGGED: 1}  # no SMTP_HOST: the worker writes it to its log
    assert "Thank you for your gift" in caplog.text
    assert "/receipts/" not in caplog.text and "[link removed]" in caplog.text
    db.session.expire_all()
    assert "/receipts/" not in thanks_mail().body and thanks_mail().secret_body == ""


def test_the_workers_output_in_production_never_shows_the_link(
    app, paid, in_language, monkeypatch, caplog
):
    in_language("en")
    paid()
    caplog.set_level("INFO")
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    drain()
    assert "Thank you for your gift" in caplog.text and "/receipts/" not in caplog.text


def set_paid_at(donation, when) -> None:
    db.session.execute(sa.update(Donation).where(Donation.id == donation.id).values(paid_at=when))
    db.session.commit()


def receipt_href(client, donation) -> str | None:
    html = client.get(f"/donations/{donation.token}/thanks").get_data(as_text=True)
    marker = 'id="receipt-link" href="'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split('"', 1)[0].removeprefix("http://localhost")


def test_the_thank_you_pages_link_expires_with_the_mails(app, client, paid, monkeypatch):
    donation, _ = paid()
    monkeypatch.setitem(app.config, "RECEIPT_LINK_MAX_AGE", 3600)
    set_paid_at(donation, utcnow() - timedelta(minutes=50))
    href = receipt_href(client, reload(donation))
    assert href and client.get(href).status_code == 200
    # Signed as of the payment, not of the visit: it dies when the e-mail's link does.
    set_paid_at(donation, utcnow() - timedelta(minutes=61))
    assert client.get(href).status_code == 200  # made 50 minutes after the payment ...
    monkeypatch.setitem(app.config, "RECEIPT_LINK_MAX_AGE", 50 * 60 - 30)
    assert client.get(href).status_code == 410  # ... and as old as the payment was then
    # Past the window the page offers no link at all.
    monkeypatch.setitem(app.config, "RECEIPT_LINK_MAX_AGE", 3600)
    assert receipt_href(client, reload(donation)) is None


def test_seed_demo_refuses_to_run_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "seed-demo refuses to run in production" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Donation.id))) == 0

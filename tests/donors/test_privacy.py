"""Donor privacy (PDPA): the link in donor e-mail erases the donor's personal data from every
gift made with the same address; the money and the ledger stay exact. Purge keeps retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.core.unit_of_work import finish_request
from partnership.db_types import utcnow
from partnership.donors.models import DonorErasure, ErasureReason
from partnership.donors.privacy import privacy_url
from partnership.extensions import db
from partnership.ledger.models import LedgerEntry
from partnership.ledger.services import verify
from partnership.notifications.models import MailState, OutgoingMail
from partnership.notifications.services import queue_mail
from partnership.payments.models import Donation, DonationTaxInfo
from partnership.payments.tax import record_tax_info
from tests.crowd import reload
from tests.paid_gifts import forget_queued_mail, gift


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def ledger_rows(campaign) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [
        (e.amount_satang, e.public_label)
        for e in db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.campaign_id == campaign.id)
            .order_by(LedgerEntry.id)
        )
    ]


def test_the_link_erases_personal_data_and_keeps_the_money(
    app, client, make_campaign, give, hooked
):
    campaign = make_campaign()
    other_campaign = make_campaign()
    # Two gifts through Stripe from one address (in two spellings), one from someone else.
    first, first_session = give(campaign, email="Somchai@Example.com", message="สู้ ๆ นะ")
    hooked.pay(first_session)
    second, second_session = give(other_campaign, email="somchai@example.com")
    hooked.pay(second_session)
    kept = gift(campaign, email="malee@example.com", name="มาลี มีสุข", message="เป็นกำลังใจ")
    wall = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "สมชาย ใจดี" in wall and "สู้ ๆ นะ" in wall
    before = ledger_rows(campaign) + ledger_rows(other_campaign)

    url = path_of(privacy_url(reload(first)))
    page = client.get(url)
    assert page.status_code == 200 and "2 gifts" in page.get_data(as_text=True)
    refused = client.post(url, data={})  # the box must be ticked
    assert refused.status_code == 422 and reload(first).email
    done = client.post(url, data={"confirm": "y"})
    assert done.status_code == 200 and 'id="erased"' in done.get_data(as_text=True)

    for donation in (reload(first), reload(second)):
        assert (donation.donor_name, donation.email, donation.message) == ("", "", "")
        assert donation.anonymous and donation.amount_satang == 50_000 and donation.is_paid
    assert reload(kept).email == "malee@example.com" and reload(kept).donor_name == "มาลี มีสุข"
    wall = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "สมชาย" not in wall and "สู้ ๆ นะ" not in wall and "มาลี มีสุข" in wall
    ledger = client.get(f"/campaigns/{campaign.id}/ledger.csv").get_data(as_text=True)
    assert "สมชาย" not in ledger and "มาลี มีสุข" in ledger
    after = ledger_rows(campaign) + ledger_rows(other_campaign)
    assert [amount for amount, _ in after] == [amount for amount, _ in before]  # money stays
    assert [label for _, label in after] == ["", "มาลี มีสุข", ""]
    assert verify() == []
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output

    [record] = db.session.scalars(sa.select(DonorErasure)).all()
    assert (record.reason, record.donations, record.ledger_rows) == (
        ErasureReason.DONOR_REQUEST,
        2,
        2,
    )
    # The link works once: afterwards it says so, and nothing more is erased.
    again = client.get(url).get_data(as_text=True)
    assert 'id="already-erased"' in again
    assert client.post(url, data={"confirm": "y"}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(DonorErasure.id))) == 1


def test_expired_and_tampered_links_are_refused(app, client, make_campaign, monkeypatch):
    donation = gift(make_campaign())
    url = path_of(privacy_url(donation))
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    for bad in (tampered, "/privacy/" + donation.token, "/privacy/x"):
        response = client.get(bad)
        assert response.status_code == 400 and 'id="link-invalid"' in response.get_data(
            as_text=True
        )
        assert client.post(bad, data={"confirm": "y"}).status_code == 400
    monkeypatch.setitem(app.config, "DONOR_LINK_MAX_AGE", -1)  # every link is too old
    assert client.post(url, data={"confirm": "y"}).status_code == 400
    assert reload(donation).email == "donor@example.com"
    assert db.session.scalar(sa.select(sa.func.count(DonorErasure.id))) == 0


def test_every_donor_mail_carries_the_link_redacted_in_the_log(app, make_campaign, monkeypatch):
    donation = gift(make_campaign(), email="donor@example.com")
    forget_queued_mail()
    sent = []
    monkeypatch.setattr(
        "partnership.notifications.delivery._send",
        lambda mail, body: sent.append(body) or MailState.SENT,
    )
    with app.test_request_context(method="POST"):
        queue_mail("donor@example.com", "Thank you", "Thanks!", topic="donation_thanks")
        queue_mail("donor@example.com", "Staff note", "Hello", topic="membership")
        finish_request(app.response_class())  # the request's end
    [thanks, note] = sent
    assert path_of(privacy_url(donation)).split("/")[-1][:20] in thanks
    assert "/privacy/" not in note
    logged = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert "/privacy/" not in logged[0].body and "Thanks!" in logged[0].body
    assert logged[0].secret_body == ""  # wiped once sent


def test_purge_respects_the_retention_period(app, make_campaign, monkeypatch):
    campaign = make_campaign()
    old = gift(campaign, email="old@example.com", name="ผู้ให้เก่า")
    recent = gift(campaign, email="new@example.com", name="ผู้ให้ใหม่")
    eleven_years = utcnow() - timedelta(days=11 * 365)
    nine_years = utcnow() - timedelta(days=9 * 365)
    db.session.execute(
        sa.update(Donation).where(Donation.id == old.id).values(created_at=eleven_years)
    )
    db.session.execute(
        sa.update(Donation).where(Donation.id == recent.id).values(created_at=nine_years)
    )
    for donation in (old, recent):
        record_tax_info(donation, full_name="ผู้ให้", address="ขอนแก่น", tax_id="1234567890121")
    db.session.commit()
    monkeypatch.setitem(app.config, "TAX_DATA_RETENTION_DAYS", 3653)
    result = app.test_cli_runner().invoke(args=["donors", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 donations" in result.output
    assert reload(old).email == "" and reload(old).donor_name == ""
    kept_tax = db.session.scalars(sa.select(DonationTaxInfo.donation_id)).all()
    assert kept_tax == [recent.id]  # the old gift's tax details are gone, the recent one's kept
    assert reload(recent).email == "new@example.com"
    assert [label for _, label in ledger_rows(campaign)] == ["", "ผู้ให้ใหม่"]
    assert verify() == []
    [record] = db.session.scalars(sa.select(DonorErasure)).all()
    assert (record.reason, record.donations, record.other_rows) == (ErasureReason.RETENTION, 1, 1)


@pytest.mark.parametrize("days", [3653, 1])
def test_purge_cutoff_follows_the_setting(app, make_campaign, monkeypatch, days):
    donation = gift(make_campaign())
    db.session.execute(sa.update(Donation).values(created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    monkeypatch.setitem(app.config, "TAX_DATA_RETENTION_DAYS", days)
    assert app.test_cli_runner().invoke(args=["donors", "purge"]).exit_code == 0
    assert (reload(donation).email == "") is (days == 1)


def test_erasure_clears_the_mail_log_copies_and_stops_unsent_mail(
    app, client, make_campaign, monkeypatch
):
    donation = gift(make_campaign(), email="donor@example.com", name="สมชาย ใจดี")
    forget_queued_mail()
    with app.test_request_context(method="POST"):
        queue_mail("donor@example.com", "Thank you สมชาย", "Dear สมชาย", topic="donation_thanks")
        finish_request(app.response_class())  # the request's end  # inline: logged (no SMTP_HOST)
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "worker")
    queue_mail("Donor@example.com", "News", "Dear สมชาย", topic="campaign_update")
    queue_mail("donor@example.com", "Your account", "Hello", topic="membership")
    db.session.commit()
    [logged, pending, account] = db.session.scalars(
        sa.select(OutgoingMail).order_by(OutgoingMail.id)
    ).all()
    assert logged.state == MailState.LOGGED and pending.state == MailState.QUEUED

    assert client.post(path_of(privacy_url(donation)), data={"confirm": "y"}).status_code == 200
    db.session.expire_all()
    for mail in (logged, pending):
        assert mail.to_address == "" and "สมชาย" not in mail.body and mail.secret_body == ""
    assert pending.state == MailState.FAILED  # never sent now
    assert account.to_address == "donor@example.com"  # not donor mail: kept
    from partnership.notifications.services import retry_now

    assert retry_now(pending) is False


def test_simultaneous_confirmations_erase_once(app, make_campaign):
    """Six browsers confirm the same link at once: one erasure, one record, the ledger exact."""
    import requests

    from tests.live import all_at_once, live_server

    campaign = make_campaign()
    first = gift(campaign, email="donor@example.com")
    gift(campaign, email="DONOR@example.com", name="อีกชื่อ")
    path = path_of(privacy_url(first))
    with live_server(app) as server:
        statuses = all_at_once(
            6, lambda i: requests.post(server.url + path, data={"confirm": "y"}, timeout=30)
        )
    assert server.errors == [] and statuses == [200] * 6
    db.session.expire_all()
    [record] = db.session.scalars(sa.select(DonorErasure)).all()
    assert record.donations == 2 and record.ledger_rows == 2
    assert [label for _, label in ledger_rows(campaign)] == ["", ""]
    assert verify() == []


def test_erasure_and_purge_cover_offline_gifts(app, make_campaign, monkeypatch):
    from datetime import date

    from partnership.donors.privacy import erase_donor, purge
    from partnership.gifts.models import GiftMethod, OfflineGift
    from partnership.gifts.services import record_gift

    campaign = make_campaign()
    online = gift(campaign, email="Kanya@example.com", name="กันยา")
    by_hand = record_gift(
        campaign, method=GiftMethod.BANK_TRANSFER, amount_satang=30_000,
        received_on=date.today(), reference="TR-1", donor_name="กันยา", email="kanya@example.com",
    )  # fmt: skip
    other = record_gift(
        campaign, method=GiftMethod.CHEQUE, amount_satang=20_000, received_on=date.today(),
        reference="CQ-1", donor_name="ประภา", email="",
    )  # fmt: skip
    db.session.commit()
    erase_donor(reload(online))
    db.session.commit()
    assert (reload(by_hand).donor_name, reload(by_hand).email) == ("", "")
    assert reload(by_hand).amount_satang == 30_000 and reload(other).donor_name == "ประภา"
    assert "กันยา" not in [label for _, label in ledger_rows(campaign)]
    assert verify() == []
    # Retention: an old offline gift loses its donor too.
    db.session.execute(
        sa.update(OfflineGift)
        .where(OfflineGift.id == other.id)
        .values(created_at=utcnow() - timedelta(days=4000))
    )
    db.session.commit()
    purge(utcnow() - timedelta(days=3653))
    db.session.commit()
    assert reload(other).donor_name == "" and reload(other).amount_satang == 20_000
    assert "ประภา" not in [label for _, label in ledger_rows(campaign)]
    assert verify() == []

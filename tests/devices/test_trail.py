"""The public trail: raised, spent, what was bought, devices delivered and in use; counts and
models only, in a fixed number of queries; linked from the campaign page, the thank-you page
and the thank-you e-mail."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.devices.models import CheckInDue, DeviceState
from partnership.devices.services import confirm_handover, record_check_in
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from tests.devices.helpers import paid_disbursement, record
from tests.paid_gifts import gift


def _deliver(s, devices, *, broken=()):
    handover = confirm_handover(
        s.campaign,
        devices=devices,
        received_on=utcnow().date() - timedelta(days=200),
        received_by_name="ครูผู้รับ ลับเฉพาะ",
        asset_numbers={},
        signed_form=("d" * 32 + ".png", "f.png", "image/png"),
        actor=s.school_user,
    )
    six = db.session.scalar(
        sa.select(CheckInDue).where(CheckInDue.handover_id == handover.id, CheckInDue.months == 6)
    )
    answers = {
        d.id: (DeviceState.BROKEN, "จอแตก") if d.serial in broken else (DeviceState.IN_USE, "")
        for d in devices
    }
    record_check_in(six, answers=answers, actor=s.school_user)
    db.session.commit()


def test_the_trail_shows_money_purchases_and_device_counts(laptops, client):
    s = laptops()
    devices = record(s)
    _deliver(s, devices[:23], broken={"5CD1234A05"})
    page = client.get(f"/campaigns/{s.campaign.id}/trail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="trail-raised"><span class="amount">฿1,000.00' in html
    assert 'id="trail-spent"><span class="amount">฿240.00' in html
    assert 'id="trail-balance"><span class="amount">฿760.00' in html
    assert "บริษัท คอมพิวเตอร์ไทย จำกัด" in html and "โน้ตบุ๊ก" in html
    assert 'id="trail-delivered">23<' in html
    assert 'id="trail-in-use">22<' in html
    assert 'id="trail-not-received">1<' in html
    assert "HP 240 G8" in html
    # counts and models only: no serial, no name from the school
    assert "5CD1234A" not in html
    assert "ครูผู้รับ" not in html and s.school_user.name not in html
    assert len(page.data) < 100_000


def test_a_campaign_without_spending_says_so(laptops, client, make_school):
    from tests.crowd import build_campaign

    campaign = build_campaign(make_school())
    html = client.get(f"/campaigns/{campaign.id}/trail").get_data(as_text=True)
    assert "Nothing has been paid for yet." in html
    assert "No devices have been recorded yet." in html


def test_a_draft_campaign_has_no_public_trail(client, make_school, app):
    from tests.crowd import build_campaign

    campaign = build_campaign(make_school(), state="draft")
    assert client.get(f"/campaigns/{campaign.id}/trail").status_code == 404


def _count(client, url) -> int:
    statements = []

    def seen(*_args, **_kw):
        statements.append(1)

    db.session.expire_all()  # as a fresh request finds it: nothing loaded yet
    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    return len(statements)


def test_the_trail_takes_as_many_queries_for_many_disbursements_and_devices(laptops, client):
    s = laptops(quantity=2)
    record(s)
    url = f"/campaigns/{s.campaign.id}/trail"
    few = _count(client, url)
    gift(s.campaign, amount_satang=500_000, email="big@example.com")
    for n in range(6):
        more = paid_disbursement(s.campaign, s.campaign.budget_lines[0], 5)
        db.session.flush()
        s.line = more.lines[0]
        record(s, prefix=f"M{n}X")
    db.session.commit()
    assert _count(client, url) == few


def test_the_staff_lists_take_as_many_queries_for_more_devices(laptops, client, login):
    s = laptops(quantity=30)
    record(s, count=2)
    login(s.staff)
    few = _count(client, "/staff/devices/not-received")
    record(s, count=20, prefix="MORE")
    assert _count(client, "/staff/devices/not-received") == few


def test_the_campaign_page_links_the_trail(laptops, client, login):
    s = laptops(quantity=1)
    html = client.get(f"/campaigns/{s.campaign.id}").get_data(as_text=True)
    assert f'href="/campaigns/{s.campaign.id}/trail"' in html
    assert "devices-link" not in html  # the devices page: the school's and staff's
    login(s.school_user)
    html = client.get(f"/campaigns/{s.campaign.id}").get_data(as_text=True)
    assert f'href="/campaigns/{s.campaign.id}/devices"' in html


def test_the_thank_you_page_and_mail_link_the_trail(laptops, client):
    s = laptops(quantity=1)
    donation = gift(s.campaign, amount_satang=20_000, email="thanks@example.com")
    html = client.get(f"/donations/{donation.token}/thanks").get_data(as_text=True)
    assert f'id="trail-link" href="/campaigns/{s.campaign.id}/trail"' in html
    mail = db.session.scalar(
        sa.select(OutgoingMail).where(
            OutgoingMail.to_address == "thanks@example.com",
            OutgoingMail.topic == "donation-thanks",
        )
    )
    assert "Follow your gift: what was bought and where the devices are:" in mail.body
    assert f"/campaigns/{s.campaign.id}/trail" in mail.body


def test_an_unpaid_gift_gets_no_trail_link(laptops, client):
    s = laptops(quantity=1)
    donation = gift(s.campaign, paid=False, email="pending@example.com")
    html = client.get(f"/donations/{donation.token}/thanks").get_data(as_text=True)
    assert "trail-link" not in html

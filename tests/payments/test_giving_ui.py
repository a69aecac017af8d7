"""What the donor meets around the give form (issue 16): a typed amount against a ticked
preset, Back after paying, the failed page, the donor count after a full refund, matching
beside the amount and on the thank-you page, the donor's mail when a refund is confirmed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import Donation, DonationState
from tests.crowd import DONOR, page_text, reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)

pytestmark = pytest.mark.usefixtures("stripe_app")


def donations() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Donation.id)))


def checked_preset(html: str) -> str | None:
    """The value of the ticked amount radio, or None."""
    for tag in re.findall(r"<input[^>]*>", html):
        if 'name="preset"' in tag and re.search(r"\bchecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


# Item 2 -------------------------------------------------------------------------------------


def test_a_typed_amount_beside_a_different_preset_is_refused(client, make_campaign):
    campaign = make_campaign()
    data = {**DONOR, "preset": "50000", "custom_amount": "1,500"}
    response = client.post(f"/campaigns/{campaign.id}/give", data=data)
    assert response.status_code == 422
    text = page_text(response)
    assert "You chose ฿500.00 and typed 1,500." in text
    assert donations() == 0


@pytest.mark.parametrize(
    ("preset", "typed", "charged"),
    [("other", "1,500", 150_000), ("50000", "500", 50_000), ("50000", "", 50_000)],
)
def test_the_amount_confirmed_is_the_amount_charged(
    client, make_campaign, fake_stripe, preset, typed, charged
):
    campaign = make_campaign()
    data = {**DONOR, "preset": preset, "custom_amount": typed}
    assert client.post(f"/campaigns/{campaign.id}/give", data=data).status_code == 303
    assert db.session.scalar(sa.select(Donation.amount_satang)) == charged
    assert fake_stripe.latest_session["amount_total"] == charged


# Item 3 -------------------------------------------------------------------------------------


def test_back_after_paying_asks_before_a_second_gift(client, make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    page = client.get(f"/campaigns/{campaign.id}/give")
    assert page.headers["Cache-Control"] == "no-store"
    assert 'id="recent-gift"' in page.get_data(as_text=True)
    assert 'name="give_again"' in page.get_data(as_text=True)

    # Resubmitting the filled form (Back, then "continue") makes nothing.
    response = client.post(f"/campaigns/{campaign.id}/give", data=DONOR)
    assert response.status_code == 409
    assert "Yes, I want to give again" in response.get_data(as_text=True)
    assert donations() == 1
    # Ticked: a second gift, on purpose.
    give(campaign, give_again="y")
    assert donations() == 2


def test_no_question_for_another_campaign_an_unpaid_gift_or_an_old_one(
    client, make_campaign, give, hooked
):
    campaign, other = make_campaign(), make_campaign()
    _donation, _session = give(campaign)  # not paid: the donor came back from Stripe
    assert 'id="recent-gift"' not in client.get(f"/campaigns/{campaign.id}/give").text
    donation, session_id = give(campaign, give_again=None)
    hooked.pay(session_id)
    assert 'id="recent-gift"' not in client.get(f"/campaigns/{other.id}/give").text
    db.session.execute(
        sa.update(Donation)
        .where(Donation.id == donation.id)
        .values(paid_at=utcnow() - timedelta(hours=1, minutes=1))
    )
    db.session.commit()
    assert 'id="recent-gift"' not in client.get(f"/campaigns/{campaign.id}/give").text
    give(campaign, give_again=None)  # no question asked, no tick needed


# Item 17 ------------------------------------------------------------------------------------


def test_the_failed_page_says_so_and_try_again_keeps_the_amount(
    client, make_campaign, give, hooked
):
    campaign = make_campaign()
    donation, session_id = give(campaign, custom_amount="1,234.50")
    hooked.expire(session_id)
    assert reload(donation).state == DonationState.EXPIRED
    html = client.get(f"/donations/{donation.token}/thanks").get_data(as_text=True)
    title = html.split("<title>")[1].split("</title>")[0]
    assert "The payment did not go through" in title and "processing" not in title.lower()
    link = f"/campaigns/{campaign.id}/give?amount=123450"
    assert f'href="{link}"' in html
    form = client.get(link).get_data(as_text=True)
    assert 'value="1234.50"' in form
    assert checked_preset(form) == "other"


def test_a_preset_link_ticks_the_preset(client, make_campaign):
    campaign = make_campaign()
    form = client.get(f"/campaigns/{campaign.id}/give?amount=100000").get_data(as_text=True)
    assert checked_preset(form) == "100000"


# Item 18 ------------------------------------------------------------------------------------


def test_a_gift_refunded_in_full_leaves_the_donor_count_once(client, make_campaign, give, hooked):
    campaign = make_campaign()
    kept, kept_session = give(campaign, donor_name="ผู้ให้ที่อยู่")
    gone, gone_session = give(campaign, donor_name="ผู้ให้ที่คืนเงิน")
    hooked.pay(kept_session)
    hooked.pay(gone_session)
    assert reload(campaign).donor_count == 2
    [created, _charge] = hooked.refund(gone_session, amount=20_000)
    assert reload(campaign).donor_count == 2  # part of it: still a donor
    hooked.refund(gone_session)  # the rest
    assert reload(gone).state == DonationState.REFUNDED
    assert reload(campaign).donor_count == 1
    assert verify() == []
    # The same events again move nothing.
    hooked.deliver_outbox()
    assert reload(campaign).donor_count == 1
    page = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert "ผู้ให้ที่อยู่" in page and "ผู้ให้ที่คืนเงิน" not in page
    # A refund that fails after all brings the donor back.
    hooked.fail_refund(created.object["id"])
    assert reload(campaign).donor_count == 2
    assert verify() == []


# Item 21 (refunds) --------------------------------------------------------------------------


def refund_mails(address: str = DONOR["email"]) -> list[OutgoingMail]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutgoingMail).where(
                OutgoingMail.topic == "donation-refunded", OutgoingMail.to_address == address
            )
        )
    )


def test_the_donor_is_told_once_when_stripe_confirms_a_refund(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    [created, _charge] = hooked.refund(session_id, amount=20_000)  # a card: succeeded at once
    [mail] = refund_mails()
    assert "฿200.00 of your gift of ฿500.00" in mail.body
    assert campaign.title in mail.subject
    hooked.deliver_outbox()  # every event again: no second mail
    assert len(refund_mails()) == 1


def test_a_pending_refund_mails_when_it_succeeds_in_the_donors_language(
    make_campaign, give, hooked, client
):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    db.session.execute(sa.update(Donation).where(Donation.id == donation.id).values(locale="th"))
    db.session.commit()
    hooked.pay(session_id, method="promptpay")
    [created, _charge] = hooked.refund(session_id)  # PromptPay: waits for bank details
    assert refund_mails() == []
    hooked.complete_refund(created.object["id"])
    [mail] = refund_mails()
    assert "คืนเงิน" in mail.subject and "฿500.00" in mail.body


def test_the_give_page_with_its_script_weighs_under_100_kb(client, app, make_campaign, make_pledge):
    """The HTML plus every stylesheet, script and font it can load (give.js only here)."""
    from pathlib import Path

    campaign = make_campaign(title="โน้ตบุ๊กเพื่อการเรียนรู้ " * 4)
    make_pledge(campaign)
    with client.session_transaction() as session:
        session["locale"] = "th"
    html = client.get(f"/campaigns/{campaign.id}/give").get_data()
    assert b"js/give.js" in html and b"match-preview" in html
    static = Path(app.static_folder)
    scripts = [static / "js" / "app.js", static / "js" / "give.js"]
    assets = [static / "css" / "app.css", *scripts, *static.glob("fonts/*.woff2")]
    total = len(html) + sum(p.stat().st_size for p in assets)
    assert total <= 100_000, (len(html), total)

"""States are shown by their label, never their code (issue 16 item 8)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from partnership.campaigns.models import CampaignEvent
from partnership.extensions import db
from partnership.payments.models import Donation, DonationRefund
from tests.factories import build_programme


@pytest.mark.parametrize(
    ("lang", "live", "draft"), [("en", "Raising funds", "Draft"), ("th", None, None)]
)
def test_campaign_history_shows_labels(client, login_as, make_campaign, lang, live, draft):
    campaign = make_campaign()
    login_as("staff")
    with client.session_transaction() as session:
        session["locale"] = lang
    page = client.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    events = [e.to_state for e in campaign.events]
    assert "live" in events
    assert "· live" not in page and "· draft" not in page
    with force_locale(lang):
        expected = CampaignEvent(to_state="live").to_state_label
    assert expected in page and expected != "live"
    if live:
        assert expected == live


def test_stripe_statuses_have_labels_in_both_languages(app):
    refund = DonationRefund(status="succeeded")
    donation = Donation(dispute_status="needs_response")
    with app.test_request_context(), force_locale("en"):
        assert refund.status_label == "Refunded"
        assert donation.dispute_status_label == "Needs a response"
    with app.test_request_context(), force_locale("th"):
        assert refund.status_label == "คืนเงินแล้ว"
        assert donation.dispute_status_label == "ต้องตอบกลับ"
    assert DonationRefund(status="something_new").status_label == "something_new"


def test_review_programmes_link_column_is_not_headed_page_numbers(client, login_as):
    db.session.add(build_programme())
    db.session.commit()
    login_as("staff")
    with client.session_transaction() as session:
        session["locale"] = "th"
    page = client.get("/review/programmes").get_data(as_text=True)
    assert "เลขหน้า" not in page and '<th scope="col">จัดการ</th>' in page

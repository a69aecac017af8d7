"""Campaign updates: who may post them, and that opted-in paid donors get one mail per address."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from partnership.payments.models import DonationState
from tests.paid_gifts import gift

UPDATE = {"title": "ส่งมอบโน้ตบุ๊กแล้ว", "body": "นักเรียน ป.4–6 ได้รับเครื่องครบ 30 เครื่อง"}


def mails() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutgoingMail)
            .where(OutgoingMail.topic == "campaign_update")
            .order_by(OutgoingMail.to_address)
        )
    )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (None, False),
        ("donor", False),
        ("sponsor", False),
        ("other school", False),
        ("school", True),
        ("staff", True),
    ],
)
def test_posting_requires_permission(client, login_as, make_school, make_campaign, role, allowed):
    school = make_school()
    campaign = make_campaign(school)
    if role == "school":
        login_as("school", school=school)
    elif role == "other school":
        login_as("school")
    elif role:
        login_as(role)
    url = f"/campaigns/{campaign.id}/updates/new"
    get, post = client.get(url), client.post(url, data=UPDATE)
    if allowed:
        assert get.status_code == 200 and post.status_code == 302
        page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
        assert UPDATE["title"] in page and "Post an update" in page
    else:
        expected = 401 if role is None else 403
        assert get.status_code in (expected, 302) and post.status_code in (expected, 302)
        if role is None:
            assert "/login" in (post.location or "") or post.status_code == 401
        page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
        assert UPDATE["title"] not in page and "Post an update" not in page
    assert (len(mails()) == 0) or allowed


def test_draft_campaign_takes_no_update(client, login_as, make_campaign):
    campaign = make_campaign(state="draft")
    login_as("school")
    assert client.get(f"/campaigns/{campaign.id}/updates/new").status_code == 404
    login_as("staff")
    assert client.post(f"/campaigns/{campaign.id}/updates/new", data=UPDATE).status_code == 403


def test_bad_input_is_a_form_error(client, login_as, make_campaign):
    campaign = make_campaign()
    login_as("staff")
    response = client.post(f"/campaigns/{campaign.id}/updates/new", data={"title": "", "body": ""})
    assert response.status_code == 422 and mails() == []


def test_opted_in_paid_donors_only_once_per_address(client, login_as, make_campaign):
    campaign = make_campaign()
    other = make_campaign()
    gift(campaign, email="a@example.com", wants_updates=True)
    gift(campaign, email="A@Example.com", wants_updates=True)  # the same person again
    gift(campaign, email="b@example.com", wants_updates=False)  # did not ask
    gift(campaign, email="c@example.com", wants_updates=True, paid=False)  # never paid
    gift(
        campaign,
        email="d@example.com",
        wants_updates=True,
        paid=False,
        state=DonationState.FAILED,
    )
    gift(campaign, email="e@example.com", wants_updates=True, locale="th")
    gift(other, email="f@example.com", wants_updates=True)  # another campaign
    login_as("staff")
    response = client.post(f"/campaigns/{campaign.id}/updates/new", data=UPDATE)
    assert response.status_code == 302
    sent = mails()
    assert sorted(m.to_address.lower() for m in sent) == ["a@example.com", "e@example.com"]
    assert all(UPDATE["title"] in m.subject and UPDATE["body"] in m.body for m in sent)
    assert all("[" in m.body.rsplit("-- ", 1)[1] for m in sent)  # the privacy footer, redacted

    # Newest first on the page.
    client.post(f"/campaigns/{campaign.id}/updates/new", data={"title": "ฉบับที่สอง", "body": "x"})
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert page.index("ฉบับที่สอง") < page.index(UPDATE["title"])

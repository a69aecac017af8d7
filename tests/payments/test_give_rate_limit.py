"""The give form is rate-limited per client address and per donor e-mail address: the post over
the limit gets the form again with the reason and what was typed, and creates nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db, limiter
from partnership.payments.models import Donation
from tests.crowd import DONOR
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.payments.helpers import SESSIONS

LIMITED = "Too many donation attempts in a short time"


@pytest.fixture()
def limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "GIVE_RATE_LIMIT", "4 per minute")
    monkeypatch.setitem(app.config, "GIVE_EMAIL_RATE_LIMIT", "3 per 10 minutes")
    limiter.reset()
    yield
    limiter.reset()


def donations() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Donation.id)))


def post(client, campaign, address: str, **fields):
    return client.post(
        f"/campaigns/{campaign.id}/give",
        data={**DONOR, **fields},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_post_over_the_limit_per_address_is_refused_and_creates_nothing(
    client, make_campaign, fake_stripe, stripe_app, limits
):
    campaign = make_campaign()
    for n in range(4):
        response = post(client, campaign, "10.0.0.1", email=f"donor{n}@example.com")
        assert response.status_code == 303

    response = post(client, campaign, "10.0.0.1", email="donor9@example.com", message="ข้อความของฉัน")

    assert response.status_code == 429
    assert LIMITED in response.text
    assert 'id="donation-form"' in response.text
    assert "donor9@example.com" in response.text and "ข้อความของฉัน" in response.text
    assert donations() == 4
    assert len(fake_stripe.asked(*SESSIONS)) == 4
    # Another address is not held back by this one.
    assert post(client, campaign, "10.0.0.2", email="other@example.com").status_code == 303


def test_the_post_over_the_limit_per_email_is_refused_from_any_address(
    client, make_campaign, fake_stripe, stripe_app, limits
):
    campaign = make_campaign()
    for n in range(3):
        response = post(client, campaign, f"10.0.1.{n}", email="target@example.com")
        assert response.status_code == 303

    response = post(client, campaign, "10.0.1.99", email="  TARGET@Example.com ")

    assert response.status_code == 429
    assert LIMITED in response.text
    assert donations() == 3
    assert len(fake_stripe.asked(*SESSIONS)) == 3
    assert post(client, campaign, "10.0.1.99", email="someone@example.com").status_code == 303


def test_looking_at_the_form_is_not_limited(client, make_campaign, stripe_app, limits):
    campaign = make_campaign()
    statuses = {
        client.get(
            f"/campaigns/{campaign.id}/give", environ_base={"REMOTE_ADDR": "10.0.2.1"}
        ).status_code
        for _ in range(8)
    }
    assert statuses == {200}

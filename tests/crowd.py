"""Creators for the crowdfunding tests (imported by ``tests/conftest.py``): campaigns, gifts.

``make_campaign`` makes an approved application and its campaign through the service, launched
unless ``state="draft"``. ``give`` posts the donation form as a donor does and returns the
pending donation and its Checkout Session id; ``hooked`` sends the fake's webhooks to the app.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.applications.models import ApplicationState
from partnership.campaigns.models import Campaign, CampaignState
from partnership.campaigns.services import create_campaign, launch
from partnership.campaigns.workflow import transition
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.matching.models import MatchScope, PledgeState
from partnership.matching.pledges import create_pledge, decide
from partnership.payments.models import Donation
from tests.factories import build_application, build_programme


def build_campaign(school, *, goal_satang=4_497_150, state="live", days=30, title="โน้ตบุ๊ก"):
    """An approved application's campaign (committed), in ``state``."""
    programme = build_programme(name_th="Notebook for Education")
    application = build_application(
        programme,
        school,
        lines=(("โน้ตบุ๊ก", goal_satang, 1),),
        state=ApplicationState.APPROVED,
        title=title,
    )
    db.session.add_all([programme, application])
    db.session.flush()
    now = utcnow()
    campaign = create_campaign(
        application,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=days),
        actor=None,
    )
    if state != "draft":
        launch(campaign, None)
    if state in ("ended", "closed"):
        transition(campaign, CampaignState.ENDED)
    if state == "closed":
        transition(campaign, CampaignState.CLOSED)
    if state == "funded":
        transition(campaign, CampaignState.FUNDED)
    db.session.commit()
    return campaign


@pytest.fixture()
def make_campaign(app, make_school):
    def make(school=None, **kwargs) -> Campaign:
        return build_campaign(school or make_school(), **kwargs)

    return make


DONOR = {
    "preset": "other",
    "custom_amount": "500",
    "donor_name": "สมชาย ใจดี",
    "email": "somchai@example.com",
    "show_amount": "y",
    "message": "สู้ ๆ นะ",
}


@pytest.fixture()
def give(client, stripe_app, fake_stripe):
    """give(campaign, **fields) -> (donation, session id): the form posted, Stripe asked."""

    def post(campaign, **fields):
        # One test client stands for many donors: "give again" is ticked unless a test says
        # give_again=None (the form asks for it after a paid gift from the same browser).
        data = {**DONOR, "give_again": "y", **fields}
        data = {k: v for k, v in data.items() if v is not None}
        response = client.post(f"/campaigns/{campaign.id}/give", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        db.session.expire_all()
        donation = db.session.scalars(sa.select(Donation).order_by(Donation.id.desc())).first()
        assert (
            response.headers["Location"]
            == fake_stripe.sessions[donation.checkout_session_id]["url"]
        )
        return donation, donation.checkout_session_id

    return post


@pytest.fixture()
def hooked(client, fake_stripe, stripe_app):
    """The fake's webhooks go to the app through the test client."""
    fake_stripe.webhook_transport = lambda body, headers: client.post(
        "/webhooks/stripe", data=body, headers=headers
    )
    return fake_stripe


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def page_text(response) -> str:
    """A page's HTML with the amount wrappers of the ``baht`` filter removed, to read figures."""
    import re

    html = response.get_data(as_text=True)
    return re.sub(r'<span class="amount">(.*?)</span>', r"\1", html)


@contextmanager
def counted_queries():
    """The SQL statements run inside the block (query counts per page are asserted)."""
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture()
def make_pledge(app, make_org):
    """A sponsor's pool over a campaign (or a programme, a province), approved unless told."""

    def make(
        campaign=None,
        *,
        organisation=None,
        cap_satang=100_000,
        sponsor_part=1,
        donor_part=1,
        per_donation_cap_satang=None,
        scope=MatchScope.CAMPAIGN,
        target_id=None,
        province_code=None,
        counts_offline=False,
        state=PledgeState.APPROVED,
        days=30,
    ):
        now = utcnow()
        pledge = create_pledge(
            organisation or make_org(name="บริษัท ทดสอบการสมทบ จำกัด" + secrets.token_hex(2)),
            sponsor_part=sponsor_part,
            donor_part=donor_part,
            cap_satang=cap_satang,
            per_donation_cap_satang=per_donation_cap_satang,
            scope=scope,
            target_id=target_id if target_id is not None else getattr(campaign, "id", None),
            province_code=province_code,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=days),
            counts_offline=counts_offline,
        )
        if state != PledgeState.PENDING:
            decide(pledge, PledgeState.APPROVED if state != PledgeState.DECLINED else state)
        if state == PledgeState.ENDED:
            decide(pledge, PledgeState.ENDED)
        db.session.commit()
        return pledge

    return make

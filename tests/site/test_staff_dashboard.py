"""The staff dashboard (issue 19 §3): each list holds exactly the rows it should, every row
links to where it is acted on, the query count does not grow with the rows, the exports are
escaped, and only staff see any of it."""

from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import g
from openpyxl import load_workbook

from partnership.campaigns.queries import ending_soon_query, stalled_query
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.payments.models import (
    DonationRefund,
    EventNote,
    EventOutcome,
    NoteAction,
    RefundCause,
    RefundRequest,
    StripeEvent,
)
from partnership.payments.worklists import (
    open_disputes_query,
    pending_refunds_list,
    unhandled_events_query,
)
from tests.crowd import build_campaign, counted_queries
from tests.devices.helpers import paid_disbursement, record, two_staff
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.milestones.conftest import fund
from tests.paid_gifts import gift


def _campaign(school, title, *, goal, raised, started_days_ago, ends_in_days, state="live"):
    campaign = build_campaign(school, goal_satang=goal, title=title, state=state)
    now = utcnow()
    campaign.starts_at = now - timedelta(days=started_days_ago)
    campaign.ends_at = now + timedelta(days=ends_in_days)
    campaign.raised_satang = campaign.online_satang = raised  # the counters the lists read
    db.session.commit()
    return campaign


@pytest.fixture()
def campaigns(app, make_school):
    """Campaigns on either side of each rule's line."""
    school = make_school()
    made = {
        # less than a third raised (33,333 of 100,000), a tenth of the time left: stalled
        "stalled": _campaign(
            school, "หยุดนิ่ง", goal=100_000, raised=33_333, started_days_ago=90, ends_in_days=10
        ),
        # nothing raised, 5 of 65 days left: stalled and ending soon
        "stalled_soon": _campaign(
            school, "ใกล้ปิด", goal=100_000, raised=0, started_days_ago=60, ends_in_days=5
        ),
        # 40 % raised with 20 % of the time left: not stalled (enough money)
        "at_40": _campaign(
            school, "สี่สิบ", goal=100_000, raised=40_000, started_days_ago=80, ends_in_days=20
        ),
        # exactly a third raised with little time: not stalled (a third is not less)
        "a_third": _campaign(
            school, "หนึ่งในสาม", goal=300_000, raised=100_000, started_days_ago=90, ends_in_days=10
        ),
        # 20 % raised with half the time left: not stalled (enough time)
        "at_20_half": _campaign(
            school, "ยี่สิบ", goal=100_000, raised=20_000, started_days_ago=50, ends_in_days=50
        ),
        # ends in 6 days: ending soon (6 of 7 days left: not stalled)
        "ends_6": _campaign(
            school, "หกวัน", goal=100_000, raised=0, started_days_ago=1, ends_in_days=6
        ),
        # ends in 8 days: not ending soon
        "ends_8": _campaign(
            school, "แปดวัน", goal=100_000, raised=0, started_days_ago=1, ends_in_days=8
        ),
        # funded, ending in 3 days: neither (it does not need money)
        "funded": _campaign(
            school,
            "ครบแล้ว",
            goal=100_000,
            raised=100_000,
            started_days_ago=60,
            ends_in_days=3,
            state="funded",
        ),
    }
    return made


def _ids(query) -> list[int]:
    return [row.id for row in db.session.scalars(query).unique()]


def _section(html: str, key: str) -> str:
    match = re.search(rf'<section id="{key}".*?</section>', html, re.S)
    assert match, key
    return match.group(0)


def test_ending_soon_and_stalled_hold_exactly_their_campaigns(campaigns):
    now = utcnow()
    assert _ids(ending_soon_query(now)) == [campaigns["stalled_soon"].id, campaigns["ends_6"].id]
    assert _ids(stalled_query(now)) == [campaigns["stalled_soon"].id, campaigns["stalled"].id]


def test_the_dashboard_lists_them_with_links(client, login_as, campaigns):
    login_as("staff")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    for key, expected in (
        ("ending-soon", ["stalled_soon", "ends_6"]),
        ("stalled", ["stalled_soon", "stalled"]),
    ):
        section = _section(html, key)
        linked = [int(i) for i in re.findall(r'href="/staff/campaigns/(\d+)"', section)]
        assert linked == [campaigns[name].id for name in expected], key
        assert f"({len(expected)})" in section
    # the whole list on its own page, the same rows
    page = client.get("/staff/dashboard/stalled").get_data(as_text=True)
    assert re.findall(r'href="/staff/campaigns/(\d+)"', page) == [
        str(campaigns["stalled_soon"].id),
        str(campaigns["stalled"].id),
    ]


def _refund(donation, status, reported=None):
    request = RefundRequest(
        donation_id=donation.id,
        cause=RefundCause.STAFF,
        amount_satang=10_000,
        idempotency_key=secrets.token_hex(8),
        status=status,
        stripe_refund_id=None if status == "requested" else f"re_{secrets.token_hex(6)}",
    )
    db.session.add(request)
    if reported:
        db.session.add(
            DonationRefund(
                stripe_refund_id=request.stripe_refund_id,
                donation_id=donation.id,
                amount_satang=10_000,
                status=reported,
            )
        )
    db.session.commit()
    return request


def _event(outcome, noted=False):
    event = StripeEvent(
        event_id=f"evt_{secrets.token_hex(6)}", type="charge.refunded", outcome=outcome
    )
    db.session.add(event)
    db.session.flush()
    if noted:
        db.session.add(EventNote(stripe_event_id=event.id, action=NoteAction.HANDLED, note="ok"))
    db.session.commit()
    return event


@pytest.fixture()
def payments_rows(app, make_school):
    campaign = build_campaign(make_school(), goal_satang=1_000_000)
    open_dispute = gift(campaign, amount_satang=20_000)
    lost = gift(campaign, amount_satang=20_000)
    plain = gift(campaign, amount_satang=30_000)
    open_dispute.disputed, open_dispute.dispute_status = True, "needs_response"
    lost.disputed, lost.dispute_status = True, "lost"
    db.session.commit()
    # settled or dead refunds, handled or applied events: nothing waits on them
    _refund(plain, "succeeded", reported="succeeded")
    _refund(plain, "refused")
    _refund(plain, "pending", reported="failed")
    _event(EventOutcome.UNMATCHED, noted=True)
    _event(EventOutcome.APPLIED)
    return {
        "disputes": [open_dispute.id],
        "refunds": [
            _refund(plain, "requested").id,  # Stripe has not answered
            _refund(plain, "pending", reported="pending").id,  # reported, still waiting
            _refund(plain, "pending").id,  # answered, not reported yet
        ],
        "events": [_event(EventOutcome.UNMATCHED).id, _event(EventOutcome.MALFORMED).id],
    }


def test_payments_lists_hold_exactly_what_waits(client, login_as, payments_rows):
    assert _ids(open_disputes_query()) == payments_rows["disputes"]
    assert _ids(pending_refunds_list()) == payments_rows["refunds"]
    assert _ids(unhandled_events_query()) == payments_rows["events"]
    login_as("staff")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    disputes = _section(html, "disputes")
    assert re.findall(r'href="/staff/payments/donations/(\d+)"', disputes) == [
        str(i) for i in payments_rows["disputes"]
    ]
    refunds = _section(html, "refunds-pending")
    assert "(3)" in refunds and refunds.count("<tr>") == 1 + 3  # the header and three
    events = _section(html, "stripe-events")
    assert [int(i) for i in re.findall(r"#event-(\d+)", events)] == payments_rows["events"]


def _dashboard_queries(client) -> int:
    g.pop("_login_user", None)
    db.session.expunge_all()  # nothing answered from what the test loaded
    with counted_queries() as statements:
        response = client.get("/staff/dashboard")
    assert response.status_code == 200
    assert len(response.data) < 100_000
    return len(statements), response.get_data(as_text=True)


def test_query_count_does_not_grow_with_rows(client, login_as, make_school):
    login_as("staff")
    school = make_school()
    empty, _html = _dashboard_queries(client)

    def add_rows(n):
        for i in range(n):
            stalled = _campaign(
                school, f"แคมเปญ {i}", goal=100_000, raised=0, started_days_ago=60, ends_in_days=5
            )
            donation = gift(stalled, amount_satang=10_000)
            donation.disputed, donation.dispute_status = True, "needs_response"
            _refund(donation, "requested")
            _event(EventOutcome.UNMATCHED)
            stalled.spent_satang = stalled.raised_satang + 1  # below zero
            db.session.commit()
            # an overdue milestone, and two laptops the school has not confirmed
            fund(build_campaign(school, state="live"), days_ago=220, steps=[("สั่ง", "Order", 14)])
            laptops = build_campaign(school, goal_satang=100_000, state="funded")
            gift(laptops, amount_satang=100_000)
            staff = two_staff()
            line = paid_disbursement(laptops, laptops.budget_lines[0], 2, staff=staff).lines[0]
            db.session.commit()
            record(SimpleNamespace(line=line, staff=staff[0]), prefix=f"SN{secrets.token_hex(3)}")

    add_rows(1)
    few, _html = _dashboard_queries(client)
    add_rows(4)
    many, html = _dashboard_queries(client)
    assert few == many
    for key, count in (
        ("stalled", 5),
        ("disputes", 5),
        ("refunds-pending", 5),
        ("stripe-events", 5),
        ("below-zero", 5),
        ("milestones-overdue", 5),
        ("devices-unconfirmed", 10),
    ):
        assert f"({count})" in _section(html, key), key
    assert empty <= few


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_escaped(client, login_as, make_school, fmt):
    login_as("staff")
    _campaign(
        make_school(),
        '=HYPERLINK("http://evil.example","x")',
        goal=100_000,
        raised=0,
        started_days_ago=60,
        ends_in_days=5,
    )
    response = client.get(f"/staff/dashboard/stalled.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0][0] == "Campaign"
        assert rows[1][0].startswith("'=HYPERLINK")
        assert rows[1][3] == "0.00" and rows[1][4] == "1000.00"
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[1][0].startswith("'=HYPERLINK")
        assert float(values[1][4]) == 1000.0


def test_review_progress_export(client, login_as):
    login_as("staff")
    response = client.get("/staff/dashboard/review-progress.csv")
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith("Programme,")


@pytest.mark.parametrize("role", ["anonymous", "donor", "school", "sponsor", "staff"])
@pytest.mark.parametrize(
    "path",
    ["/staff/dashboard", "/staff/dashboard/stalled", "/staff/dashboard/stalled.csv"],
)
def test_only_staff(client, login_as, role, path):
    if role != "anonymous":
        login_as(role)
    response = client.get(path)
    if role == "staff":
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code in (302, 401, 403)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403


def test_unknown_list_is_not_found(client, login_as):
    login_as("staff")
    assert client.get("/staff/dashboard/nothing").status_code == 404
    assert client.get("/staff/dashboard/nothing.csv").status_code == 404


def test_staff_home_links_the_dashboard(client, login_as):
    login_as("staff")
    assert 'href="/staff/dashboard"' in client.get("/staff").get_data(as_text=True)

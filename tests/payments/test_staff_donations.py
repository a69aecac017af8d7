"""Staff donation views: search, filters, exports (only the filtered rows, formulas escaped),
a constant number of queries, and the unmatched Stripe events staff act on."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.payments.models import (
    Donation,
    DonationState,
    EventNote,
    EventOutcome,
    NoteAction,
    StripeEvent,
)
from tests.crowd import counted_queries, reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.paid_gifts import gift

PAGES = [
    "/staff/payments/donations",
    "/staff/payments/donations.csv",
    "/staff/payments/donations.xlsx",
    "/staff/payments/events",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("donor", 403), ("school", 403), ("sponsor", 403)]
)
def test_only_staff_see_donations(client, login_as, make_campaign, path, role, status):
    gift(make_campaign(), email="secret@example.com")
    if role:
        login_as(role)
    response = client.get(path)
    assert response.status_code in (status, 302) if role is None else response.status_code == status
    assert b"secret@example.com" not in response.data


@pytest.mark.parametrize("path", PAGES)
def test_staff_see_them(client, login_as, make_campaign, path):
    gift(make_campaign(), email="secret@example.com")
    login_as("staff")
    response = client.get(path)
    assert response.status_code == 200
    if path.endswith("donations"):
        assert b"secret@example.com" in response.data
    if path.endswith((".csv", ".xlsx")):  # names and addresses: no cache keeps a copy
        assert response.headers["Cache-Control"] == "private, no-store"


def csv_rows(response) -> list[dict]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_search_filters_and_exports_hold_the_filtered_rows(client, login_as, make_campaign):
    campaign, other = make_campaign(), make_campaign()
    malee = gift(campaign, email="malee@example.com", name="มาลี มีสุข")
    evil = gift(
        campaign, email="evil@example.com", name='=HYPERLINK("http://x")', message="@SUM(1)"
    )
    gift(other, email="other@example.com", name="คนอื่น")
    pending = gift(campaign, email="wait@example.com", name="รอจ่าย", paid=False)
    db.session.execute(
        sa.update(Donation)
        .where(Donation.id == pending.id)
        .values(payment_intent_id="pi_findme", created_at=utcnow() - timedelta(days=40))
    )
    db.session.commit()
    login_as("staff")

    def ids(query: str) -> set[int]:
        rows = csv_rows(client.get("/staff/payments/donations.csv?" + query))
        return {int(r["Donation"]) for r in rows}

    assert ids("q=มาลี") == {malee.id}
    assert ids("q=MALEE@example") == {malee.id}
    assert ids("q=pi_findme") == {pending.id}
    assert ids(f"q=%23{malee.id}") == {malee.id}
    assert ids(f"campaign={campaign.id}") == {malee.id, evil.id, pending.id}
    assert ids("state=pending") == {pending.id}
    today = utcnow().date()
    assert ids(f"date_from={today - timedelta(days=1)}") == {malee.id, evil.id, malee.id + 2}
    assert ids(f"date_to={today - timedelta(days=30)}") == {pending.id}
    assert ids("q=%25") == set()  # a LIKE wildcard is a character, not "everything"
    assert ids("campaign=99999999999&date_from=not-a-date") == {
        d.id for d in db.session.scalars(sa.select(Donation))
    }  # refused filters are ignored

    page = client.get(f"/staff/payments/donations?campaign={campaign.id}&state=paid")
    html = page.get_data(as_text=True)
    assert "malee@example.com" in html and "other@example.com" not in html
    assert "wait@example.com" not in html

    # Both files hold exactly the filtered rows, with formulas made text.
    query = f"campaign={campaign.id}&state=paid"
    for rows in (
        csv_rows(client.get("/staff/payments/donations.csv?" + query)),
        xlsx_rows(client.get("/staff/payments/donations.xlsx?" + query)),
    ):
        assert sorted(int(r["Donation"]) for r in rows) == sorted([malee.id, evil.id])
        [bad] = [r for r in rows if int(r["Donation"]) == evil.id]
        assert bad["Donor"] == '\'=HYPERLINK("http://x")' and bad["Message"] == "'@SUM(1)"
        assert {Decimal(str(r["Amount (baht)"])) for r in rows} == {Decimal("500.00")}


def test_list_query_count_is_constant(client, login_as, make_campaign):
    campaigns = [make_campaign() for _ in range(3)]
    for n in range(10):
        gift(campaigns[n % 3], email=f"d{n}@example.com")
    login_as("staff")
    client.get("/staff/payments/donations")
    with counted_queries() as few:
        assert client.get("/staff/payments/donations").status_code == 200
    for n in range(10, 200):
        gift(campaigns[n % 3], email=f"d{n}@example.com")
    with counted_queries() as many:
        assert client.get("/staff/payments/donations").status_code == 200
    assert len(few) == len(many), (few, many)


def unmatched_event(intent: str, donation: Donation | None = None) -> StripeEvent:
    """An async success that named only the PaymentIntent (of ``donation``'s session), before
    we knew it."""
    session = {"id": "cs_x", "object": "checkout.session", "payment_intent": intent}
    if donation is not None:
        session |= {
            "id": donation.checkout_session_id,
            "amount_total": donation.amount_satang,
            "currency": "thb",
            "livemode": False,
        }
    event = {
        "id": f"evt_unmatched_{intent}",
        "type": "checkout.session.async_payment_succeeded",
        "data": {"object": session},
    }
    row = StripeEvent(
        event_id=event["id"],
        type=event["type"],
        outcome=EventOutcome.UNMATCHED,
        payload=json.dumps(event),
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_unmatched_event_is_reapplied_once_the_donation_is_known(client, login_as, make_campaign):
    campaign = make_campaign()
    donation = gift(campaign, paid=False, checkout_session_id="cs_test_later")
    row = unmatched_event("pi_later", donation)
    login_as("staff")
    # Still unknown: nothing happens.
    client.post(f"/staff/payments/events/{row.id}/reapply")
    assert reload(row).outcome == EventOutcome.UNMATCHED
    assert reload(donation).state == DonationState.PENDING
    # A later event told us the PaymentIntent: now it applies, once.
    db.session.execute(
        sa.update(Donation).where(Donation.id == donation.id).values(payment_intent_id="pi_later")
    )
    db.session.commit()
    assert client.post(f"/staff/payments/events/{row.id}/reapply").status_code == 302
    again = client.post(f"/staff/payments/events/{row.id}/reapply")
    assert again.status_code == 303 and again.location == "/staff/payments/events"  # refused
    assert reload(donation).state == DonationState.PAID
    assert reload(campaign).raised_satang == 50_000 and reload(campaign).donor_count == 1
    assert reload(row).outcome == EventOutcome.APPLIED and reload(row).donation_id == donation.id
    [note] = db.session.scalars(sa.select(EventNote)).all()
    assert note.action == NoteAction.REAPPLIED
    assert "Applied to the donation" in client.get("/staff/payments/events").get_data(as_text=True)


def test_unmatched_event_marked_handled_with_a_note(client, login_as):
    row = unmatched_event("pi_nobody")
    login_as("staff")
    response = client.post(f"/staff/payments/events/{row.id}/handled", data={"h-note": ""})
    assert response.status_code == 302 and db.session.scalar(sa.select(EventNote.id)) is None
    client.post(
        f"/staff/payments/events/{row.id}/handled", data={"h-note": "Test payment, refunded"}
    )
    client.post(f"/staff/payments/events/{row.id}/handled", data={"h-note": "again"})
    [note] = db.session.scalars(sa.select(EventNote)).all()
    assert note.action == NoteAction.HANDLED and note.note == "Test payment, refunded"
    assert "Test payment, refunded" in client.get("/staff/payments/events").get_data(as_text=True)


def test_csv_streams_every_row_across_chunks(app, make_campaign):
    from partnership.payments.search import csv_stream, search_query

    campaign = make_campaign()
    made = [gift(campaign, email=f"d{n}@example.com") for n in range(7)]
    with force_locale("en"):
        parts = list(csv_stream(app, search_query(), chunk=3))
    assert len(parts) == 1 + 3  # the header, then chunks of 3, 3 and 1
    rows = list(csv.DictReader(io.StringIO("".join(parts).lstrip("\ufeff"))))
    assert [int(r["Donation"]) for r in rows] == [d.id for d in reversed(made)]


def test_the_export_speaks_words_and_one_date_format(client, login_as, make_campaign):
    """Translated headers, yes/no in words, states by their label, one date format (item 8)."""
    campaign = make_campaign()
    donation = gift(campaign, email="words@example.com")
    login_as("staff")
    for lang, yes_no, paid in (("en", {"Yes", "No"}, "Paid"), ("th", {"ใช่", "ไม่ใช่"}, None)):
        with client.session_transaction() as session:
            session["locale"] = lang
        text = client.get("/staff/payments/donations.csv").get_data(as_text=True)
        [row] = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert not any("_" in h for h in header), header
        assert not {"True", "False"} & set(row)
        assert {row[7], row[8], row[9]} <= yes_no
        assert row[11] == (paid or donation.state.label) and row[11] != "paid"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row[1]), row[1]

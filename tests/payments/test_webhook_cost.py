"""What a paid ``checkout.session.completed`` costs the webhook (issue 22): only what must be
atomic with the payment in its transaction (the donation locked and moved, the event id, the
ledger row, the counters, the match draw, and the receipt's claim); the receipt number, the
e-Donation record and the thank-you follow the commit, by one claimer."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from partnership.receipts.models import Receipt, ReceiptClaim
from tests.crowd import counted_queries
from tests.factories import english  # noqa: F401  (autouse: pages in English)

pytestmark = pytest.mark.usefixtures("stripe_app")

#: Lock the donation, the event id, the donation paid, the ledger row, the counters (RETURNING
#: whether the goal may be reached), the covering pools, the receipt's claim.
PAYING_STATEMENTS = 8


def paying_part(statements: list[str]) -> list[str]:
    """The statements of the webhook's own transaction (before the claimer's first)."""
    paying = []
    for statement in statements:
        if "receipt_claims.donation_id" in statement or "pg_try_advisory" in statement:
            break
        if statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            continue
        paying.append(statement)
    return paying


def test_a_paid_session_costs_few_statements(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    [event] = hooked.pay(session_id, send=False)
    with counted_queries() as statements:
        [delivery] = hooked.send(event)
    assert delivery.status == 200
    paying = paying_part(statements)
    assert len(paying) == PAYING_STATEMENTS, paying
    for table in ("receipt_counters", "receipts ", "outgoing_mail", "donation_tax_info"):
        assert not any(table in s for s in paying), table
    # ... and after the commit, the number and the thank-you, once.
    [receipt] = db.session.scalars(sa.select(Receipt)).all()
    assert receipt.donation_id == donation.id and receipt.number == 1
    assert db.session.scalar(sa.select(sa.func.count(ReceiptClaim.donation_id))) == 0
    thanks = sa.select(sa.func.count(OutgoingMail.id)).where(
        OutgoingMail.topic == "donation-thanks"
    )
    assert db.session.scalar(thanks) == 1


def test_a_gift_matched_by_a_pool_costs_the_draw(make_campaign, give, hooked, make_pledge):
    campaign = make_campaign()
    make_pledge(campaign=campaign)
    _, first = give(campaign)
    hooked.pay(first)  # the campaign's first match
    _, session_id = give(campaign)
    [event] = hooked.pay(session_id, send=False)
    with counted_queries() as statements:
        [delivery] = hooked.send(event)
    assert delivery.status == 200
    # The covering pools are read with their sponsors and whether they matched it already (the
    # same one statement); per pool: taken from (one conditional UPDATE while it holds enough),
    # the pages changed, the draw row, its ledger row, the counters (matched among them).
    paying = paying_part(statements)
    assert len(paying) == PAYING_STATEMENTS + 5, paying


def test_a_repeated_event_is_answered_without_a_rollback(make_campaign, give, hooked):
    """A repeat writes nothing (its event row was there), so the request's commit ends it: a
    ROLLBACK would make psycopg forget every statement it prepared on the connection, and a
    storm's repeats would have each webhook plan its statements afresh."""
    campaign = make_campaign()
    _, session_id = give(campaign)
    [event] = hooked.pay(session_id, send=False)
    [first] = hooked.send(event)
    rollbacks = []
    record = lambda connection: rollbacks.append(connection)  # noqa: E731
    sa.event.listen(db.engine, "rollback", record)
    try:
        [again] = hooked.send(event)
    finally:
        sa.event.remove(db.engine, "rollback", record)
    assert first.status == again.status == 200
    assert json.loads(again.body)["duplicate"] is True
    assert rollbacks == []

"""The donation state machine: every pair of states, and the database's own checks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.core.transitions import move
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.payments.donations import TRANSITIONS, IllegalDonationTransition
from partnership.payments.models import PAID_STATES, Donation, DonationState

D = DonationState


def donation_in(campaign, state: DonationState) -> Donation:
    donation = Donation(
        campaign_id=campaign.id,
        token=f"t-{state.value}",
        idempotency_key=f"k-{state.value}",
        amount_satang=50_000,
        donor_name="ทดสอบ",
        email="d@example.com",
        state=state,
        paid_at=utcnow() if state in PAID_STATES else None,
    )
    db.session.add(donation)
    db.session.commit()
    return donation


@pytest.mark.parametrize("from_state", list(D))
@pytest.mark.parametrize("to_state", list(D))
def test_every_transition(make_campaign, from_state, to_state):
    donation = donation_in(make_campaign(), from_state)
    values = {"paid_at": utcnow()} if to_state in PAID_STATES else {}
    if to_state in TRANSITIONS[from_state]:
        move(
            donation,
            to_state,
            allowed=TRANSITIONS,
            illegal=IllegalDonationTransition,
            values=values,
        )
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Donation, donation.id).state == to_state
    else:
        with pytest.raises(IllegalDonationTransition):
            move(donation, to_state, allowed=TRANSITIONS, illegal=IllegalDonationTransition)


def test_states_only_move_forward():
    """Forward, except that refunds follow the money: a refund that fails or is canceled
    brings a refunded donation back; a paid donation is never un-paid."""
    order = [D.PENDING, D.FAILED, D.EXPIRED, D.PAID, D.PARTIALLY_REFUNDED, D.REFUNDED]
    money_back = {D.PAID, D.PARTIALLY_REFUNDED, D.REFUNDED}
    for from_state, targets in TRANSITIONS.items():
        for to_state in targets:
            assert (
                order.index(to_state) > order.index(from_state)
                or from_state in (D.FAILED, D.EXPIRED)
                or {from_state, to_state} <= money_back
            )
    assert all(D.PENDING not in targets for targets in TRANSITIONS.values())
    assert TRANSITIONS[D.REFUNDED] == {D.PAID, D.PARTIALLY_REFUNDED}


@pytest.mark.parametrize(
    "values",
    [
        {"amount_satang": 0},
        {"amount_satang": 100_000_000},
        {"state": D.PAID, "paid_at": None},
        {"refunded_satang": 60_000},
    ],
)
def test_the_database_refuses_impossible_rows(make_campaign, values):
    campaign = make_campaign()
    row = {
        "campaign_id": campaign.id,
        "token": "t",
        "idempotency_key": "k",
        "amount_satang": 50_000,
        "email": "d@example.com",
        "donor_name": "",
        "anonymous": False,
        "show_amount": True,
        "message": "",
        "wants_updates": False,
        "locale": "th",
        "state": D.PENDING,
        "refunded_satang": 0,
        "charge_refunded_max_satang": 0,
        "disputed": False,
        "disputed_satang": 0,
        "failure_reason": "",
    } | values
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.insert(Donation).values(**row))
    db.session.rollback()

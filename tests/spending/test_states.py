"""Disbursement states: the table, four eyes, the budget rule, paying once, reversal, re-entry."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.campaigns.services import NotEnoughMoney
from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.spending import services
from partnership.spending.models import Disbursement, DisbursementEvent, DisbursementState

D = DisbursementState
FROM = ["draft", "submitted", "approved", "paid", "reversed", "cancelled"]


def _ledger(campaign_id: int, kind: LedgerKind) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            sa.select(LedgerEntry).where(
                LedgerEntry.campaign_id == campaign_id, LedgerEntry.kind == kind
            )
        )
    )


def _try(d: Disbursement, to: D, submitter, approver) -> None:
    if to == D.SUBMITTED:
        services.submit(d, submitter)
    elif to == D.DRAFT:
        services.send_back(d, approver, "แก้ราคา")
    elif to == D.APPROVED:
        services.approve(d, approver)
    elif to == D.PAID:
        services.pay(d, approver)
    elif to == D.REVERSED:
        services.reverse(d, approver, "ราคาผิด")
    else:
        services.cancel(d, approver, "ซื้อซ้ำ")


@pytest.mark.parametrize("start", FROM)
def test_every_move_of_the_table_and_no_other(start, funded_campaign, make_disbursement, two_staff):
    submitter, approver = two_staff
    campaign = funded_campaign()
    for to in D:
        state = "draft" if start == "cancelled" else start
        d = make_disbursement(campaign, state=state, lines=((1, 1, 100),))
        if start == "cancelled":
            services.cancel(d, submitter, "ไม่ใช้")
            db.session.commit()
        allowed = to in services.TRANSITIONS[D(start)]
        events = len(d.events)
        if allowed:
            _try(d, to, submitter, approver)
            db.session.commit()
            assert d.state == to
            assert len(db.session.get(Disbursement, d.id).events) == events + 1
        else:
            with pytest.raises(services.IllegalDisbursementMove):
                _try(d, to, submitter, approver)
            db.session.rollback()
            assert db.session.get(Disbursement, d.id).state == D(start)


def test_the_submitter_cannot_approve(funded_campaign, make_disbursement, two_staff):
    submitter, _approver = two_staff
    d = make_disbursement(funded_campaign(), state="submitted")
    with pytest.raises(services.FourEyes) as refused:
        services.approve(d, submitter)
    assert "หลักสี่ตา" in str(refused.value.user_message())  # four eyes, in Thai by default
    db.session.rollback()
    assert db.session.get(Disbursement, d.id).state == D.SUBMITTED


def test_the_database_refuses_an_approver_who_submitted(funded_campaign, make_disbursement):
    d = make_disbursement(funded_campaign(), state="approved")
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Disbursement)
            .where(Disbursement.id == d.id)
            .values(approved_by_id=Disbursement.submitted_by_id)
        )
        db.session.flush()
    db.session.rollback()


def test_paying_writes_one_ledger_row_and_keeps_the_progress_bar(
    funded_campaign, make_disbursement
):
    campaign = funded_campaign()
    raised = campaign.raised_satang
    d = make_disbursement(campaign, state="paid")
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    rows = _ledger(campaign.id, LedgerKind.DISBURSEMENT)
    assert [(r.amount_satang, r.source) for r in rows] == [(-36_000_000, f"disbursement:{d.id}")]
    assert rows[0].public_label == "ร้านทดสอบ"
    assert campaign.raised_satang == raised
    assert campaign.spent_satang == 36_000_000
    assert campaign.balance_satang == raised - 36_000_000
    with pytest.raises(services.IllegalDisbursementMove):
        services.pay(d, d.approved_by)
    db.session.rollback()
    assert len(_ledger(campaign.id, LedgerKind.DISBURSEMENT)) == 1


def test_never_more_than_the_balance(funded_campaign, make_disbursement):
    campaign = funded_campaign()
    first = make_disbursement(campaign, state="paid")  # ฿360,000 of ฿372,000
    second = make_disbursement(
        campaign, state="approved", lines=((1, 24, 50_000),), over_budget_reason=""
    )  # ฿12,000: exactly the balance
    third = make_disbursement(
        campaign, state="approved", lines=((1, 1, 100),), over_budget_reason="ค่าส่ง"
    )
    services.pay(second, second.approved_by)
    db.session.commit()
    with pytest.raises(NotEnoughMoney):
        services.pay(third, third.approved_by)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Disbursement, third.id).state == D.APPROVED
    assert db.session.get(Campaign, campaign.id).balance_satang == 0
    assert first.state == D.PAID


def test_a_budget_line_is_never_passed_without_a_reason(
    funded_campaign, make_disbursement, two_staff
):
    submitter, approver = two_staff
    campaign = funded_campaign(extra_satang=5_000_000)
    make_disbursement(campaign, state="approved", lines=((0, 20, 1_500_000),))
    over = make_disbursement(campaign, state="draft", lines=((0, 5, 1_500_000),))
    with pytest.raises(services.OverBudget) as refused:
        services.submit(over, submitter)
    assert "โน้ตบุ๊ก" in str(refused.value.user_message())
    db.session.rollback()
    # Sent before the first was approved: the approval checks again.
    late = make_disbursement(campaign, state="draft", lines=((0, 4, 1_500_000),))
    services.submit(late, submitter)
    db.session.commit()
    make_disbursement(campaign, state="approved", lines=((0, 1, 1_500_000),))
    with pytest.raises(services.OverBudget):
        services.approve(late, approver)
    db.session.rollback()
    # With a reason it goes ahead, and the reason is public.
    allowed = make_disbursement(
        campaign, state="paid", lines=((0, 2, 1_500_000),), over_budget_reason="ราคาขึ้น"
    )
    assert allowed.state == D.PAID


def test_reversal_gives_the_money_back_and_entering_again_copies_the_lines(
    funded_campaign, make_disbursement, two_staff
):
    submitter, approver = two_staff
    campaign = funded_campaign()
    d = make_disbursement(campaign, state="paid")
    with pytest.raises(services.SpendingRefused):
        services.reverse(d, approver, "  ")
    db.session.rollback()
    services.reverse(d, approver, "ราคาต่อหน่วยในใบกำกับผิด")
    db.session.commit()
    rows = _ledger(campaign.id, LedgerKind.DISBURSEMENT_REVERSED)
    assert [(r.amount_satang, r.source) for r in rows] == [
        (36_000_000, f"disbursement:{d.id}:reversed")
    ]
    assert len(_ledger(campaign.id, LedgerKind.DISBURSEMENT)) == 1  # the paid row stays
    assert db.session.get(Campaign, campaign.id).spent_satang == 0
    again = services.enter_again(d, submitter)
    db.session.commit()
    assert again.state == D.DRAFT and again.replaces_id == d.id
    assert [(x.budget_line_id, x.quantity, x.unit_price_satang) for x in again.lines] == [
        (x.budget_line_id, x.quantity, x.unit_price_satang) for x in d.lines
    ]
    assert again.invoice_key and again.invoice_key != d.invoice_key
    with pytest.raises(services.SpendingRefused):
        services.enter_again(d, submitter)
    db.session.rollback()
    reasons = [e.reason for e in db.session.get(Disbursement, d.id).events]
    assert "ราคาต่อหน่วยในใบกำกับผิด" in reasons


def test_history_says_who_when_and_why(funded_campaign, make_disbursement, two_staff):
    submitter, approver = two_staff
    d = make_disbursement(funded_campaign(), state="submitted")
    services.send_back(d, approver, "ใบกำกับไม่ชัด")
    db.session.commit()
    events = db.session.scalars(
        sa.select(DisbursementEvent)
        .where(DisbursementEvent.disbursement_id == d.id)
        .order_by(DisbursementEvent.id)
    ).all()
    assert [(e.from_state, e.to_state, e.actor_id) for e in events] == [
        (None, "draft", submitter.id),
        ("draft", "submitted", submitter.id),
        ("submitted", "draft", approver.id),
    ]
    assert events[-1].reason == "ใบกำกับไม่ชัด" and events[-1].at is not None


def test_submitting_needs_the_invoice(funded_campaign, two_staff):
    submitter, _ = two_staff
    campaign = funded_campaign()
    d = services.create_disbursement(
        campaign,
        paid_on=campaign.created_at.date(),
        payee=services.Payee(name="ร้าน", tax_id="0105551234567"),
        lines=[services.LineValues(campaign.budget_lines[1].id, 1, 50_000)],
        actor=submitter,
    )
    with pytest.raises(services.SpendingRefused):
        services.submit(d, submitter)
    db.session.rollback()


def test_a_live_campaign_does_not_spend(make_campaign, two_staff):
    submitter, _ = two_staff
    campaign = make_campaign()
    with pytest.raises(services.SpendingRefused):
        services.create_disbursement(
            campaign,
            paid_on=campaign.created_at.date(),
            payee=services.Payee(name="ร้าน", tax_id="0105551234567"),
            lines=[services.LineValues(campaign.budget_lines[0].id, 1, 100)],
            actor=submitter,
        )
    db.session.rollback()


def test_ledger_verify_passes_after_payments_and_reversals(app, funded_campaign, make_disbursement):
    campaign = funded_campaign()
    make_disbursement(campaign, state="reversed")
    make_disbursement(campaign, state="paid", lines=((1, 24, 50_000),))
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output

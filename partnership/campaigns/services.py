"""Campaign rules: make one from an approved application, edit, launch, end; money counters."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.util import identity_key

from ..applications.models import Application, ApplicationState
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..ledger.models import RAISED_FROM, RAISED_PARTS, SPENDING, LedgerKind
from ..ledger.services import Totals, append_entry
from .figures import key_columns, key_of, note
from .models import (
    Campaign,
    CampaignBudgetLine,
    CampaignEvent,
    CampaignState,
    FundingRule,
    ProgrammeFunding,
)
from .pages import page_changed
from .workflow import IllegalCampaignTransition, fund_if_goal_reached, transition

C = CampaignState


class CampaignRuleError(Refused):
    """A campaign operation the rules refuse; the message is shown to staff."""


class NotEnoughMoney(CampaignRuleError):
    """A payment out larger than what the campaign holds (raised − spent)."""

    message = _l(
        "The campaign does not hold enough money for this payment: its balance is smaller "
        "than the amount. Nothing was paid."
    )


def funding_rule_of(programme_id: int) -> FundingRule:
    row = db.session.get(ProgrammeFunding, programme_id)
    return row.rule if row else FundingRule.KEEP_WHAT_YOU_RAISE


def set_funding_rule(programme_id: int, rule: FundingRule) -> None:
    """Store the programme's rule (its draft campaigns follow it; launched ones keep theirs)."""
    row = db.session.get(ProgrammeFunding, programme_id)
    if row is None:
        db.session.add(ProgrammeFunding(programme_id=programme_id, rule=rule))
    else:
        row.rule = rule
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.programme_id == programme_id, Campaign.state == C.DRAFT)
        .values(funding_rule=rule)
    )
    db.session.flush()


def campaign_for_application(application_id: int) -> Campaign | None:
    return db.session.scalar(sa.select(Campaign).where(Campaign.application_id == application_id))


def create_campaign(
    application: Application, *, starts_at: datetime, ends_at: datetime, actor
) -> Campaign:
    """A draft campaign from an approved application: its title, need, budget lines, goal."""
    if application.state != ApplicationState.APPROVED:
        raise CampaignRuleError(_l("Only an approved application can become a campaign."))
    if campaign_for_application(application.id) is not None:
        raise CampaignRuleError(_l("This application already has a campaign."))
    if ends_at <= starts_at:
        raise CampaignRuleError(_l("The end must be after the start."))
    goal = application.requested_satang
    if goal <= 0:
        raise CampaignRuleError(_l("The application has no budget to raise."))
    story = "\n\n".join(p for p in (application.summary, application.need) if p.strip())
    campaign = Campaign(
        application_id=application.id,
        programme_id=application.programme_id,
        school_id=application.school_id,
        title=application.title,
        story=story,
        goal_satang=goal,
        starts_at=starts_at,
        ends_at=ends_at,
        funding_rule=funding_rule_of(application.programme_id),
        created_by_id=getattr(actor, "id", None),
    )
    for line in application.budget_lines:
        campaign.budget_lines.append(
            CampaignBudgetLine(
                position=line.position,
                item=line.item,
                unit_price_satang=line.unit_price_satang,
                quantity=line.quantity,
            )
        )
    db.session.add(campaign)
    db.session.flush()
    db.session.add(
        CampaignEvent(
            campaign_id=campaign.id, to_state=C.DRAFT.value, actor_id=campaign.created_by_id
        )
    )
    db.session.flush()
    return campaign


def update_campaign(
    campaign: Campaign, *, title: str, story: str, starts_at: datetime, ends_at: datetime
) -> None:
    """Edit the public text; the dates only while it is a draft."""
    if campaign.state == C.CLOSED:
        raise CampaignRuleError(_l("A closed campaign cannot be changed."))
    campaign.title = title
    campaign.story = story
    if (starts_at, ends_at) != (campaign.starts_at, campaign.ends_at):
        if campaign.state != C.DRAFT:
            raise CampaignRuleError(_l("The dates cannot change once the campaign is live."))
        if ends_at <= starts_at:
            raise CampaignRuleError(_l("The end must be after the start."))
        campaign.starts_at, campaign.ends_at = starts_at, ends_at
    page_changed(campaign.id)
    db.session.flush()


def launch(campaign: Campaign, actor) -> None:
    """Draft → live: the public sees it and can give from its start."""
    if campaign.ends_at <= utcnow():
        raise CampaignRuleError(_l("The end date has passed; change it before launching."))
    try:
        transition(campaign, C.LIVE, actor, launched_at=utcnow())
    except IllegalCampaignTransition as error:
        raise CampaignRuleError(_l("This campaign cannot be launched now.")) from error


def close(campaign: Campaign, actor, reason: str = "") -> None:
    """Funded or ended → closed, by staff once the money is settled."""
    try:
        transition(campaign, C.CLOSED, actor, reason)
    except IllegalCampaignTransition as error:
        raise CampaignRuleError(_l("Only a funded or ended campaign can be closed.")) from error


def close_due(now: datetime | None = None) -> list[int]:
    """End every live campaign past its end; safe to run at any time, any number of times."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Campaign).where(Campaign.state == C.LIVE, Campaign.ends_at <= now)
    ).all()
    ended = []
    for campaign in due:
        try:
            transition(campaign, C.ENDED, reason="end date reached")
        except IllegalCampaignTransition:
            continue  # a webhook funded it, or another run ended it, first
        ended.append(campaign.id)
    return ended


def record_money(
    campaign_id: int,
    *,
    amount_satang: int,
    kind: LedgerKind,
    source: str,
    public_label: str,
    donors: int | None = None,
) -> None:
    """One ledger row and the same change to the campaign's counters, in this transaction.

    ``donors`` moves the donor count: by default +1 for a paid donation, 0 otherwise; a refund
    that returns a donation in full passes -1 (and a failed one +1 again).

    A paid donation is never refused, whatever the campaign's state or date: it shows as
    over-funding. Reaching the goal moves a live campaign to funded, once.

    A reversed payment out (``DISBURSEMENT_REVERSED``) lowers what was spent, never raises
    what was raised; money goes out only through :func:`pay_out`.
    """
    if kind == LedgerKind.DISBURSEMENT:
        raise ValueError("money goes out through pay_out(), which checks the balance")
    if kind in SPENDING:
        _move_spent(
            campaign_id,
            kind=kind,
            amount_satang=amount_satang,
            source=source,
            public_label=public_label,
        )
        return
    if donors is None:
        donors = 1 if kind == LedgerKind.DONATION_PAID else 0
    append_entry(
        campaign_id=campaign_id,
        amount_satang=amount_satang,
        kind=kind,
        source=source,
        public_label=public_label,
        donor_delta=donors,
    )
    part = f"{RAISED_FROM[kind]}_satang"
    campaigns = Campaign.__table__.c
    deltas = {
        "raised_satang": campaigns.raised_satang + amount_satang,
        part: campaigns[part] + amount_satang,
    }
    if donors:
        deltas["donor_count"] = campaigns.donor_count + donors
    # In SQL, without loading the row (``core.transitions.increment`` needs the object); what
    # it returns says whether the goal may just have been reached, so the common gift costs one
    # statement here. A Core statement on the table: the ORM's bulk-update path adds nothing
    # here but CPU (the session's copy, if any, is expired below).
    state, raised, goal, *key = db.session.execute(
        sa.update(Campaign.__table__)
        .where(campaigns.id == campaign_id)
        .values(deltas)
        .returning(campaigns.state, campaigns.raised_satang, campaigns.goal_satang, *key_columns())
    ).one()
    _expire_counters(campaign_id)
    note(
        campaign_id,
        key=key_of(*key),
        raised_satang=amount_satang,
        donations=donors,
        **{part: amount_satang},
    )
    if amount_satang > 0 and state == C.LIVE and raised >= goal:
        fund_if_goal_reached(db.session.get(Campaign, campaign_id))


def pay_out(campaign_id: int, *, amount_satang: int, source: str, public_label: str) -> None:
    """Money out of the campaign (a disbursement paid): never more than its balance.

    One conditional statement, ``UPDATE campaigns SET spent = spent + :amount WHERE id = :id AND
    raised − spent ≥ :amount``: of two payments racing for the last baht one moves the row and
    the other finds its condition false (PostgreSQL re-checks it on the row the winner wrote),
    and is refused with :class:`NotEnoughMoney`. Then the ledger row, in the same transaction.
    """
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise TypeError(f"amount_satang must be an int: {amount_satang!r}")
    if amount_satang <= 0:
        raise ValueError("a payment out is a positive amount")
    moved = db.session.execute(
        sa.update(Campaign)
        .where(
            Campaign.id == campaign_id,
            Campaign.raised_satang - Campaign.spent_satang >= amount_satang,
        )
        .values(spent_satang=Campaign.spent_satang + amount_satang),
        execution_options={"synchronize_session": False},
    ).rowcount
    if moved != 1:
        raise NotEnoughMoney()
    append_entry(
        campaign_id=campaign_id,
        amount_satang=-amount_satang,
        kind=LedgerKind.DISBURSEMENT,
        source=source,
        public_label=public_label,
    )
    _expire_counters(campaign_id)
    note(campaign_id, spent_satang=amount_satang)


def _move_spent(
    campaign_id: int, *, kind: LedgerKind, amount_satang: int, source: str, public_label: str
) -> None:
    """A spending row other than a payment out (its reversal): never refused."""
    append_entry(
        campaign_id=campaign_id,
        amount_satang=amount_satang,
        kind=kind,
        source=source,
        public_label=public_label,
    )
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign_id)
        .values(spent_satang=Campaign.spent_satang - amount_satang),
        execution_options={"synchronize_session": False},
    )
    _expire_counters(campaign_id)
    note(campaign_id, spent_satang=-amount_satang)


#: The columns the statements above move without loading the row.
COUNTERS = [
    "raised_satang",
    "spent_satang",
    "donor_count",
    *(f"{part}_satang" for part in RAISED_PARTS),
]


def _expire_counters(campaign_id: int) -> None:
    campaign = db.session.identity_map.get(identity_key(Campaign, campaign_id))
    if campaign is not None:
        db.session.expire(campaign, COUNTERS)


def campaign_balance(campaign_id: int) -> int:
    """What the campaign holds now, raised − spent, as the database has it (read fresh: a
    refund staff ask for is checked against it)."""
    return db.session.scalar(
        sa.select(Campaign.raised_satang - Campaign.spent_satang).where(Campaign.id == campaign_id)
    )


def below_zero_query() -> sa.Select:
    """Campaigns that spent more than they hold (a dispute or refund after a payment out):
    staff must cover the difference. Lowest balance first."""
    return (
        sa.select(Campaign)
        .where(Campaign.raised_satang < Campaign.spent_satang)
        .order_by(Campaign.raised_satang - Campaign.spent_satang, Campaign.id)
    )


def below_zero() -> list[Campaign]:
    """Every campaign below zero (:func:`below_zero_query`)."""
    return list(db.session.scalars(below_zero_query()))


def cached_totals():
    """Every campaign's counters as ``flask ledger verify`` compares them with its rows."""
    rows = db.session.execute(
        sa.select(
            Campaign.id,
            Campaign.title,
            Campaign.raised_satang,
            Campaign.donor_count,
            Campaign.spent_satang,
            Campaign.online_satang,
            Campaign.matched_satang,
            Campaign.offline_satang,
        )
    )
    for campaign_id, title, *counters in rows:
        yield campaign_id, title, Totals(*counters)

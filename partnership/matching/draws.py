"""Drawing matches from pools, giving them back, and checking every pool against the ledger.

Order: a gift is matched by every pool that covers it, each by its own ratio, **the pool that
ends first drawing first, then the oldest pledge** (so money that would expire is used
before money that would wait). Each draw locks its pool row and takes
``min(wanted, remaining)`` with ``UPDATE … SET remaining = remaining - :d WHERE id = :id AND
remaining >= :d``: a pool is never overspent, however many webhooks arrive at once, and a gift
that meets a nearly empty pool takes what is left.

Every draw and every return is a ledger row of the campaign (``match`` / ``match_returned``)
whose source starts with ``match:<pool id>:`` so that ``flask ledger verify`` can sum each
pool's rows and compare them with its ``cap - remaining``.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from ..campaigns.models import GIVING_STATES, Campaign
from ..campaigns.pages import page_changed
from ..campaigns.services import record_money
from ..core.transitions import compare_and_set, lock_row
from ..db_types import utcnow
from ..extensions import db
from ..ledger.models import LedgerEntry, LedgerKind
from ..registry.models import Organisation, School
from .models import MatchDraw, MatchPledge, MatchScope, PledgeState


def pool_source(pledge_id: int, draw_id: int, suffix: str = "") -> str:
    """The ledger source of a draw (or, with a suffix, of a return): names its pool."""
    return f"match:{pledge_id}:{draw_id}" + (f":{suffix}" if suffix else "")[:80]


def _covering_query(campaign_id, programme_id, school_id, now: datetime, *, offline: bool):
    """The approved pools covering a gift to the campaign whose id, programme and school are
    given (values, or columns of a joined campaign), in drawing order."""
    # A campaign's columns here belong to the statement that encloses this one (a probe nests
    # it two levels deep, past the automatic correlation of the nearest).
    province = (
        sa.select(School.province_code).where(School.id == school_id).correlate_except(School)
    )
    query = (
        sa.select(MatchPledge.id)
        .where(
            MatchPledge.state == PledgeState.APPROVED,
            MatchPledge.starts_at <= now,
            MatchPledge.ends_at > now,
            MatchPledge.remaining_satang > 0,
            sa.or_(
                sa.and_(
                    MatchPledge.scope == MatchScope.CAMPAIGN,
                    MatchPledge.campaign_id == campaign_id,
                ),
                sa.and_(
                    MatchPledge.scope == MatchScope.PROGRAMME,
                    MatchPledge.programme_id == programme_id,
                ),
                sa.and_(
                    MatchPledge.scope == MatchScope.PROVINCE,
                    MatchPledge.province_code == province.scalar_subquery(),
                ),
            ),
        )
        .order_by(MatchPledge.ends_at, MatchPledge.id)
    )
    if offline:
        query = query.where(MatchPledge.counts_offline.is_(True))
    return query


def _covering_the_campaign_row(*, offline: bool) -> sa.Select:
    """``_covering_query`` for the ``Campaign`` row of the enclosing or joined statement, at the
    bound ``now``."""
    return _covering_query(
        Campaign.id,
        Campaign.programme_id,
        Campaign.school_id,
        sa.bindparam("now", type_=MatchPledge.starts_at.type),
        offline=offline,
    )


def covers_campaign() -> sa.Exists:
    """Whether an approved pool matches a gift to the campaign of the enclosing statement at
    the bound ``now`` (a probe of the campaign page: ``campaigns.hooks.add_page_probe``)."""
    return _covering_the_campaign_row(offline=False).order_by(None).exists()


@cache
def _offers_statement() -> sa.Select:
    """The pools covering an online gift to the campaign whose id, programme and school are
    bound, at the bound ``now``, in drawing order: built once (the campaign page asks it)."""
    covering = _covering_query(
        sa.bindparam("campaign_id"),
        sa.bindparam("programme_id"),
        sa.bindparam("school_id"),
        sa.bindparam("now", type_=MatchPledge.starts_at.type),
        offline=False,
    )
    return (
        sa.select(MatchPledge)
        .where(MatchPledge.id.in_(covering.order_by(None)))
        .order_by(MatchPledge.ends_at, MatchPledge.id)
    )


def covering_offers(campaign: Campaign, now: datetime) -> list[MatchPledge]:
    """The approved pools that match an online gift to ``campaign`` now, in drawing order:
    what the campaign and give pages offer."""
    values = {
        "campaign_id": campaign.id,
        "programme_id": campaign.programme_id,
        "school_id": campaign.school_id,
        "now": now,
    }
    return list(db.session.scalars(_offers_statement(), values))


@cache
def _pools_for_gift_query(offline: bool) -> sa.Select:
    """The statement of :func:`pools_for_gift`, its values as bound parameters (``campaign_id``,
    ``now``, ``gift_id``): built once per process, so a webhook pays neither its construction
    nor its cache key (a tree of some twenty clauses)."""
    campaign_id, gift_id = sa.bindparam("campaign_id"), sa.bindparam("gift_id")
    drawn = sa.exists().where(
        MatchDraw.pledge_id == MatchPledge.id,
        (MatchDraw.offline_gift_id if offline else MatchDraw.donation_id) == gift_id,
    )
    query = (
        _covering_the_campaign_row(offline=offline)
        .with_only_columns(MatchPledge, Organisation.name)
        .select_from(MatchPledge)
        .join(Campaign, Campaign.id == campaign_id)
        .join(Organisation, Organisation.id == MatchPledge.organisation_id)
        .where(Campaign.state.in_(GIVING_STATES), ~drawn)
    )
    return query


def pools_for_gift(
    campaign_id: int,
    now: datetime,
    *,
    donation_id: int | None = None,
    offline_gift_id: int | None = None,
) -> list[tuple[MatchPledge, str]]:
    """The pools that match this gift now and have not matched it yet, in drawing order, each
    with its sponsor's name; none unless the campaign is in a giving state. One statement,
    without loading the campaign (a webhook's hot path)."""
    offline = offline_gift_id is not None
    params = {
        "campaign_id": campaign_id,
        "now": now,
        "gift_id": offline_gift_id if offline else donation_id,
    }
    return [tuple(row) for row in db.session.execute(_pools_for_gift_query(offline), params)]


def _expire_pool(pledge_id: int) -> None:
    pledge = db.session.identity_map.get(identity_key(MatchPledge, pledge_id))
    if pledge is not None:
        db.session.expire(pledge, ["remaining_satang"])


def _take_exactly(pledge_id: int, amount: int) -> bool:
    """One conditional UPDATE: ``amount`` from an approved pool that still holds it."""
    pools = MatchPledge.__table__.c
    result = db.session.execute(
        sa.update(MatchPledge.__table__)
        .where(
            pools.id == pledge_id,
            pools.state == PledgeState.APPROVED,
            pools.remaining_satang >= amount,
        )
        .values(remaining_satang=pools.remaining_satang - amount)
    )
    if result.rowcount != 1:
        return False
    _expire_pool(pledge_id)
    page_changed()  # every campaign page the pool covers shows what is left of it
    return True


def take(pledge_id: int, wanted: int) -> int:
    """Take up to ``wanted`` from an approved pool, never beyond its remainder; what was taken."""
    if wanted <= 0:
        return 0
    # The common case in one statement: the pool holds all that is wanted.
    if _take_exactly(pledge_id, wanted):
        return wanted
    remaining = db.session.scalar(
        sa.select(MatchPledge.remaining_satang)
        .where(MatchPledge.id == pledge_id, MatchPledge.state == PledgeState.APPROVED)
        .with_for_update()
    )
    amount = min(wanted, remaining or 0)
    if amount <= 0:
        return 0
    return amount if _take_exactly(pledge_id, amount) else 0


def _match_row(campaign_id: int, amount: int, kind: LedgerKind, source: str, label: str) -> None:
    """The ledger row, and the campaign's counters (``matched_satang`` among them)."""
    record_money(campaign_id, amount_satang=amount, kind=kind, source=source, public_label=label)


def draw_for_gift(
    campaign_id: int,
    *,
    base_satang: int,
    donation_id: int | None = None,
    offline_gift_id: int | None = None,
) -> int:
    """Match one paid gift from every covering pool (flushed); the total drawn."""
    total = 0
    pools = pools_for_gift(
        campaign_id, utcnow(), donation_id=donation_id, offline_gift_id=offline_gift_id
    )
    for pledge, sponsor_name in pools:
        pledge_id = pledge.id
        amount = take(pledge_id, pledge.match_for(base_satang))
        if amount == 0:
            continue
        # A Core insert: the draw is not read back in this transaction (the covering pools'
        # query asks the table whether the gift was matched).
        draw_id = db.session.execute(
            sa.insert(MatchDraw.__table__)
            .values(
                pledge_id=pledge_id,
                campaign_id=campaign_id,
                donation_id=donation_id,
                offline_gift_id=offline_gift_id,
                base_satang=base_satang,
                drawn_satang=amount,
            )
            .returning(MatchDraw.__table__.c.id)
        ).scalar_one()
        _match_row(
            campaign_id,
            amount,
            LedgerKind.MATCH,
            pool_source(pledge_id, draw_id),
            sponsor_name,
        )
        total += amount
    return total


def _sponsor_name(organisation_id: int) -> str:
    return db.session.scalar(sa.select(Organisation.name).where(Organisation.id == organisation_id))


def give_back(draw: MatchDraw, amount: int, suffix: str, *, release: bool = False) -> None:
    """Return ``amount`` of a draw to its pool: a ``match_returned`` row, the pool grows."""
    values: dict = {"returned_satang": draw.returned_satang + amount}
    if release:
        values["released"] = True
    compare_and_set(draw, expected={"returned_satang": draw.returned_satang}, values=values)
    if amount <= 0:
        return
    db.session.execute(
        sa.update(MatchPledge)
        .where(MatchPledge.id == draw.pledge_id)
        .values(remaining_satang=MatchPledge.remaining_satang + amount),
        execution_options={"synchronize_session": False},
    )
    _expire_pool(draw.pledge_id)
    page_changed()
    _match_row(
        draw.campaign_id,
        -amount,
        LedgerKind.MATCH_RETURNED,
        pool_source(draw.pledge_id, draw.id, suffix),
        _sponsor_name(draw.pledge.organisation_id),
    )


def _draw_again(draw: MatchDraw, amount: int, suffix: str) -> None:
    """Money came back to the gift (a failed refund): draw its match again, if the pool can."""
    taken = take(draw.pledge_id, min(amount, draw.returned_satang))
    if taken == 0:
        return
    compare_and_set(
        draw,
        expected={"returned_satang": draw.returned_satang},
        values={"returned_satang": draw.returned_satang - taken},
    )
    _match_row(
        draw.campaign_id,
        taken,
        LedgerKind.MATCH,
        pool_source(draw.pledge_id, draw.id, suffix),
        _sponsor_name(draw.pledge.organisation_id),
    )


def follow_donation(donation, source: str) -> None:
    """Keep each of a donation's draws pro rata to what the donation still holds.

    ``kept = drawn × (amount − refunded − disputed) ÷ amount`` (rounded down): a partial refund
    returns its share, a full one returns everything, a failed refund draws it again.
    """
    draws = db.session.scalars(
        sa.select(MatchDraw).where(MatchDraw.donation_id == donation.id).order_by(MatchDraw.id)
    ).all()
    holding = donation.amount_satang - donation.refunded_satang - donation.disputed_satang
    for draw in draws:
        target = 0 if draw.released else draw.drawn_satang * holding // donation.amount_satang
        delta = draw.kept_satang - target
        if delta > 0:
            give_back(draw, delta, "return:" + source)
        elif delta < 0:
            _draw_again(draw, -delta, "redraw:" + source)


def release_gift(offline_gift_id: int, suffix: str) -> None:
    """A voided or returned offline gift gives back everything it drew."""
    draws = db.session.scalars(
        sa.select(MatchDraw).where(MatchDraw.offline_gift_id == offline_gift_id)
    ).all()
    for draw in draws:
        if draw.kept_satang > 0 or not draw.released:
            give_back(draw, draw.kept_satang, suffix, release=True)


def release_campaign(campaign_id: int) -> int:
    """Give every match of a campaign back to its pool for good (all-or-nothing missed).

    The campaign row is locked first, as a webhook's refund row locks it before it touches
    draws and pools: the two wait for each other in one order, never in a circle.
    """
    lock_row(Campaign, campaign_id)
    # Pools in drawing order, as every draw locks them: no two transactions wait on each other.
    draws = db.session.scalars(
        sa.select(MatchDraw)
        .join(MatchPledge, MatchPledge.id == MatchDraw.pledge_id)
        .where(MatchDraw.campaign_id == campaign_id, MatchDraw.released.is_(False))
        .order_by(MatchPledge.ends_at, MatchPledge.id, MatchDraw.id)
    ).all()
    released = 0
    for draw in draws:
        released += draw.kept_satang
        give_back(draw, draw.kept_satang, "release", release=True)
    return released


def check_pools() -> list[str]:
    """Each pool's ``cap − remaining`` against the sum of its ledger rows and of its draws."""
    ledger: dict[int, int] = {}
    rows = db.session.execute(
        sa.select(LedgerEntry.source, LedgerEntry.amount_satang).where(
            LedgerEntry.kind.in_([LedgerKind.MATCH, LedgerKind.MATCH_RETURNED])
        )
    )
    for source, amount in rows:
        parts = source.split(":")
        if len(parts) >= 3 and parts[0] == "match" and parts[1].isdigit():
            ledger[int(parts[1])] = ledger.get(int(parts[1]), 0) + amount
    kept = dict(
        db.session.execute(
            sa.select(
                MatchDraw.pledge_id,
                sa.func.sum(MatchDraw.drawn_satang - MatchDraw.returned_satang),
            ).group_by(MatchDraw.pledge_id)
        ).all()
    )
    problems = []
    pools = db.session.execute(
        sa.select(
            MatchPledge.id, Organisation.name, MatchPledge.cap_satang, MatchPledge.remaining_satang
        ).join(Organisation, Organisation.id == MatchPledge.organisation_id)
    )
    seen = set()
    for pledge_id, name, cap, remaining in pools:
        seen.add(pledge_id)
        used, rows_sum, draws_sum = cap - remaining, ledger.get(pledge_id, 0), kept.get(pledge_id)
        draws_sum = int(draws_sum or 0)
        if used != rows_sum or used != draws_sum:
            problems.append(
                f"match pool {pledge_id} ({name}): cap - remaining = {used} satang; "
                f"its ledger rows add up to {rows_sum} satang; its draws keep {draws_sum} satang"
            )
    for pledge_id in sorted(set(ledger) - seen):
        problems.append(f"ledger match rows for unknown match pool {pledge_id}")
    return problems

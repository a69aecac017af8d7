"""Appending to the ledger and recomputing what the cached counters should be."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..db_types import utcnow
from ..extensions import db
from .models import RAISED_FROM, RAISED_PARTS, SPENDING, LedgerEntry, LedgerKind


def append_entry(
    *,
    campaign_id: int,
    amount_satang: int,
    kind: LedgerKind,
    source: str,
    public_label: str,
    donor_delta: int = 0,
) -> int:
    """Add one row; returns its id. The caller moves the counter in the same transaction."""
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise TypeError(f"amount_satang must be an int: {amount_satang!r}")
    # A Core insert on the table: the row is never changed after, so it needs no place in the
    # session (nor the ORM's statement handling).
    table = LedgerEntry.__table__
    return db.session.execute(
        sa.insert(table)
        .values(
            campaign_id=campaign_id,
            amount_satang=amount_satang,
            kind=kind,
            source=source,
            public_label=public_label[:200],
            donor_delta=donor_delta,
            created_at=utcnow(),
        )
        .returning(table.c.id)
    ).scalar_one()


@dataclass(frozen=True)
class Totals:
    """What a campaign's counters must be, from its rows: raised (money in, net of refunds and
    disputes: the progress bar), spent (money out to suppliers, net of reversals) and donors."""

    raised_satang: int = 0
    donations: int = 0
    spent_satang: int = 0
    #: ``raised`` split by where the money came from (``ledger.models.RAISED_FROM``).
    online_satang: int = 0
    matched_satang: int = 0
    offline_satang: int = 0

    @property
    def balance_satang(self) -> int:
        """What the campaign still holds: raised − spent (the sum of every row)."""
        return self.raised_satang - self.spent_satang


def _is_spending():
    return LedgerEntry.kind.in_([kind.value for kind in SPENDING])


def _sums() -> tuple:
    """raised, donors, spent and raised's three parts (online, matched, offline) summed over the
    rows selected (the one definition of each)."""
    spending = _is_spending()
    amount = LedgerEntry.amount_satang

    def part(name: str):
        kinds = [kind.value for kind, part in RAISED_FROM.items() if part == name]
        return sa.func.coalesce(sa.func.sum(sa.case((LedgerEntry.kind.in_(kinds), amount))), 0)

    return (
        sa.func.coalesce(sa.func.sum(sa.case((spending, 0), else_=amount)), 0),
        sa.func.coalesce(sa.func.sum(LedgerEntry.donor_delta), 0),
        sa.func.coalesce(sa.func.sum(sa.case((spending, -amount), else_=0)), 0),
        *(part(name) for name in RAISED_PARTS),
    )


def _totals(row) -> Totals:
    return Totals(*(int(value) for value in row))


def totals_by_campaign() -> dict[int, Totals]:
    """Every campaign's raised (and its three parts) and spent money and number of donors
    (paid, not refunded in full), from the rows, in one query."""
    rows = db.session.execute(
        sa.select(LedgerEntry.campaign_id, *_sums()).group_by(LedgerEntry.campaign_id)
    )
    return {row[0]: _totals(row[1:]) for row in rows}


def totals_of(campaign_id: int) -> Totals:
    """One campaign's raised, spent and donors from its rows (one query; what the public ledger
    heads its rows with, the same sums ``verify`` compares with the counters)."""
    return _totals(
        db.session.execute(sa.select(*_sums()).where(LedgerEntry.campaign_id == campaign_id)).one()
    )


def entries_query(campaign_id: int):
    """The campaign's rows in order."""
    return (
        sa.select(LedgerEntry)
        .where(LedgerEntry.campaign_id == campaign_id)
        .order_by(LedgerEntry.id)
    )


def running_balances(campaign_id: int, entry_ids: list[int]) -> dict[int, int]:
    """The balance (raised − spent) after each of these rows: a window over the campaign's rows,
    one query."""
    if not entry_ids:
        return {}
    running = (
        sa.func.sum(LedgerEntry.amount_satang).over(order_by=LedgerEntry.id).label("balance_satang")
    )
    inner = (
        sa.select(LedgerEntry.id, running)
        .where(LedgerEntry.campaign_id == campaign_id, LedgerEntry.id <= max(entry_ids))
        .subquery()
    )
    rows = db.session.execute(sa.select(inner).where(inner.c.id.in_(entry_ids)))
    return {entry_id: int(balance) for entry_id, balance in rows}


#: A cache of the ledger to check: a name and a reader returning
#: ``[(campaign_id, label, Totals as cached)]``. Campaigns register their counters here.
CacheReader = Callable[[], Iterable[tuple[int, str, Totals]]]
CACHES: dict[str, CacheReader] = {}


def register_cache(name: str, reader: CacheReader) -> None:
    CACHES[name] = reader


#: Further checks of money kept beside the ledger (a matching pool's remainder): each returns
#: its problems as readable lines naming what is wrong.
Check = Callable[[], Iterable[str]]
CHECKS: dict[str, Check] = {}


def register_check(name: str, check: Check) -> None:
    CHECKS[name] = check


def _difference(name: str, campaign_id: int, label: str, cached: Totals, rows: Totals) -> str:
    parts = []
    for what, unit in (
        ("raised_satang", "satang raised"),
        ("spent_satang", "satang spent"),
        ("balance_satang", "satang balance"),
        ("online_satang", "satang given online"),
        ("matched_satang", "satang matched"),
        ("offline_satang", "satang given offline"),
        ("donations", "donations"),
    ):
        if getattr(cached, what) != getattr(rows, what):
            parts.append(f"{unit}: cached {getattr(cached, what)}, ledger {getattr(rows, what)}")
    return f"{name} {campaign_id} ({label}): " + "; ".join(parts)


def verify() -> list[str]:
    """Every difference between the rows and the registered caches, and every campaign whose
    balance is below zero (more spent than it holds: a dispute after a payment out), as
    readable lines naming the campaign."""
    actual = totals_by_campaign()
    problems = []
    for name, reader in CACHES.items():
        seen = set()
        for campaign_id, label, cached in reader():
            seen.add(campaign_id)
            expected = actual.get(campaign_id, Totals())
            if cached != expected:
                problems.append(_difference(name, campaign_id, label, cached, expected))
            elif expected.balance_satang < 0:
                problems.append(
                    f"{name} {campaign_id} ({label}): balance {expected.balance_satang} satang "
                    f"is below zero (raised {expected.raised_satang}, spent "
                    f"{expected.spent_satang})"
                )
        for campaign_id in sorted(set(actual) - seen):
            problems.append(f"ledger rows for unknown campaign {campaign_id}")
    for check in CHECKS.values():
        problems.extend(check())
    return problems


def erase_labels(campaign_id: int, sources: Iterable[str], label: str) -> int:
    """Blank the public label (shown as "anonymous donor") of the campaign's rows from
    ``sources`` that carry ``label``: the erasure of a donor's name (PDPA), the one change a
    ledger row ever takes. Amounts, kinds and sources stay. Returns the rows changed."""
    sources = list(sources)
    if not sources or not label:
        return 0
    result = db.session.execute(
        sa.update(LedgerEntry)
        .where(
            LedgerEntry.campaign_id == campaign_id,
            LedgerEntry.source.in_(sources),
            LedgerEntry.public_label == label[:200],
        )
        .values(public_label="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount

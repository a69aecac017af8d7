"""Appending to the ledger and recomputing what the cached counters should be."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..db_types import utcnow
from ..extensions import db
from .models import LedgerEntry, LedgerKind


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
    # A Core insert: the row is never changed after, so it needs no place in the session.
    return db.session.execute(
        sa.insert(LedgerEntry)
        .values(
            campaign_id=campaign_id,
            amount_satang=amount_satang,
            kind=kind,
            source=source,
            public_label=public_label[:200],
            donor_delta=donor_delta,
            created_at=utcnow(),
        )
        .returning(LedgerEntry.id)
    ).scalar_one()


@dataclass(frozen=True)
class Totals:
    """What a campaign's counters must be, from its rows."""

    balance_satang: int = 0
    donations: int = 0


def totals_by_campaign() -> dict[int, Totals]:
    """Every campaign's balance and number of donors (paid, not refunded in full), from the
    rows."""
    rows = db.session.execute(
        sa.select(
            LedgerEntry.campaign_id,
            sa.func.sum(LedgerEntry.amount_satang),
            sa.func.sum(LedgerEntry.donor_delta),
        ).group_by(LedgerEntry.campaign_id)
    )
    return {campaign_id: Totals(int(total), int(count)) for campaign_id, total, count in rows}


def entries_query(campaign_id: int):
    """The campaign's rows in order."""
    return (
        sa.select(LedgerEntry)
        .where(LedgerEntry.campaign_id == campaign_id)
        .order_by(LedgerEntry.id)
    )


def running_balances(campaign_id: int, entry_ids: list[int]) -> dict[int, int]:
    """The balance after each of these rows (a window over the campaign's rows, one query)."""
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


def verify() -> list[str]:
    """Every difference between the rows and the registered caches, as readable lines."""
    actual = totals_by_campaign()
    problems = []
    for name, reader in CACHES.items():
        seen = set()
        for campaign_id, label, cached in reader():
            seen.add(campaign_id)
            expected = actual.get(campaign_id, Totals())
            if cached != expected:
                problems.append(
                    f"{name} {campaign_id} ({label}): cached balance {cached.balance_satang} "
                    f"satang, {cached.donations} donations; ledger {expected.balance_satang} "
                    f"satang, {expected.donations} donations"
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

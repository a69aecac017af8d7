"""Figures kept by province, programme and year: what the national dashboards sum, moved in the
same transaction as the money (docs/features/reporting.md, "How the figures stay exact").

Every statement that moves a campaign's counters (``services.record_money``, ``pay_out``, a
device recorded or confirmed, a launch, a campaign funded) notes the same change here with
:func:`note`. Just before the transaction commits, the notes are added to ``figure_totals``:
one query for the campaigns' keys (province, programme, fiscal and academic year of the day it
opened) and one ``INSERT … ON CONFLICT DO UPDATE SET x = x + :dx`` per row touched, rows in key
order. The rows are locked last and in one order by every transaction, after any campaign row
it holds, so two commits never wait on each other in a cycle. A rollback forgets the notes.
Money never moves inside a savepoint (``begin_nested``), so a note never outlives its change.

:func:`check` recomputes every row from the ledger's rows, the devices and the campaigns for
``flask ledger verify``; :func:`rebuild` writes them again from the campaigns' counters
(``flask campaigns rebuild-figures``, and the national benchmark after seeding).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import academic_year_be, fiscal_year_be
from .models import FigureTotal

#: The sums a row keeps, as the columns of ``figure_totals``.
FIGURES = (
    "raised_satang",
    "online_satang",
    "matched_satang",
    "offline_satang",
    "spent_satang",
    "donations",
    "campaigns",
    "funded",
    "devices_recorded",
    "devices_confirmed",
)
KEY = ("province_code", "programme_id", "fiscal_year", "academic_year")
_NOTES = "figure_notes"
_KEYS = "figure_keys"


def note(campaign_id: int, *, key: tuple | None = None, **deltas: int) -> None:
    """Add ``deltas`` (names of :data:`FIGURES`) to the campaign's row when this transaction
    commits. ``key`` (from :func:`key_of`), when the caller read it already, saves a query."""
    notes = db.session.info.setdefault(_NOTES, {})
    notes.setdefault(campaign_id, Counter()).update(deltas)
    if key is not None:
        db.session.info.setdefault(_KEYS, {})[campaign_id] = key


def key_columns() -> tuple:
    """What :func:`key_of` needs, as columns a statement on ``campaigns`` can return."""
    from ..registry.models import School
    from .models import Campaign

    # Table columns, not the mapped attributes: a Core statement that returns them stays off
    # the ORM's statement handling (a webhook's hot path).
    campaigns, schools = Campaign.__table__.c, School.__table__.c
    province = sa.select(schools.province_code).where(schools.id == campaigns.school_id)
    return (province.scalar_subquery(), campaigns.programme_id, campaigns.starts_at)


def key_of(province_code: str, programme_id: int, starts_at) -> tuple:
    return (province_code, programme_id, fiscal_year_be(starts_at), academic_year_be(starts_at))


def _keys(session: Session, campaign_ids: Iterable[int]) -> dict[int, tuple]:
    from ..registry.models import School
    from .models import Campaign

    rows = session.execute(
        sa.select(Campaign.id, School.province_code, Campaign.programme_id, Campaign.starts_at)
        .join(School, School.id == Campaign.school_id)
        .where(Campaign.id.in_(list(campaign_ids)))
    )
    return {campaign_id: key_of(*rest) for campaign_id, *rest in rows}


@cache
def _upsert_statement(dialect: str, moved: tuple[str, ...]):
    """``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x`` for the figures ``moved``, its
    values bound by name: built once per process and shape (the commit of every payment runs
    one, and building it cost more than running it)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = FigureTotal.__table__
    statement = insert(table).values({name: sa.bindparam(name) for name in (*KEY, *FIGURES)})
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={name: table.c[name] + statement.excluded[name] for name in moved},
    )
    return statement


def _upsert(session: Session, key: tuple, deltas: Counter) -> None:
    moved = tuple(name for name in FIGURES if name in deltas)
    statement = _upsert_statement(session.get_bind().dialect.name, moved)
    values = {**dict(zip(KEY, key, strict=True)), **{name: deltas.get(name, 0) for name in FIGURES}}
    session.execute(statement, values)


@sa.event.listens_for(Session, "before_commit")
def _add_notes(session: Session) -> None:
    notes = session.info.pop(_NOTES, None)
    keys = session.info.pop(_KEYS, {})
    if not notes:
        return
    unknown = set(notes) - set(keys)
    if unknown:
        keys.update(_keys(session, unknown))
    per_key: dict[tuple, Counter] = defaultdict(Counter)
    for campaign_id, key in keys.items():
        if campaign_id in notes:
            per_key[key].update(notes[campaign_id])
    for key in sorted(per_key):
        deltas = Counter({name: n for name, n in per_key[key].items() if n})
        if deltas:
            _upsert(session, key, deltas)


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_notes(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_NOTES, None)
        session.info.pop(_KEYS, None)


def _rows() -> dict[tuple, dict[str, int]]:
    return {
        tuple(getattr(row, k) for k in KEY): {name: getattr(row, name) for name in FIGURES}
        for row in db.session.scalars(sa.select(FigureTotal))
    }


def _counted_campaigns():
    """Every campaign that counts (launched: not a draft), with its key's parts and counters."""
    from ..registry.models import School
    from .models import Campaign, CampaignState

    return db.session.execute(
        sa.select(
            Campaign.id,
            School.province_code,
            Campaign.programme_id,
            Campaign.starts_at,
            Campaign.funded_at,
            Campaign.state,
            Campaign.devices_recorded,
            Campaign.devices_confirmed,
            Campaign.raised_satang,
            Campaign.online_satang,
            Campaign.matched_satang,
            Campaign.offline_satang,
            Campaign.spent_satang,
            Campaign.donor_count,
        ).join(School, School.id == Campaign.school_id)
    ).all(), CampaignState


def recomputed(money_of=None) -> dict[tuple, dict[str, int]]:
    """Every row as it should be, from the campaigns' counters; money from ``money_of``
    (campaign id → figures) when given (``check`` passes the ledger's rows)."""
    rows, states = _counted_campaigns()
    totals: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        key = key_of(row.province_code, row.programme_id, row.starts_at)
        launched = row.state != states.DRAFT
        figures = Counter(campaigns=int(launched), funded=int(row.funded_at is not None))
        if money_of is None:
            figures.update(
                raised_satang=row.raised_satang,
                online_satang=row.online_satang,
                matched_satang=row.matched_satang,
                offline_satang=row.offline_satang,
                spent_satang=row.spent_satang,
                donations=row.donor_count,
            )
        else:
            figures.update(money_of.get(row.id, {}))
        figures.update(
            devices_recorded=row.devices_recorded, devices_confirmed=row.devices_confirmed
        )
        totals[key].update(figures)
    return {
        key: {name: int(sums.get(name, 0)) for name in FIGURES}
        for key, sums in totals.items()
        if any(sums.values())
    }


def differences(expected: dict[tuple, dict[str, int]]) -> list[str]:
    """The rows of ``figure_totals`` that differ from ``expected``, as readable lines."""
    stored = _rows()
    zero = dict.fromkeys(FIGURES, 0)
    problems = []
    for key in sorted(set(stored) | set(expected)):
        have, want = stored.get(key, zero), expected.get(key, zero)
        if have != want:
            parts = ", ".join(
                f"{name} kept {have[name]}, recomputed {want[name]}"
                for name in FIGURES
                if have[name] != want[name]
            )
            province, programme, fiscal, academic = key
            problems.append(
                f"figures of province {province}, programme {programme}, fiscal year {fiscal},"
                f" academic year {academic}: {parts}"
            )
    return problems


def rebuild() -> int:
    """Write every row again from the campaigns' counters; returns the number of rows."""
    expected = recomputed()
    db.session.execute(sa.delete(FigureTotal))
    if expected:
        db.session.execute(
            sa.insert(FigureTotal),
            [{**dict(zip(KEY, key, strict=True)), **values} for key, values in expected.items()],
        )
    return len(expected)


def check() -> list[str]:
    """``flask ledger verify``: every row against a recomputation of its money from the
    ledger's rows (devices from the campaigns' counters, which the devices' own check counts)."""
    from ..ledger.services import totals_by_campaign

    money_of = {
        campaign_id: {
            "raised_satang": totals.raised_satang,
            "online_satang": totals.online_satang,
            "matched_satang": totals.matched_satang,
            "offline_satang": totals.offline_satang,
            "spent_satang": totals.spent_satang,
            "donations": totals.donations,
        }
        for campaign_id, totals in totals_by_campaign().items()
    }
    return differences(recomputed(money_of=money_of))

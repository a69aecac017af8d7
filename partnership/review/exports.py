"""Staff exports of a review round as CSV and Excel: ranking, per-criterion scores, progress.

A table is its columns (``core.exports.Column``) and its rows; ``core.exports`` streams the CSV
and writes the workbook in write-only mode, so neither holds the round's text twice. Money is
exact baht from satang, scores have two places; every text cell is escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..core.exports import Column, Kind
from ..core.memory import gc_paused
from ..extensions import db
from ..programmes.models import Programme
from ..registry.models import School, Sector
from .ranking import ProgrammeReviews, RankingRow, load_round, rank_programme

Table = tuple[list[Column], Iterable]


def _titles(programme: Programme, lang: str) -> dict[int, tuple[str, str, str]]:
    """application id → (title, school code, school name), in one query."""
    name = School.name_th
    if lang == "en":
        name = sa.func.coalesce(sa.func.nullif(School.name_en, ""), School.name_th)
    rows = db.session.execute(
        sa.select(Application.id, Application.title, School.code, name)
        .join(School, School.id == Application.school_id)
        .where(Application.programme_id == programme.id)
    )
    return {app_id: (title, code, school) for app_id, title, code, school in rows}


def ranking_table(
    rows: list[RankingRow], titles: dict[int, tuple[str, str, str]], labels: dict[str, str]
) -> Table:
    """One row per ranked application; money in exact baht, scores with two places."""

    def title(part: int):
        return lambda row: titles[row.application.id][part]

    columns = [
        Column(_l("Rank"), lambda row: row.position, Kind.INT),
        Column(_l("Application"), lambda row: row.application.id, Kind.INT),
        Column(_l("Title"), title(0)),
        Column(_l("School code"), title(1)),
        Column(_l("School"), title(2)),
        Column(_l("State"), lambda row: row.application.state),
        Column(_l("Score"), lambda row: row.score.mean, Kind.NUMBER),
        Column(_l("Calibrated score"), lambda row: row.score.calibrated, Kind.NUMBER),
        Column(_l("Standard deviation"), lambda row: row.score.std_dev, Kind.NUMBER),
        Column(_l("Reviewers disagree"), lambda row: row.score.disagreement, Kind.BOOL),
        Column(_l("Reviews done"), lambda row: row.reviews_done, Kind.INT),
        Column(_l("Reviews needed"), lambda row: row.reviews_needed, Kind.INT),
        Column(_l("Requested (baht)"), lambda row: row.application.requested_satang, Kind.MONEY),
        Column(_l("Within budget"), lambda row: row.within_budget, Kind.BOOL),
        Column(_l("Cumulative (baht)"), lambda row: row.cumulative_satang, Kind.MONEY),
    ]
    columns += [
        Column(
            _l("Mean: %(sector)s", sector=label),
            lambda row, sector=sector: row.score.sector_means.get(sector),
            Kind.NUMBER,
        )
        for sector, label in labels.items()
    ]
    return columns, rows


def criterion_table(
    data: ProgrammeReviews, titles: dict[int, tuple[str, str, str]], lang: str
) -> Table:
    """One row per review: who (staff only), state, whether it counts, score per criterion."""
    columns = [
        Column(_l("Application"), lambda r: r.application_id, Kind.INT),
        Column(_l("Title"), lambda r: titles[r.application_id][0]),
        Column(_l("Reviewer"), lambda r: r.member.user.name),
        Column(_l("Sector"), lambda r: r.member.sector),
        Column(_l("State"), lambda r: r.state or _("Not started")),
        Column(_l("Counts in the score"), lambda r: r.counts, Kind.BOOL),
    ]
    columns += [
        Column(c.label(lang), lambda r, cid=c.id: r.scores.get(cid), Kind.INT)
        for c in data.criteria
    ]
    records = sorted(data.records, key=lambda r: (r.application_id, r.member.id))
    return columns, records


def progress_table(data: ProgrammeReviews) -> Table:
    """One row per member: assigned, submitted, drafts, not started, conflicts."""
    tally = Counter()
    for r in data.records:
        tally[r.member.id, "assigned"] += 1
        tally[r.member.id, r.state.value if r.state is not None else "not_started"] += 1
    conflicts = Counter(m for m, _ in data.conflicts)

    def count(what: str):
        return lambda member: tally[member.id, what]

    columns = [
        Column(_l("Member"), lambda member: member.user.name),
        Column(_l("Sector"), lambda member: member.sector),
        Column(_l("Chair"), lambda member: member.is_chair, Kind.BOOL),
        Column(_l("Assigned"), count("assigned"), Kind.INT),
        Column(_l("Submitted"), count("submitted"), Kind.INT),
        Column(_l("Draft"), count("draft"), Kind.INT),
        Column(_l("Not started"), count("not_started"), Kind.INT),
        Column(_l("Conflicts of interest"), lambda member: conflicts[member.id], Kind.INT),
    ]
    return columns, data.members


def table_for(kind: str, programme: Programme, lang: str) -> Table:
    """Load what the export needs (a fixed number of queries) and lay out its table."""
    if kind == "ranking":
        sectors = {"public": Sector.PUBLIC.label, "private": Sector.PRIVATE.label}
        rows = rank_programme(programme, calibrate=True)
        return ranking_table(rows, _titles(programme, lang), sectors)
    if kind == "scores":
        with gc_paused():
            data = load_round(programme, criterion_scores=True)
            return criterion_table(data, _titles(programme, lang), lang)
    with gc_paused():
        return progress_table(load_round(programme))

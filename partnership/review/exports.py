"""Staff exports of a review round as CSV and Excel: ranking, per-criterion scores, progress.

A table is its headers and an iterator of lines, so the CSV streams line by line and the
workbook is written in openpyxl's write-only mode; neither holds the round's text twice.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..core.memory import gc_paused
from ..core.spreadsheet import export_headers, export_value
from ..extensions import db
from ..programmes.models import Programme
from ..registry.models import School, Sector
from .ranking import ProgrammeReviews, RankingRow, load_round, rank_programme

Table = tuple[list[str], Iterable[list]]


def _num(value) -> float | None:
    if value is None:
        return None
    return round(float(value), 2) if isinstance(value, Fraction | float) else value


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
    headers = [
        _l("Rank"), _l("Application"), _l("Title"), _l("School code"), _l("School"),
        _l("State"), _l("Score"), _l("Calibrated score"), _l("Standard deviation"),
        _l("Reviewers disagree"), _l("Reviews done"), _l("Reviews needed"),
        _l("Requested (baht)"), _l("Within budget"), _l("Cumulative (baht)"),
    ]  # fmt: skip
    headers += [_l("Mean: %(sector)s", sector=label) for label in labels.values()]

    def body() -> Iterator[list]:
        for row in rows:
            app, score = row.application, row.score
            title, code, school = titles[app.id]
            sector_means = score.sector_means
            line = [
                row.position, app.id, title, code, school,
                app.state, _num(score.mean), _num(score.calibrated), _num(score.std_dev),
                score.disagreement, row.reviews_done, row.reviews_needed,
                app.requested_satang / 100, row.within_budget,
                None if row.cumulative_satang is None else row.cumulative_satang / 100,
            ]  # fmt: skip
            line += [_num(sector_means.get(sector)) for sector in labels]
            yield line

    return headers, body()


def criterion_table(
    data: ProgrammeReviews, titles: dict[int, tuple[str, str, str]], lang: str
) -> Table:
    """One row per review: who (staff only), state, whether it counts, score per criterion."""
    headers = [_l("Application"), _l("Title"), _l("Reviewer"), _l("Sector"), _l("State")]
    headers += [_l("Counts in the score")]
    headers += [c.label(lang) for c in data.criteria]

    def body() -> Iterator[list]:
        for record in sorted(data.records, key=lambda r: (r.application_id, r.member.id)):
            line = [
                record.application_id, titles[record.application_id][0],
                record.member.user.name, record.member.sector,
                record.state or _("Not started"), record.counts,
            ]  # fmt: skip
            line += [record.scores.get(c.id) for c in data.criteria]
            yield line

    return headers, body()


def progress_table(data: ProgrammeReviews) -> Table:
    """One row per member: assigned, submitted, drafts, not started, conflicts."""
    headers = [
        _l("Member"),
        _l("Sector"),
        _l("Chair"),
        _l("Assigned"),
        _l("Submitted"),
        _l("Draft"),
        _l("Not started"),
        _l("Conflicts of interest"),
    ]
    tally = Counter()
    for r in data.records:
        tally[r.member.id, "assigned"] += 1
        tally[r.member.id, r.state.value if r.state is not None else "not_started"] += 1
    conflicts = Counter(m for m, _ in data.conflicts)
    body = [
        [
            member.user.name,
            member.sector,
            member.is_chair,
            tally[member.id, "assigned"],
            tally[member.id, "submitted"],
            tally[member.id, "draft"],
            tally[member.id, "not_started"],
            conflicts[member.id],
        ]  # fmt: skip
        for member in data.members
    ]
    return headers, body


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


def csv_chunks(table: Table, lines_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV in chunks of lines, starting with a BOM so Excel reads the Thai correctly."""
    headers, body = table
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(export_headers(headers))  # criterion labels are typed
    for n, line in enumerate(body, start=1):
        writer.writerow([export_value(v) for v in line])
        if n % lines_per_chunk == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def to_csv(table: Table) -> bytes:
    return b"".join(csv_chunks(table))


def to_xlsx(table: Table, title: str) -> bytes:
    headers, body = table
    from openpyxl import Workbook  # imported when used: a worker's memory (issue 22)

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(export_headers(headers))
    for line in body:
        sheet.append([export_value(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

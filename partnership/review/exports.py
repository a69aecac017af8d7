"""Staff exports of a review round as CSV and Excel: ranking, per-criterion scores, progress."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from openpyxl import Workbook

from ..core.spreadsheet import spreadsheet_cell
from .ranking import ProgrammeReviews, RankingRow, build_ranking

Table = tuple[list[str], list[list]]


def _num(value) -> float | None:
    if value is None:
        return None
    return round(float(value), 2) if isinstance(value, Fraction | float) else value


def ranking_table(rows: list[RankingRow], lang: str, labels: dict[str, str]) -> Table:
    headers = [
        "rank", "application_id", "title", "school_code", "school", "state", "score",
        "calibrated_score", "std_dev", "disagreement", "reviews_done", "reviews_needed",
        "requested_baht", "within_budget", "cumulative_baht",
    ]  # fmt: skip
    headers += [f"mean_{sector}" for sector in labels]
    body = []
    for row in rows:
        app, score = row.application, row.score
        line = [
            row.position, app.id, app.title, app.school.code, app.school.display_name(lang),
            app.state.value, _num(score.mean), _num(score.calibrated), _num(score.std_dev),
            score.disagreement, row.reviews_done, row.reviews_needed,
            app.requested_satang / 100, row.within_budget,
            None if row.cumulative_satang is None else row.cumulative_satang / 100,
        ]  # fmt: skip
        line += [_num(score.sector_means.get(sector)) for sector in labels]
        body.append(line)
    return headers, body


def criterion_table(data: ProgrammeReviews, lang: str) -> Table:
    """One row per review: who (staff only), state, whether it counts, score per criterion."""
    headers = ["application_id", "title", "reviewer", "sector", "state", "counts"]
    headers += [c.label(lang) for c in data.criteria]
    by_id = {a.id: a for a in data.applications}
    body = []
    for record in sorted(data.records, key=lambda r: (r.application_id, r.member.id)):
        app = by_id[record.application_id]
        line = [
            app.id, app.title, record.member.user.name, record.member.sector.value,
            record.state.value if record.state else "not_started", record.counts,
        ]  # fmt: skip
        line += [record.scores.get(c.id) for c in data.criteria]
        body.append(line)
    return headers, body


def progress_table(data: ProgrammeReviews) -> Table:
    """One row per member: assigned, submitted, drafts, not started, conflicts."""
    headers = [
        "member",
        "sector",
        "chair",
        "assigned",
        "submitted",
        "draft",
        "not_started",
        "conflicts",
    ]
    body = []
    for member in data.members:
        mine = [r for r in data.records if r.member.id == member.id]
        body.append([
            member.user.name, member.sector.value, member.is_chair, len(mine),
            sum(r.state is not None and r.state.value == "submitted" for r in mine),
            sum(r.state is not None and r.state.value == "draft" for r in mine),
            sum(r.state is None for r in mine),
            sum(1 for m, _ in data.conflicts if m == member.id),
        ])  # fmt: skip
    return headers, body


def table_for(kind: str, data: ProgrammeReviews, lang: str) -> Table:
    if kind == "ranking":
        sectors = {"public": "public", "private": "private"}
        return ranking_table(build_ranking(data), lang, sectors)
    if kind == "scores":
        return criterion_table(data, lang)
    return progress_table(data)


def to_csv(table: Table) -> bytes:
    headers, body = table
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_cell(h) for h in headers])  # criterion labels are typed
    for line in body:
        writer.writerow([spreadsheet_cell(v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads the Thai correctly


def to_xlsx(table: Table, title: str) -> bytes:
    headers, body = table
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([spreadsheet_cell(h) for h in headers])
    for line in body:
        sheet.append([spreadsheet_cell(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Outcomes as CSV and Excel: staff's file of every report (planned against reported, with who
verified it), and a programme's public "planned and reported" table as the programme page shows
it (verified figures only)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from ..accounts.models import User
from ..applications.models import Application
from ..campaigns.models import Campaign
from ..core.exports import Column, Kind
from ..core.forms import QueryForm
from ..core.inputs import DB_INT_MAX
from ..extensions import db
from ..i18n import academic_year_label, current_language
from ..programmes.models import Programme
from ..registry.models import School
from ..registry.provinces import province_name
from .models import OutcomeMeasure, OutcomeReport, ReportState
from .services import OutcomeTable, planned_value

ID = [Optional(), NumberRange(1, DB_INT_MAX)]


class ReportFilters(QueryForm):
    """Staff's filters of the reports file, read from the query string."""

    programme = IntegerField(_l("Programme number"), validators=ID)
    campaign = IntegerField(_l("Campaign number"), validators=ID)
    state = SelectField(_l("State"), choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [("", _l("All states"))] + ReportState.choices()

    def apply(self, query: sa.Select) -> sa.Select:
        if self.programme.data:
            query = query.where(Campaign.programme_id == self.programme.data)
        if self.campaign.data:
            query = query.where(OutcomeReport.campaign_id == self.campaign.data)
        if self.state.data:
            query = query.where(OutcomeReport.state == ReportState(self.state.data))
        return query


@dataclass(frozen=True)
class ReportRow:
    report: OutcomeReport
    measure: OutcomeMeasure
    programme: str
    campaign: str
    school: str
    province: str
    planned: int | None
    reported_by: str
    decided_by: str


def _r(read):
    return lambda row: read(row.report)


STAFF_COLUMNS = [
    Column(_l("Report"), _r(lambda r: r.id), Kind.INT),
    Column(_l("Programme"), lambda row: row.programme),
    Column(_l("Campaign number"), _r(lambda r: r.campaign_id), Kind.INT),
    Column(_l("Campaign"), lambda row: row.campaign),
    Column(_l("School"), lambda row: row.school),
    Column(_l("Province"), lambda row: row.province),
    Column(_l("Measure"), lambda row: row.measure.display_name(current_language())),
    Column(_l("Unit"), lambda row: row.measure.unit(current_language())),
    Column(_l("Academic year"), _r(lambda r: academic_year_label(r.academic_year))),
    Column(_l("Planned"), lambda row: row.planned, Kind.INT),
    Column(_l("Reported"), _r(lambda r: r.value), Kind.INT),
    Column(_l("State"), _r(lambda r: r.state)),
    Column(_l("Reported by"), lambda row: row.reported_by),
    Column(_l("Reported at"), _r(lambda r: r.reported_at), Kind.DATETIME),
    Column(_l("Verified or returned by"), lambda row: row.decided_by),
    Column(_l("Verified or returned at"), _r(lambda r: r.decided_at), Kind.DATETIME),
    Column(_l("Returned because"), _r(lambda r: r.return_reason)),
    Column(_l("School's note"), _r(lambda r: r.note)),
]


def staff_rows(filters: ReportFilters) -> list[ReportRow]:
    """Every report the filters keep, oldest first: one query, with its planned value."""
    lang = current_language()
    reporter, decider = aliased(User), aliased(User)
    query = filters.apply(
        sa.select(
            OutcomeReport,
            OutcomeMeasure,
            Programme.name_th,
            Programme.name_en,
            Campaign.title,
            School.name_th,
            School.name_en,
            School.province_code,
            planned_value(),
            reporter.name,
            decider.name,
        )
        .join(Campaign, Campaign.id == OutcomeReport.campaign_id)
        .join(Application, Application.id == Campaign.application_id)
        .join(OutcomeMeasure, OutcomeMeasure.id == OutcomeReport.measure_id)
        .join(Programme, Programme.id == Campaign.programme_id)
        .join(School, School.id == Campaign.school_id)
        .outerjoin(reporter, reporter.id == OutcomeReport.reported_by_id)
        .outerjoin(decider, decider.id == OutcomeReport.decided_by_id)
        .order_by(OutcomeReport.id)
    )

    def named(th, en):
        return en if lang == "en" and en else th

    return [
        ReportRow(
            report=report,
            measure=measure,
            programme=named(p_th, p_en),
            campaign=title,
            school=named(s_th, s_en),
            province=province_name(province, lang),
            planned=None if planned is None else int(planned),
            reported_by=reported_by or "",
            decided_by=decided_by or "",
        )  # fmt: skip
        for (
            report,
            measure,
            p_th,
            p_en,
            title,
            s_th,
            s_en,
            province,
            planned,
            reported_by,
            decided_by,
        ) in db.session.execute(query)  # fmt: skip
    ]


@dataclass(frozen=True)
class PublicRow:
    school: dict
    campaign_id: int
    measure: OutcomeMeasure
    planned: int | None
    reported: int | None


def public_rows(table: OutcomeTable) -> list[PublicRow]:
    """The programme page's table, one row per school and measure (verified figures only)."""
    return [
        PublicRow(row.school, row.campaign_id, m, row.cells[m.id].planned, row.cells[m.id].reported)
        for row in table.schools
        for m in table.measures
    ]


def _school_name(row: PublicRow) -> str:
    school = row.school
    return (
        school["name_en"] if current_language() == "en" and school["name_en"] else school["name_th"]
    )


PUBLIC_COLUMNS = [
    Column(_l("School"), _school_name),
    Column(_l("Campaign number"), lambda row: row.campaign_id, Kind.INT),
    Column(_l("Measure"), lambda row: row.measure.display_name(current_language())),
    Column(_l("Unit"), lambda row: row.measure.unit(current_language())),
    Column(_l("Planned"), lambda row: row.planned, Kind.INT),
    Column(_l("Reported (verified)"), lambda row: row.reported, Kind.INT),
]

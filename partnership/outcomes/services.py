"""Outcome rules: a programme's measures, a school's reports, staff's verdicts, and the one
query of planned against reported that the programme page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..applications.models import Application, Beneficiaries
from ..campaigns.models import PUBLIC_STATES, Campaign, CampaignBudgetLine
from ..core.unit_of_work import Refused
from ..extensions import db
from ..i18n import academic_year_label, current_academic_year
from ..registry.models import School, SchoolYearStat
from . import workflow
from .models import (
    MeasureKind,
    OutcomeMeasure,
    OutcomeReport,
    OutcomeReportEvent,
    PlannedFrom,
    ReportState,
)


class OutcomeRefused(Refused):
    """A report the rules do not take (not funded yet, over the school's pupils ...)."""


# Measures ----------------------------------------------------------------------------------


def measures_of(programme_id: int) -> list[OutcomeMeasure]:
    """The programme's measures in their order."""
    return list(
        db.session.scalars(
            sa.select(OutcomeMeasure)
            .where(OutcomeMeasure.programme_id == programme_id)
            .order_by(OutcomeMeasure.position, OutcomeMeasure.id)
        )
    )


def add_measure(programme, values: dict) -> OutcomeMeasure:
    """A new measure, at the end of the programme's list unless a position is given."""
    last = db.session.scalar(
        sa.select(sa.func.max(OutcomeMeasure.position)).where(
            OutcomeMeasure.programme_id == programme.id
        )
    )
    values = {"position": (last or 0) + 1, **values}
    measure = OutcomeMeasure(programme_id=programme.id, **values)
    db.session.add(measure)
    db.session.flush()
    return measure


def update_measure(measure: OutcomeMeasure, values: dict) -> None:
    """Names, unit, order and planned source may change; reports keep pointing at it."""
    for name, value in values.items():
        setattr(measure, name, value)
    db.session.flush()


# Reporting ---------------------------------------------------------------------------------


def can_report(campaign: Campaign, user) -> bool:
    """The school's own staff report for a campaign that reached its goal."""
    return bool(
        user.is_authenticated
        and user.is_school_staff_of(campaign.school_id)
        and campaign.funded_at is not None
    )


def registry_years(school_id: int) -> dict[int, SchoolYearStat]:
    """The school's figures per academic year (newest first), as the registry keeps them."""
    stats = db.session.scalars(
        sa.select(SchoolYearStat)
        .where(SchoolYearStat.school_id == school_id)
        .order_by(SchoolYearStat.academic_year.desc())
    )
    return {stat.academic_year: stat for stat in stats}


def default_year(years, today: date | None = None) -> int:
    """The academic year of the report date (May to April) if the registry has it, else the
    newest year it has (a school's figures for the new year often come later)."""
    year = current_academic_year(today)
    if year in years or not years:
        return year
    return max(years)


def limit_for(measure: OutcomeMeasure, stat: SchoolYearStat | None) -> int | None:
    """The school's own figure that caps this measure (pupils, teachers), None if uncapped.

    The registry keeps pupils per school and year, not per grade, so pupils reached are capped
    by all of the school's pupils of that year.
    """
    if measure.planned_from == PlannedFrom.PUPILS:
        return None if stat is None else stat.pupils
    if measure.planned_from == PlannedFrom.TEACHERS:
        return None if stat is None else stat.teachers
    return None


def over_limit_message(measure: OutcomeMeasure, limit: int | None, year: int):
    """The sentence for a figure above the school's registry figure (or with none to check)."""
    label = academic_year_label(year)
    figure = f"{limit:,}" if limit is not None else ""
    if limit is None:
        return _l(
            "The registry has no pupils and teachers figures for this school in academic year"
            " %(year)s, so this figure cannot be checked. Choose another year or update the"
            " school's figures first.",
            year=label,
        )
    if measure.planned_from == PlannedFrom.TEACHERS:
        return _l(
            "At most %(limit)s: the registry has %(limit)s teachers at this school in academic"
            " year %(year)s.",
            limit=figure,
            year=label,
        )
    return _l(
        "At most %(limit)s: the registry has %(limit)s pupils at this school in academic year"
        " %(year)s.",
        limit=figure,
        year=label,
    )


def check_value(measure: OutcomeMeasure, value: int, stat, year: int):
    """None if the figure may be reported, else the sentence saying why not."""
    if not 0 <= value <= measure.max_value:
        most = f"{measure.max_value:,}"
        return _l("Enter 0 to %(max)s.", max=most)
    if measure.planned_from in (PlannedFrom.PUPILS, PlannedFrom.TEACHERS):
        limit = limit_for(measure, stat)
        if limit is None or value > limit:
            return over_limit_message(measure, limit, year)
    return None


def report_outcomes(
    campaign: Campaign, academic_year: int, values: dict[int, int], note: str, actor
) -> list[OutcomeReport]:
    """One new report per measure given (measure id → figure), each awaiting verification."""
    if not can_report(campaign, actor):
        raise OutcomeRefused(_l("Outcomes are reported by the school once the campaign is funded."))
    if not values:
        raise OutcomeRefused(_l("Enter at least one figure."))
    measures = {m.id: m for m in measures_of(campaign.programme_id)}
    stat = registry_years(campaign.school_id).get(academic_year)
    reports = []
    for measure_id, value in values.items():
        measure = measures.get(measure_id)
        if measure is None:
            raise OutcomeRefused(_l("This measure is not one of the programme's."))
        problem = check_value(measure, value, stat, academic_year)
        if problem is not None:
            raise OutcomeRefused(problem)
        report = OutcomeReport(
            campaign_id=campaign.id,
            measure_id=measure.id,
            academic_year=academic_year,
            value=value,
            note=note,
            reported_by_id=actor.id,
        )
        report.events.append(
            OutcomeReportEvent(to_state=ReportState.REPORTED, actor_id=actor.id, reason=note)
        )
        db.session.add(report)
        reports.append(report)
    db.session.flush()
    return reports


def verify(report: OutcomeReport, actor) -> None:
    """Staff checked the figure: it counts publicly from now on."""
    workflow.transition(report, ReportState.VERIFIED, actor)


def send_back(report: OutcomeReport, reason: str, actor) -> None:
    """Staff return the figure to the school with a reason; the school reports again."""
    workflow.transition(report, ReportState.RETURNED, actor, reason)


def reports_of(campaign: Campaign) -> list[OutcomeReport]:
    """Every report of the campaign, newest first (the school's and staff's history)."""
    return list(
        db.session.scalars(
            sa.select(OutcomeReport)
            .where(OutcomeReport.campaign_id == campaign.id)
            .options(sa.orm.selectinload(OutcomeReport.measure))
            .order_by(OutcomeReport.id.desc())
        )
    )


def awaiting_query():
    """Reports awaiting verification, oldest first, with what the staff list shows."""
    return (
        sa.select(OutcomeReport)
        .where(OutcomeReport.state == ReportState.REPORTED)
        .options(
            sa.orm.joinedload(OutcomeReport.measure),
            sa.orm.joinedload(OutcomeReport.campaign).joinedload(Campaign.school),
            sa.orm.joinedload(OutcomeReport.reported_by),
        )
        .order_by(OutcomeReport.id)
    )


# Planned against reported ------------------------------------------------------------------


def planned_value():
    """Per (campaign, measure) row: the planned value from the application or budget."""
    pupils = (
        sa.select(sa.func.sum(Beneficiaries.pupils))
        .where(Beneficiaries.application_id == Campaign.application_id)
        .correlate(Campaign)
        .scalar_subquery()
    )
    quantity = (
        sa.select(sa.func.sum(CampaignBudgetLine.quantity))
        .where(
            CampaignBudgetLine.campaign_id == Campaign.id,
            sa.func.lower(CampaignBudgetLine.item).contains(
                sa.func.lower(OutcomeMeasure.budget_item)
            ),
        )
        .correlate(Campaign, OutcomeMeasure)
        .scalar_subquery()
    )
    return sa.case(
        (OutcomeMeasure.planned_from == PlannedFrom.PUPILS, pupils),
        (OutcomeMeasure.planned_from == PlannedFrom.TEACHERS, Application.teachers_benefiting),
        (OutcomeMeasure.planned_from == PlannedFrom.BUDGET_QUANTITY, quantity),
        else_=sa.null(),
    )


def _latest(state_condition):
    """Per (campaign, measure) row: the value of the latest report in the given states."""
    return (
        sa.select(OutcomeReport.value)
        .where(
            OutcomeReport.campaign_id == Campaign.id,
            OutcomeReport.measure_id == OutcomeMeasure.id,
            state_condition,
        )
        .correlate(Campaign, OutcomeMeasure)
        .order_by(OutcomeReport.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_verified_value():
    """Per (campaign, measure) row: the figure that counts publicly (the latest verified one);
    the province pages (``reporting``) sum it by measure."""
    return _latest(OutcomeReport.state == ReportState.VERIFIED)


@dataclass
class Cell:
    planned: int | None = None
    reported: int | None = None
    #: Latest figure awaiting verification (shown to the school and staff, never publicly).
    awaiting: int | None = None


@dataclass
class SchoolRow:
    campaign_id: int
    school: dict
    cells: dict[int, Cell] = field(default_factory=dict)


@dataclass
class OutcomeTable:
    measures: list[OutcomeMeasure]
    schools: list[SchoolRow]

    def total(self, measure: OutcomeMeasure, attr: str) -> int | float | None:
        """Sum over schools (counts) or the mean of the schools that have a figure (hours)."""
        values = [getattr(row.cells[measure.id], attr) for row in self.schools]
        values = [v for v in values if v is not None]
        if not values:
            return None
        if measure.kind == MeasureKind.HOURS_PER_WEEK:
            return round(sum(values) / len(values), 1)
        return sum(values)

    @property
    def has_reported(self) -> bool:
        return any(c.reported is not None for row in self.schools for c in row.cells.values())


def outcome_table(programme_id: int, campaign_id: int | None = None) -> OutcomeTable:
    """Planned against reported (the latest verified figure) for each funded campaign of the
    programme and each measure: one query, however many schools (plus the measures)."""
    measures = measures_of(programme_id)
    query = (
        sa.select(
            Campaign.id,
            School.id,
            School.name_th,
            School.name_en,
            OutcomeMeasure.id,
            planned_value(),
            _latest(OutcomeReport.state == ReportState.VERIFIED),
            _latest(OutcomeReport.state == ReportState.REPORTED),
        )
        .select_from(Campaign)
        .join(Application, Application.id == Campaign.application_id)
        .join(School, School.id == Campaign.school_id)
        .join(OutcomeMeasure, OutcomeMeasure.programme_id == Campaign.programme_id)
        .where(
            Campaign.programme_id == programme_id,
            Campaign.funded_at.is_not(None),
            Campaign.state.in_(PUBLIC_STATES),
        )
        .order_by(School.name_th, Campaign.id, OutcomeMeasure.position, OutcomeMeasure.id)
    )
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    rows: dict[int, SchoolRow] = {}
    for cid, sid, name_th, name_en, mid, planned, reported, awaiting in db.session.execute(query):
        row = rows.setdefault(
            cid, SchoolRow(cid, {"id": sid, "name_th": name_th, "name_en": name_en or ""})
        )
        row.cells[mid] = Cell(planned, reported, awaiting)
    return OutcomeTable(measures, list(rows.values()))


def programme_section(programme) -> dict:
    """What outcomes add to the public programme page (``programmes.signals.programme_page``)."""
    table = outcome_table(programme.id)
    return {"outcomes": table if table.measures and table.schools else None}

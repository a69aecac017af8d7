"""The programme report and the sponsor report as documents (``pdf.Report``): built once in the
reader's language, then printed as a page (``templates/reporting/report_page.html``) or as a
PDF (``pdf.render_report``), so both always say the same."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..db_types import utcnow
from ..extensions import db
from ..i18n import format_date
from ..money import format_satang
from ..programmes.models import Programme
from ..registry.provinces import province_name
from .figures import Money
from .report_data import CampaignLine, OutcomeLine, ProgrammeReport, SponsorReport
from .report_model import Column, Figure, Heading, KeyFigures, Paragraph, Picture, Report, Table


def _count(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _devices(recorded: int, confirmed: int) -> str:
    return f"{recorded:,} / {confirmed:,}"


def _money_figures(money: Money) -> list[Figure]:
    return [
        Figure(_("Raised"), format_satang(money.raised_satang)),
        Figure(_("Online gifts"), format_satang(money.online_satang)),
        Figure(_("Matched by sponsors"), format_satang(money.matched_satang)),
        Figure(_("Offline gifts"), format_satang(money.offline_satang)),
        Figure(_("Spent"), format_satang(money.spent_satang)),
        Figure(_("Balance"), format_satang(money.balance_satang)),
        Figure(_("Schools funded"), _count(money.schools_funded)),
        Figure(_("Devices delivered"), _count(money.devices_recorded)),
        Figure(_("Devices confirmed by schools"), _count(money.devices_confirmed)),
    ]


def _outcome_table(lines: list[OutcomeLine], lang: str) -> Table:
    return Table(
        [
            Column(_("Outcome"), 3),
            Column(_("Planned"), 1.2, True),
            Column(_("Reported (verified)"), 1.4, True),
            Column(_("Schools reporting"), 1.2, True),
        ],
        [
            [
                " ".join(filter(None, (line.measure.display_name(lang),
                                       f"({line.measure.unit(lang)})" if line.measure.unit(lang)
                                       else ""))),
                _count(line.planned),
                _count(line.reported),
                _count(line.schools_reporting),
            ]
            for line in lines
        ],
        empty=_("No outcome measures yet."),
    )  # fmt: skip


def programme_document(
    data: ProgrammeReport,
    lang: str,
    *,
    map_picture: Picture | None = None,
    now: datetime | None = None,
) -> Report:
    """The programme report; ``map_picture`` (the provinces map, ``report_pages.map_picture``)
    goes under the key figures when given."""
    programme = data.programme
    report = Report(
        title=_("Programme report: %(name)s", name=programme.display_name(lang)),
        subtitle=data.period.label(),
        lang=lang,
        generated_at=now or utcnow(),
        author=programme.display_name(lang),
    )
    report.add(KeyFigures(_money_figures(data.totals)))
    if map_picture:
        report.add(map_picture)
    provinces = sorted(data.by_province.items(), key=lambda item: -item[1].raised_satang)
    report.add(
        Heading(_("By province")),
        Table(
            [
                Column(_("Province"), 2),
                Column(_("Campaigns"), 1, True),
                Column(_("Raised"), 1.6, True),
                Column(_("Spent"), 1.6, True),
                Column(_("Devices delivered / confirmed"), 1.6, True),
            ],
            [
                [
                    province_name(code, lang),
                    _count(money.campaigns),
                    format_satang(money.raised_satang),
                    format_satang(money.spent_satang),
                    _devices(money.devices_recorded, money.devices_confirmed),
                ]
                for code, money in provinces
            ],
            total=[
                _("Total"),
                _count(data.totals.campaigns),
                format_satang(data.totals.raised_satang),
                format_satang(data.totals.spent_satang),
                _devices(data.totals.devices_recorded, data.totals.devices_confirmed),
            ],
            empty=_("No campaigns in this period."),
        ),
        Heading(_("Campaigns")),
        _campaign_table(data.campaigns, lang, sponsor=False),
        Heading(_("Outcomes")),
        _outcome_table(data.outcomes, lang),
        Paragraph(
            _(
                "A campaign counts in the year it opened to gifts, with everything it raised "
                "and spent. Outcomes are the latest figures each school reported and staff "
                "verified. Donors are never named."
            ),
            muted=True,
        ),
    )
    return report


def _campaign_table(lines: list[CampaignLine], lang: str, *, sponsor: bool) -> Table:
    columns = [Column(_("School"), 2.4), Column(_("Province"), 1.3)]
    if sponsor:
        columns += [
            Column(_("Raised"), 1.4, True),
            Column(_("Matched by you"), 1.4, True),
            Column(_("Spent"), 1.4, True),
            Column(_("Devices delivered / confirmed"), 1.3, True),
            Column(_("Milestones done"), 1.1, True),
        ]
    else:
        columns += [
            Column(_("Goal"), 1.4, True),
            Column(_("Raised"), 1.4, True),
            Column(_("Spent"), 1.4, True),
            Column(_("Devices delivered / confirmed"), 1.3, True),
        ]
    rows = []
    for line in lines:
        row = [line.school(lang), province_name(line.province_code, lang)]
        if sponsor:
            row += [
                format_satang(line.raised_satang),
                format_satang(line.matched_by_sponsor_satang),
                format_satang(line.spent_satang),
                _devices(line.devices_recorded, line.devices_confirmed),
                f"{line.milestones_done} / {line.milestones}",
            ]
        else:
            row += [
                format_satang(line.goal_satang),
                format_satang(line.raised_satang),
                format_satang(line.spent_satang),
                _devices(line.devices_recorded, line.devices_confirmed),
            ]
        rows.append(row)
    return Table(columns, rows, empty=_("No campaigns in this period."))


def sponsor_document(
    data: SponsorReport,
    lang: str,
    *,
    map_picture: Picture | None = None,
    now: datetime | None = None,
) -> Report:
    """The sponsor report: what the organisation pledged and matched, and what it bought;
    ``map_picture`` (where it matched, ``report_pages.map_picture``) under the key figures."""
    organisation = data.organisation
    name = organisation.display_name(lang)
    devices = sum(c.devices_recorded for c in data.campaigns)
    confirmed = sum(c.devices_confirmed for c in data.campaigns)
    report = Report(
        title=_("Sponsor report: %(name)s", name=name),
        subtitle=_("All years, up to %(date)s", date=format_date(now or utcnow(), lang)),
        lang=lang,
        generated_at=now or utcnow(),
        author=name,
    )
    report.add(
        KeyFigures(
            [
                Figure(_("Pledged"), format_satang(data.pledged_satang)),
                Figure(_("Used"), format_satang(data.used_satang)),
                Figure(_("Left"), format_satang(data.pledged_satang - data.used_satang)),
                Figure(_("Matched into campaigns"), format_satang(data.matched_satang)),
                Figure(_("Campaigns matched"), _count(len(data.campaigns))),
                Figure(_("Devices delivered / confirmed"), _devices(devices, confirmed)),
            ]
        )
    )
    if map_picture:
        report.add(map_picture)
    report.add(
        Heading(_("Partnerships")),
        Table(
            [Column(_("School"), 2.6), Column(_("Province"), 1.4), Column(_("Role"), 1.6),
             Column(_("Since"), 1.2), Column(_("Until"), 1.2)],
            [
                [p.school.display_name(lang), province_name(p.school.province_code, lang),
                 p.role.label, format_date(p.started_on, lang),
                 format_date(p.ended_on, lang) if p.ended_on else _("ongoing")]
                for p in data.partnerships
            ],
            empty=_("No partnerships recorded."),
        ),
        Heading(_("Matching pledges")),
        Table(
            [Column(_("Covers"), 2.6), Column(_("Ratio"), 0.8), Column(_("Until"), 1.3),
             Column(_("Pledged"), 1.4, True), Column(_("Used"), 1.4, True),
             Column(_("Left"), 1.4, True)],
            [
                [_pledge_target(p, lang), p.ratio_label, format_date(p.ends_at, lang),
                 format_satang(p.cap_satang), format_satang(p.used_satang),
                 format_satang(p.remaining_satang)]
                for p in data.pledges
            ],
            total=[_("Total"), "", "", format_satang(data.pledged_satang),
                   format_satang(data.used_satang),
                   format_satang(data.pledged_satang - data.used_satang)],
            empty=_("No matching pledges yet."),
        ),
        Heading(_("Campaigns matched")),
        _campaign_table(data.campaigns, lang, sponsor=True),
    )  # fmt: skip
    for lines in data.outcomes.values():
        if lines:
            programme = lines[0].measure.programme
            report.add(
                Heading(_("Outcomes: %(name)s", name=programme.display_name(lang)), level=2),
                _outcome_table(lines, lang),
            )
    report.add(
        Paragraph(
            _(
                "Matched: what this organisation's pools put into each campaign, net of what "
                "went back after refunds. Outcomes are the latest figures each school reported "
                "and staff verified, for the campaigns it matched."
            ),
            muted=True,
        )
    )
    return report


def _pledge_target(pledge, lang: str) -> str:
    if pledge.campaign is not None:
        return pledge.campaign.title
    if pledge.programme_id is not None:
        programme = db.session.get(Programme, pledge.programme_id)
        return _("Every campaign of %(name)s", name=programme.display_name(lang))
    return _("Every campaign in %(province)s", province=pledge.province_label(lang))

"""The sponsors' public pages (``/figures/sponsors`` and one sponsor's): what each matched,
the schools it partners, the campaigns it matched and their delivery, with CSV and Excel of
each table (routes in ``views.py``). No donor is named here."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import lazy_gettext as _l

from ..core.exports import Column, Kind, download
from ..core.pagecache import cached_page
from ..i18n import current_language
from ..registry.provinces import province_name
from . import sponsor_figures
from .sponsor_figures import MatchedCampaign, PledgeRow, SponsorRow


def sponsor_columns() -> list[Column]:
    lang = current_language()
    return [
        Column(_l("Sponsor"), lambda r: r.display_name(lang)),
        Column(_l("Matched (baht)"), lambda r: r.matched_satang, Kind.MONEY),
        Column(_l("Pledged (baht)"), lambda r: r.pledged_satang, Kind.MONEY),
        Column(_l("Campaigns matched"), lambda r: r.campaigns, Kind.INT),
        Column(_l("Partner schools"), lambda r: r.schools, Kind.INT),
    ]


def campaign_columns() -> list[Column]:
    lang = current_language()
    return [
        Column(_l("Campaign"), lambda c: c.title),
        Column(_l("School"), lambda c: c.school_name(lang)),
        Column(_l("Province"), lambda c: province_name(c.province_code, lang)),
        Column(_l("State"), lambda c: c.state),
        Column(
            _l("Matched by this sponsor (baht)"), lambda c: c.matched_by_sponsor_satang, Kind.MONEY
        ),  # fmt: skip
        Column(_l("Raised (baht)"), lambda c: c.raised_satang, Kind.MONEY),
        Column(_l("Spent (baht)"), lambda c: c.spent_satang, Kind.MONEY),
        Column(_l("Devices delivered"), lambda c: c.devices_recorded, Kind.INT),
        Column(_l("Devices confirmed by schools"), lambda c: c.devices_confirmed, Kind.INT),
        Column(_l("Milestones done"), lambda c: c.milestones_done, Kind.INT),
        Column(_l("Milestones"), lambda c: c.milestones, Kind.INT),
    ]


def pledge_columns() -> list[Column]:
    lang = current_language()
    return [
        Column(_l("Matches"), lambda p: p.scope),
        Column(_l("Campaign, programme or province"), lambda p: pledge_target(p, lang)),
        Column(_l("Ratio (sponsor : donor)"), lambda p: p.ratio),
        Column(_l("Pledged (baht)"), lambda p: p.cap_satang, Kind.MONEY),
        Column(_l("Matched (baht)"), lambda p: p.used_satang, Kind.MONEY),
        Column(_l("Left to match (baht)"), lambda p: p.cap_satang - p.used_satang, Kind.MONEY),
        Column(_l("State"), lambda p: p.state),
    ]


def pledge_target(pledge: PledgeRow, lang: str) -> str:
    """The campaign, programme or province a pledge matches ("" for every campaign)."""
    if pledge.campaign_title:
        return pledge.campaign_title
    if pledge.programme_th:
        return pledge.programme_en if lang == "en" and pledge.programme_en else pledge.programme_th
    return province_name(pledge.province_code, lang) if pledge.province_code else ""


def school_columns() -> list[Column]:
    lang = current_language()
    return [
        Column(_l("School"), lambda r: r[0].display_name(lang)),
        Column(_l("School code"), lambda r: r[0].code),
        Column(_l("Province"), lambda r: r[0].province_name(lang)),
        Column(_l("District"), lambda r: r[0].district),
        Column(_l("Role"), lambda r: r[1].role),
    ]


def _totals(rows: list[SponsorRow]) -> dict[str, int]:
    return {
        "matched": sum(r.matched_satang for r in rows),
        "pledged": sum(r.pledged_satang for r in rows),
    }


@cached_page(sponsor_figures.sponsors_version)
def sponsors():
    rows = sponsor_figures.sponsors()
    return render_template("reporting/sponsors.html", rows=rows, totals=_totals(rows))


def sponsors_export(fmt: str):
    return download(
        fmt, sponsor_columns(), sponsor_figures.sponsors(), "sponsors", "sponsors", private=False
    )


def _sponsor_or_404(organisation_id: int):
    organisation = sponsor_figures.sponsor(organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@cached_page(sponsor_figures.sponsors_version)
def sponsor(organisation_id: int):
    organisation = _sponsor_or_404(organisation_id)
    pledges = sponsor_figures.pledges(organisation.id)
    campaigns: list[MatchedCampaign] = sponsor_figures.matched_campaigns(organisation.id)
    return render_template(
        "reporting/sponsor.html",
        organisation=organisation,
        pledges=pledges,
        matched=sum(p.used_satang for p in pledges),
        pledged=sum(p.cap_satang for p in pledges),
        schools=sponsor_figures.partner_schools(organisation.id),
        campaigns=campaigns,
        delivered=sum(c.devices_recorded for c in campaigns),
        confirmed=sum(c.devices_confirmed for c in campaigns),
        province_name=province_name,
    )


def sponsor_export(organisation_id: int, fmt: str):
    organisation = _sponsor_or_404(organisation_id)
    rows = sponsor_figures.matched_campaigns(organisation.id)
    name = f"sponsor-{organisation.id}-campaigns"
    return download(fmt, campaign_columns(), rows, name, "campaigns", private=False)


def sponsor_pledges_export(organisation_id: int, fmt: str):
    """The sponsor's pledges as its page lists them (no donor: pools and what they gave)."""
    organisation = _sponsor_or_404(organisation_id)
    rows = sponsor_figures.pledges(organisation.id)
    name = f"sponsor-{organisation.id}-pledges"
    return download(fmt, pledge_columns(), rows, name, "pledges", private=False)


def sponsor_schools_export(organisation_id: int, fmt: str):
    """The schools the sponsor partners today, as its page lists them."""
    organisation = _sponsor_or_404(organisation_id)
    rows = sponsor_figures.partner_schools(organisation.id)
    name = f"sponsor-{organisation.id}-schools"
    return download(fmt, school_columns(), rows, name, "schools", private=False)

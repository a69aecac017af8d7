"""Public campaign pages: the list, the campaign, its ledger (page and CSV), its photos."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, load_only

from ..core.exports import Column, Kind, csv_download
from ..core.forms import quick_select
from ..core.pagecache import cached_page, keep_until, kept_with_page
from ..core.pagination import paginate
from ..core.storage import send_public
from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db
from ..i18n import current_language
from ..ledger.models import SPENDING, LedgerEntry
from ..ledger.services import entries_query, running_balances, totals_of
from ..money import format_satang
from ..programmes.models import Programme
from ..registry.models import Organisation, OrganisationKind, Partnership, School
from ..registry.provinces import province_choices
from ..registry.services import active_partnership_clause, today
from .forms import CampaignFilterForm
from .hooks import page_probe_columns, probes_of, sections_for
from .models import Campaign, CampaignEvent, CampaignState
from .pages import newest_change, newest_change_anywhere, newest_change_to_all
from .photos import MAX_AGE, WIDTHS, is_photo_key, variant_key
from .queries import campaign_cards, programme_choices, public_campaign_ids
from .workflow import NEXT_STEPS

bp = Blueprint("campaigns", __name__)
bp.add_app_template_global(quick_select)


def visible_or_404(campaign: Campaign | None) -> Campaign:
    """The campaign if the visitor may see it; a draft is "not found" to the public, not
    "forbidden"."""
    if campaign is None or not campaign.can_view(current_user):
        abort(404)
    return campaign


def load_public(campaign_id: int) -> Campaign:
    """A campaign the visitor may see, else 404."""
    return visible_or_404(db.session.get(Campaign, campaign_id))


@cache
def _list_version_statement() -> sa.Select:
    return sa.select(
        sa.select(sa.func.max(LedgerEntry.id)).scalar_subquery(),
        sa.select(sa.func.max(CampaignEvent.id)).scalar_subquery(),
        newest_change_anywhere(),
    )


def list_version() -> tuple:
    """What a campaign card shows that must never be stale: any money moved, any state changed.

    Read on every visit, a kept page's only statement: built once, run on the connection
    (no ORM entity to load)."""
    return tuple(db.session.connection().execute(_list_version_statement()).one())


@cache
def _campaign_version_statement() -> sa.Select:
    newest_entry = (
        sa.select(sa.func.max(LedgerEntry.id))
        .where(LedgerEntry.campaign_id == Campaign.id)
        .scalar_subquery()
    )
    return sa.select(
        Campaign.state,
        Campaign.raised_satang,
        Campaign.spent_satang,
        Campaign.donor_count,
        newest_entry,
        newest_change(Campaign.id),
        newest_change_to_all(),
    ).where(Campaign.id == sa.bindparam("campaign_id"))


def campaign_version(campaign_id: int) -> tuple | None:
    """The campaign's state, counters (raised, spent, donors) and newest ledger row (any money
    that moved: a gift, a match, a refund, an offline gift or its voiding, a payment out) and
    its newest page change (an erasure, a pledge ended, an edit: ``pages.page_changed``), in
    one indexed read built once; None for a draft or no such campaign."""
    row = (
        db.session.connection()
        .execute(_campaign_version_statement(), {"campaign_id": campaign_id})
        .first()
    )
    if row is None or row.state == CampaignState.DRAFT:
        return None
    return (row[0].value, *row[1:])


@bp.get("/campaigns")
@cached_page(list_version)
def campaign_list():
    lang = current_language()
    programmes = kept_with_page(("programmes", lang), lambda: programme_choices(lang))
    form = CampaignFilterForm(request.args, programmes=programmes, provinces=province_choices(lang))
    valid = form.validate()
    programme = form.programme.data if valid and (form.programme.data or "").isdigit() else None
    query = public_campaign_ids(
        q=(form.q.data or "") if valid else "",
        programme_id=int(programme) if programme else None,
        province=(form.province.data or "") if valid else "",
        sort=(form.sort.data or "ending") if valid else "ending",
    )
    # The total is the same for every page of this list: counted once per version of it.
    filters = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "page"))
    total = kept_with_page(("total", filters), lambda: _count(query))
    page = paginate(query, 12, total=total)
    return render_template(
        "campaigns/list.html", form=form, page=page, cards=campaign_cards(page.items), now=utcnow()
    )


def _count(query: sa.Select) -> int:
    counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    return db.session.scalar(counted)


@cache
def _sponsors_statement() -> sa.Select:
    """The organisations partnering the school bound as ``school_id`` on the day bound as
    ``today``: built once, as the campaign page asks on every visit."""
    return (
        sa.select(Organisation)
        .options(load_only(Organisation.name, Organisation.name_en))
        .join(Partnership, Partnership.organisation_id == Organisation.id)
        .where(
            Partnership.school_id == sa.bindparam("school_id"),
            active_partnership_clause(sa.bindparam("today", type_=sa.Date)),
        )
        .where(Organisation.kind != OrganisationKind.VENDOR)
        .distinct()
        .order_by(Organisation.name)
    )


def sponsors_of(campaign: Campaign) -> list[Organisation]:
    """The organisations partnering the campaign's school today."""
    values = {"school_id": campaign.school_id, "today": today()}
    return list(db.session.scalars(_sponsors_statement(), values))


@cache
def _campaign_page_statement() -> sa.Select:
    """The campaign bound as ``campaign_id`` with everything of it the page shows (a few
    photos and budget lines: their product is small) and the sections' probes (``hooks``), in
    one query built once."""
    return (
        sa.select(Campaign, *page_probe_columns())
        .where(Campaign.id == sa.bindparam("campaign_id"))
        .options(
            joinedload(Campaign.school).load_only(
                School.name_th, School.name_en, School.district, School.province_code
            ),
            joinedload(Campaign.programme).load_only(Programme.name_th, Programme.name_en),
            joinedload(Campaign.photos),
            joinedload(Campaign.budget_lines),
        )
    )


@bp.get("/campaigns/<int:campaign_id>")
@cached_page(campaign_version)
def campaign(campaign_id: int):
    now = utcnow()
    values = {"campaign_id": campaign_id, "now": now}
    row = db.session.execute(_campaign_page_statement(), values).unique().first()
    campaign = visible_or_404(row[0] if row is not None else None)
    keep_until(campaign.starts_at)  # the give button comes and goes by itself
    keep_until(campaign.ends_at)
    return render_template(
        "campaigns/campaign.html",
        campaign=campaign,
        now=now,
        sponsors=sponsors_of(campaign),
        next_step=NEXT_STEPS[campaign.state],
        share_url=external_url("campaigns.campaign", campaign_id=campaign.id),
        widths=WIDTHS,
        **sections_for(campaign, probes_of(row)),
    )


#: Rows on a page of the public ledger: a full page, in Thai, stays within the 100 KB a public
#: page may weigh with its stylesheets, script and fonts.
LEDGER_PAGE_SIZE = 20


@bp.get("/campaigns/<int:campaign_id>/ledger")
def ledger(campaign_id: int):
    campaign = load_public(campaign_id)
    page = paginate(entries_query(campaign.id), LEDGER_PAGE_SIZE)
    balances = running_balances(campaign.id, [entry.id for entry in page.items])
    return render_template(
        "campaigns/ledger.html",
        campaign=campaign,
        page=page,
        balances=balances,
        totals=totals_of(campaign.id),
        money_in=money_in,
        money_out=money_out,
        donor_label=donor_label,
        payee_label=payee_label,
        format_satang=format_satang,
    )


def money_in(entry: LedgerEntry) -> int | None:
    """What the row adds to (or, a refund or dispute, takes from) what was raised; None on a
    payment out or its reversal. The column sums to the campaign's raised."""
    return None if entry.kind in SPENDING else entry.amount_satang


def money_out(entry: LedgerEntry) -> int | None:
    """What the row paid out (or, a reversal, gave back to the balance, as a minus); None on
    money in. The column sums to the campaign's spent."""
    return -entry.amount_satang if entry.kind in SPENDING else None


def donor_label(entry: LedgerEntry) -> str:
    """The donor the row names ("anonymous donor" when none); empty on money out."""
    if entry.kind in SPENDING:
        return ""
    return entry.shown_label or _("Anonymous donor")


def payee_label(entry: LedgerEntry) -> str:
    """Who was paid (the supplier), on a payment out and its reversal."""
    return entry.shown_label if entry.kind in SPENDING else ""


#: The public ledger's columns: the label is what the donor typed, so it may be a formula (the
#: helper escapes it); amounts are numbers, so a refund's minus stays a number. "In" sums to
#: the campaign's raised, "Out" to its spent, and the last balance is raised − spent.
LEDGER_COLUMNS = [
    Column(_l("Entry"), lambda line: line[0].id, Kind.INT),
    Column(_l("Time"), lambda line: line[0].created_at, Kind.DATETIME),
    Column(_l("Kind"), lambda line: line[0].kind.label),
    Column(lazy_pgettext("donor", "From"), lambda line: donor_label(line[0])),
    Column(lazy_pgettext("supplier", "Paid to"), lambda line: payee_label(line[0])),
    Column(lazy_pgettext("ledger", "In (baht)"), lambda line: money_in(line[0]), Kind.MONEY),
    Column(lazy_pgettext("ledger", "Out (baht)"), lambda line: money_out(line[0]), Kind.MONEY),
    Column(_l("Balance (baht)"), lambda line: line[1], Kind.MONEY),
]


def _ledger_lines(campaign_id: int):
    """(entry, running balance in satang), oldest first."""
    balance = 0
    for entry in db.session.scalars(entries_query(campaign_id)):
        balance += entry.amount_satang
        yield entry, balance


@bp.get("/campaigns/<int:campaign_id>/ledger.csv")
def ledger_csv(campaign_id: int):
    campaign = load_public(campaign_id)
    name = f"campaign-{campaign.id}-ledger.csv"
    return csv_download(LEDGER_COLUMNS, _ledger_lines(campaign.id), name, private=False)


@bp.get("/campaigns/photos/<key>-<int:width>.jpg")
def photo(key: str, width: int):
    if width not in WIDTHS or not is_photo_key(key):
        abort(404)
    return send_public(variant_key(key, width), content_type="image/jpeg", max_age=MAX_AGE)

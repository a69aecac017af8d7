"""Disbursements as CSV and Excel: staff's file of every disbursement (one row per invoice line,
the disbursement's fields repeated, so a pivot table sums the lines), and the public file of one
campaign's "What the money bought" (paid and reversed, no tax id, no invoice file).

The filters are the staff list's: the page and the file read the same ``Filters``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import aliased
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from ..accounts.models import User
from ..campaigns.models import Campaign, CampaignBudgetLine
from ..core.exports import Column, Kind
from ..core.forms import QueryForm, YearRange
from ..core.inputs import DB_INT_MAX
from ..extensions import db
from ..i18n import current_language
from ..money import line_total_satang
from ..programmes.models import Programme
from ..registry.models import Organisation, School
from ..registry.provinces import province_name
from .models import Disbursement, DisbursementLine, DisbursementState
from .services import PUBLIC_STATES

ID = [Optional(), NumberRange(1, DB_INT_MAX)]


class DisbursementFilters(QueryForm):
    """The staff list's filters, read from the query string (the export reads the same)."""

    state = SelectField(_l("State"), choices=[], validators=[Optional()])
    campaign = IntegerField(_l("Campaign number"), validators=ID)
    programme = IntegerField(_l("Programme number"), validators=ID)
    paid_from = DateField(_l("Paid from"), validators=[Optional(), YearRange(2000, 2200)])
    paid_to = DateField(_l("Paid until"), validators=[Optional(), YearRange(2000, 2200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [("", _l("All (awaiting approval first)"))] + (
            DisbursementState.choices()
        )

    def apply(self, query: sa.Select) -> sa.Select:
        """``query`` narrowed by every filter that was read (a refused one is left out)."""

        def ok(name):
            return None if self[name].errors else self[name].data

        if state := ok("state"):
            query = query.where(Disbursement.state == DisbursementState(state))
        if campaign_id := ok("campaign"):
            query = query.where(Disbursement.campaign_id == campaign_id)
        if programme_id := ok("programme"):
            query = query.where(
                Disbursement.campaign_id.in_(
                    sa.select(Campaign.id).where(Campaign.programme_id == programme_id)
                )
            )
        if paid_from := ok("paid_from"):
            query = query.where(Disbursement.paid_on >= paid_from)
        if paid_to := ok("paid_to"):
            query = query.where(Disbursement.paid_on <= paid_to)
        return query

    def args(self) -> dict:
        """The filters that were read, for the export links."""
        return {
            name: (self[name].data.isoformat() if isinstance(self[name].data, date) else v)
            for name in ("state", "campaign", "programme", "paid_from", "paid_to")
            if not self[name].errors and (v := self[name].data)
        }


@dataclass(frozen=True)
class LineRow:
    """One line of a disbursement with what the file says about the disbursement."""

    d: Disbursement
    line: DisbursementLine | None
    item: str
    campaign: str
    programme: str
    school: str
    province: str
    payee: str
    payee_tax_id: str
    submitted_by: str
    approved_by: str
    paid_by: str
    reversed_by: str

    @property
    def line_satang(self) -> int | None:
        if self.line is None:
            return None
        return line_total_satang(self.line.unit_price_satang, self.line.quantity)


def _line(read):
    return lambda row: None if row.line is None else read(row.line)


def _d(read):
    return lambda row: read(row.d)


#: Both files: the disbursement, what the line bought, the money.
_BOUGHT = [
    Column(_l("Disbursement"), _d(lambda d: d.id), Kind.INT),
    Column(_l("Paid on"), _d(lambda d: d.paid_on), Kind.DATE),
    Column(lazy_pgettext("supplier", "Paid to"), lambda row: row.payee),
    Column(_l("State"), _d(lambda d: d.state)),
    Column(_l("What was bought"), lambda row: row.item),
    Column(_l("Quantity"), _line(lambda line: line.quantity), Kind.INT),
    Column(_l("Unit price (baht)"), _line(lambda line: line.unit_price_satang), Kind.MONEY),
    Column(_l("Line amount (baht)"), lambda row: row.line_satang, Kind.MONEY),
    Column(_l("Disbursement amount (baht)"), _d(lambda d: d.amount_satang), Kind.MONEY),
    Column(_l("Over budget because"), _d(lambda d: d.over_budget_reason)),
    Column(_l("Reversed because"), _d(lambda d: d.reversal_reason)),
]

STAFF_COLUMNS = [
    *_BOUGHT[:1],
    Column(_l("Campaign number"), _d(lambda d: d.campaign_id), Kind.INT),
    Column(_l("Campaign"), lambda row: row.campaign),
    Column(_l("Programme"), lambda row: row.programme),
    Column(_l("School"), lambda row: row.school),
    Column(_l("Province"), lambda row: row.province),
    *_BOUGHT[1:3],
    Column(_l("Payee tax id"), lambda row: row.payee_tax_id),
    *_BOUGHT[3:],
    Column(_l("Submitted by"), lambda row: row.submitted_by),
    Column(_l("Submitted at"), _d(lambda d: d.submitted_at), Kind.DATETIME),
    Column(_l("Approved by"), lambda row: row.approved_by),
    Column(_l("Approved at"), _d(lambda d: d.approved_at), Kind.DATETIME),
    Column(_l("Paid out by"), lambda row: row.paid_by),
    Column(_l("Paid at"), _d(lambda d: d.paid_at), Kind.DATETIME),
    Column(_l("Reversed by"), lambda row: row.reversed_by),
    Column(_l("Reversed at"), _d(lambda d: d.reversed_at), Kind.DATETIME),
    Column(_l("Enters again disbursement"), _d(lambda d: d.replaces_id), Kind.INT),
]

PUBLIC_COLUMNS = [
    *_BOUGHT,
    Column(
        _l("Invoice (redacted copy)"),
        _d(
            lambda d: (
                url_for("spending.public_invoice", disbursement_id=d.id, _external=True)
                if d.public_invoice_key
                else ""
            )
        ),
    ),  # fmt: skip
]


def _lines(query: sa.Select) -> list[LineRow]:
    """The disbursements of ``query`` as one row per line (a disbursement without a line keeps
    one row): one query, however many disbursements, lines or people."""
    lang = current_language()
    people = [aliased(User) for _ in range(4)]
    sub, app, paid, rev = people
    query = (
        query.add_columns(
            DisbursementLine,
            CampaignBudgetLine.item,
            Campaign.title,
            Programme.name_th,
            Programme.name_en,
            School.name_th,
            School.name_en,
            School.province_code,
            Organisation.name,
            Organisation.name_en,
            Organisation.tax_id,
            *(person.name for person in people),
        )
        .join(Campaign, Campaign.id == Disbursement.campaign_id)
        .join(Programme, Programme.id == Campaign.programme_id)
        .join(School, School.id == Campaign.school_id)
        .outerjoin(Organisation, Organisation.id == Disbursement.payee_organisation_id)
        .outerjoin(DisbursementLine, DisbursementLine.disbursement_id == Disbursement.id)
        .outerjoin(CampaignBudgetLine, CampaignBudgetLine.id == DisbursementLine.budget_line_id)
        .outerjoin(sub, sub.id == Disbursement.submitted_by_id)
        .outerjoin(app, app.id == Disbursement.approved_by_id)
        .outerjoin(paid, paid.id == Disbursement.paid_by_id)
        .outerjoin(rev, rev.id == Disbursement.reversed_by_id)
        .order_by(None)
        .order_by(Disbursement.id, DisbursementLine.position, DisbursementLine.id)
    )

    def named(th, en):
        return en if lang == "en" and en else (th or "")

    return [
        LineRow(
            d=d,
            line=line,
            item=item or "",
            campaign=title,
            programme=named(prog_th, prog_en),
            school=named(school_th, school_en),
            province=province_name(province, lang),
            payee=named(org, org_en) if org is not None else d.payee_name,
            payee_tax_id=(org_tax or "") if org is not None else d.payee_tax_id,
            submitted_by=s or "",
            approved_by=a or "",
            paid_by=p or "",
            reversed_by=r or "",
        )  # fmt: skip
        for (
            d,
            line,
            item,
            title,
            prog_th,
            prog_en,
            school_th,
            school_en,
            province,
            org,
            org_en,
            org_tax,
            s,
            a,
            p,
            r,
        ) in db.session.execute(query)  # fmt: skip
    ]


def staff_rows(filters: DisbursementFilters) -> list[LineRow]:
    """Every disbursement the filters keep, oldest first, one row per line."""
    return _lines(filters.apply(sa.select(Disbursement)))


def public_rows(campaign_id: int) -> list[LineRow]:
    """What the campaign page's "What the money bought" shows: paid, and reversed (marked)."""
    return _lines(
        sa.select(Disbursement).where(
            Disbursement.campaign_id == campaign_id, Disbursement.state.in_(PUBLIC_STATES)
        )
    )

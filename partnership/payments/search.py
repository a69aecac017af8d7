"""Staff search over donations: the filters, one query for the page, streamed exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..campaigns.forms import bangkok_day_start
from ..campaigns.models import Campaign
from ..core.forms import QueryForm, YearRange, coerce_id
from ..core.spreadsheet import export_headers, export_value
from ..extensions import db
from ..i18n import current_language
from .models import Donation, DonationState


class DonationSearchForm(QueryForm):
    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=120)],
        description=_l("Donor name, e-mail, donation number or a Stripe id (cs_, pi_, ch_)."),
    )
    campaign = SelectField(_l("Campaign"), choices=[], coerce=coerce_id, validators=[Optional()])
    state = SelectField(_l("State"), choices=[], validators=[Optional()])
    disputed = BooleanField(_l("Disputed only"))
    date_from = DateField(_l("From (Bangkok)"), validators=[Optional(), YearRange(2000, 2200)])
    date_to = DateField(_l("To (Bangkok)"), validators=[Optional(), YearRange(2000, 2200)])

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign.choices = [(0, _l("All campaigns"))] + list(campaigns)
        self.state.choices = [("", _l("All states"))] + DonationState.choices()

    def filters(self) -> dict:
        """What the staff member asked for; a refused field is ignored."""

        def ok(name):
            field = self[name]
            return None if field.errors else field.data

        return {
            "q": self.value("q", 120).strip(),
            "campaign_id": ok("campaign") or None,
            "state": ok("state") or "",
            "disputed": bool(ok("disputed")),
            "date_from": ok("date_from"),
            "date_to": ok("date_to"),
        }


def campaign_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Campaign.id, Campaign.title)
        .where(Campaign.id.in_(sa.select(Donation.campaign_id).distinct()))
        .order_by(Campaign.id.desc())
    )
    return [(cid, f"#{cid} {title}"[:90]) for cid, title in rows]


def search_query(*, q="", campaign_id=None, state="", disputed=False, date_from=None, date_to=None):
    """Donations matching the filters, newest first."""
    query = sa.select(Donation).order_by(Donation.id.desc())
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        terms = [
            Donation.donor_name.ilike(like, escape="\\"),
            Donation.email.ilike(like, escape="\\"),
            Donation.checkout_session_id == q,
            Donation.payment_intent_id == q,
            Donation.charge_id == q,
            Donation.token == q,
        ]
        number = q.lstrip("#")
        if number.isdigit() and len(number) <= 9:
            terms.append(Donation.id == int(number))
        query = query.where(sa.or_(*terms))
    if campaign_id:
        query = query.where(Donation.campaign_id == campaign_id)
    if state in {s.value for s in DonationState}:
        query = query.where(Donation.state == DonationState(state))
    if disputed:
        query = query.where(Donation.disputed.is_(True))
    if date_from:
        query = query.where(Donation.created_at >= bangkok_day_start(date_from))
    if date_to:
        query = query.where(Donation.created_at < bangkok_day_start(date_to + timedelta(days=1)))
    return query


def page_query(query):
    """The list page's loading: campaigns joined, refunds in one more query (no N+1)."""
    return query.options(joinedload(Donation.campaign), selectinload(Donation.refunds))


HEADERS = [
    _l("Donation"), _l("Created"), _l("Paid"), _l("Campaign number"), _l("Campaign"),
    _l("Donor"), _l("E-mail"), _l("Anonymous"), _l("Amount shown"), _l("Wants updates"),
    _l("Message"), _l("State"), _l("Amount (baht)"), _l("Refunded (baht)"),
    _l("Disputed (baht)"), _l("Checkout Session"), _l("PaymentIntent"), _l("Charge"),
]  # fmt: skip


def _baht(satang: int) -> Decimal:
    """Exact baht (a Decimal: a number in Excel, never a float)."""
    return Decimal(satang) / 100


def export_rows(query) -> Iterator[list]:
    """One line per donation, in the order of the page, streamed from the database."""
    rows = db.session.execute(
        query.add_columns(Campaign.title)
        .join(Campaign, Campaign.id == Donation.campaign_id)
        .execution_options(yield_per=500)
    )
    for donation, title in rows:
        line = [
            donation.id, donation.created_at, donation.paid_at,
            donation.campaign_id, title, donation.donor_name, donation.email,
            donation.anonymous, donation.show_amount, donation.wants_updates, donation.message,
            donation.state, _baht(donation.amount_satang),
            _baht(donation.refunded_satang), _baht(donation.disputed_satang),
            donation.checkout_session_id or "", donation.payment_intent_id or "",
            donation.charge_id or "",
        ]  # fmt: skip
        yield [export_value(v) for v in line]


def _chunks(app, query, size: int = 500, lang: str = "th") -> Iterator[list[list]]:
    """The export's lines, ``size`` at a time, each chunk read in an app context of its own that
    ends before the chunk is yielded: a download the client abandons leaves nothing open. The
    words (yes/no, states) are in ``lang``, the language of the request that asked."""
    before = None
    while True:
        with app.app_context(), force_locale(lang):
            page = query if before is None else query.where(Donation.id < before)
            lines = list(export_rows(page.limit(size)))
        if not lines:
            return
        yield lines
        before = lines[-1][0]  # the donation id (the query runs newest first)


def csv_stream(app, query, chunk: int = 500) -> Iterator[str]:
    """The CSV, a chunk at a time (UTF-8 with a BOM so Excel reads Thai), in the language of
    the request that calls it (read now: the stream runs after the request has ended)."""
    lang = current_language()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_headers(HEADERS))
    return _csv_chunks(app, query, chunk, lang, "\ufeff" + out.getvalue())


def _csv_chunks(app, query, chunk: int, lang: str, head: str) -> Iterator[str]:
    yield head
    out = io.StringIO()
    writer = csv.writer(out)
    for lines in _chunks(app, query, chunk, lang):
        out.seek(0)
        out.truncate()
        writer.writerows(lines)
        yield out.getvalue()


def xlsx_bytes(query) -> bytes:
    from openpyxl import Workbook  # imported when used: a worker's memory (issue 22)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("donations")
    sheet.append(export_headers(HEADERS))
    for line in export_rows(query):
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""Staff search over donations: the filters, one query for the page, streamed exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..campaigns.forms import bangkok_day_start
from ..campaigns.models import Campaign
from ..core import exports
from ..core.exports import Column, Kind, cells, csv_chunks, csv_head
from ..core.forms import QueryForm, YearRange, coerce_id
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


def _d(read):
    """A column reading the donation of an export row (donation, campaign title)."""
    return lambda row: read(row[0])


COLUMNS = [
    Column(_l("Donation"), _d(lambda d: d.id), Kind.INT),
    Column(_l("Created"), _d(lambda d: d.created_at), Kind.DATETIME),
    Column(_l("Paid"), _d(lambda d: d.paid_at), Kind.DATETIME),
    Column(_l("Campaign number"), _d(lambda d: d.campaign_id), Kind.INT),
    Column(_l("Campaign"), lambda row: row[1]),
    Column(_l("Donor"), _d(lambda d: d.donor_name)),
    Column(_l("E-mail"), _d(lambda d: d.email)),
    Column(_l("Anonymous"), _d(lambda d: d.anonymous), Kind.BOOL),
    Column(_l("Amount shown"), _d(lambda d: d.show_amount), Kind.BOOL),
    Column(_l("Wants updates"), _d(lambda d: d.wants_updates), Kind.BOOL),
    Column(_l("Message"), _d(lambda d: d.message)),
    Column(_l("State"), _d(lambda d: d.state)),
    Column(_l("Amount (baht)"), _d(lambda d: d.amount_satang), Kind.MONEY),
    Column(_l("Refunded (baht)"), _d(lambda d: d.refunded_satang), Kind.MONEY),
    Column(_l("Disputed (baht)"), _d(lambda d: d.disputed_satang), Kind.MONEY),
    Column(_l("Checkout Session"), _d(lambda d: d.checkout_session_id or "")),
    Column(_l("PaymentIntent"), _d(lambda d: d.payment_intent_id or "")),
    Column(_l("Charge"), _d(lambda d: d.charge_id or "")),
]


def export_rows(query) -> Iterator[tuple]:
    """(donation, campaign title), in the order of the page, streamed from the database."""
    return db.session.execute(
        query.add_columns(Campaign.title)
        .join(Campaign, Campaign.id == Donation.campaign_id)
        .execution_options(yield_per=500)
    )


def _chunks(app, query, size: int = 500, lang: str = "th") -> Iterator[list[list]]:
    """The export's lines, ``size`` at a time, each chunk read in an app context of its own that
    ends before the chunk is yielded: a download the client abandons leaves nothing open. The
    words (yes/no, states) are in ``lang``, the language of the request that asked."""
    before = None
    while True:
        with app.app_context(), force_locale(lang):
            page = query if before is None else query.where(Donation.id < before)
            lines = [cells(COLUMNS, row) for row in export_rows(page.limit(size))]
        if not lines:
            return
        yield lines
        before = lines[-1][0]  # the donation id (the query runs newest first)


def csv_stream(app, query, chunk: int = 500) -> Iterator[str]:
    """The CSV, a chunk at a time (UTF-8 with a BOM so Excel reads Thai), in the language of
    the request that calls it (read now: the stream runs after the request has ended)."""
    return csv_chunks(csv_head(COLUMNS), _chunks(app, query, chunk, current_language()))


def xlsx_download(query, filename: str):
    """The workbook of the same rows, with personal data (no cache keeps a copy)."""
    return exports.xlsx_download(COLUMNS, export_rows(query), filename, "donations")

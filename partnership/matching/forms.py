"""The pledge form (a sponsor's representative or staff) and the staff decision form."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..campaigns.forms import bangkok_day_start
from ..core.forms import BaseForm
from ..money import MoneyError, format_satang, parse_baht
from .models import MatchScope

#: Ratios offered, sponsor : donor.
RATIOS = {
    "1:1": _l("1:1 — every baht given is doubled"),
    "2:1": _l("2:1 — every baht given is tripled"),
    "3:1": _l("3:1 — every baht given is quadrupled"),
    "1:2": _l("1:2 — half a baht for every baht given"),
}
#: The largest pool one pledge may hold (฿100 million).
MAX_CAP_SATANG = 10_000_000_000


def _amount(field, *, required: bool) -> int | None:
    text = (field.data or "").strip()
    if not text:
        if required:
            raise ValidationError(_l("Enter an amount in baht."))
        return None
    try:
        satang = parse_baht(text)
    except MoneyError:
        raise ValidationError(_l("Enter an amount in baht, such as 50,000.")) from None
    if satang <= 0:
        raise ValidationError(_l("The amount must be more than zero."))
    if satang > MAX_CAP_SATANG:
        raise ValidationError(
            _l("The amount can be at most %(max)s.", max=format_satang(MAX_CAP_SATANG))
        )
    return satang


class PledgeForm(BaseForm):
    """A matching pledge: ratio, caps, what it covers, when, and whether offline gifts count."""

    ratio = SelectField(_l("Ratio (sponsor : donor)"), choices=[])
    cap = StringField(
        _l("Total the sponsor pledges (baht)"),
        validators=[Length(max=30)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    per_donation_cap = StringField(
        _l("Most one gift can draw (baht, optional)"),
        validators=[Length(max=30)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    scope = SelectField(_l("Which gifts it matches"), choices=[])
    campaign = SelectField(_l("Campaign"), choices=[], validate_choice=False)
    programme = SelectField(_l("Programme"), choices=[], validate_choice=False)
    province = SelectField(_l("Province"), choices=[], validate_choice=False)
    starts_on = DateField(
        _l("First day (Bangkok)"), validators=[InputRequired(_l("Enter a date."))]
    )
    ends_on = DateField(_l("Last day (Bangkok)"), validators=[InputRequired(_l("Enter a date."))])
    counts_offline = BooleanField(_l("Also match bank transfers, cheques and cash"))
    note = TextAreaField(_l("Note to staff (optional)"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, campaigns=(), programmes=(), provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ratio.choices = list(RATIOS.items())
        self.scope.choices = MatchScope.choices()
        self.campaign.choices = [("", _l("Choose a campaign"))] + list(campaigns)
        self.programme.choices = [("", _l("Choose a programme"))] + list(programmes)
        self.province.choices = [("", _l("Choose a province"))] + list(provinces)
        self.cap_satang: int | None = None
        self.per_donation_cap_satang: int | None = None

    def validate_cap(self, field) -> None:
        self.cap_satang = _amount(field, required=True)

    def validate_per_donation_cap(self, field) -> None:
        self.per_donation_cap_satang = _amount(field, required=False)

    def validate_ratio(self, field) -> None:
        if field.data not in RATIOS:
            raise ValidationError(_l("Choose a ratio."))

    def _target(self, field, scope: MatchScope, message) -> None:
        if self.scope.data != scope.value:
            return
        if field.data not in {value for value, _ in field.choices if value}:
            raise ValidationError(message)

    def validate_campaign(self, field) -> None:
        self._target(field, MatchScope.CAMPAIGN, _l("Choose the campaign to match."))

    def validate_programme(self, field) -> None:
        self._target(field, MatchScope.PROGRAMME, _l("Choose the programme to match."))

    def validate_province(self, field) -> None:
        self._target(field, MatchScope.PROVINCE, _l("Choose the province to match."))

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    @property
    def parts(self) -> tuple[int, int]:
        sponsor, donor = self.ratio.data.split(":")
        return int(sponsor), int(donor)

    @property
    def target_id(self) -> int | None:
        value = {
            MatchScope.CAMPAIGN.value: self.campaign.data,
            MatchScope.PROGRAMME.value: self.programme.data,
        }.get(self.scope.data)
        return int(value) if value else None

    @property
    def starts_at(self):
        return bangkok_day_start(self.starts_on.data)

    @property
    def ends_at(self):
        return bangkok_day_start(self.ends_on.data + timedelta(days=1))


class DecisionForm(BaseForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])

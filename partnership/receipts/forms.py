"""The staff forms of receipts: a year's e-Donation file; the monthly e-Donation worklist."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp, ValidationError

from ..core.forms import BaseForm, QueryForm, coerce_id


class EDonationExportForm(BaseForm):
    """``years`` are the Buddhist-Era years that have receipts."""

    year = SelectField(
        _l("Year (Buddhist Era)"), coerce=int, validators=[InputRequired()], validate_choice=True
    )

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [(y, str(y)) for y in years]


def parse_month(text: str | None) -> tuple[int, int] | None:
    """(year, month) of ``YYYY-MM`` (Gregorian, 2000-2200), else None."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not found or not (2000 <= int(found[1]) <= 2200 and 1 <= int(found[2]) <= 12):
        return None
    return int(found[1]), int(found[2])


class EDonationMonthForm(QueryForm):
    """The worklist's month (``YYYY-MM``, Gregorian, as ``<input type=month>`` sends it)."""

    month = StringField(_l("Month"), validators=[Optional()])

    def validate_month(self, field) -> None:
        if parse_month(field.data) is None:
            raise ValidationError(_l("Choose a month."))

    def chosen(self, default: tuple[int, int]) -> tuple[int, int]:
        """(year, month) asked for, or ``default`` when none or a wrong one was given."""
        if self.month.errors:
            return default
        return parse_month(self.month.data) or default


class EDonationMarkForm(BaseForm):
    """Staff mark one record or several (one section's ticked rows) as done in e-Donation."""

    records = SelectMultipleField(
        _l("Records"), coerce=coerce_id, validate_choice=False, validators=[InputRequired()]
    )
    action = SelectField(_l("Action"), choices=[], validators=[InputRequired()])
    reference = StringField(
        _l("Revenue Department reference"), validators=[Optional(), Length(max=120)]
    )
    month = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [
            ("recorded", _l("Mark recorded")),
            ("amended", _l("Mark amended")),
            ("cancelled", _l("Mark cancelled")),
        ]


class EDonationMonthExportForm(BaseForm):
    """Download one month's e-Donation file."""

    month = HiddenField(validators=[InputRequired(), Regexp(r"^\d{4}-\d{2}$")])


class FreshLinkForm(BaseForm):
    """The donor asks for a new receipt link, to the address the gift was made with."""

    email = EmailField(
        _l("The e-mail address you gave with your gift"),
        validators=[
            InputRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address such as name@example.com.")),
            Length(max=254),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email"},
    )

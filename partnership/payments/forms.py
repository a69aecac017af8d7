"""The donation form: an amount (preset or typed), who gives, and what they allow us to show."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..core.forms import BaseForm
from ..money import MoneyError, format_satang, parse_baht
from .client import MAX_CHARGE_SATANG

#: Preset amounts in satang (฿200, ฿500, ฿1,000, ฿2,000).
PRESETS = (20_000, 50_000, 100_000, 200_000)
MIN_DONATION_SATANG = 2_000
MESSAGE_MAX = 500


class DonationForm(BaseForm):
    """One gift to ``campaign``; ``amount_satang`` is set once the form validates."""

    #: Checked with the custom amount (``validate_custom_amount``), which always runs.
    preset = RadioField(_l("Amount"), choices=[], validate_choice=False)
    custom_amount = StringField(
        _l("Or another amount (baht)"),
        validators=[Length(max=30)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    donor_name = StringField(_l("Your name"), validators=[Length(max=120)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter your e-mail for the receipt.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
        description=_l("For the receipt. Never shown on the page."),
    )
    anonymous = BooleanField(_l("Show me as an anonymous donor"))
    show_amount = BooleanField(_l("Show my amount on the donor wall"), default=True)
    message = TextAreaField(
        _l("Message to the school (optional)"),
        validators=[
            Optional(),
            Length(
                max=MESSAGE_MAX,
                message=_l("Keep the message under %(max)d characters.", max=MESSAGE_MAX),
            ),
        ],
    )
    wants_updates = BooleanField(_l("E-mail me the project's updates"))

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.preset.choices = [(str(p), format_satang(p)) for p in PRESETS] + [
            ("other", _l("Other"))
        ]
        self.amount_satang: int | None = None

    @property
    def max_satang(self) -> int:
        return min(current_app.config["DONATION_MAX_SATANG"], MAX_CHARGE_SATANG)

    def validate_custom_amount(self, field) -> None:
        preset = self.preset.data
        if preset and preset != "other":
            if not preset.isdigit() or int(preset) not in PRESETS:
                raise ValidationError(_l("Choose one of the amounts."))
            self.amount_satang = int(preset)
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Choose an amount or type one."))
        try:
            amount = parse_baht(field.data)
        except MoneyError:
            raise ValidationError(
                _l("Type the amount in baht, for example 350 or 350.50.")
            ) from None
        if amount < MIN_DONATION_SATANG:
            raise ValidationError(
                _l("The smallest gift is %(min)s.", min=format_satang(MIN_DONATION_SATANG))
            )
        if amount > self.max_satang:
            raise ValidationError(
                _l("The largest gift online is %(max)s.", max=format_satang(self.max_satang))
            )
        self.amount_satang = amount

    def validate_donor_name(self, field) -> None:
        if not self.anonymous.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter your name, or choose to be an anonymous donor."))

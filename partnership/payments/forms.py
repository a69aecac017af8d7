"""The donation form: an amount (preset or typed), who gives, and what they allow us to show."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..core.forms import BaseForm, no_bidi_controls
from ..core.thai import normalise_thai_id, valid_thai_id
from ..money import MoneyError, format_satang, parse_baht
from .client import MAX_CHARGE_SATANG

#: Preset amounts in satang (฿200, ฿500, ฿1,000, ฿2,000).
PRESETS = (20_000, 50_000, 100_000, 200_000)
MIN_DONATION_SATANG = 2_000
MESSAGE_MAX = 500


def _parsed_or_none(text: str) -> int | None:
    try:
        return parse_baht(text)
    except MoneyError:
        return None


class DonationForm(BaseForm):
    """One gift to ``campaign``; ``amount_satang`` is set once the form validates."""

    #: Checked with the custom amount (``validate_custom_amount``), which always runs.
    preset = RadioField(_l("Amount"), choices=[], validate_choice=False)
    custom_amount = StringField(
        _l("Or another amount (baht)"),
        validators=[Length(max=30)],
        # The page's script ticks "other" when an amount is typed (static/js/give.js).
        render_kw={"inputmode": "decimal", "autocomplete": "off", "data-other-amount": "preset"},
    )
    donor_name = StringField(_l("Your name"), validators=[Length(max=120), no_bidi_controls])
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
    #: Tax receipt (e-Donation): asked only when ``wants_tax_receipt`` is ticked.
    wants_tax_receipt = BooleanField(
        _l("I want a tax receipt (the foundation reports the gift to e-Donation)")
    )
    tax_full_name = StringField(
        _l("Full name as on your ID card"),
        validators=[Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    tax_address = TextAreaField(
        _l("Address"),
        validators=[Length(max=500)],
        render_kw={"autocomplete": "street-address"},
    )
    tax_id = StringField(
        _l("Thai national ID or tax ID (13 digits)"),
        validators=[Length(max=30)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
        description=_l("Kept encrypted and shown only as its last four digits."),
    )

    #: Asked only after a paid gift from this browser to this campaign in the last hour.
    give_again = BooleanField(_l("Yes, I want to give again"))

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.preset.choices = [(str(p), format_satang(p)) for p in PRESETS] + [
            ("other", lazy_pgettext("gift amount", "Other"))
        ]
        self.amount_satang: int | None = None
        self.tax_id_digits: str | None = None

    @property
    def max_satang(self) -> int:
        return min(current_app.config["DONATION_MAX_SATANG"], MAX_CHARGE_SATANG)

    def validate_custom_amount(self, field) -> None:
        preset = self.preset.data
        typed = (field.data or "").strip()
        if preset and preset != "other":
            if not preset.isdigit() or int(preset) not in PRESETS:
                raise ValidationError(_l("Choose one of the amounts."))
            # A typed amount beside a different ticked preset: which one the donor meant is
            # not ours to guess (without JavaScript, typing does not untick the preset).
            if typed and _parsed_or_none(typed) != int(preset):
                raise ValidationError(
                    _l(
                        'You chose %(preset)s and typed %(typed)s. Choose "Other" to give the '
                        "amount you typed, or clear it to give %(preset)s.",
                        preset=format_satang(int(preset)),
                        typed=typed,
                    )
                )
            self.amount_satang = int(preset)
            return
        if not typed:
            raise ValidationError(_l("Choose an amount or type one."))
        try:
            amount = parse_baht(typed)
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

    def _tax_asked(self) -> bool:
        return bool(self.wants_tax_receipt.data)

    def validate_tax_full_name(self, field) -> None:
        if self._tax_asked() and not (field.data or "").strip():
            raise ValidationError(_l("Enter your full name for the tax receipt."))
        if self._tax_asked():
            no_bidi_controls(self, field)

    def validate_tax_address(self, field) -> None:
        if self._tax_asked() and not (field.data or "").strip():
            raise ValidationError(_l("Enter your address for the tax receipt."))
        if self._tax_asked():
            no_bidi_controls(self, field)

    def validate_tax_id(self, field) -> None:
        if not self._tax_asked():
            return
        digits = normalise_thai_id(field.data or "")
        if not digits:
            raise ValidationError(_l("Enter your 13-digit ID for the tax receipt."))
        if not digits.isascii() or not digits.isdigit():
            raise ValidationError(_l("The ID has digits only (dashes and spaces are fine)."))
        if len(digits) != 13:
            raise ValidationError(
                _l("The ID has 13 digits; this one has %(count)d.", count=len(digits))
            )
        if not valid_thai_id(digits):
            raise ValidationError(
                _l("This ID is not valid: check the digits (its last digit is a check digit).")
            )
        self.tax_id_digits = digits

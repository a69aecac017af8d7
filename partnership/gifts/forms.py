"""Recording an offline gift and voiding one."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..core.forms import BaseForm
from ..db_types import utcnow
from ..i18n import BANGKOK
from ..money import MoneyError, format_satang, parse_baht
from .models import GiftMethod

#: The largest single offline gift (฿10 million): a bigger one is a typing mistake.
MAX_GIFT_SATANG = 1_000_000_000
#: Gifts older than this are not recorded here (they belong to an earlier year's books).
MAX_AGE = timedelta(days=366)


class OfflineGiftForm(BaseForm):
    method = SelectField(_l("How it was given"), choices=[])
    amount = StringField(
        _l("Amount (baht)"),
        validators=[Length(max=30)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    received_on = DateField(
        _l("Day the money arrived"), validators=[InputRequired(_l("Enter a date."))]
    )
    reference = StringField(
        _l("Reference"),
        validators=[
            DataRequired(_l("Enter the bank reference, cheque number or receipt number.")),
            Length(max=120),
        ],
        description=_l(
            "The bank's transaction reference, the cheque number or the cash receipt number."
        ),
    )
    donor_name = StringField(
        _l("Donor"), validators=[DataRequired(_l("Enter the donor's name.")), Length(max=120)]
    )
    email = EmailField(
        _l("Donor's e-mail (optional)"),
        validators=[Optional(), Email(_l("Enter a valid e-mail address.")), Length(max=254)],
    )
    anonymous = BooleanField(_l("Show as an anonymous donor in the public ledger"))
    slip = FileField(_l("Slip (JPEG or PNG, optional)"))
    duplicate_reason = TextAreaField(
        _l("Why is this another gift with the same reference?"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Only when the reference is already on a gift of this campaign: recording it again "
            "counts the money twice unless it really is a second gift."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = GiftMethod.choices()
        self.amount_satang: int | None = None

    def validate_amount(self, field) -> None:
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(_l("Enter the amount in baht."))
        try:
            satang = parse_baht(text)
        except MoneyError:
            raise ValidationError(_l("Enter an amount in baht, such as 1,500.50.")) from None
        if satang <= 0:
            raise ValidationError(_l("The amount must be more than zero."))
        if satang > MAX_GIFT_SATANG:
            raise ValidationError(
                _l("The amount can be at most %(max)s.", max=format_satang(MAX_GIFT_SATANG))
            )
        self.amount_satang = satang

    def validate_received_on(self, field) -> None:
        today = utcnow().astimezone(BANGKOK).date()
        if field.data > today:
            raise ValidationError(_l("The day cannot be in the future."))
        if field.data < today - MAX_AGE:
            raise ValidationError(_l("The day is more than a year ago."))

    @property
    def received(self) -> date:
        return self.received_on.data


class ReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why the gift is voided.")), Length(max=2000)],
    )

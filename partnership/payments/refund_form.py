"""The staff refund form: an amount (blank for all that is left) and a one-time key."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..core.forms import BaseForm
from ..money import MoneyError, format_satang, parse_baht


class RefundForm(BaseForm):
    amount = StringField(
        _l("Amount to refund (baht)"),
        validators=[Length(max=30)],
        description=_l("Leave blank to refund all that is left."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    reason = TextAreaField(_l("Reason (kept for staff)"), validators=[Optional(), Length(max=2000)])
    #: Made when the page is shown: a second click of the same page sends the same key.
    nonce = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])

    def __init__(
        self, *args, refundable_satang: int = 0, balance_satang: int | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.refundable_satang = refundable_satang
        #: What the gift's campaign holds now (raised − spent); None: not checked.
        self.balance_satang = balance_satang
        self.amount_satang: int | None = None

    def validate_amount(self, field) -> None:
        text = (field.data or "").strip()
        if not text:
            self.amount_satang = self.refundable_satang
        else:
            try:
                self.amount_satang = parse_baht(text)
            except MoneyError:
                raise ValidationError(_l("Enter an amount in baht, such as 250.")) from None
        if self.amount_satang <= 0:
            raise ValidationError(_l("The amount must be more than zero."))
        if self.amount_satang > self.refundable_satang:
            raise ValidationError(
                _l(
                    "At most %(left)s can be refunded.",
                    left=format_satang(self.refundable_satang),
                )
            )
        if self.balance_satang is not None and self.amount_satang > self.balance_satang:
            # A dispute or a refund made at Stripe may still take a campaign below zero (it is
            # recorded as it comes and listed for staff); a refund staff ask for may not.
            raise ValidationError(
                _l(
                    "The campaign has already paid this money out to suppliers: it holds "
                    "%(balance)s now. The foundation does not refund money already spent, so "
                    "nothing was requested.",
                    balance=format_satang(max(0, self.balance_satang)),
                )
            )

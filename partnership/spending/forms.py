"""The disbursement form (payee, lines, invoice), the reason forms, the redacted copy, a vendor."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import BaseForm, SubForm, coerce_id
from ..db_types import utcnow
from ..i18n import BANGKOK
from ..money import MoneyError, format_satang, parse_baht
from .services import LineValues, Payee

#: The largest single line (฿10 million): a bigger one is a typing mistake.
MAX_LINE_SATANG = 1_000_000_000
MAX_QUANTITY = 100_000
MAX_LINES = 12
#: Payments older than this are not entered here (an earlier year's books).
MAX_AGE = timedelta(days=3 * 366)


def valid_tax_id(text: str) -> bool:
    """13 digits whose last is the Revenue Department's check digit (mod 11)."""
    if len(text) != 13 or not text.isascii() or not text.isdigit():
        return False
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(text[:12]))
    return (11 - total % 11) % 10 == int(text[12])


def _tax_id(field) -> str:
    text = "".join((field.data or "").split()).replace("-", "")
    if not valid_tax_id(text):
        raise ValidationError(_l("Enter the 13-digit tax id."))
    return text


class LineForm(SubForm):
    """One thing bought: a budget line, a quantity and a unit price; an empty row is ignored."""

    budget_line_id = SelectField(
        _l("Budget item"), coerce=coerce_id, choices=[], validate_choice=False
    )
    quantity = StringField(
        _l("Quantity"),
        validators=[Optional(), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    unit_price = StringField(
        _l("Unit price (baht)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )

    def values(self) -> LineValues | None:
        """The line, or None for an empty row; a ValidationError names what is missing."""
        chosen = bool(self.budget_line_id.data)
        known = {value for value, _label in self.budget_line_id.choices}
        if chosen and self.budget_line_id.data not in known:
            self.budget_line_id.errors = [_l("Choose the budget line.")]
            return None
        quantity_text = (self.quantity.data or "").strip().replace(",", "")
        price_text = (self.unit_price.data or "").strip()
        if not chosen and not quantity_text and not price_text:
            return None
        if not chosen:
            self.budget_line_id.errors = [_l("Choose the budget line.")]
        if not quantity_text.isdigit() or not 0 < int(quantity_text) <= MAX_QUANTITY:
            self.quantity.errors = [_l("Enter a whole number from 1 to %(max)s.", max="100,000")]
        price = None
        try:
            price = parse_baht(price_text)
        except MoneyError:
            self.unit_price.errors = [_l("Enter an amount in baht, such as 1,500.50.")]
        if price is not None and not 0 < price <= MAX_LINE_SATANG:
            self.unit_price.errors = [
                _l(
                    "Enter an amount more than zero and at most %(max)s.",
                    max=format_satang(MAX_LINE_SATANG),
                )
            ]
        if self.budget_line_id.errors or self.quantity.errors or self.unit_price.errors:
            return None
        return LineValues(self.budget_line_id.data, int(quantity_text), price)


class DisbursementForm(BaseForm):
    paid_on = DateField(
        _l("Date of the payment"),
        validators=[InputRequired(_l("Enter a date."))],
        description=_l("As on the invoice or the bank transfer."),
    )
    payee_organisation_id = SelectField(_l("Supplier"), coerce=coerce_id, choices=[])
    payee_name = StringField(_l("Or another payee: name"), validators=[Length(max=200)])
    payee_tax_id = StringField(
        _l("Tax id (13 digits)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    register_vendor = BooleanField(_l("Register this payee as a supplier for later payments"))
    lines = FieldList(FormField(LineForm), min_entries=0, max_entries=MAX_LINES)
    over_budget_reason = TextAreaField(
        _l("Over-budget reason (only if the lines pass a budget line's approved total)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Shown to staff and on the public campaign page."),
    )
    invoice = FileField(
        _l("Invoice or tax invoice (PDF, JPEG or PNG)"),
        description=_l(
            "Seen by staff and the school's staff only. The public sees it only if staff later "
            "publish a redacted copy."
        ),
    )

    def __init__(self, *args, budget_lines, vendors, rows: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        self.payee_organisation_id.choices = [(0, _l("— another payee, below —"))] + [
            (v.id, f"{v.name} ({v.tax_id})" if v.tax_id else v.name) for v in vendors
        ]
        while len(self.lines) < rows:
            self.lines.append_entry()
        line_choices = [(0, "—")] + [
            (b.id, f"{b.item} · {format_satang(b.total_satang)}") for b in budget_lines
        ]
        for row in self.lines:
            row.budget_line_id.choices = line_choices
        self.line_values: list[LineValues] = []
        self.lines_message = None
        self.payee: Payee | None = None

    def validate_paid_on(self, field) -> None:
        today = utcnow().astimezone(BANGKOK).date()
        if field.data > today + timedelta(days=31):
            raise ValidationError(_l("The date is more than a month ahead."))
        if field.data < today - MAX_AGE:
            raise ValidationError(_l("The date is more than three years ago."))

    def validate_payee_name(self, field) -> None:
        if not self.payee_organisation_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Choose a supplier or enter the payee's name."))

    def validate_payee_tax_id(self, field) -> None:
        if not self.payee_organisation_id.data and (self.payee_name.data or "").strip():
            field.data = _tax_id(field)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.payee_organisation_id.data:
            self.payee = Payee(organisation_id=self.payee_organisation_id.data)
        else:
            self.payee = Payee(name=self.payee_name.data.strip(), tax_id=self.payee_tax_id.data)
        return True

    def validate_lines(self, field) -> None:
        values = [row.form.values() for row in field]
        if any(row.budget_line_id.errors or row.quantity.errors or row.unit_price.errors
               for row in field):  # fmt: skip
            self.lines_message = _l("Correct the lines marked below.")
        else:
            self.line_values = [v for v in values if v is not None]
            if not self.line_values:
                self.lines_message = _l("Add at least one line: what the payment buys.")
        if self.lines_message:
            raise ValidationError(self.lines_message)

    @property
    def paid(self) -> date:
        return self.paid_on.data


class ReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=2000)]
    )


class NoteForm(BaseForm):
    reason = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class PublicCopyForm(BaseForm):
    copy = FileField(_l("Redacted copy (PDF, JPEG or PNG)"))
    public = BooleanField(
        _l("Publish this copy on the campaign page (I checked it shows no personal data)")
    )


class VendorForm(BaseForm):
    name = StringField(
        _l("Supplier's registered name"),
        validators=[DataRequired(_l("Enter the name.")), Length(max=200)],
    )
    tax_id = StringField(
        _l("Tax id (13 digits)"),
        validators=[DataRequired(_l("Enter the 13-digit tax id.")), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def validate_tax_id(self, field) -> None:
        field.data = _tax_id(field)

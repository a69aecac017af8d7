"""Application forms: the proposal with its budget lines, uploads, withdrawal and screening."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import BaseForm, SubForm
from ..i18n import current_language
from ..money import MoneyError, format_satang, line_total_satang, parse_baht
from ..registry.models import grade_label

#: The most a single item may cost, and the most of one item (anything above is a typo).
MAX_UNIT_PRICE_SATANG = 1_000_000_000  # ฿10,000,000.00
MAX_QUANTITY = 10_000
MAX_PUPILS_PER_GRADE = 5_000
MAX_TEACHERS = 2_000
EMPTY_BUDGET_ROWS = 5
MAX_BUDGET_ROWS = 60


@dataclass(frozen=True)
class LineData:
    item: str
    unit_price_satang: int
    quantity: int

    @property
    def total_satang(self) -> int:
        return line_total_satang(self.unit_price_satang, self.quantity)


class BudgetLineForm(SubForm):
    """One budget row; a completely empty row is ignored. Prices are typed in baht."""

    item = StringField(_l("Item"), validators=[Optional(), Length(max=200)])
    unit_price = StringField(
        _l("Unit price (baht)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "decimal", "data-unit-price": True, "autocomplete": "off"},
    )
    quantity = StringField(
        _l("Quantity"),
        validators=[Optional(), Length(max=12)],
        render_kw={"inputmode": "numeric", "data-quantity": True, "autocomplete": "off"},
    )

    line: LineData | None = None

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.item, self.unit_price, self.quantity))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.line = None
        if self.is_blank():
            return True
        item = (self.item.data or "").strip()
        if not item:
            self.item.errors.append(_l("Describe the item."))
        price = self._price()
        quantity = self._quantity()
        if not item or price is None or quantity is None:
            return False
        self.line = LineData(item, price, quantity)
        return ok

    def _price(self) -> int | None:
        raw = (self.unit_price.data or "").strip()
        if not raw:
            self.unit_price.errors.append(_l("Enter the unit price."))
            return None
        try:
            price = parse_baht(raw)
        except MoneyError:
            self.unit_price.errors.append(_l("Enter a price in baht, for example 14,990.50."))
            return None
        if price <= 0:
            self.unit_price.errors.append(_l("The price must be more than zero."))
            return None
        if price > MAX_UNIT_PRICE_SATANG:
            self.unit_price.errors.append(
                _l("The price can be at most %(max)s.", max=format_satang(MAX_UNIT_PRICE_SATANG))
            )
            return None
        return price

    def _quantity(self) -> int | None:
        raw = (self.quantity.data or "").strip().replace(",", "")
        message = _l("Enter a whole number from 1 to %(max)s.", max=f"{MAX_QUANTITY:,}")
        if not raw:
            self.quantity.errors.append(_l("Enter the quantity."))
            return None
        if not raw.isascii() or not raw.isdigit():
            self.quantity.errors.append(message)
            return None
        quantity = int(raw)
        if not 1 <= quantity <= MAX_QUANTITY:
            self.quantity.errors.append(message)
            return None
        return quantity


class ApplicationForm(BaseForm):
    """A school's proposal; ``programme`` and ``school`` decide the grades and the cap.

    Saving a draft needs only the title (the name the school finds it by); the other texts
    may stay empty until submission, where ``services.missing_for_submission`` asks for them.
    """

    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Two or three sentences: what the project does and for whom."),
    )
    need = TextAreaField(
        _l("The need"),
        validators=[Optional(), Length(max=8000)],
        description=_l("What is missing today, and how you know."),
    )
    teachers_benefiting = IntegerField(
        _l("Teachers who benefit"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_TEACHERS, message=_l("Enter 0 to %(max)d.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    pupils = FieldList(
        IntegerField(
            validators=[
                Optional(),
                NumberRange(min=0, max=MAX_PUPILS_PER_GRADE, message=_l("Enter 0 to %(max)d.")),
            ],
            render_kw={"inputmode": "numeric"},
        ),
        min_entries=0,
        max_entries=15,
    )
    budget = FieldList(FormField(BudgetLineForm), min_entries=0, max_entries=MAX_BUDGET_ROWS)
    delivery_plan = TextAreaField(
        _l("Delivery plan"),
        validators=[Optional(), Length(max=8000)],
        description=_l("Who buys, receives and looks after what, and by when."),
    )

    def __init__(self, *args, programme, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme, self.school = programme, school
        self.grades = self.grades_for(programme, school)
        lang = current_language()
        while len(self.pupils) < len(self.grades):
            self.pupils.append_entry()
        for entry, grade in zip(self.pupils, self.grades, strict=False):
            entry.label.text = _l("Pupils in %(grade)s", grade=grade_label(grade, lang))
        self.total_satang = 0

    @staticmethod
    def grades_for(programme, school) -> list[int]:
        """The grades to count pupils for: the programme's, else the school's."""
        if programme.min_grade is not None:
            return list(range(programme.min_grade, programme.max_grade + 1))
        return list(range(school.min_grade, school.max_grade + 1))

    def pad_budget(self, rows: int = EMPTY_BUDGET_ROWS) -> None:
        """Add empty rows so the form always offers some space (the no-JavaScript way)."""
        for _ in range(rows):
            if len(self.budget) >= self.budget.max_entries:
                break
            self.budget.append_entry()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        lines = self.lines()
        self.total_satang = sum(line.total_satang for line in lines)
        if ok and self.total_satang > self.programme.cap_satang:
            self.budget.errors.append(
                _l(
                    "The total %(total)s is more than the programme's cap of %(cap)s.",
                    total=format_satang(self.total_satang),
                    cap=format_satang(self.programme.cap_satang),
                )
            )
            ok = False
        if len(self.pupils) > len(self.grades):
            ok = False
        return ok

    def row_totals(self) -> list[int | None]:
        """Each row's total as typed (None when it cannot be read): the no-JavaScript totals."""
        totals: list[int | None] = []
        for entry in self.budget:
            try:
                price = parse_baht(entry.form.unit_price.data or "")
                quantity = int((entry.form.quantity.data or "").strip())
            except (MoneyError, ValueError):
                totals.append(None)
                continue
            ok = 0 < price <= MAX_UNIT_PRICE_SATANG and 0 < quantity <= MAX_QUANTITY
            totals.append(line_total_satang(price, quantity) if ok else None)
        return totals

    def lines(self) -> list[LineData]:
        return [entry.form.line for entry in self.budget if entry.form.line is not None]

    def beneficiaries(self) -> dict[int, int]:
        """Pupils by grade index (grades left empty count as 0 and are not stored)."""
        return {
            grade: entry.data
            for grade, entry in zip(self.grades, self.pupils, strict=False)
            if entry.data
        }

    def values(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "summary": (self.summary.data or "").strip(),
            "need": (self.need.data or "").strip(),
            "delivery_plan": (self.delivery_plan.data or "").strip(),
            "teachers_benefiting": self.teachers_benefiting.data or 0,
        }


class UploadForm(BaseForm):
    files = MultipleFileField(
        _l("Add files"),
        description=_l("PDF, JPEG or PNG."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )


class ReasonForm(BaseForm):
    """Withdrawal (reason optional) and other one-button actions with a note."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class OverrideForm(BaseForm):
    """Staff override of the automatic eligibility check: always with a reason."""

    decision = SelectField(
        _l("Decision"),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason for the override.")), Length(max=2000)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [("eligible", _l("Eligible")), ("ineligible", _l("Ineligible"))]

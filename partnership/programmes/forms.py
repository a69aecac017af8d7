"""Programme forms: the call's settings and its rubric edited together; state changes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import BaseForm, SubForm, YearRange
from ..i18n import current_language
from ..money import MAX_SATANG, MoneyError, parse_baht
from ..registry.models import grade_choices
from ..registry.provinces import PROVINCES_BY_CODE, province_choices
from .models import ProgrammeState, TieBreak
from .services import CriterionData, bangkok_to_utc

MAX_CRITERIA = 20
MAX_SCORE = 100
MAX_WEIGHT = 100
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
#: The years a call may open and close in (Gregorian, as the browser's date picker sends them).
PROGRAMME_YEARS = (2000, 2100)


class CriterionForm(SubForm):
    """One rubric row; a row left completely empty is ignored."""

    label_th = StringField(_l("Criterion (Thai)"), validators=[Optional(), Length(max=200)])
    label_en = StringField(_l("Criterion (English)"), validators=[Optional(), Length(max=200)])
    guidance = TextAreaField(
        _l("Guidance for reviewers"), validators=[Optional(), Length(max=2000)]
    )
    max_score = IntegerField(
        _l("Maximum score"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_SCORE, message=_l("Enter 1 to %(max)d.")),
        ],
    )
    weight = IntegerField(
        _l("Weight"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_WEIGHT, message=_l("Enter 1 to %(max)d.")),
        ],
    )

    def is_blank(self) -> bool:
        return not any(
            (f.raw_data[0].strip() if f.raw_data else f.data not in (None, ""))
            for f in (self.label_th, self.label_en, self.guidance, self.max_score, self.weight)
        )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank():
            for f in self:
                f.errors = []
            return True
        if not (self.label_th.data or "").strip():
            self.label_th.errors.append(_l("Enter the criterion in Thai."))
            ok = False
        if self.max_score.data is None and not self.max_score.errors:
            self.max_score.errors.append(_l("Enter the maximum score."))
            ok = False
        if self.weight.data is None and not self.weight.errors:
            self.weight.errors.append(_l("Enter a weight (1 if all criteria count the same)."))
            ok = False
        return ok

    def to_data(self) -> CriterionData:
        return CriterionData(
            label_th=self.label_th.data.strip(),
            label_en=(self.label_en.data or "").strip(),
            guidance=(self.guidance.data or "").strip(),
            max_score=self.max_score.data,
            weight=self.weight.data,
        )


def _grade_choices() -> list[tuple[int, str]]:
    lang = current_language()
    return [(-1, _l("Any grade")), *grade_choices(lang)]


class ProgrammeForm(BaseForm):
    """Create or edit a programme; the rubric rows come with it (``rubric_locked`` hides them)."""

    name_th = StringField(_l("Name in Thai"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    description_th = TextAreaField(
        _l("Description in Thai"), validators=[DataRequired(), Length(max=10000)]
    )
    description_en = TextAreaField(
        _l("Description in English"), validators=[Optional(), Length(max=10000)]
    )
    opens_at = DateTimeLocalField(
        _l("Opens (Bangkok time)"),
        format=DATETIME_FORMATS,
        validators=[InputRequired(_l("Enter a date and time.")), YearRange(*PROGRAMME_YEARS)],
    )
    closes_at = DateTimeLocalField(
        _l("Closes (Bangkok time)"),
        format=DATETIME_FORMATS,
        validators=[InputRequired(_l("Enter a date and time.")), YearRange(*PROGRAMME_YEARS)],
        description=_l("Applications submitted at or after this minute are refused."),
    )
    budget_total = StringField(
        _l("Total budget available (baht)"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"inputmode": "decimal"},
    )
    cap = StringField(
        _l("Most one application may request (baht)"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"inputmode": "decimal"},
    )
    members_only = BooleanField(_l("Only schools in the network may apply"), default=True)
    min_grade = SelectField(_l("Lowest grade served"), coerce=int, default=-1)
    max_grade = SelectField(_l("Highest grade served"), coerce=int, default=-1)
    provinces = SelectMultipleField(
        _l("Provinces that may apply"),
        description=_l("Leave empty to accept every province."),
        validate_choice=True,
    )
    reviews_per_application = IntegerField(
        _l("Reviews each application needs"),
        default=3,
        validators=[InputRequired(), NumberRange(min=1, max=15, message=_l("Enter 1 to %(max)d."))],
    )
    require_sector_balance = BooleanField(
        _l("Each application needs a public-sector and a private-sector reviewer"), default=True
    )
    max_applications_per_school = IntegerField(
        _l("Applications allowed per school"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=20, message=_l("Enter 1 to %(max)d."))],
    )
    tie_break = SelectField(_l("Equal scores are ordered by"))
    use_calibration = BooleanField(_l("Calibrate scores per reviewer"), default=False)
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=MAX_CRITERIA)

    def __init__(self, *args, rubric_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric_locked = rubric_locked
        self.min_grade.choices = self.max_grade.choices = _grade_choices()
        self.provinces.choices = province_choices(current_language())
        self.tie_break.choices = TieBreak.choices()
        self.budget_total_satang: int | None = None
        self.cap_satang: int | None = None

    # Money ------------------------------------------------------------------------------
    def _money(self, field, positive: bool) -> int | None:
        try:
            value = parse_baht(field.data or "")
        except MoneyError:
            field.errors.append(_l("Enter an amount in baht, for example 1,500,000 or 14,990.50."))
            return None
        if value < 0 or (positive and value == 0):
            field.errors.append(_l("The amount must be more than zero."))
            return None
        if value > MAX_SATANG:
            field.errors.append(_l("This amount is too large."))
            return None
        return value

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.budget_total.errors:
            self.budget_total_satang = self._money(self.budget_total, positive=False)
        if not self.cap.errors:
            self.cap_satang = self._money(self.cap, positive=True)
        if self.budget_total.errors or self.cap.errors:
            ok = False
        if (
            self.cap_satang is not None
            and self.budget_total_satang is not None
            and self.budget_total_satang > 0
            and self.cap_satang > self.budget_total_satang
        ):
            self.cap.errors.append(_l("The cap cannot be more than the total budget."))
            ok = False
        if self.opens_at.data and self.closes_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors.append(_l("The closing time must be after the opening time."))
            ok = False
        low, high = self.min_grade.data, self.max_grade.data
        if (low == -1) != (high == -1):
            self.max_grade.errors.append(_l("Choose both grades, or 'Any grade' for both."))
            ok = False
        elif low is not None and high is not None and high < low:
            self.max_grade.errors.append(_l("The highest grade cannot be below the lowest."))
            ok = False
        if any(code not in PROVINCES_BY_CODE for code in self.provinces.data or []):
            ok = False
        if not self.rubric_locked and not self.criterion_rows():
            self.criteria.errors.append(_l("Add at least one rubric criterion."))
            ok = False
        return ok

    # Results ----------------------------------------------------------------------------
    def criterion_rows(self) -> list[CriterionData]:
        return [entry.form.to_data() for entry in self.criteria if not entry.form.is_blank()]

    def values(self) -> dict:
        """Validated values for ``services.create_programme``/``update_programme``."""
        low, high = self.min_grade.data, self.max_grade.data
        return {
            "name_th": self.name_th.data.strip(),
            "name_en": (self.name_en.data or "").strip(),
            "description_th": self.description_th.data.strip(),
            "description_en": (self.description_en.data or "").strip(),
            "opens_at": bangkok_to_utc(self.opens_at.data),
            "closes_at": bangkok_to_utc(self.closes_at.data),
            "budget_total_satang": self.budget_total_satang,
            "cap_satang": self.cap_satang,
            "members_only": bool(self.members_only.data),
            "min_grade": None if low == -1 else low,
            "max_grade": None if high == -1 else high,
            "province_codes": ",".join(sorted(self.provinces.data or [])),
            "reviews_per_application": self.reviews_per_application.data,
            "require_sector_balance": bool(self.require_sector_balance.data),
            "max_applications_per_school": self.max_applications_per_school.data,
            "tie_break": TieBreak(self.tie_break.data),
            "use_calibration": bool(self.use_calibration.data),
        }


class ProgrammeStateForm(BaseForm):
    """The next state, chosen with one button per allowed move."""

    to_state = SelectField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_state.choices = [(s.value, s.value) for s in ProgrammeState]


def programme_form_data(programme) -> dict:
    """A programme's values the way ``ProgrammeForm`` shows them (Bangkok time, baht)."""
    from ..money import satang_to_input
    from .services import utc_to_bangkok_naive

    return {
        "name_th": programme.name_th,
        "name_en": programme.name_en,
        "description_th": programme.description_th,
        "description_en": programme.description_en,
        "opens_at": utc_to_bangkok_naive(programme.opens_at),
        "closes_at": utc_to_bangkok_naive(programme.closes_at),
        "budget_total": satang_to_input(programme.budget_total_satang),
        "cap": satang_to_input(programme.cap_satang),
        "members_only": programme.members_only,
        "min_grade": -1 if programme.min_grade is None else programme.min_grade,
        "max_grade": -1 if programme.max_grade is None else programme.max_grade,
        "provinces": programme.allowed_provinces,
        "reviews_per_application": programme.reviews_per_application,
        "require_sector_balance": programme.require_sector_balance,
        "max_applications_per_school": programme.max_applications_per_school,
        "tie_break": programme.tie_break.value,
        "use_calibration": programme.use_calibration,
        "criteria": [
            {
                "label_th": c.label_th,
                "label_en": c.label_en,
                "guidance": c.guidance,
                "max_score": c.max_score,
                "weight": c.weight,
            }
            for c in programme.criteria
        ],
    }

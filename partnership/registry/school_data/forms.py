"""School data forms: a year's figures, a collection window, an import, the export filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ...core.forms import BaseForm, QueryForm, YearRange
from ...i18n import BUDDHIST_ERA_OFFSET, current_academic_year
from ..models import GRADE_COLUMNS
from .services import MAX_DEVICES, MAX_PUPILS_IN_GRADE, MAX_TEACHERS

_WHOLE = _l("Enter a whole number.")
_RANGE = _l("Enter 0 to %(max)d.")


def _count(label, maximum: int, *, required: bool = True, description=""):
    first = InputRequired(_WHOLE) if required else Optional()
    return IntegerField(
        label,
        validators=[first, NumberRange(min=0, max=maximum, message=_RANGE)],
        description=description,
        render_kw={"inputmode": "numeric"},
    )


def _academic_year_field():
    return IntegerField(
        _l("Academic year (B.E.)"),
        validators=[InputRequired(_WHOLE), NumberRange(min=2500, max=2700)],
        description=_l("The year the academic year starts in May, e.g. 2569."),
    )


def _not_future(form, field) -> None:
    if field.data is not None and field.data - BUDDHIST_ERA_OFFSET > current_academic_year() + 1:
        raise ValidationError(_l("This academic year has not started yet."))


class SchoolDataForm(BaseForm):
    """One year's figures of one school; only the grades the school teaches are shown (the
    others must stay empty or 0, which the rules check again)."""

    academic_year = _academic_year_field()
    teachers = _count(_l("Teachers"), MAX_TEACHERS)
    devices_on_hand = _count(
        _l("Computers pupils can use"),
        MAX_DEVICES,
        description=_l(
            "Desktops, laptops and tablets that work, not counting those delivered through "
            "this programme."
        ),
    )

    def validate_academic_year(self, field) -> None:
        _not_future(self, field)

    def grade_fields(self, school) -> list:
        return [self[c] for c in GRADE_COLUMNS[school.min_grade : school.max_grade + 1]]

    def grades(self) -> tuple[int, ...]:
        return tuple(self[c].data or 0 for c in GRADE_COLUMNS)


for _index, _column in enumerate(GRADE_COLUMNS):
    setattr(
        SchoolDataForm,
        _column,
        _count(
            _l("Pupils in %(grade)s", grade=_column[6:].upper()),
            MAX_PUPILS_IN_GRADE,
            required=False,
        ),  # fmt: skip
    )


class WindowForm(BaseForm):
    """Open (or move) the collection for an academic year."""

    academic_year = _academic_year_field()
    opens_on = DateField(
        _l("First day"), validators=[InputRequired(_l("Enter a date.")), YearRange(2000, 2200)]
    )
    closes_on = DateField(
        _l("Last day"), validators=[InputRequired(_l("Enter a date.")), YearRange(2000, 2200)]
    )

    def validate_academic_year(self, field) -> None:
        _not_future(self, field)

    def validate_closes_on(self, field) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


class ImportForm(BaseForm):
    academic_year = _academic_year_field()
    upload = FileField(
        _l("File (CSV or Excel .xlsx)"), validators=[FileRequired(_l("Choose a file."))]
    )

    def validate_academic_year(self, field) -> None:
        _not_future(self, field)


class ExportFilterForm(QueryForm):
    province = StringField()
    year = StringField()

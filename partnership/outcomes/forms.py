"""Outcome forms: a programme's measure (staff), a school's figures, staff's verdict."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..core.forms import BaseForm
from ..extensions import db
from ..i18n import academic_year_label
from . import services
from .models import MeasureKind, OutcomeMeasure, PlannedFrom

KEY = re.compile(r"[a-z0-9_]{1,40}")


class MeasureForm(BaseForm):
    """One outcome measure of a programme."""

    name_th = StringField(_l("Name in Thai"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    key = StringField(
        _l("Short key"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Lower-case letters, digits and _, for exports (e.g. pupils_reached)."),
    )
    unit_th = StringField(_l("Unit in Thai"), validators=[Optional(), Length(max=40)])
    unit_en = StringField(_l("Unit in English"), validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    planned_from = SelectField(_l("Planned value"), validators=[DataRequired()])
    budget_item = StringField(
        _l("Budget item"),
        validators=[Length(max=200)],
        description=_l("For a budget item's quantity: text found in the item's name (e.g. โน้ตบุ๊ก)."),
    )
    position = IntegerField(
        _l("Order"),
        validators=[InputRequired(), NumberRange(min=0, max=999)],
        default=0,
    )

    def __init__(self, *args, programme, measure: OutcomeMeasure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme, self.measure = programme, measure
        self.kind.choices = MeasureKind.choices()
        self.planned_from.choices = PlannedFrom.choices()

    def validate_key(self, field) -> None:
        field.data = (field.data or "").strip()
        if not KEY.fullmatch(field.data):
            raise ValidationError(_l("Use lower-case letters, digits and _ only."))
        query = db.select(OutcomeMeasure.id).where(
            OutcomeMeasure.programme_id == self.programme.id, OutcomeMeasure.key == field.data
        )
        if self.measure is not None:
            query = query.where(OutcomeMeasure.id != self.measure.id)
        if db.session.scalar(query) is not None:
            raise ValidationError(_l("This programme already has a measure with this key."))

    def validate_budget_item(self, field) -> None:
        field.data = (field.data or "").strip()
        if self.planned_from.data == PlannedFrom.BUDGET_QUANTITY and not field.data:
            raise ValidationError(_l("Name the budget item whose quantity is planned."))

    def values(self) -> dict:
        return {
            "key": self.key.data,
            "name_th": self.name_th.data.strip(),
            "name_en": (self.name_en.data or "").strip(),
            "unit_th": (self.unit_th.data or "").strip(),
            "unit_en": (self.unit_en.data or "").strip(),
            "kind": MeasureKind(self.kind.data),
            "planned_from": PlannedFrom(self.planned_from.data),
            "budget_item": self.budget_item.data or "",
            "position": self.position.data,
        }


def measure_form_data(measure: OutcomeMeasure) -> dict:
    return {
        "key": measure.key,
        "name_th": measure.name_th,
        "name_en": measure.name_en,
        "unit_th": measure.unit_th,
        "unit_en": measure.unit_en,
        "kind": measure.kind.value,
        "planned_from": measure.planned_from.value,
        "budget_item": measure.budget_item,
        "position": measure.position,
    }


class ReportFormBase(BaseForm):
    academic_year = SelectField(
        _l("Academic year"),
        # The view gives the registry's years; without them a post is refused as a bad choice.
        choices=[],
        coerce=int,
        validators=[InputRequired()],
        description=_l("The years the school's pupils and teachers are in the registry."),
    )
    note = TextAreaField(_l("Note for staff"), validators=[Optional(), Length(max=2000)])

    #: Set by :func:`report_form` (the programme's measures, the registry's years); empty on
    #: the bare class, whose post then only says what is missing.
    measures: tuple[OutcomeMeasure, ...] | list[OutcomeMeasure] = ()
    years: Mapping = MappingProxyType({})

    def measure_field(self, measure: OutcomeMeasure):
        return self[f"measure_{measure.id}"]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        given = self.values()
        if ok and not given:
            self.form_errors.append(_l("Enter at least one figure."))
            return False
        year = self.academic_year.data
        if not isinstance(year, int) or self.academic_year.errors:
            return ok
        stat = self.years.get(year)
        for measure in self.measures:
            field = self.measure_field(measure)
            if field.errors or field.data is None:
                continue
            problem = services.check_value(measure, field.data, stat, year)
            if problem is not None:
                field.errors = [*field.errors, problem]
                ok = False
        return ok

    def values(self) -> dict[int, int]:
        """Measure id → figure, for the fields filled in."""
        return {
            m.id: self.measure_field(m).data
            for m in self.measures
            if self.measure_field(m).data is not None and not self.measure_field(m).errors
        }


def report_form(measures: list[OutcomeMeasure], years: dict, default_year: int, lang: str, **kw):
    """The school's form: one whole-number field per measure, and the academic year."""

    class ReportForm(ReportFormBase):
        pass

    for measure in measures:
        unit = measure.unit(lang)
        setattr(
            ReportForm,
            f"measure_{measure.id}",
            IntegerField(
                f"{measure.display_name(lang)} ({unit})" if unit else measure.display_name(lang),
                validators=[
                    Optional(),
                    NumberRange(
                        min=0,
                        max=measure.max_value,
                        message=_l("Enter 0 to %(max)d."),
                    ),
                ],
            ),
        )
    form = ReportForm(**kw)
    form.measures, form.years = measures, years
    choices = sorted(years, reverse=True) or [default_year]
    form.academic_year.choices = [(year, academic_year_label(year, lang)) for year in choices]
    if form.academic_year.data is None:
        form.academic_year.data = default_year
    return form


class ReturnForm(BaseForm):
    """Staff send a figure back to the school."""

    reason = TextAreaField(
        _l("Why it goes back to the school"), validators=[DataRequired(), Length(max=2000)]
    )


class VerifyForm(BaseForm):
    """Staff confirm a figure (the button's CSRF token only)."""

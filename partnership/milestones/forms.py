"""Forms of milestones: a template step (staff), and a milestone's move with a note and photos."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import BaseForm
from ..donors.forms import PhotosForm
from .models import MAX_DUE_DAYS


class StepForm(BaseForm):
    name_th = StringField(_l("Name (Thai)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    due_days = IntegerField(
        _l("Due (days after the campaign was funded)"),
        validators=[
            InputRequired(),
            NumberRange(min=0, max=MAX_DUE_DAYS, message=_l("Enter 0 to %(max)d.")),
        ],
    )


class StepEditForm(StepForm):
    position = IntegerField(
        _l("Order"),
        validators=[
            InputRequired(),
            NumberRange(min=0, max=1000, message=_l("Enter 0 to %(max)d.")),
        ],
    )


class MoveForm(PhotosForm):
    """Mark a milestone done (the school or staff) or reopen it (staff), with a note."""

    to = HiddenField(validators=[AnyOf(("done", "reopened"))])
    note = TextAreaField(_l("Note on this step"), validators=[Optional(), Length(max=2000)])

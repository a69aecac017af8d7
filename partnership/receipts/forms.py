"""The staff form that downloads a year's e-Donation file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..core.forms import BaseForm


class EDonationExportForm(BaseForm):
    """``years`` are the Buddhist-Era years that have receipts."""

    year = SelectField(
        _l("Year (Buddhist Era)"), coerce=int, validators=[InputRequired()], validate_choice=True
    )

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [(y, str(y)) for y in years]

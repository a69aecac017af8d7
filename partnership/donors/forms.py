"""Forms of the donors feature: a campaign update, and the erasure confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import BaseForm


class CampaignUpdateForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=5000)])


class EraseForm(BaseForm):
    confirm = BooleanField(
        _l("Yes, remove my name, e-mail address and messages"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )

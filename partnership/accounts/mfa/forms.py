"""Second-factor forms: each validates its own input and never saves."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ...core.forms import BaseForm

ONE_TIME_CODE = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}


class CodeForm(BaseForm):
    """The second step: a code from the app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("The 6 digits your authenticator app shows now, or one recovery code."),
        render_kw=ONE_TIME_CODE,
    )


class TotpEnrolForm(BaseForm):
    code = StringField(
        _l("The 6-digit code the app shows"),
        validators=[DataRequired(), Length(max=16)],
        render_kw=ONE_TIME_CODE | {"inputmode": "numeric"},
    )
    name = StringField(
        _l("Name (optional)"),
        validators=[Optional(), Length(max=80)],
        description=_l("For example: my phone"),
    )


class NameForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])

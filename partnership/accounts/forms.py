"""Account forms: each validates its own input and never saves."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..core.forms import BaseForm, coerce_id
from .passwords import MAX_LENGTH, password_problem

#: What a browser or password manager may fill in (the HTML autocomplete tokens).
EMAIL = {"autocomplete": "email"}
NAME = {"autocomplete": "name"}
CURRENT_PASSWORD = {"autocomplete": "current-password"}
NEW_PASSWORD = {"autocomplete": "new-password"}


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)], render_kw=EMAIL)
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw=CURRENT_PASSWORD,
    )


def _check_password(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), _check_password],
        description=_l("At least 8 characters; not a common password."),
        render_kw=NEW_PASSWORD,
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw=NEW_PASSWORD,
    )


class RegisterForm(BaseForm):
    """Name and address only: the password is chosen from the mailed link (``accounts.confirm``).

    No check that the address is free: the answer must not tell a stranger who has an account.
    """

    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120)], render_kw=NAME
    )
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], render_kw=EMAIL
    )


class PasswordChangeForm(NewPasswordMixin, BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw=CURRENT_PASSWORD
    )


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], render_kw=EMAIL
    )


class ResetForm(NewPasswordMixin, BaseForm):
    pass


class ProfileForm(BaseForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120)], render_kw=NAME
    )
    locale = SelectField(_l("Language"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not in the field: WTForms 3.3 deprecates tuple choices given to the field.
        self.locale.choices = [("th", "ไทย"), ("en", "English")]


class JoinForm(BaseForm):
    """Ask to act for a school (by its code) or for an organisation."""

    kind = SelectField(_l("I work for"))
    school_code = StringField(
        _l("School code"),
        validators=[Length(max=10)],
        description=_l("The 10-digit code of the Ministry of Education."),
    )
    organisation_id = SelectField(_l("Organisation"), coerce=coerce_id, validate_choice=False)
    position = StringField(_l("Your position"), validators=[DataRequired(), Length(max=120)])
    message = TextAreaField(_l("Message to the staff"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            ("school", _l("a school")),
            ("organisation", _l("a sponsor organisation")),
        ]


class DecisionForm(BaseForm):
    reason = TextAreaField(_l("Reason (sent to the person)"), validators=[Length(max=2000)])


class AccessReasonForm(BaseForm):
    """Why staff end a membership or deactivate (or reactivate) an account."""

    reason = TextAreaField(
        _l("Reason (recorded and sent to the person)"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )

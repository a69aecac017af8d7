"""Forms of public sessions: anyone's registration, the registrant's cancellation, staff's
session details."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, StringField, TextAreaField, URLField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ...core.forms import BaseForm, YearRange, no_bidi_controls
from ...i18n import BANGKOK
from .models import PublicSession
from .services import SESSION_FIELDS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
YEARS = (2000, 2100)


def bangkok_to_utc(local: datetime) -> datetime:
    """A naive wall-clock time typed in Bangkok, as an aware UTC datetime."""
    return local.replace(tzinfo=BANGKOK).astimezone(UTC)


def utc_to_bangkok_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BANGKOK).replace(tzinfo=None)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RegistrationForm(BaseForm):
    """Name, e-mail address and organisation: all a public session asks."""

    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=200), no_bidi_controls],
        filters=[_strip],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address such as name@example.com.")),
            Length(max=254),
        ],
        filters=[_strip],
        description=_l("The confirmation with the link to the meeting is sent here."),
        render_kw={"autocomplete": "email"},
    )
    organisation = StringField(
        _l("Organisation"),
        validators=[Optional(), Length(max=300), no_bidi_controls],
        filters=[_strip],
        render_kw={"autocomplete": "organization"},
    )


class CancelRegistrationForm(BaseForm):
    """The button on the cancel link's page (the link itself changes nothing)."""


def _when(label):
    return DateTimeLocalField(
        label,
        format=DATETIME_FORMATS,
        validators=[InputRequired(_l("Enter a date and time.")), YearRange(*YEARS)],
    )


def _url(label, description=None):
    return URLField(
        label,
        validators=[
            Optional(),
            URL(message=_l("Enter a web address (https://…).")),
            Length(max=500),
        ],
        filters=[_strip],
        description=description,
    )


class PublicSessionForm(BaseForm):
    """Staff's details of a meeting's public session (times in Bangkok)."""

    title_th = StringField(
        _l("Title in Thai"), validators=[DataRequired(), Length(max=300)], filters=[_strip]
    )
    title_en = StringField(
        _l("Title in English"), validators=[Optional(), Length(max=300)], filters=[_strip]
    )
    description_th = TextAreaField(
        _l("Description in Thai"), validators=[Optional(), Length(max=5000)]
    )
    description_en = TextAreaField(
        _l("Description in English"), validators=[Optional(), Length(max=5000)]
    )
    starts_at = _when(_l("Starts (Bangkok time)"))
    ends_at = _when(_l("Ends (Bangkok time)"))
    capacity = IntegerField(
        _l("Places"),
        validators=[InputRequired(), NumberRange(min=1, max=100_000)],
        description=_l("Registrations beyond this join the waiting list."),
    )
    registration_opens_at = _when(_l("Registration opens (Bangkok time)"))
    registration_closes_at = _when(_l("Registration closes (Bangkok time)"))
    meeting_url = _url(
        _l("Link to join the meeting"),
        _l("Sent only to those with a place, in their confirmation e-mail."),
    )
    stream_url_th = _url(_l("Live stream in Thai"))
    stream_url_en = _url(_l("Live stream in English"))

    def fill_from(self, session: PublicSession) -> None:
        for name in SESSION_FIELDS:
            value = getattr(session, name)
            if name.endswith("_at"):
                value = utc_to_bangkok_naive(value)
            getattr(self, name).data = value

    def values(self) -> dict:
        found = {}
        for name in SESSION_FIELDS:
            value = getattr(self, name).data
            if name.endswith("_at"):
                value = bangkok_to_utc(value)
            elif isinstance(value, str) or value is None:
                value = (value or "").strip()
            found[name] = value
        return found

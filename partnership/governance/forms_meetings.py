"""The forms of running a meeting: schedule or change it, its agenda and papers, who came,
its resolutions and its invitations. Forms validate; the services save."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import BaseForm, YearRange, coerce_id, no_bidi_controls
from ..i18n import BANGKOK
from ..registry.models import Sector
from .models import AgendaKind, AttendanceStatus, Outcome, Visibility

#: Meetings are dated within these years (Gregorian): outside them it is a typo.
MEETING_YEARS = (2000, 2100)


def _http_only(form, field) -> None:
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_l("The link must start with https:// or http://."))


def bangkok(day, clock) -> datetime:
    """A day and a wall-clock time in Bangkok, as an aware UTC datetime."""
    return datetime.combine(day, clock).replace(tzinfo=BANGKOK).astimezone(UTC)


class MeetingForm(BaseForm):
    """Schedule a meeting or change a scheduled one (times typed in Bangkok time)."""

    title_th = StringField(
        _l("Title in Thai"),
        validators=[Optional(), Length(max=300), no_bidi_controls],
        description=_l("Optional: what the meeting is mainly about."),
    )
    title_en = StringField(
        _l("Title in English"), validators=[Optional(), Length(max=300), no_bidi_controls]
    )
    day = DateField(
        _l("Date"),
        validators=[InputRequired(_l("Enter the meeting's date.")), YearRange(*MEETING_YEARS)],
    )
    starts = TimeField(
        _l("Starts at (Bangkok time)"), validators=[InputRequired(_l("Enter the time."))]
    )
    ends = TimeField(_l("Ends at (Bangkok time)"), validators=[Optional()])
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=300), no_bidi_controls],
        description=_l("A room and building; leave empty for a meeting held only online."),
    )
    online_platform = StringField(
        _l("Online platform"),
        validators=[Optional(), Length(max=100)],
        description=_l("Zoom, Microsoft Teams, Google Meet …"),
    )
    online_url = StringField(
        _l("Link to join online"),
        validators=[Optional(), Length(max=500), URL(), _http_only],
        render_kw={"inputmode": "url", "autocomplete": "off"},
    )
    visibility = SelectField(_l("Who sees it"), default=Visibility.MEMBERS.value)
    chair = SelectField(_l("Chair"), coerce=coerce_id, default=0)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.visibility.choices = Visibility.choices()
        self.chair.choices = [(0, _l("The body's chair"))] + [
            (m.id, f"{m.person_name} ({m.role.label})") for m in members
        ]

    def validate_ends(self, field) -> None:
        if (
            field.data is not None
            and self.starts.data is not None
            and field.data <= self.starts.data
        ):
            raise ValidationError(_l("The meeting must end after it starts."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.online_url.data or "").strip() and not (self.place.data or "").strip():
            if not self.place.errors:
                self.place.errors = [
                    *self.place.errors,
                    _l("Give a place, an online link, or both."),
                ]
            valid = False
        return valid

    def values(self) -> dict:
        """What the services take (times in UTC)."""
        return {
            "starts_at": bangkok(self.day.data, self.starts.data),
            "ends_at": bangkok(self.day.data, self.ends.data) if self.ends.data else None,
            "place": self.place.data or "",
            "online_platform": self.online_platform.data or "",
            "online_url": self.online_url.data or "",
            "visibility": Visibility(self.visibility.data),
            "title_th": self.title_th.data or "",
            "title_en": self.title_en.data or "",
        }


class AgendaItemForm(BaseForm):
    """One item at the end of the agenda."""

    kind = SelectField(_l("Kind"), default=AgendaKind.CONSIDERATION.value)
    label = StringField(
        _l("Number on the agenda"),
        validators=[Optional(), Length(max=20)],
        description=_l('As the agenda prints it, e.g. "4.1"; empty: its position.'),
    )
    title_th = StringField(
        _l("Title in Thai"),
        validators=[DataRequired(_l("Give the item's title in Thai.")), Length(max=500)],
    )
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=500)])
    details_th = TextAreaField(_l("Details in Thai"), validators=[Optional(), Length(max=10000)])
    details_en = TextAreaField(_l("Details in English"), validators=[Optional(), Length(max=10000)])
    proposed_by_sector = SelectField(_l("Put forward by a sector"), default="")
    proposed_by_organisation = SelectField(
        _l("Put forward by an organisation"), coerce=coerce_id, default=0
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = AgendaKind.choices()
        self.proposed_by_sector.choices = [("", _l("— none —"))] + Sector.choices()
        self.proposed_by_organisation.choices = [(0, _l("— none —"))] + [
            (o.id, o.name) for o in organisations
        ]

    def values(self) -> dict:
        return {
            "kind": AgendaKind(self.kind.data),
            "label": self.label.data or "",
            "title_th": self.title_th.data or "",
            "title_en": self.title_en.data or "",
            "details_th": self.details_th.data or "",
            "details_en": self.details_en.data or "",
            "proposed_by_sector": Sector(self.proposed_by_sector.data)
            if self.proposed_by_sector.data
            else None,
            "proposed_by_organisation_id": self.proposed_by_organisation.data or None,
        }


class PaperForm(BaseForm):
    """A file for an agenda item."""

    paper = FileField(
        _l("Add a file"),
        description=_l("A PDF, JPEG or PNG file."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )


#: What the secretary may record for an invited member (an observer is added apart).
MEMBER_STATUSES = (
    AttendanceStatus.INVITED,
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


def attendance_form(rows, formdata=None):
    """One select per invited member (``row-<attendance id>``), built for this meeting."""

    class AttendanceForm(BaseForm):
        pass

    for row in rows:
        setattr(
            AttendanceForm,
            f"row-{row.id}",
            SelectField(row.member.person_name, default=row.status.value),
        )
    form = AttendanceForm(formdata=formdata) if formdata is not None else AttendanceForm()
    for row in rows:
        form[f"row-{row.id}"].choices = [(s.value, s.label) for s in MEMBER_STATUSES]
    return form


class ObserverForm(BaseForm):
    """Someone present without a seat."""

    person_name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the observer's name.")), Length(max=200)],
    )
    organisation_name = StringField(
        _l("Their organisation"), validators=[Optional(), Length(max=300)]
    )


class ResolutionForm(BaseForm):
    """The meeting's resolution on one item."""

    outcome = SelectField(_l("Outcome"), default=Outcome.APPROVED.value)
    text_th = TextAreaField(
        _l("Resolution in Thai"),
        validators=[DataRequired(_l("Give the resolution's text in Thai.")), Length(max=10000)],
    )
    text_en = TextAreaField(_l("Resolution in English"), validators=[Optional(), Length(max=10000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = Outcome.choices()

"""Staff forms for campaigns, and the public list's filters."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import BaseForm, QueryForm
from ..i18n import BANGKOK
from .models import FundingRule


def bangkok_day_start(day) -> datetime:
    """00:00 in Bangkok on ``day``, as UTC."""
    return datetime.combine(day, time(), tzinfo=BANGKOK).astimezone(UTC)


class CampaignForm(BaseForm):
    """Create or edit a campaign: the public title and story, the days it runs."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    story = TextAreaField(
        _l("Story"),
        validators=[Optional(), Length(max=20000)],
        description=_l(
            "Why the school needs this, in its own words. Blank lines start paragraphs."
        ),
    )
    starts_on = DateField(
        _l("First day (Bangkok)"), validators=[InputRequired(_l("Enter a date."))]
    )
    ends_on = DateField(
        _l("Last day (Bangkok)"),
        validators=[InputRequired(_l("Enter a date."))],
        description=_l("Gifts are accepted until midnight at the end of this day."),
    )

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    @property
    def starts_at(self) -> datetime:
        return bangkok_day_start(self.starts_on.data)

    @property
    def ends_at(self) -> datetime:
        return bangkok_day_start(self.ends_on.data + timedelta(days=1))


class PhotoForm(BaseForm):
    photo = FileField(_l("Photo (JPEG or PNG)"), validators=[DataRequired(_l("Choose a photo."))])
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=300)])


class FundingRuleForm(BaseForm):
    rule = SelectField(_l("Funding rule"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule.choices = FundingRule.choices()


SORTS = {
    "ending": _l("Ending soon"),
    "nearly": _l("Nearly funded"),
    "newest": _l("Newest"),
}


class CampaignFilterForm(QueryForm):
    """The public list's search and filters (GET, no CSRF)."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    programme = SelectField(_l("Programme"), choices=[], validators=[Optional()])
    province = SelectField(_l("Province"), choices=[], validators=[Optional()])
    sort = SelectField(_l("Show first"), choices=[], validators=[Optional()])

    def __init__(self, *args, programmes=(), provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = [("", _l("All programmes"))] + list(programmes)
        self.province.choices = [("", _l("All provinces"))] + list(provinces)
        self.sort.choices = list(SORTS.items())

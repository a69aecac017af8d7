"""Registry forms: schools, yearly figures, organisations, partnerships, network decisions."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..core.forms import BaseForm, QueryForm, YearRange, coerce_id
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, current_academic_year, current_language
from .models import (
    Affiliation,
    Organisation,
    OrganisationKind,
    PartnershipRole,
    School,
    Sector,
    grade_choices,
)
from .provinces import PROVINCES_BY_CODE, province_choices

SCHOOL_CODE_RE = re.compile(r"^\d{8}(\d{2})?$")
MAX_PUPILS = 20_000
MAX_TEACHERS = 2_000
#: The years a partnership may start or end in.
PARTNERSHIP_YEARS = (1900, 2100)


def _grade_choices() -> list[tuple[int, str]]:
    return grade_choices(current_language())


class SchoolForm(BaseForm):
    """Create (staff) or edit a school's profile; ``school`` is the one being edited."""

    code = StringField(
        _l("School code"),
        validators=[DataRequired(), Length(max=10)],
        description=_l("10 digits, as in the Ministry of Education's register."),
    )
    name_th = StringField(_l("Name in Thai"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    province_code = SelectField(_l("Province"), validators=[DataRequired()], validate_choice=True)
    district = StringField(_l("District"), validators=[DataRequired(), Length(max=100)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    affiliation = SelectField(_l("Affiliation"), validators=[DataRequired()])
    min_grade = SelectField(_l("Lowest grade taught"), coerce=int)
    max_grade = SelectField(_l("Highest grade taught"), coerce=int)
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)]
    )
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])

    def __init__(self, *args, school: School | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.province_code.choices = [("", _l("Choose a province"))] + province_choices(
            current_language()
        )
        self.affiliation.choices = Affiliation.choices()
        self.min_grade.choices = self.max_grade.choices = _grade_choices()

    def validate_code(self, field) -> None:
        field.data = (field.data or "").strip()
        if not SCHOOL_CODE_RE.match(field.data):
            raise ValidationError(_l("A school code is 10 digits (or 8 in older registers)."))
        query = db.select(School.id).where(School.code == field.data)
        if self.school is not None:
            query = query.where(School.id != self.school.id)
        if db.session.scalar(query) is not None:
            raise ValidationError(_l("Another school already has this code."))

    def validate_province_code(self, field) -> None:
        if field.data not in PROVINCES_BY_CODE:
            raise ValidationError(_l("Choose one of Thailand's 77 provinces."))

    def validate_max_grade(self, field) -> None:
        if self.min_grade.data is not None and field.data < self.min_grade.data:
            raise ValidationError(_l("The highest grade cannot be below the lowest."))


class YearStatForm(BaseForm):
    """Pupils and teachers for one academic year."""

    academic_year = IntegerField(
        _l("Academic year (B.E.)"),
        validators=[InputRequired(), NumberRange(min=2500, max=2700)],
        description=_l("The year the academic year starts in May, e.g. 2569."),
    )
    pupils = IntegerField(
        _l("Pupils"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=0, max=MAX_PUPILS, message=_l("Enter 0 to %(max)d.")),
        ],
    )
    teachers = IntegerField(
        _l("Teachers"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=0, max=MAX_TEACHERS, message=_l("Enter 0 to %(max)d.")),
        ],
    )

    def validate_academic_year(self, field) -> None:
        if (
            field.data is not None
            and field.data - BUDDHIST_ERA_OFFSET > current_academic_year() + 1
        ):
            raise ValidationError(_l("This academic year has not started yet."))


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    sector = SelectField(_l("Sector"), validators=[DataRequired()])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    description = TextAreaField(_l("About"), validators=[Optional(), Length(max=4000)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)]
    )
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.kind.choices = OrganisationKind.choices()
        self.sector.choices = Sector.choices()

    def validate_name(self, field) -> None:
        field.data = (field.data or "").strip()
        query = db.select(Organisation.id).where(Organisation.name == field.data)
        if self.organisation is not None:
            query = query.where(Organisation.id != self.organisation.id)
        if db.session.scalar(query) is not None:
            raise ValidationError(_l("An organisation with this name is already registered."))


class PartnershipForm(BaseForm):
    organisation_id = SelectField(_l("Organisation"), coerce=coerce_id)
    school_code = StringField(_l("School code"), validators=[DataRequired(), Length(max=10)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    started_on = DateField(
        lazy_pgettext("start date", "From"),
        validators=[InputRequired(_l("Enter a date.")), YearRange(*PARTNERSHIP_YEARS)],
    )
    ended_on = DateField(
        _l("Until (leave empty if ongoing)"), validators=[Optional(), YearRange(*PARTNERSHIP_YEARS)]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = PartnershipRole.choices()
        organisations = db.session.scalars(
            db.select(Organisation)
            .where(Organisation.kind != OrganisationKind.VENDOR)  # a supplier is no partner
            .order_by(Organisation.name)
        )
        self.organisation_id.choices = [(o.id, o.name) for o in organisations]
        self.school: School | None = None

    def validate_school_code(self, field) -> None:
        self.school = db.session.scalar(
            db.select(School).where(School.code == (field.data or "").strip())
        )
        if self.school is None:
            raise ValidationError(_l("No school has this code."))

    def validate_ended_on(self, field) -> None:
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class NetworkDecisionForm(BaseForm):
    note = TextAreaField(_l("Note to the school"), validators=[Optional(), Length(max=2000)])


class NetworkApplicationForm(SchoolForm):
    """A new school applies to join the network (the applicant becomes its staff contact)."""

    position = StringField(_l("Your position"), validators=[DataRequired(), Length(max=120)])
    pupils = IntegerField(
        _l("Pupils this year"),
        validators=[InputRequired(_l("Enter a whole number.")), NumberRange(min=0, max=MAX_PUPILS)],
    )
    teachers = IntegerField(
        _l("Teachers this year"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(min=0, max=MAX_TEACHERS),
        ],
    )
    motivation = TextAreaField(
        _l("Why does your school want to join?"), validators=[DataRequired(), Length(max=4000)]
    )


class SchoolSearchForm(QueryForm):
    """The school list's search box and filters (the template draws the choices)."""

    q = SearchField(_l("Search"))
    province = StringField()
    region = StringField()
    status = StringField()
    partner = StringField()


class OrganisationSearchForm(QueryForm):
    """The organisation list's search box and filters."""

    q = SearchField(_l("Search"))
    sector = StringField()
    kind = StringField()

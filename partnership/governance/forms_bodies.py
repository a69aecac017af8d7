"""Forms of managing bodies and members (staff) and of linking a resolution to the records it
decided (the secretary or staff). Forms validate, never save."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.services import find_user
from ..core.forms import BaseForm, YearRange, coerce_id, no_bidi_controls
from ..i18n import current_language
from ..registry.models import Sector
from ..registry.provinces import province_choices
from .citations import label
from .models import BodyKind, LinkKind, MemberRole

DAYS = YearRange(1950, 2200)


def resolution_choices(resolutions) -> list[tuple[int, str]]:
    """(id, "Resolution of …, meeting 1/2564, item 4.5: title") for a select, none first."""
    lang = current_language()
    return [(0, _l("No resolution"))] + [
        (r.id, f"{label(r, lang)}: {r.agenda_item.display_title(lang)}"[:200]) for r in resolutions
    ]


class BodyForm(BaseForm):
    """Create or edit a body."""

    kind = SelectField(_l("Kind of body"), choices=[])
    name_th = StringField(
        _l("Name of the body (Thai)"),
        validators=[DataRequired(), Length(max=300), no_bidi_controls],
    )
    name_en = StringField(
        _l("Name of the body (English)"), validators=[Optional(), Length(max=300), no_bidi_controls]
    )
    purpose_th = TextAreaField(_l("Purpose (Thai)"), validators=[Optional(), Length(max=5000)])
    purpose_en = TextAreaField(_l("Purpose (English)"), validators=[Optional(), Length(max=5000)])
    parent_id = SelectField(_l("Reports to"), coerce=coerce_id)
    province_code = SelectField(
        _l("Province"),
        choices=[],
        description=_l("Only for a provincial assembly."),
    )
    quorum_percent = IntegerField(
        _l("Quorum (percent of the sitting members)"),
        default=50,
        validators=[
            InputRequired(),
            NumberRange(min=1, max=100, message=_l("Enter a percentage from 1 to 100.")),
        ],
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.kind.choices = BodyKind.choices()
        self.parent_id.choices = [(0, _l("No parent body"))] + [
            (b.id, b.display_name(lang)) for b in parents
        ]
        self.province_code.choices = [("", _l("No province"))] + province_choices(lang)

    def validate_province_code(self, field):
        if self.kind.data == BodyKind.PROVINCIAL_ASSEMBLY.value and not field.data:
            raise ValidationError(_l("Choose the province of a provincial assembly."))


class DissolveForm(BaseForm):
    dissolved_on = DateField(
        _l("Dissolved on"), validators=[InputRequired(_l("Enter a date.")), DAYS]
    )


class MemberForm(BaseForm):
    """Appoint a person to a body."""

    person_name = StringField(
        _l("Name of the person"),
        validators=[DataRequired(), Length(max=200), no_bidi_controls],
        description=_l("With their title, as the minutes name them."),
    )
    position = StringField(
        _l("Position (printed after the name)"),
        validators=[Optional(), Length(max=300), no_bidi_controls],
    )
    account_email = EmailField(
        _l("Account (e-mail, optional)"),
        validators=[Optional(), Length(max=254)],
        description=_l("If the person has an account: members see members-only meetings."),
    )
    email = EmailField(
        _l("E-mail for invitations (optional)"),
        validators=[Optional(), Length(max=254), Email()],
        description=_l("Leave empty to use the account's e-mail."),
    )
    organisation_id = SelectField(_l("Organisation"), coerce=coerce_id)
    sector = SelectField(_l("Sector"), choices=[])
    role = SelectField(_l("Role"), choices=[])
    starts_on = DateField(
        _l("Term starts on"), validators=[InputRequired(_l("Enter a date.")), DAYS]
    )
    resolution_id = SelectField(_l("Appointed by resolution"), coerce=coerce_id)

    def __init__(self, *args, organisations, resolutions, **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.organisation_id.choices = [(0, _l("No organisation"))] + [
            (o.id, o.display_name(lang)) for o in organisations
        ]
        self.sector.choices = Sector.choices()
        self.role.choices = MemberRole.choices()
        self.resolution_id.choices = resolution_choices(resolutions)
        self.user = None

    def validate_account_email(self, field):
        if field.data and field.data.strip():
            self.user = find_user(field.data.strip())
            if self.user is None:
                raise ValidationError(
                    _l("No account has this e-mail address: leave it empty if the person has none.")
                )


class EndTermForm(BaseForm):
    """End a member's term."""

    ends_on = DateField(_l("Term ends on"), validators=[InputRequired(_l("Enter a date.")), DAYS])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("For example: resigned, replaced, moved to another post."),
    )
    resolution_id = SelectField(_l("Ended by resolution"), coerce=coerce_id)

    def __init__(self, *args, resolutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolution_id.choices = resolution_choices(resolutions)


class RoleForm(BaseForm):
    """Give a member a new role: the old term ends and a new one starts."""

    role = SelectField(_l("New role"), choices=[])
    starts_on = DateField(
        _l("New role from"), validators=[InputRequired(_l("Enter a date.")), DAYS]
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    resolution_id = SelectField(_l("Decided by resolution"), coerce=coerce_id)

    def __init__(self, *args, resolutions, current_role: MemberRole, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [
            (v, text) for v, text in MemberRole.choices() if v != current_role.value
        ]
        self.resolution_id.choices = resolution_choices(resolutions)


class AdmitSchoolsForm(BaseForm):
    """Admit schools that applied to the network by this resolution."""

    school_ids = SelectMultipleField(
        _l("Schools that applied to the network"),
        coerce=coerce_id,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(_l("Choose at least one school."))],
    )

    def __init__(self, *args, applicants, **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.school_ids.choices = [
            (s.id, f"{s.display_name(lang)} ({s.province_name(lang)})") for s in applicants
        ]


class LinkSchoolForm(BaseForm):
    """Link a school already in the network, by its code."""

    code = StringField(
        _l("School code"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The school's 10-digit code (for a school already admitted)."),
    )


class LinkProgrammeForm(BaseForm):
    """The resolution opened a programme, or named its scoring committee."""

    programme_id = SelectField(_l("Programme"), coerce=coerce_id)
    kind = SelectField(_l("What the resolution decided"), choices=[])

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.programme_id.choices = [(p.id, p.display_name(lang)) for p in programmes]
        self.kind.choices = [
            (LinkKind.PROGRAMME_OPENED.value, LinkKind.PROGRAMME_OPENED.label),
            (LinkKind.COMMITTEE_NAMED.value, LinkKind.COMMITTEE_NAMED.label),
        ]

"""Review forms: committee, conflicts, assignment, the score sheet, reopen and decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..accounts.services import find_user
from ..applications.models import ApplicationState
from ..core.forms import BaseForm, coerce_id
from ..i18n import current_language
from ..registry.models import Organisation, Sector

REASON_MAX = 2000
COMMENT_MAX = 4000


class AppointMemberForm(BaseForm):
    """Name a registered person to the committee."""

    email = StringField(
        _l("E-mail of the person"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("They must already have an account."),
    )
    organisation_id = SelectField(_l("Organisation they sit for"), coerce=coerce_id)
    sector = SelectField(
        _l("Sector"), description=_l("Leave as is to use the organisation's sector.")
    )
    is_chair = BooleanField(_l("Chair of the committee"))

    def __init__(self, *args, organisations: list[Organisation], member_user_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.organisation_id.choices = [(0, _l("None"))] + [
            (o.id, o.display_name(lang)) for o in organisations
        ]
        self.sector.choices = [("", _l("The organisation's sector"))] + Sector.choices()
        self.member_user_ids = set(member_user_ids)
        self.user = None

    def validate_email(self, field):
        self.user = find_user(field.data.strip())
        if self.user is None:
            raise ValidationError(_l("No account has this e-mail address."))
        if self.user.id in self.member_user_ids:
            raise ValidationError(_l("This person is already on the committee."))

    def validate_sector(self, field):
        if not field.data and not self.organisation_id.data:
            raise ValidationError(_l("Choose an organisation or a sector."))


class ConflictForm(BaseForm):
    """A member declares a conflict with one application."""

    reason = TextAreaField(
        _l("Why you cannot review this application"),
        validators=[DataRequired(_l("Give the reason for the conflict.")), Length(max=REASON_MAX)],
        description=_l("For example: a relative works at the school. Staff can read this."),
    )


class StaffConflictForm(ConflictForm):
    """Staff record a conflict for any member and application of the programme."""

    member_id = SelectField(_l("Committee member"), coerce=coerce_id)
    application_id = SelectField(_l("Application"), coerce=coerce_id)

    def __init__(self, *args, members, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_id.choices = [(m.id, m.user.name) for m in members]
        self.application_id.choices = [(a.id, f"#{a.id} {a.title}") for a in applications]
        self.reason.label.text = _l("Reason")


class ManualAssignForm(BaseForm):
    member_id = SelectField(_l("Committee member"), coerce=coerce_id)
    application_id = SelectField(_l("Application"), coerce=coerce_id)

    def __init__(self, *args, members, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_id.choices = [(m.id, f"{m.user.name} ({m.sector.label})") for m in members]
        self.application_id.choices = [(a.id, f"#{a.id} {a.title}") for a in applications]


class ReasonForm(BaseForm):
    """Staff reopen a submitted review."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)])


class DecisionForm(BaseForm):
    decision = SelectField(_l("Decision"))
    reason = TextAreaField(
        _l("Reason for the school"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        description=_l("The school reads this with the decision."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [
            (ApplicationState.APPROVED.value, _l("Approve")),
            (ApplicationState.WAITLISTED.value, _l("Waitlist")),
            (ApplicationState.REJECTED.value, _l("Reject")),
        ]


class PublishForm(BaseForm):
    """Publish the decisions; a reason is needed only to publish while reviews are missing."""

    override_reason = TextAreaField(
        _l("Reason to publish although reviews are missing"),
        validators=[Optional(), Length(max=REASON_MAX)],
        description=_l(
            "Kept in the programme's history; the schools concerned are told how "
            "many reviews their score rests on."
        ),
    )


class ScoreSheetForm(BaseForm):
    """The score sheet: one integer 0..max per criterion, optional comments, overall comment.

    Built per programme by ``score_sheet_form``; a draft may leave scores empty, submitting
    needs all of them."""

    overall_comment = TextAreaField(
        _l("Overall comment"), validators=[Optional(), Length(max=COMMENT_MAX)]
    )

    def __init__(self, *args, criteria=(), submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submitting = submitting

    def score_field(self, criterion):
        return self[f"score_{criterion.id}"]

    def comment_field(self, criterion):
        return self[f"comment_{criterion.id}"]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.submitting:
            for criterion in self.criteria:
                field = self.score_field(criterion)
                if field.data is None and not field.errors:
                    field.errors.append(str(_l("Give a score to submit the review.")))
                    ok = False
        return ok

    def scores(self) -> dict[int, int | None]:
        return {c.id: self.score_field(c).data for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.id: self.comment_field(c).data or "" for c in self.criteria}


def score_sheet_form(criteria, lang: str, *, submitting=False, **kwargs) -> ScoreSheetForm:
    """A ScoreSheetForm class with a score and a comment field per criterion."""

    class Sheet(ScoreSheetForm):
        pass

    for criterion in criteria:
        setattr(
            Sheet,
            f"score_{criterion.id}",
            IntegerField(
                criterion.label(lang),
                validators=[
                    Optional(),
                    NumberRange(
                        min=0,
                        max=criterion.max_score,
                        message=_l("Enter a whole number from %(min)s to %(max)s."),
                    ),
                ],
                description=criterion.guidance,
                render_kw={"min": 0, "max": criterion.max_score, "step": 1, "inputmode": "numeric"},
            ),
        )
        setattr(
            Sheet,
            f"comment_{criterion.id}",
            TextAreaField(_l("Comment"), validators=[Optional(), Length(max=COMMENT_MAX)]),
        )
    return Sheet(criteria=criteria, submitting=submitting, **kwargs)

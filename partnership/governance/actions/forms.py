"""Forms of action items: give one out from a resolution (the secretary, staff), move it or add
a note (the owner, the secretary, staff)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, HiddenField, SelectField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from ...core.forms import BaseForm, YearRange
from .models import ActionStatus


class ActionItemForm(BaseForm):
    """What is to be done, by whom (a member, an organisation, or a person by e-mail), by when."""

    title_th = TextAreaField(
        _l("What is to be done (Thai)"), validators=[DataRequired(), Length(max=500)]
    )
    title_en = TextAreaField(
        _l("What is to be done (English)"), validators=[Optional(), Length(max=500)]
    )
    owner = SelectField(_l("Owner"), choices=[], default="")
    owner_email = EmailField(
        _l("Or a person's e-mail (an account on this site)"),
        validators=[Optional(), Length(max=254)],
    )
    due_on = DateField(
        _l("Due (Bangkok)"),
        validators=[InputRequired(_l("Enter a date.")), YearRange(2000, 2200)],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, members=(), organisations=(), lang: str = "th", **kwargs):
        super().__init__(*args, **kwargs)
        member_choices = [
            (f"m:{m.id}", f"{m.person_name} ({m.role.label}, {m.body.display_name(lang)})")
            for m in members
        ]
        org_choices = [
            (f"o:{o.id}", (o.name_en or o.name) if lang == "en" else o.name) for o in organisations
        ]
        self.owner.choices = [("", _l("Choose a member or an organisation"))]
        self.owner.choices += member_choices + org_choices

    def validate_owner(self, field) -> None:
        if field.data and self.owner_email.data:
            raise ValidationError(_l("Choose an owner or enter an e-mail, not both."))
        if not field.data and not self.owner_email.data:
            raise ValidationError(_l("Choose an owner, or enter the e-mail of a person."))

    def owner_choice(self) -> tuple[str, int] | None:
        """("m" | "o", id) of the chosen owner, or None when an e-mail names them."""
        if not self.owner.data:
            return None
        kind, _, number = self.owner.data.partition(":")
        return kind, int(number)


class MoveForm(BaseForm):
    """Move an action item, with a note."""

    to = HiddenField(validators=[AnyOf([s.value for s in ActionStatus])])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class NoteForm(BaseForm):
    """A note without a move (how far it got, a question)."""

    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=2000)])

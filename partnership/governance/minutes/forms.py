"""Forms of minutes: the text (edited while not approved) and the approval at a later meeting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ...core.forms import BaseForm, coerce_id, no_bidi_controls
from ..models import Outcome
from .services import APPROVING, MAX_TEXT


class MinutesForm(BaseForm):
    """The minutes' text; ``revision`` is the one the editor started from."""

    text_th = TextAreaField(
        _l("Minutes (Thai)"),
        validators=[DataRequired(), Length(max=MAX_TEXT), no_bidi_controls],
        render_kw={"rows": 24},
    )
    text_en = TextAreaField(
        _l("Minutes (English)"),
        validators=[Optional(), Length(max=MAX_TEXT), no_bidi_controls],
        render_kw={"rows": 12},
    )
    reason = StringField(
        _l("What you changed (for the history)"), validators=[Optional(), Length(max=500)]
    )
    revision = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)]
    )


class ApproveForm(BaseForm):
    """The later meeting's item and resolution that approve the minutes."""

    item_id = SelectField(_l("Agenda item of the later meeting"), coerce=coerce_id)
    outcome = SelectField(_l("Resolution"), choices=[], default="approved")
    text_th = TextAreaField(
        _l("Text of the resolution (Thai)"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Left empty: “The meeting approved the minutes of meeting …”."),
        render_kw={"rows": 3},
    )
    text_en = TextAreaField(
        _l("Text of the resolution (English)"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item_id.choices = [(item.id, item_choice(item)) for item in items]
        self.outcome.choices = [(o.value, o.label) for o in APPROVING]

    @property
    def outcome_value(self) -> Outcome:
        return Outcome(self.outcome.data)


def item_choice(item) -> str:
    """ "ครั้งที่ 2/2564 · วาระที่ 2: รับรองรายงานการประชุม ครั้งที่ 1/2564"."""
    return str(
        _l(
            "Meeting %(number)s, item %(item)s: %(title)s",
            number=item.meeting.number_label,
            item=item.number,
            title=item.title_th,
        )
    )

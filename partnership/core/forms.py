"""The base of every form: input no field may hold is refused before any other rule sees it.

Every form of the app derives from ``BaseForm`` (``SubForm`` for the rows of a ``FormField``,
``QueryForm`` for search boxes read from the query string). Their ``Meta.bind_field`` puts one
check in every field's validators, right after the ones that judge an empty field:

- a value that did not parse (not a number, not a date, not a choice) stops there, so no
  later rule meets the ``None`` it left behind;
- text with control characters (NUL and the like; a text area may hold tabs and line breaks)
  is a form error, before any query sees it.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Form, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from .form_messages import translations
from .inputs import DB_INT_MAX, has_bidi_controls, has_control_characters

CONTROL_CHARACTERS_MESSAGE = _l(
    "This field contained invisible control characters (such as NUL). They are removed now: "
    "check the text and send the form again."
)


def no_bidi_controls(form, field) -> None:
    """A validator for text printed on documents (names, addresses): no invisible direction
    controls, which would print the text in another order than the one stored."""
    if isinstance(field.data, str) and has_bidi_controls(field.data):
        raise ValidationError(
            _l(
                "Remove the invisible text-direction characters (U+202A to U+202E, U+2066 to "
                "U+2069, U+200E, U+200F) from this field: they change the order the text is "
                "printed in."
            )
        )


def _checked_first(form, field) -> None:
    """Stop at a value that did not parse, or that holds control characters."""
    values = [v for v in field.raw_data or () if isinstance(v, str)]
    multiline = isinstance(field, TextAreaField)
    refused = any(has_control_characters(v, multiline=multiline) for v in values)
    if refused:  # the form is shown again with what was typed, minus what cannot be shown
        field.raw_data = [_visible(v, multiline) for v in field.raw_data]
        if isinstance(field.data, str):
            field.data = _visible(field.data, multiline)
    if field.process_errors:
        raise StopValidation()  # the parse error already says what is wrong
    if refused:
        raise StopValidation(CONTROL_CHARACTERS_MESSAGE)


def _visible(value, multiline: bool):
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if not has_control_characters(ch, multiline=multiline))


_SAYS_WHETHER_REQUIRED = (InputRequired, DataRequired, Optional)


class _CheckedMeta:
    def get_translations(self, form):
        """WTForms' messages in the visitor's language (see ``form_messages``)."""
        return translations

    def bind_field(self, form, unbound_field, options):
        field = unbound_field.bind(form=form, **options)
        if isinstance(field, FieldList | FormField):  # their rows are checked themselves
            return field
        # After InputRequired/DataRequired/Optional (an empty field is theirs to judge), before
        # everything else.
        validators, at = list(field.validators), 0
        while at < len(validators) and isinstance(validators[at], _SAYS_WHETHER_REQUIRED):
            at += 1
        field.validators = [*validators[:at], _checked_first, *validators[at:]]
        return field


class BaseForm(FlaskForm):
    """A form posted by a page (with its CSRF token)."""

    class Meta(_CheckedMeta):
        pass


class SubForm(Form):
    """One row of a ``FieldList(FormField(...))`` (budget lines, rubric criteria)."""

    class Meta(_CheckedMeta):
        pass


class QueryForm(BaseForm):
    """Search and filters read from the query string: no CSRF token, never saves."""

    class Meta:
        csrf = False

    def value(self, name: str, max_length: int = 100) -> str:
        """What the visitor asked for in field ``name``; '' when it was refused (ignored)."""
        field = self[name]
        return "" if field.errors else (field.data or "")[:max_length]


def coerce_id(value) -> int:
    """``coerce`` for a select of row ids: 0 (none chosen) to ``DB_INT_MAX``, else not a choice."""
    number = value if isinstance(value, int) else int(str(value).strip())
    if not 0 <= number <= DB_INT_MAX:
        raise ValueError("not an id")
    return number


class YearRange:
    """A date or time between two years: outside them it is a typo (and year 1 cannot even be
    converted between time zones)."""

    def __init__(self, first: int, last: int):
        self.first, self.last = first, last

    def __call__(self, form, field) -> None:
        value = field.data
        if isinstance(value, date | datetime) and not self.first <= value.year <= self.last:
            raise ValidationError(
                _l("Enter a year from %(first)d to %(last)d.", first=self.first, last=self.last)
            )


@lru_cache(maxsize=512)
def _select_html(name: str, choices: tuple, attrs: tuple) -> Markup:
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'
        for value, label, selected in choices
    )
    extra = "".join(f' {key}="{escape(value)}"' for key, value in attrs)
    return Markup(f'<select id="{escape(name)}" name="{escape(name)}"{extra}>{options}</select>')


def quick_select(field, **attrs) -> Markup:
    """A single-choice select rendered once per (choices, selection): the same HTML as WTForms'
    widget, without its per-option cost on a public list page that draws 77 provinces."""
    choices = tuple(
        (str(choice.value), str(choice.label), bool(choice.selected))
        for choice in field.iter_choices()
    )
    return _select_html(field.name, choices, tuple(sorted(attrs.items())))

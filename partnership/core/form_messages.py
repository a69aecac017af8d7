"""WTForms' own messages in the visitor's language.

WTForms ships no Thai catalogue, so every form's ``Meta.get_translations`` returns
``translations`` below: each message WTForms can show is written here with ``_l`` (so it is
extracted into our catalogue and translated there), and WTForms' English text is the key. A
validator declared without a message (``DataRequired()``, ``Length(max=200)``) therefore speaks
Thai with no edit to the form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: WTForms' English message -> the same words, translatable. A plural message is keyed by its
#: singular form and holds (singular, plural): English keeps WTForms' wording exactly.
MESSAGES = {
    "This field is required.": _l("This field is required."),
    "Invalid input.": _l("Invalid input."),
    "Invalid email address.": _l("Invalid email address."),
    "Invalid URL.": _l("Invalid URL."),
    "Invalid UUID.": _l("Invalid UUID."),
    "Invalid IP address.": _l("Invalid IP address."),
    "Invalid Mac address.": _l("Invalid Mac address."),
    "Field must be equal to %(other_name)s.": _l("Field must be equal to %(other_name)s."),
    "Field must be at least %(min)d character long.": (
        _l("Field must be at least %(min)d character long."),
        _l("Field must be at least %(min)d characters long."),
    ),
    "Field cannot be longer than %(max)d character.": (
        _l("Field cannot be longer than %(max)d character."),
        _l("Field cannot be longer than %(max)d characters."),
    ),
    "Field must be exactly %(max)d character long.": (
        _l("Field must be exactly %(max)d character long."),
        _l("Field must be exactly %(max)d characters long."),
    ),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Field must be between %(min)d and %(max)d characters long."
    ),
    "Number must be at least %(min)s.": _l("Number must be at least %(min)s."),
    "Number must be at most %(max)s.": _l("Number must be at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l(
        "Number must be between %(min)s and %(max)s."
    ),
    "Date must be at least %(min)s.": _l("Date must be at least %(min)s."),
    "Date must be at most %(max)s.": _l("Date must be at most %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Date must be between %(min)s and %(max)s."),
    "Invalid value, must be one of: %(values)s.": _l("Invalid value, must be one of: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l(
        "Invalid value, can't be any of: %(values)s."
    ),
    "This field cannot be edited.": _l("This field cannot be edited."),
    "This field is disabled and cannot have a value.": _l(
        "This field is disabled and cannot have a value."
    ),
    "Not a valid choice.": _l("Not a valid choice."),
    "Invalid Choice: could not coerce.": _l("Invalid Choice: could not coerce."),
    "Choices cannot be None.": _l("Choices cannot be None."),
    "Not a valid integer value.": _l("Not a valid integer value."),
    "Not a valid decimal value.": _l("Not a valid decimal value."),
    "Not a valid float value.": _l("Not a valid float value."),
    "Not a valid date value.": _l("Not a valid date value."),
    "Not a valid datetime value.": _l("Not a valid datetime value."),
    "Not a valid time value.": _l("Not a valid time value."),
    "Not a valid week value.": _l("Not a valid week value."),
    "Invalid CSRF Token.": _l("Invalid CSRF Token."),
    "CSRF token missing.": _l("CSRF token missing."),
    "CSRF failed.": _l("CSRF failed."),
    "CSRF token expired.": _l("CSRF token expired."),
}


class _Translations:
    """The ``gettext``/``ngettext`` pair WTForms asks its meta for."""

    def gettext(self, string: str) -> str:
        message = MESSAGES.get(string)
        return string if message is None else str(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        message = MESSAGES.get(singular)
        if not isinstance(message, tuple):
            return singular if n == 1 else plural
        return str(message[0] if n == 1 else message[1])


translations = _Translations()

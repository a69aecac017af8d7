"""WTForms' own messages in the visitor's language.

WTForms ships no Thai catalogue, so every form's ``Meta.get_translations`` returns
``translations`` below: each message WTForms can show is written here with ``_l`` (so it is
extracted into our catalogue and translated there), and WTForms' English text is the key. A
validator declared without a message (``DataRequired()``, ``Length(max=200)``) therefore speaks
Thai with no edit to the form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: WTForms' English message -> ours. Plural messages are keyed by their singular form.
MESSAGES = {
    "This field is required.": _l("This field is required."),
    "Invalid input.": _l("Invalid input."),
    "Invalid email address.": _l("Invalid email address."),
    "Invalid URL.": _l("Invalid URL."),
    "Invalid UUID.": _l("Invalid UUID."),
    "Invalid IP address.": _l("Invalid IP address."),
    "Invalid Mac address.": _l("Invalid Mac address."),
    "Field must be equal to %(other_name)s.": _l("Field must be equal to %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Enter at least %(min)d characters."),
    "Field cannot be longer than %(max)d character.": _l("Enter at most %(max)d characters."),
    "Field must be exactly %(max)d character long.": _l("Enter exactly %(max)d characters."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Enter %(min)d to %(max)d characters."
    ),
    "Number must be at least %(min)s.": _l("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Enter a number of at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to %(max)s."),
    "Date must be at least %(min)s.": _l("Enter a date from %(min)s on."),
    "Date must be at most %(max)s.": _l("Enter a date up to %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Enter a date from %(min)s to %(max)s."),
    "Invalid value, must be one of: %(values)s.": _l("Choose one of: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("This value cannot be any of: %(values)s."),
    "This field cannot be edited.": _l("This field cannot be edited."),
    "This field is disabled and cannot have a value.": _l(
        "This field is disabled and cannot have a value."
    ),
    "Not a valid choice.": _l("Not a valid choice."),
    "Invalid Choice: could not coerce.": _l("Not a valid choice."),
    "Choices cannot be None.": _l("Not a valid choice."),
    "Not a valid integer value.": _l("Enter a whole number."),
    "Not a valid decimal value.": _l("Enter a number."),
    "Not a valid float value.": _l("Enter a number."),
    "Not a valid date value.": _l("Enter a valid date."),
    "Not a valid datetime value.": _l("Enter a valid date and time."),
    "Not a valid time value.": _l("Enter a valid time."),
    "Not a valid week value.": _l("Enter a valid week."),
    "Invalid CSRF Token.": _l("The form has expired: reload the page and send it again."),
    "CSRF token missing.": _l("The form has expired: reload the page and send it again."),
    "CSRF failed.": _l("The form has expired: reload the page and send it again."),
    "CSRF token expired.": _l("The form has expired: reload the page and send it again."),
}


class _Translations:
    """The ``gettext``/``ngettext`` pair WTForms asks its meta for."""

    def gettext(self, string: str) -> str:
        message = MESSAGES.get(string)
        return string if message is None else str(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        message = MESSAGES.get(singular)
        if message is None:
            return singular if n == 1 else plural
        return str(message)


translations = _Translations()

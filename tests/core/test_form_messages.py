"""Every form of the app, sent empty by a Thai visitor, answers in Thai (issue 16 item 7)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

import partnership
from partnership.core.forms import BaseForm, SubForm

THAI = re.compile("[\u0e00-\u0e7f]")


def _all_forms() -> list[type]:
    for module in pkgutil.walk_packages(partnership.__path__, "partnership."):
        # forms.py and its siblings (forms_bodies.py ...): the same set whatever ran before.
        if module.name.rpartition(".")[2].startswith("forms"):
            importlib.import_module(module.name)
    found, todo = set(), [BaseForm, SubForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


#: The context a form needs that an empty list cannot stand for.
PROGRAMME = SimpleNamespace(min_grade=1, max_grade=3, cap_satang=100_000_00)
CONTEXT = {
    "programme": PROGRAMME,
    "school": SimpleNamespace(min_grade=1, max_grade=6),
    "current_role": SimpleNamespace(value="member"),
}


def _context_for(form_class) -> dict:
    """The keyword-only context a form's constructor demands (empty lists, else ``CONTEXT``)."""
    params = inspect.signature(form_class.__init__).parameters.values()
    return {
        p.name: CONTEXT.get(p.name, [])
        for p in params
        if p.kind is p.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


FORMS = _all_forms()


def test_the_forms_are_found():
    assert len(FORMS) > 40


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_an_empty_form_in_thai_says_what_is_wrong_in_thai(app, form_class):
    with app.test_request_context("/", method="POST"):
        from flask import session

        session["locale"] = "th"
        form = form_class(formdata=MultiDict(), **_context_for(form_class))
        form.validate()
        english = [m for m in _messages(form.errors) if not THAI.search(m)]
    assert not english, f"English messages on a Thai form: {english}"


def test_a_required_field_and_a_length_speak_thai_and_english(app):
    from wtforms import StringField
    from wtforms.validators import DataRequired, Length

    class Probe(BaseForm):
        name = StringField(validators=[DataRequired()])
        code = StringField(validators=[Length(max=3)])

    for lang, required, long in (
        ("th", "โปรดกรอกช่องนี้", "โปรดกรอกไม่เกิน 3 ตัวอักษร"),
        ("en", "This field is required.", "Field cannot be longer than 3 characters."),
    ):
        with app.test_request_context("/", method="POST"), force_locale(lang):
            form = Probe(formdata=MultiDict({"code": "abcd"}))
            assert not form.validate()
            assert form.errors == {"name": [required], "code": [long]}

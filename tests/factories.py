"""Programme and application creators for the whole suite (imported by ``tests/conftest.py``).

``build_*`` make unsaved rows (for tests that add many in one commit); the ``make_*`` fixtures
build, add and commit. Each package sets its own defaults on top: tests/review wraps these
with a programme under review.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from flask import g

from partnership.applications.models import (
    Application,
    ApplicationState,
    Beneficiaries,
    BudgetLine,
)
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.programmes.models import Programme, ProgrammeState, RubricCriterion
from partnership.registry.models import GRADE_INDEX

P4, P6 = GRADE_INDEX["p4"], GRADE_INDEX["p6"]

#: One budget line: (item, unit price in satang, quantity).
NOTEBOOKS = (("โน้ตบุ๊ก", 1_499_050, 3),)


def build_programme(
    criteria: int | Sequence[tuple[int, int]] = 2, *, english_labels: bool = False, **overrides
) -> Programme:
    """An open call; ``criteria`` is a count (each 0–10, weight 2) or (max_score, weight) pairs.

    Criteria are labelled "เกณฑ์ n" and, with ``english_labels``, "Criterion n" in English.
    """
    now = utcnow()
    values = {
        "name_th": "โครงการทดสอบ",
        "description_th": "รายละเอียด",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=10),
        "state": ProgrammeState.OPEN,
        "budget_total_satang": 300_000_000,
        "cap_satang": 30_000_000,
        "members_only": True,
        "min_grade": P4,
        "max_grade": P6,
    }
    values.update(overrides)
    programme = Programme(**values)
    rubric = [(10, 2)] * criteria if isinstance(criteria, int) else criteria
    for position, (max_score, weight) in enumerate(rubric):
        programme.criteria.append(
            RubricCriterion(
                position=position,
                label_th=f"เกณฑ์ {position + 1}",
                label_en=f"Criterion {position + 1}" if english_labels else "",
                max_score=max_score,
                weight=weight,
            )
        )
    return programme


def build_application(
    programme: Programme,
    school,
    lines: Sequence[tuple[str, int, int]] = NOTEBOOKS,
    state: ApplicationState = ApplicationState.DRAFT,
    beneficiaries: Sequence[tuple[int, int]] = ((P4, 20),),
    **overrides,
) -> Application:
    """A filled-in application; ``beneficiaries`` are (grade index, pupils) pairs.

    Any state but draft gets a ``submitted_at`` (now, unless given).
    """
    values = {
        "title": "โครงการโน้ตบุ๊ก",
        "summary": "สรุป",
        "need": "ความจำเป็น",
        "delivery_plan": "แผน",
        "teachers_benefiting": 2,
        "state": state,
    }
    values.update(overrides)
    if state != ApplicationState.DRAFT:
        values.setdefault("submitted_at", utcnow())
    application = Application(programme=programme, school=school, **values)
    for position, (item, price, quantity) in enumerate(lines):
        application.budget_lines.append(
            BudgetLine(position=position, item=item, unit_price_satang=price, quantity=quantity)
        )
    for grade, pupils in beneficiaries:
        application.beneficiaries.append(Beneficiaries(grade=grade, pupils=pupils))
    return application


def _saved(row):
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture()
def make_programme(app):
    """make_programme(criteria=2, english_labels=False, **columns): a saved open call."""

    def make(criteria=2, **overrides) -> Programme:
        return _saved(build_programme(criteria, **overrides))

    return make


@pytest.fixture()
def make_application(app, make_school):
    """make_application(programme, school=None, lines=..., state=DRAFT, **columns): saved.

    Without a school, a new one is made.
    """

    def make(programme, school=None, **overrides) -> Application:
        return _saved(build_application(programme, school or make_school(), **overrides))

    return make


@pytest.fixture()
def school_staff(make_user, make_school, add_membership):
    """A new school and one active staff member of it: (user, school)."""

    def make(**school_kw):
        school = make_school(**school_kw)
        user = make_user()
        add_membership(user, school=school)
        return user, school

    return make


@pytest.fixture()
def act_as(client, login):
    """Switch the signed-in user mid-test (Flask-Login caches the user on ``g``); None: log out."""

    def switch(user):
        g.pop("_login_user", None)
        if user is None:
            with client.session_transaction() as session:
                session.clear()
                session["locale"] = "en"
            return None
        return login(user)

    return switch


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, so assertions on messages survive the Thai translation.

    Autouse only where a conftest imports it (tests/programmes, tests/applications).
    """
    with client.session_transaction() as session:
        session["locale"] = "en"

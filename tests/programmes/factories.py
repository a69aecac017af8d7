"""Fixtures shared by the programme and application tests (imported by both conftests)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g

from partnership.applications.models import (
    Application,
    ApplicationState,
    Beneficiaries,
    BudgetLine,
)
from partnership.extensions import db
from partnership.i18n import now_utc
from partnership.programmes.models import Programme, ProgrammeState, RubricCriterion
from partnership.registry.models import GRADE_INDEX

P4, P6 = GRADE_INDEX["p4"], GRADE_INDEX["p6"]


@pytest.fixture()
def make_programme(app):
    def make(criteria=2, **overrides) -> Programme:
        now = now_utc()
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
        for position in range(criteria):
            programme.criteria.append(
                RubricCriterion(
                    position=position, label_th=f"เกณฑ์ {position + 1}", max_score=10, weight=2
                )
            )
        db.session.add(programme)
        db.session.commit()
        return programme

    return make


@pytest.fixture()
def make_application(app):
    def make(
        programme,
        school,
        lines=(("โน้ตบุ๊ก", 1_499_050, 3),),
        state=ApplicationState.DRAFT,
        **overrides,
    ) -> Application:
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
            values.setdefault("submitted_at", now_utc())
        application = Application(programme=programme, school=school, **values)
        for position, (item, price, quantity) in enumerate(lines):
            application.budget_lines.append(
                BudgetLine(position=position, item=item, unit_price_satang=price, quantity=quantity)
            )
        application.beneficiaries.append(Beneficiaries(grade=P4, pupils=20))
        db.session.add(application)
        db.session.commit()
        return application

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
    """Pages in English, so assertions on messages survive the Thai translation."""
    with client.session_transaction() as session:
        session["locale"] = "en"

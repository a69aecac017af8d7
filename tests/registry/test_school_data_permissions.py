"""Who may enter, import, export and see the history of school data: role × route."""

from __future__ import annotations

import io

import pytest

from partnership.extensions import db
from partnership.registry.school_data import services

from .conftest import snapshot
from .school_data_helpers import YEAR, YEAR_BE, csv_bytes, form_data, open_window, row

ROLES = ("anonymous", "donor", "other_school", "own_school", "sponsor", "staff")


@pytest.fixture()
def world(app, make_school, make_user):
    school = make_school(code="1040022201", min_grade=3, max_grade=8)
    other = make_school(code="1040022202")
    services.record_figures(
        school, YEAR - 1,
        services.Figures((0, 0, 0, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0, 0, 0), 3, 2),
        make_user(name="ครูผู้บันทึกข้อมูล"),
    )  # fmt: skip
    db.session.commit()
    open_window()
    return school, other


def _sign_in(login_as, role, school, other):
    if role == "anonymous":
        return
    if role in ("other_school", "own_school"):
        login_as("school", school=school if role == "own_school" else other)
    else:
        login_as(role)


def _upload(school):
    return {
        "import-academic_year": str(YEAR_BE),
        "import-upload": (io.BytesIO(csv_bytes([row(school.code)])), "a.csv"),
    }


#: (name, method, url(school), data(school) or None, roles allowed)
ACTIONS = [
    ("data form", "GET", lambda s: f"/schools/{s.id}/data", None, {"own_school", "staff"}),
    ("enter data", "POST", lambda s: f"/schools/{s.id}/data", form_data, {"own_school", "staff"}),
    ("staff page", "GET", lambda s: "/staff/school-data/", None, {"staff"}),
    ("import", "POST", lambda s: "/staff/school-data/import", _upload, {"staff"}),
    ("export csv", "GET", lambda s: f"/staff/school-data/export.csv?year={YEAR_BE}", None,
     {"staff"}),
    ("export xlsx", "GET", lambda s: "/staff/school-data/export.xlsx", None, {"staff"}),
    ("open window", "POST", lambda s: "/staff/school-data/windows",
     lambda s: {"window-academic_year": str(YEAR_BE), "window-opens_on": "2026-07-12",
                "window-closes_on": "2099-09-30"}, {"staff"}),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_school_data_role_by_route(client, login_as, world, role, action):
    name, method, url, data, allowed = action
    school, other = world
    _sign_in(login_as, role, school, other)
    before = snapshot()
    if method == "GET":
        response = client.get(url(school))
    else:
        response = client.post(url(school), data=data(school), content_type=None
                               if name != "import" else "multipart/form-data")  # fmt: skip
    if role in allowed:
        assert response.status_code in (200, 303), (name, role, response.status_code)
        if method == "POST":
            assert snapshot() != before
    else:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == expected, (name, role, response.status_code)
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_the_history_is_shown_to_the_school_and_staff_only(client, login_as, world, role):
    school, other = world
    _sign_in(login_as, role, school, other)
    page = client.get(f"/schools/{school.id}").text
    shown = "school-data-history" in page and "ครูผู้บันทึกข้อมูล" in page
    assert shown == (role in ("own_school", "staff"))

"""Importing and exporting school data: all or nothing, every bad row listed, formulas escaped."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from partnership.core import spreadsheets
from partnership.extensions import db
from partnership.registry.school_data import services

from .conftest import snapshot
from .school_data_helpers import HEADER, YEAR, YEAR_BE, csv_bytes, events, row, stat_of

URL = "/staff/school-data/import"


def _post(client, data: bytes, name: str = "ข้อมูลโรงเรียน 2569.csv", year=YEAR_BE):
    return client.post(
        URL,
        data={"import-academic_year": str(year), "import-upload": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture()
def schools(make_school):
    return (
        make_school(code="1040011101", min_grade=3, max_grade=8),  # ป.1–ป.6
        make_school(code="1040011102", min_grade=0, max_grade=8),  # อ.1–ป.6
        make_school(code="1040011103", min_grade=9, max_grade=14),  # ม.1–ม.6
        make_school(code="1040011104", min_grade=3, max_grade=8),
    )


def test_a_good_file_imports_every_row_with_its_history(client, login_as, schools):
    staff = login_as("staff")
    a, b, c, _d = schools
    services.record_figures(
        a, YEAR, services.Figures(grades=(0,) * 15, teachers=1, devices_on_hand=0), staff
    )
    db.session.commit()
    data = csv_bytes([
        row(a.code),
        row(b.code, grades={0: 8, 1: 9, 2: 10, 6: 20}, total=""),  # the total may be left out
        row(c.code, year=YEAR, grades={9: 30, 14: 25}),  # a Gregorian year is read too
    ])  # fmt: skip
    response = _post(client, data)
    assert response.status_code == 303
    assert (stat_of(a.id).pupils, stat_of(a.id).grade_p6, stat_of(a.id).teachers) == (87, 17, 8)
    assert (stat_of(b.id).pupils, stat_of(b.id).pupils_p4_p6) == (47, 20)
    assert (stat_of(c.id).grade_m1, stat_of(c.id).devices_on_hand) == (30, 4)
    imported = [e for e in events() if e.source == "import"]
    assert [e.kind for e in imported] == ["corrected", "entered", "entered"]
    assert {e.file_name for e in imported} == {"ข้อมูลโรงเรียน 2569.csv"}
    assert {e.actor_id for e in imported} == {staff.id}
    assert imported[0].changes["teachers"] == [1, 8]


def test_a_file_with_bad_rows_imports_nothing_and_lists_each(client, login_as, schools):
    login_as("staff")
    a, b, c, d = schools
    data = csv_bytes([
        row(a.code),  # good
        row("1099999999"),  # unknown school
        row(d.code, grades={4: -3}),  # negative
        row(a.code),  # duplicate of line 2
        row(c.code, grades={5: 12, 9: 30}),  # ป.3 at a secondary school
        row(b.code, total=999),  # total mismatch
        row(c.code, year=YEAR_BE - 1, grades={9: 30}),  # another year
        row(c.code, grades={9: "สามสิบ"}, total=""),  # not a number
    ])  # fmt: skip
    before = snapshot()
    response = _post(client, data)
    assert response.status_code == 422
    assert 'id="import-problems"' in response.text
    listed = response.text.split('id="import-problems"')[1]
    for line, text in [
        (3, "No school has the code 1099999999."),
        (4, "P2 cannot be negative."),
        (5, f"School {a.code} is already on line 2."),
        (6, "P3 has 12 pupils, but the school teaches M1–M6 only."),
        (7, "The total of 999 pupils is not the sum of the grades (87)."),
        (8, f"The academic year is {YEAR_BE - 1}, not {YEAR_BE}."),
        (9, "M1: สามสิบ is not a whole number"),
    ]:
        assert f'<td class="num">{line}</td><td>{text}' in listed, (line, text)
    assert '<td class="num">2</td>' not in listed  # the good row is not a problem
    assert snapshot() == before and events() == []


def test_an_xlsx_file_is_read_like_a_csv(client, login_as, schools):
    login_as("staff")
    book = Workbook()
    sheet = book.active
    grades = ["K1", "K2", "K3", "P1", "P2", "P3", "P4", "P5", "P6", "M1", "M2", "M3", "M4", "M5"]
    sheet.append(["School code", "Academic year", *grades, "M6", "Teachers", "Computers"])
    sheet.append([int(schools[0].code), YEAR_BE, 0, 0, 0, 5, 6, 7, 8, 9, 10, *([None] * 6), 4, 2])
    out = io.BytesIO()
    book.save(out)
    response = _post(client, out.getvalue(), "data.xlsx")
    assert response.status_code == 303
    assert stat_of(schools[0].id).pupils == 45


@pytest.mark.parametrize(
    "data, message",
    [
        (b"PK\x03\x04 not really a zip", "cannot be read as a CSV or Excel"),
        (b"\x00\x01\x02binary", "cannot be read as a CSV or Excel"),
        (b"", "is empty"),
        (b"a,b,c\r\n1,2,3\r\n", "The first row must name the columns"),
        (",".join(HEADER).encode(), "a header row but no figures"),
        (b"x" * 1001, "is larger than"),  # the limit is 1000 bytes in this test
    ],
)
def test_a_broken_file_is_a_form_error(client, login_as, schools, data, message, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_TABLE_BYTES", 1000)
    login_as("staff")
    before = snapshot()
    response = _post(client, data)
    assert response.status_code == 422 and message in response.text, response.text[-3000:]
    assert snapshot() == before


def test_no_file_is_a_form_error(client, login_as):
    login_as("staff")
    response = client.post(URL, data={"import-academic_year": str(YEAR_BE)})
    assert response.status_code == 422 and "Choose a file." in response.text


# Export --------------------------------------------------------------------------------------


def test_the_export_filters_and_escapes_formulas(client, login_as, make_school, make_user):
    actor = make_user()
    grades = (0, 0, 0, 10, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0, 0)
    evil = make_school(name_th='=HYPERLINK("http://x")', province_code="40")
    other = make_school(province_code="10")
    for school in (evil, other):
        services.record_figures(school, YEAR, services.Figures(grades, 4, 3), actor)
    db.session.commit()
    login_as("staff")
    response = client.get(f"/staff/school-data/export.csv?province=40&year={YEAR_BE}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "'=HYPERLINK" in text and other.code not in text and evil.code in text
    assert ",60,4,3" in text.replace("\r\n", "\n")
    workbook = client.get(f"/staff/school-data/export.xlsx?year={YEAR_BE}")
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    names = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names, key=str) == sorted([evil.name_th and "'" + evil.name_th,
                                             other.name_th], key=str)  # fmt: skip


def test_an_export_reads_back_as_an_import(client, login_as, make_school, make_user):
    school = make_school(min_grade=3, max_grade=8)
    services.record_figures(
        school, YEAR, services.Figures((0, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0), 4, 3),
        make_user(),
    )  # fmt: skip
    db.session.commit()
    login_as("staff")
    exported = client.get(f"/staff/school-data/export.csv?year={YEAR_BE}").data
    assert _post(client, exported, "export.csv").status_code == 303
    assert stat_of(school.id).pupils == 21

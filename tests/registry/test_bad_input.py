"""Bad input on the registry forms: an error next to the field, and nothing saved."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.registry.models import School

from .conftest import snapshot

THAI_NAME = "โรงเรียนบ้านหนองบัวลำภู์ ๑๒๓"


def school_form(**overrides) -> dict:
    data = {
        "code": "1040099901",
        "name_th": "โรงเรียนบ้านทดสอบ",
        "name_en": "",
        "province_code": "40",
        "district": "เมืองขอนแก่น",
        "address": "",
        "affiliation": "obec",
        "min_grade": "0",
        "max_grade": "8",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def field_error(html: str, field: str) -> str:
    """The error text shown next to one field ('' when there is none)."""
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


@pytest.fixture()
def staff(login_as):
    return login_as("staff")


def test_valid_school_is_created(client, staff):
    response = client.post("/schools/new", data=school_form())
    assert response.status_code == 302
    assert db.session.scalar(sa.select(School).where(School.code == "1040099901")) is not None


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"code": "DUPLICATE"}, "code", "Another school already has this code."),
        ({"code": "12345"}, "code", "A school code is 10 digits"),
        ({"code": "10400abcde"}, "code", "A school code is 10 digits"),
        ({"code": "104000000001"}, "code", "longer than 10 characters"),
        ({"province_code": "99"}, "province_code", "Choose one of Thailand's 77 provinces."),
        ({"province_code": ""}, "province_code", "This field is required."),
        ({"name_th": "ก" * 201}, "name_th", "200"),
        ({"name_en": "A" * 201}, "name_en", "200"),
        ({"name_th": "   "}, "name_th", "This field is required."),
        ({"district": "อ" * 101}, "district", "100"),
        (
            {"min_grade": "8", "max_grade": "3"},
            "max_grade",
            "The highest grade cannot be below the lowest.",
        ),
        ({"max_grade": "15"}, "max_grade", "Not a valid choice"),
        ({"affiliation": "army"}, "affiliation", "Not a valid choice"),
        ({"contact_email": "not-an-email"}, "contact_email", "Invalid email address."),
    ],  # fmt: skip
)
def test_bad_school_is_refused_with_field_error(
    client, staff, make_school, overrides, field, message
):
    existing = make_school()
    if overrides.get("code") == "DUPLICATE":
        overrides = {"code": existing.code}
    before = snapshot()
    response = client.post("/schools/new", data=school_form(**overrides))
    assert response.status_code == 200
    assert message in field_error(response.text, field)
    assert snapshot() == before


def test_edit_to_a_duplicate_code_is_refused(client, staff, make_school):
    school, other = make_school(), make_school()
    before = snapshot()
    response = client.post(f"/schools/{school.id}/edit", data=school_form(code=other.code))
    assert response.status_code == 200
    assert "Another school already has this code." in field_error(response.text, "code")
    assert snapshot() == before


def test_editing_a_school_keeps_its_own_code(client, staff, make_school):
    school = make_school()
    response = client.post(f"/schools/{school.id}/edit", data=school_form(code=school.code))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"pupils": "-5"}, "pupils", "Enter 0 to 20000."),
        ({"teachers": "-1"}, "teachers", "Enter 0 to 2000."),
        ({"pupils": "abc"}, "pupils", "Not a valid integer value."),
        ({"pupils": "12.5"}, "pupils", "Not a valid integer value."),
        ({"pupils": ""}, "pupils", "Enter a whole number."),
        ({"pupils": "9999999"}, "pupils", "Enter 0 to 20000."),
        ({"academic_year": "2025"}, "academic_year", "between 2500 and 2700"),
        ({"academic_year": "2690"}, "academic_year", "has not started yet"),
    ],
)
def test_bad_year_figures_are_refused(client, staff, make_school, overrides, field, message):
    school = make_school()
    data = {"academic_year": "2568", "pupils": "120", "teachers": "8", **overrides}
    before = snapshot()
    response = client.post(f"/schools/{school.id}/stats", data=data)
    assert response.status_code == 200
    assert message in field_error(response.text, field)
    assert snapshot() == before


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"pupils": "-3"}, "pupils", "Number must be between 0 and 20000."),
        ({"teachers": "many"}, "teachers", "Not a valid integer value."),
        ({"province_code": "00"}, "province_code", "Choose one of Thailand's 77 provinces."),
        ({"name_th": "ข" * 201}, "name_th", "200"),
    ],
)
def test_bad_network_application_is_refused(client, login_as, overrides, field, message):
    login_as("donor")
    data = school_form(position="ครูใหญ่", pupils="150", teachers="9", motivation="อยากเข้าร่วม")
    data.update(overrides)
    before = snapshot()
    response = client.post("/network/apply", data=data)
    assert response.status_code == 200
    assert message in field_error(response.text, field)
    assert snapshot() == before


def partnership_form(organisation, school, **overrides) -> dict:
    data = {
        "organisation_id": str(organisation.id),
        "school_code": school.code,
        "role": "adopter",
        "started_on": "2024-06-01",
        "ended_on": "",
        "note": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"ended_on": "2024-05-31"}, "ended_on", "The end date cannot be before the start date."),
        ({"school_code": "1999999999"}, "school_code", "No school has this code."),
        ({"started_on": "31/05/2024"}, "started_on", "Not a valid date value."),
        ({"started_on": ""}, "started_on", "Enter a date."),
        ({"role": "owner"}, "role", "Not a valid choice"),
        ({"organisation_id": "999999"}, "organisation_id", "Not a valid choice"),
    ],
)
def test_bad_partnership_is_refused(
    client, staff, make_school, make_org, overrides, field, message
):
    school, organisation = make_school(), make_org()
    before = snapshot()
    response = client.post(
        "/partnerships/new", data=partnership_form(organisation, school, **overrides)
    )
    assert response.status_code == 200
    assert message in field_error(response.text, field)
    assert snapshot() == before


def test_duplicate_organisation_name_is_refused(client, staff, make_org):
    existing = make_org()
    before = snapshot()
    data = {"name": f"  {existing.name} ", "kind": "company", "sector": "private"}
    response = client.post("/organisations/new", data=data)
    assert response.status_code == 200
    assert "already registered" in field_error(response.text, "name")
    assert snapshot() == before


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": "ค" * 201}, "name", "200"),
        ({"sector": "military"}, "sector", "Not a valid choice"),
        ({"website": "javascript:alert(1)"}, "website", "Invalid URL."),
    ],
)
def test_bad_organisation_is_refused(client, staff, overrides, field, message):
    data = {"name": "บริษัท ทดสอบ จำกัด", "kind": "company", "sector": "private", **overrides}
    before = snapshot()
    response = client.post("/organisations/new", data=data)
    assert response.status_code == 200
    assert message in field_error(response.text, field)
    assert snapshot() == before


def test_thai_text_round_trips_exactly(client, staff):
    data = school_form(name_th=THAI_NAME, district="เมืองหนองบัวลำภู", province_code="39",
                       address="๙๙ หมู่ ๔ ตำบลโนนสะอาด\nอำเภอเมือง")  # fmt: skip
    response = client.post("/schools/new", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    school = db.session.scalar(sa.select(School).where(School.code == data["code"]))
    assert school.name_th == THAI_NAME
    assert school.address == data["address"]
    with db.engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT name_th FROM schools WHERE id = :id"), {"id": school.id})
        assert raw.scalar_one() == THAI_NAME
    page = client.get(f"/schools/{school.id}")
    assert THAI_NAME in page.text
    listed = client.get("/schools", query_string={"q": "หนองบัวลำภู์"})
    assert THAI_NAME in listed.text

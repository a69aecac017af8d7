"""Devices as CSV and Excel: staff's file (filters, hostile filters 400), the school's asset
register (its own devices only), the public trail's counts (no serial, no name from the school),
formula escaping, every role on every file, and query counts that do not grow with devices."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.devices.models import Device
from partnership.extensions import db
from tests.crowd import counted_queries
from tests.devices.helpers import record
from tests.devices.test_check_ins import _answer, _handed_over
from tests.spending.test_exports import EVIL, _shut_out, rows_of, sheet_of

ROLES = ["visitor", "donor", "school", "other_school", "sponsor", "staff"]


@pytest.fixture()
def checked(laptops, client, login):
    """Three laptops handed over 190 days ago, the six-month check-in answered (one broken)."""
    s, devices, six = _handed_over(laptops, client, login)
    response = client.post(
        f"/devices/check-ins/{six.id}", data=_answer(devices, **{"5CD1234A02": "broken"})
    )
    assert response.status_code == 303
    db.session.expire_all()
    return s


@pytest.fixture()
def people(checked, make_user, make_school, make_org, add_membership):
    users = {"visitor": None, "donor": make_user(), "staff": checked.staff}
    users["school"] = checked.school_user
    users["other_school"] = make_user()
    add_membership(users["other_school"], school=make_school())
    users["sponsor"] = make_user()
    add_membership(users["sponsor"], organisation=make_org())
    return users


@pytest.mark.parametrize("role", ROLES)
def test_every_export_for_every_role(client, act_as, checked, people, role):
    act_as(people[role])
    for fmt in ("csv", "xlsx"):
        staff = client.get(f"/staff/devices.{fmt}")
        school = client.get(f"/schools/{checked.school.id}/devices.{fmt}")
        public = client.get(f"/campaigns/{checked.campaign.id}/trail.{fmt}")
        assert public.status_code == 200
        if role == "staff":
            assert staff.status_code == 200 and "no-store" in staff.headers["Cache-Control"]
        else:
            assert _shut_out(staff), (role, staff.status_code)
        if role in ("staff", "school"):
            assert school.status_code == 200 and "no-store" in school.headers["Cache-Control"]
        else:
            assert _shut_out(school), (role, school.status_code)


def test_the_staff_file_has_each_device_with_its_last_check_in(client, login, checked):
    login(checked.staff)
    rows = rows_of(client.get("/staff/devices.csv"))
    head, body = rows[0], rows[1:]
    lines = {r[head.index("Serial number")]: dict(zip(head, r, strict=True)) for r in body}
    assert sorted(lines) == ["5CD1234A01", "5CD1234A02", "5CD1234A03"]
    broken = lines["5CD1234A02"]
    assert (broken["Kind"], broken["Model"], broken["State"]) == ("Laptop", "HP 240 G8", "Broken")
    assert broken["Last check-in answer"] == "Broken"
    assert broken["Last check-in note"] == "หล่นจากโต๊ะ จอแตก"
    assert broken["Asset number"].startswith("KK-")
    assert broken["Received on"] and broken["Recorded at"] and broken["Last check-in"]
    assert broken["Campaign number"] == str(checked.campaign.id)
    assert broken["Province"] and broken["School"]
    assert lines["5CD1234A01"]["Last check-in answer"] == "In use"
    sheet = sheet_of(client.get("/staff/devices.xlsx"))
    assert len(sheet) == 4 and sheet[0] == tuple(head)


def test_the_staff_file_follows_the_filters(client, login, checked, laptops):
    other = laptops(quantity=2)
    record(other, prefix="OTHER")
    login(checked.staff)

    def serials(query):
        rows = rows_of(client.get(f"/staff/devices.csv?{query}"))
        return sorted(r[rows[0].index("Serial number")] for r in rows[1:])

    assert len(serials("")) == 5
    assert serials(f"campaign={other.campaign.id}") == ["OTHER01", "OTHER02"]
    assert serials("state=broken") == ["5CD1234A02"]
    assert serials("state=recorded") == ["OTHER01", "OTHER02"]
    assert len(serials(f"province={checked.school.province_code}")) == 5
    page = client.get("/staff/devices/not-received").get_data(as_text=True)
    assert "/staff/devices.csv" in page and "/staff/devices.xlsx" in page


@pytest.mark.parametrize(
    "query", ["state=bogus", "campaign=abc", "campaign=99999999999", "province=ZZ", "campaign=-3"]
)
def test_hostile_filters_are_refused_not_a_crash(client, login, checked, query):
    login(checked.staff)
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/staff/devices.{fmt}?{query}").status_code == 400


def test_the_school_gets_its_own_devices_only(client, login, checked, laptops):
    other = laptops(quantity=2)
    record(other, prefix="OTHER")
    login(checked.school_user)
    rows = rows_of(client.get(f"/schools/{checked.school.id}/devices.csv"))
    serials = sorted(r[rows[0].index("Serial number")] for r in rows[1:])
    assert serials == ["5CD1234A01", "5CD1234A02", "5CD1234A03"]
    assert client.get(f"/schools/{other.school.id}/devices.csv").status_code == 403
    assert client.get("/schools/99999999/devices.csv").status_code == 404
    page = client.get(f"/campaigns/{checked.campaign.id}/devices").get_data(as_text=True)
    assert f"/schools/{checked.school.id}/devices.xlsx" in page


def test_the_public_file_is_the_trail_counts(client, checked):
    response = client.get(f"/campaigns/{checked.campaign.id}/trail.csv")
    text = response.get_data(as_text=True)
    assert "5CD1234A" not in text and "KK-" not in text and "ครูสมศรี" not in text
    assert "หล่นจากโต๊ะ" not in text
    rows = rows_of(response)
    assert rows[0] == ["Kind", "Model", "Delivered", "Not received", "In use", "Broken",
                       "Lost or stolen"]  # fmt: skip
    assert rows[1:] == [["Laptop", "HP 240 G8", "3", "0", "2", "1", "0"]]
    assert sheet_of(client.get(f"/campaigns/{checked.campaign.id}/trail.xlsx"))[1] == (
        "Laptop", "HP 240 G8", 3, 0, 2, 1, 0,
    )  # fmt: skip
    trail = client.get(f"/campaigns/{checked.campaign.id}/trail").get_data(as_text=True)
    assert f"/campaigns/{checked.campaign.id}/trail.csv" in trail


def test_a_model_named_as_a_formula_is_escaped(client, login, checked):
    db.session.execute(sa.update(Device).values(model=EVIL, asset_number="@SUM(1)"))
    db.session.commit()
    rows = rows_of(client.get(f"/campaigns/{checked.campaign.id}/trail.csv"))
    assert rows[1][1] == "'" + EVIL
    login(checked.staff)
    for url in ("/staff/devices", f"/schools/{checked.school.id}/devices"):
        rows = rows_of(client.get(url + ".csv"))
        assert rows[1][rows[0].index("Model")] == "'" + EVIL
        assert rows[1][rows[0].index("Asset number")] == "'@SUM(1)"
        sheet = sheet_of(client.get(url + ".xlsx"))
        assert sheet[1][rows[0].index("Model")] == "'" + EVIL


def _count(client, url) -> int:
    with counted_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_files_take_as_many_queries_for_more_devices(client, login, checked, laptops):
    login(checked.staff)
    urls = [
        "/staff/devices.csv",
        "/staff/devices.xlsx",
        f"/schools/{checked.school.id}/devices.csv",
        f"/campaigns/{checked.campaign.id}/trail.xlsx",
    ]
    [_count(client, url) for url in urls]
    few = [_count(client, url) for url in urls]
    more = laptops(quantity=20, school=checked.school)
    record(more, prefix="MORE")
    assert [_count(client, url) for url in urls] == few

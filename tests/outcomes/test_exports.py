"""Outcomes as CSV and Excel: staff's file of every report (planned, reported, state, who
verified), the programme's public file (verified figures only, as the programme page shows),
every role on every file, hostile filters, formula escaping and a fixed query count."""

from __future__ import annotations

import pytest

from partnership.extensions import db
from partnership.i18n import current_academic_year
from partnership.outcomes import services
from tests.crowd import counted_queries
from tests.outcomes.test_permissions import world  # noqa: F401  (the fixture)
from tests.spending.test_exports import EVIL, _shut_out, rows_of, sheet_of

ROLES = ("visitor", "donor", "school", "other_school", "sponsor", "committee", "staff")


@pytest.mark.parametrize("role", ROLES)
def test_every_export_for_every_role(client, act_as, world, role):  # noqa: F811
    act_as(world.users[role])
    programme_id = world.campaign.programme_id
    for fmt in ("csv", "xlsx"):
        staff = client.get(f"/staff/outcomes/reports.{fmt}")
        if role == "staff":
            assert staff.status_code == 200 and "no-store" in staff.headers["Cache-Control"]
        else:
            assert _shut_out(staff), (role, staff.status_code)
        assert client.get(f"/programmes/{programme_id}/outcomes.{fmt}").status_code == 200


def test_the_staff_file_has_every_report_with_its_plan_and_verdict(client, act_as, world):  # noqa: F811
    staff = world.users["staff"]
    act_as(staff)
    rows = rows_of(client.get("/staff/outcomes/reports.csv"))
    head = rows[0]
    lines = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert [(x["Report"], x["Reported"], x["State"]) for x in lines] == [
        (str(world.verified.id), "17", "Verified"),
        (str(world.awaiting.id), "9", "Awaiting verification"),
    ]
    verified = lines[0]
    assert verified["Measure"] == "Measure pupils" and verified["Unit"] == "units"
    assert verified["Verified or returned by"] == staff.name and verified["Verified or returned at"]
    assert verified["Reported by"] == world.user.name
    assert verified["Campaign number"] == str(world.campaign.id)
    table = services.outcome_table(world.campaign.programme_id)
    planned = table.schools[0].cells[world.measures["pupils"].id].planned
    assert verified["Planned"] == ("" if planned is None else str(planned))
    assert lines[1]["Verified or returned by"] == ""
    sheet = sheet_of(client.get("/staff/outcomes/reports.xlsx"))
    assert sheet[1][head.index("Reported")] == 17
    # filters
    only = rows_of(client.get("/staff/outcomes/reports.csv?state=verified"))
    assert [r[0] for r in only[1:]] == [str(world.verified.id)]
    other = world.campaign.programme_id + 1000
    assert rows_of(client.get(f"/staff/outcomes/reports.csv?programme={other}"))[1:] == []
    page = client.get("/staff/outcomes/").get_data(as_text=True)
    assert "/staff/outcomes/reports.csv" in page


@pytest.mark.parametrize(
    "query", ["state=bogus", "programme=abc", "campaign=99999999999", "campaign=0x1"]
)
def test_hostile_filters_are_refused_not_a_crash(client, act_as, world, query):  # noqa: F811
    act_as(world.users["staff"])
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/staff/outcomes/reports.{fmt}?{query}").status_code == 400


def test_the_public_file_holds_verified_figures_only(client, world):  # noqa: F811
    programme_id = world.campaign.programme_id
    response = client.get(f"/programmes/{programme_id}/outcomes.csv")
    rows = rows_of(response)
    assert rows[0] == ["School", "Campaign number", "Measure", "Unit", "Planned",
                       "Reported (verified)"]  # fmt: skip
    by_measure = {r[2]: r for r in rows[1:]}
    assert len(rows) - 1 == len(world.measures)
    assert by_measure["Measure pupils"][5] == "17"
    assert by_measure["Measure hours"][5] == ""  # awaiting verification: never public
    assert world.user.name not in response.get_data(as_text=True)
    page = client.get(f"/programmes/{programme_id}").get_data(as_text=True)
    assert f"/programmes/{programme_id}/outcomes.xlsx" in page


def test_a_school_named_as_a_formula_is_escaped(client, act_as, world):  # noqa: F811
    world.school.name_th = EVIL
    db.session.commit()
    rows = rows_of(client.get(f"/programmes/{world.campaign.programme_id}/outcomes.csv"))
    assert rows[1][0] == "'" + EVIL
    sheet = sheet_of(client.get(f"/programmes/{world.campaign.programme_id}/outcomes.xlsx"))
    assert sheet[1][0] == "'" + EVIL
    act_as(world.users["staff"])
    rows = rows_of(client.get("/staff/outcomes/reports.csv"))
    assert rows[1][rows[0].index("School")] == "'" + EVIL


def _count(client, url) -> int:
    with counted_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_files_take_as_many_queries_for_more_reports(client, act_as, world):  # noqa: F811
    act_as(world.users["staff"])
    urls = [
        "/staff/outcomes/reports.csv",
        "/staff/outcomes/reports.xlsx",
        f"/programmes/{world.campaign.programme_id}/outcomes.csv",
    ]
    [_count(client, url) for url in urls]
    few = [_count(client, url) for url in urls]
    for value in range(5):
        services.report_outcomes(
            world.campaign,
            current_academic_year(),
            {world.measures["laptops"].id: value, world.measures["teachers"].id: 1},
            "",
            world.user,
        )
    db.session.commit()
    assert [_count(client, url) for url in urls] == few

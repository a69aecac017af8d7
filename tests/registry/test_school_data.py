"""School data per academic year: the rules, the collection window, the history, the CHECK."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.registry import figures
from partnership.registry.models import GRADE_COLUMNS, SchoolYearStat
from partnership.registry.school_data import services
from partnership.registry.school_data.models import CollectionWindow
from tests.crowd import counted_queries

from .school_data_helpers import YEAR, YEAR_BE, events, form_data, open_window, stat_of


def _figures(school, **by_index):
    grades = tuple(by_index.get(f"g{i}", 0) for i in range(15))
    return services.Figures(grades=grades, teachers=6, devices_on_hand=3)


def test_an_entry_and_a_correction_keep_their_history(app, make_school, make_user):
    school = make_school(min_grade=3, max_grade=8)  # ป.1–ป.6
    teacher, staff = make_user(), make_user(is_staff=True)
    services.record_figures(school, YEAR, _figures(school, g6=20, g7=22, g8=18), teacher)
    db.session.commit()
    services.record_figures(school, YEAR, _figures(school, g6=21, g7=22, g8=18), staff)
    services.record_figures(school, YEAR, _figures(school, g6=21, g7=22, g8=18), staff)  # same
    db.session.commit()
    stat = stat_of(school.id)
    assert (stat.pupils, stat.pupils_p4_p6, stat.grade_p4, stat.recorded_by_id) == (
        61, 61, 21, staff.id
    )  # fmt: skip
    first, second = events()  # an unchanged save adds nothing
    assert (first.kind, first.actor_id, first.source) == ("entered", teacher.id, "form")
    assert first.changes["grade_p4"] == [None, 20] and first.changes["pupils"] == [None, 60]
    assert (second.kind, second.actor_id) == ("corrected", staff.id)
    assert second.changes == {"grade_p4": [20, 21], "pupils": [60, 61]}


def test_a_grade_the_school_does_not_teach_is_refused_with_the_reason(app, make_school, make_user):
    school = make_school(min_grade=3, max_grade=8)
    with pytest.raises(services.SchoolDataRefused) as refused:
        services.record_figures(school, YEAR, _figures(school, g6=20, g9=4), make_user())
    # outside a request: in Thai, the default language
    assert refused.value.user_message() == "ชั้น ม.1 มีนักเรียน 4 คน แต่โรงเรียนเปิดสอนเฉพาะชั้น ป.1–ป.6"
    assert stat_of(school.id) is None


@pytest.mark.parametrize(
    "values",
    [
        {"pupils": 10, "grade_p1": 9},  # grades do not add up to the total
        {"pupils": 10, "grade_p1": 10, "grade_p2": None},  # some grades, not all
        {"pupils": 10, "grade_p1": -1, "grade_p2": 11},  # negative
    ],
)
def test_the_database_checks_the_grades_against_the_total(app, make_school, values):
    school = make_school()
    grades = dict.fromkeys(GRADE_COLUMNS, 0)
    grades.update({k: v for k, v in values.items() if k != "pupils"})
    db.session.add(
        SchoolYearStat(
            school_id=school.id, academic_year=YEAR, pupils=values["pupils"], teachers=1, **grades
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_total_without_grades_is_still_a_valid_row(app, make_school):
    school = make_school()
    db.session.add(SchoolYearStat(school_id=school.id, academic_year=YEAR, pupils=80, teachers=5))
    db.session.commit()
    assert stat_of(school.id).has_grades is False


# The collection window -----------------------------------------------------------------------


def test_outside_the_window_the_form_says_when_it_opens_and_refuses_posts(
    client, login_as, make_school
):
    school = make_school(min_grade=3, max_grade=8)
    db.session.add(
        CollectionWindow(
            academic_year=YEAR,
            opens_on=services.today() + timedelta(10),
            closes_on=services.today() + timedelta(40),
        )
    )
    db.session.commit()
    login_as("school", school=school)
    page = client.get(f"/schools/{school.id}/data")
    assert page.status_code == 200 and 'id="window-closed"' in page.text
    assert f"The collection for academic year {YEAR}/" in page.text and "opens on" in page.text
    response = client.post(f"/schools/{school.id}/data", data=form_data(school))
    assert response.status_code == 409
    assert stat_of(school.id) is None and events() == []
    # the totals-only form keeps the same rule
    response = client.post(
        f"/schools/{school.id}/stats",
        data={"academic_year": str(YEAR_BE), "pupils": "50", "teachers": "3"},
    )
    assert response.status_code == 303 and stat_of(school.id) is None


def test_in_an_open_window_the_school_enters_and_corrects_its_year(client, login_as, make_school):
    school = make_school(min_grade=3, max_grade=8)
    open_window()
    login_as("school", school=school)
    url = f"/schools/{school.id}/data"
    assert client.post(url, data=form_data(school, grade_p4=25)).status_code == 303
    assert client.post(url, data=form_data(school, grade_p4=26)).status_code == 303
    stat = stat_of(school.id)
    assert (stat.pupils, stat.grade_p4, stat.teachers, stat.devices_on_hand) == (76, 26, 8, 5)
    assert [e.kind for e in events()] == ["entered", "corrected"]
    # another year is not the school's to enter: the form stays on the window's year
    client.post(url, data=form_data(school, year_be=YEAR_BE - 1))
    assert stat_of(school.id, YEAR - 1) is None
    # a grade it does not teach, typed into the post anyway
    response = client.post(url, data={**form_data(school), "grade_m3": "7"})
    assert response.status_code == 422 and "M3 has 7 pupils" in response.text
    assert stat_of(school.id).pupils == 76


def test_staff_enter_any_year_without_a_window(client, login_as, make_school):
    school = make_school(min_grade=0, max_grade=2)  # อ.1–อ.3
    login_as("staff")
    response = client.post(
        f"/schools/{school.id}/data?academic_year={YEAR_BE - 2}",
        data=form_data(school, year_be=YEAR_BE - 2),
    )
    assert response.status_code == 303
    assert stat_of(school.id, YEAR - 2).pupils == 30


def test_staff_open_and_close_a_window(client, login_as):
    login_as("staff")
    first, last = services.today(), services.today() + timedelta(20)
    response = client.post(
        "/staff/school-data/windows",
        data={"window-academic_year": str(YEAR_BE), "window-opens_on": first.isoformat(),
              "window-closes_on": last.isoformat()},
    )  # fmt: skip
    assert response.status_code == 303
    window = services.open_window_now()
    assert (window.academic_year, window.closes_on) == (YEAR, last)
    assert client.post(f"/staff/school-data/windows/{window.id}/close").status_code == 303
    assert services.open_window_now() is None
    again = client.post(f"/staff/school-data/windows/{window.id}/close")
    assert again.status_code == 409 and "already closed" in again.text
    bad = client.post(
        "/staff/school-data/windows",
        data={"window-academic_year": str(YEAR_BE), "window-opens_on": last.isoformat(),
              "window-closes_on": first.isoformat()},
    )  # fmt: skip
    assert bad.status_code == 422 and "cannot be before the first day" in bad.text


# The school page -----------------------------------------------------------------------------


def test_the_school_page_shows_derived_figures_and_history_to_editors_only(
    client, login_as, make_school, make_user
):
    school = make_school(min_grade=3, max_grade=8)
    teacher = make_user(name="ครูสมศรี")
    for year in (YEAR - 2, YEAR - 1, YEAR):
        services.record_figures(
            school, year, services.Figures(
                grades=(0, 0, 0, 10, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0, 0),
                teachers=4, devices_on_hand=6), teacher,
        )  # fmt: skip
    db.session.commit()
    public = client.get(f"/schools/{school.id}").text
    assert "Pupils in grades 4–6" in public and "school-data-history" not in public
    assert "10.0" in public  # 60 pupils per 6 computers
    login_as("school", school=school)
    with counted_queries() as statements:
        own = client.get(f"/schools/{school.id}").text
    assert "school-data-history" in own and "ครูสมศรี" in own
    few = len(statements)
    for n in range(5):  # more history, same number of queries
        services.record_figures(
            school, YEAR, services.Figures(
                grades=(0, 0, 0, 10 + n, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0, 0),
                teachers=4, devices_on_hand=6), teacher,
        )  # fmt: skip
    db.session.commit()
    with counted_queries() as statements:
        client.get(f"/schools/{school.id}")
    assert len(statements) == few


def test_province_figures_are_one_aggregate_query(app, make_school, make_user):
    actor = make_user()
    a = make_school(province_code="40", min_grade=3, max_grade=8)
    b = make_school(province_code="40", min_grade=0, max_grade=8)
    c = make_school(province_code="10")
    grades = (0, 0, 0, 10, 10, 10, 11, 12, 13, 0, 0, 0, 0, 0, 0)
    services.record_figures(a, YEAR, services.Figures(grades, 5, 4), actor)
    db.session.add(SchoolYearStat(school_id=b.id, academic_year=YEAR, pupils=100, teachers=7))
    services.record_figures(c, YEAR, services.Figures(grades, 9, 9), actor)
    services.record_figures(a, YEAR - 1, services.Figures(grades, 5, 2), actor)
    db.session.commit()
    with counted_queries() as statements:
        by_year = figures.province_school_data_by_year("40")
    assert len(statements) == 1
    totals = by_year[YEAR]
    assert totals == figures.SchoolDataTotals(
        schools=2, pupils=166, pupils_p4_p6=36, teachers=12, devices_on_hand=4,
        schools_with_grades=1, schools_with_devices=1,
    )  # fmt: skip
    assert set(by_year) == {YEAR - 1, YEAR}
    assert figures.province_school_data_by_year("10")[YEAR].pupils == 66
    assert figures.pupils_per_computer(66, 4) == figures.Fraction(33, 2)


def test_the_school_dashboard_reminds_of_an_open_collection(client, login_as, make_school):
    school = make_school(min_grade=3, max_grade=8)
    login_as("school", school=school)
    assert "school-data-due" not in client.get("/my/applications").text
    open_window()
    page = client.get("/my/applications").text
    assert "school-data-due" in page and "not entered yet" in page
    client.post(f"/schools/{school.id}/data", data=form_data(school))
    assert "entered; you can still correct it" in client.get("/my/applications").text


def test_two_first_entries_of_a_year_at_once_make_one_row_and_its_history(
    app, make_school, make_user
):
    """A teacher and staff enter the year's first figures at the same moment: one row, the
    first save "entered", the other "corrected" it; nobody sees an error."""
    import threading

    from partnership.registry.models import School

    school_id = make_school(min_grade=3, max_grade=8).id
    users = [make_user().id, make_user(is_staff=True).id]
    barrier, errors = threading.Barrier(2), []

    def enter(n: int) -> None:
        from partnership.accounts.models import User

        with app.app_context():
            try:
                school = db.session.get(School, school_id)
                actor = db.session.get(User, users[n])
                barrier.wait()
                services.record_figures(school, YEAR, _figures(school, g6=20 + n), actor)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=enter, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(SchoolYearStat.id))) == 1
    assert sorted(event.kind for event in events()) == ["corrected", "entered"]

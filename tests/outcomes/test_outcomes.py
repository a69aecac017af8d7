"""Outcomes, planned against reported (issue 18, section 5): the school reports, staff verify or
send back, a verified figure is never changed (a correction is a new report), pupils reached
never exceed the school's pupils of the academic year, and the programme page shows only
verified figures against the plan, in one query however many schools."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import sqlalchemy as sa

from partnership.core.history import HistoryIsAppendOnly
from partnership.extensions import db
from partnership.i18n import current_academic_year
from partnership.outcomes import services, workflow
from partnership.outcomes.models import OutcomeReport, OutcomeReportEvent, ReportState
from tests.crowd import counted_queries
from tests.outcomes.conftest import PUPILS, add_measures, add_year, form_data


def _reports(campaign) -> list[OutcomeReport]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutcomeReport)
            .where(OutcomeReport.campaign_id == campaign.id)
            .order_by(OutcomeReport.id)
        )
    )


def _report(client, funded, **figures):
    return client.post(
        f"/school/outcomes/campaigns/{funded.campaign.id}",
        data=form_data(funded.measures, **figures),
    )


# The machine -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_state", "to_state"), list(itertools.product(ReportState, ReportState))
)
def test_every_transition(db, funded, make_user, from_state, to_state):
    staff = make_user(is_staff=True)
    (report,) = services.report_outcomes(
        funded.campaign, current_academic_year(), {funded.measures["hours"].id: 5}, "", funded.user
    )
    if from_state != ReportState.REPORTED:
        workflow.transition(report, from_state, staff, "reason")
    db.session.commit()
    allowed = to_state in workflow.TRANSITIONS[from_state]
    assert allowed == (from_state == ReportState.REPORTED and to_state != ReportState.REPORTED)
    if allowed:
        workflow.transition(report, to_state, staff, "reason")
        db.session.commit()
        assert _reports(funded.campaign)[0].state == to_state
    else:
        with pytest.raises(workflow.IllegalReportTransition):
            workflow.transition(report, to_state, staff, "reason")
        db.session.rollback()
        assert _reports(funded.campaign)[0].state == from_state


def test_history_is_append_only(db, funded):
    services.report_outcomes(
        funded.campaign, current_academic_year(), {funded.measures["hours"].id: 5}, "", funded.user
    )
    db.session.commit()
    event = db.session.scalar(sa.select(OutcomeReportEvent))
    event.reason = "changed"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()


# The school reports, staff verify --------------------------------------------------------


def test_school_reports_staff_verify_and_the_programme_page_shows_it(
    client, db, funded, act_as, make_user
):
    act_as(funded.user)
    form = client.get(f"/school/outcomes/campaigns/{funded.campaign.id}")
    assert form.status_code == 200
    assert "Planned: 20" in form.text  # pupils from the application's beneficiaries
    assert "Planned: 2" in form.text  # teachers_benefiting
    response = _report(client, funded, laptops=1, pupils=20, teachers=2, hours=6)
    assert response.status_code == 302
    reports = _reports(funded.campaign)
    assert [r.value for r in reports] == [1, 20, 2, 6]
    assert {r.state for r in reports} == {ReportState.REPORTED}
    assert all(r.reported_by_id == funded.user.id for r in reports)

    programme_url = f"/programmes/{funded.campaign.programme_id}"
    act_as(None)
    page = client.get(programme_url).text
    assert 'id="programme-outcomes"' in page
    assert ">20<" in page  # planned pupils
    assert "awaiting verification are not shown" in page

    staff = make_user(is_staff=True)
    act_as(staff)
    queue = client.get("/staff/outcomes/")
    assert all(f'id="queued-{r.id}"' in queue.text for r in reports)
    pupils = reports[1]
    response = client.post(f"/staff/outcomes/reports/{pupils.id}/verify")
    assert response.status_code == 302
    db.session.expire_all()
    pupils = db.session.get(OutcomeReport, pupils.id)
    assert pupils.state == ReportState.VERIFIED
    assert pupils.decided_by_id == staff.id and pupils.decided_at is not None
    assert [(e.from_state, e.to_state) for e in pupils.events] == [
        (None, ReportState.REPORTED),
        (ReportState.REPORTED, ReportState.VERIFIED),
    ]

    act_as(None)
    table = services.outcome_table(funded.campaign.programme_id)
    cells = table.schools[0].cells
    assert (
        cells[funded.measures["pupils"].id].planned,
        cells[funded.measures["pupils"].id].reported,
    ) == (20, 20)
    assert cells[funded.measures["hours"].id].reported is None  # not verified: not public
    assert cells[funded.measures["hours"].id].awaiting == 6
    assert cells[funded.measures["laptops"].id].planned == 1  # the budget line's quantity


def test_a_verified_figure_is_never_changed_and_a_correction_counts(
    client, db, funded, act_as, make_user
):
    staff = make_user(is_staff=True)
    act_as(funded.user)
    _report(client, funded, pupils=18)
    first = _reports(funded.campaign)[0]
    act_as(staff)
    client.post(f"/staff/outcomes/reports/{first.id}/verify")
    # Verifying again or sending it back is refused, and changes nothing.
    for url in (f"/staff/outcomes/reports/{first.id}/verify",):
        response = client.post(url)
        assert response.status_code == 303
    response = client.post(f"/staff/outcomes/reports/{first.id}/return", data={"reason": "x"})
    assert response.status_code == 303
    assert _reports(funded.campaign)[0].state == ReportState.VERIFIED
    # The school corrects it with a new report; once verified, the latest counts.
    act_as(funded.user)
    _report(client, funded, pupils=20)
    second = _reports(funded.campaign)[1]
    pupils_id = funded.measures["pupils"].id
    assert (
        services.outcome_table(funded.campaign.programme_id).schools[0].cells[pupils_id].reported
        == 18
    )
    act_as(staff)
    client.post(f"/staff/outcomes/reports/{second.id}/verify")
    db.session.expire_all()
    assert (
        services.outcome_table(funded.campaign.programme_id).schools[0].cells[pupils_id].reported
        == 20
    )
    assert [r.value for r in _reports(funded.campaign)] == [18, 20]


def test_staff_send_a_figure_back_with_a_reason(client, db, funded, act_as, make_user):
    act_as(funded.user)
    _report(client, funded, hours=40)
    report = _reports(funded.campaign)[0]
    act_as(make_user(is_staff=True))
    assert client.get(f"/staff/outcomes/reports/{report.id}/return").status_code == 200
    response = client.post(f"/staff/outcomes/reports/{report.id}/return", data={"reason": " "})
    assert response.status_code == 422
    assert _reports(funded.campaign)[0].state == ReportState.REPORTED
    client.post(f"/staff/outcomes/reports/{report.id}/return", data={"reason": "Only hours of use"})
    returned = _reports(funded.campaign)[0]
    assert returned.state == ReportState.RETURNED and returned.return_reason == "Only hours of use"
    act_as(funded.user)
    page = client.get(f"/school/outcomes/campaigns/{funded.campaign.id}").text
    assert "Only hours of use" in page and "Returned" in page


# Pupils reached never exceed the school's pupils of the year -----------------------------


def test_more_pupils_than_the_school_has_is_a_form_error_naming_the_limit(
    client, db, funded, act_as
):
    act_as(funded.user)
    response = _report(client, funded, pupils=PUPILS + 1, hours=4)
    assert response.status_code == 422
    year = current_academic_year()
    assert (
        f"At most {PUPILS}: the registry has {PUPILS} pupils at this school in academic year "
        f"{year}/{(year + 1) % 100:02d}."
    ) in response.text
    assert f'id="measure_{funded.measures["pupils"].id}-error"' in response.text
    assert f'value="{PUPILS + 1}"' in response.text  # what was typed is kept
    assert _reports(funded.campaign) == []
    assert _report(client, funded, pupils=PUPILS).status_code == 302


def test_more_teachers_than_the_school_has_is_refused(client, db, funded, act_as):
    act_as(funded.user)
    response = _report(client, funded, teachers=6)
    assert response.status_code == 422
    assert "the registry has 5 teachers" in response.text
    assert _reports(funded.campaign) == []


def test_the_service_refuses_too(db, funded):
    with pytest.raises(services.OutcomeRefused):
        services.report_outcomes(
            funded.campaign,
            current_academic_year(),
            {funded.measures["pupils"].id: PUPILS + 1},
            "",
            funded.user,
        )


def test_the_school_chooses_among_the_registry_years_and_that_years_limit_applies(
    client, db, funded, act_as
):
    last_year = current_academic_year() - 1
    add_year(funded.school, last_year, pupils=30)
    act_as(funded.user)
    page = client.get(f"/school/outcomes/campaigns/{funded.campaign.id}").text
    assert f'<option selected value="{current_academic_year()}">' in page
    assert f'value="{last_year}"' in page
    assert 'value="2000"' not in page
    data = form_data(funded.measures, pupils=40) | {"academic_year": str(last_year)}
    response = client.post(f"/school/outcomes/campaigns/{funded.campaign.id}", data=data)
    assert response.status_code == 422 and "At most 30" in response.text
    # A year the registry does not have is not a choice.
    data = form_data(funded.measures, pupils=10) | {"academic_year": "2000"}
    response = client.post(f"/school/outcomes/campaigns/{funded.campaign.id}", data=data)
    assert response.status_code == 422
    data = form_data(funded.measures, pupils=30) | {"academic_year": str(last_year)}
    assert (
        client.post(f"/school/outcomes/campaigns/{funded.campaign.id}", data=data).status_code
        == 302
    )
    assert _reports(funded.campaign)[0].academic_year == last_year


@pytest.mark.parametrize(
    ("today", "years", "expected"),
    [
        (date(2026, 5, 16), {2025, 2026}, 2026),  # the academic year starts in May
        (date(2026, 4, 30), {2025, 2026}, 2025),  # April is still the year before
        (date(2026, 12, 7), {2024, 2025}, 2025),  # this year not in the registry: the newest
        (date(2026, 12, 7), set(), 2026),  # nothing in the registry: the report date's year
    ],
)
def test_default_year(today, years, expected):
    assert services.default_year(years, today) == expected


def test_without_a_registry_figure_pupils_cannot_be_checked(
    client, db, make_campaign, school_staff, act_as
):
    user, school = school_staff()
    campaign = make_campaign(school=school, state="funded")
    measures = add_measures(campaign.programme)
    act_as(user)
    response = client.post(
        f"/school/outcomes/campaigns/{campaign.id}", data=form_data(measures, pupils=3)
    )
    assert response.status_code == 422
    assert "The registry has no pupils and teachers figures" in response.text
    # Figures the registry does not cap still go through.
    assert (
        client.post(
            f"/school/outcomes/campaigns/{campaign.id}", data=form_data(measures, hours=3)
        ).status_code
        == 302
    )


def test_an_empty_form_and_huge_figures_are_form_errors(client, db, funded, act_as):
    act_as(funded.user)
    response = client.post(
        f"/school/outcomes/campaigns/{funded.campaign.id}",
        data={"academic_year": str(current_academic_year())},
    )
    assert response.status_code == 422 and "Enter at least one figure." in response.text
    for value in ("169", "-1", "9" * 30, "1e309", "abc"):
        response = client.post(
            f"/school/outcomes/campaigns/{funded.campaign.id}",
            data=form_data(funded.measures) | {f"measure_{funded.measures['hours'].id}": value},
        )
        assert response.status_code == 422, value
    assert _reports(funded.campaign) == []


def test_a_campaign_not_funded_takes_no_report(client, db, make_campaign, school_staff, act_as):
    user, school = school_staff()
    campaign = make_campaign(school=school, state="live")
    measures = add_measures(campaign.programme)
    add_year(school)
    act_as(user)
    page = client.get(f"/school/outcomes/campaigns/{campaign.id}")
    assert page.status_code == 200 and 'id="not-reportable"' in page.text
    response = client.post(
        f"/school/outcomes/campaigns/{campaign.id}", data=form_data(measures, hours=3)
    )
    assert response.status_code == 422
    assert _reports(campaign) == []
    with pytest.raises(services.OutcomeRefused):
        services.report_outcomes(
            campaign, current_academic_year(), {measures["hours"].id: 3}, "", user
        )


# Measures --------------------------------------------------------------------------------


def test_staff_name_measures(client, db, make_programme, act_as, make_user):
    programme = make_programme()
    act_as(make_user(is_staff=True))
    url = f"/staff/outcomes/programmes/{programme.id}/measures"
    assert client.get(url).status_code == 200
    fields = {
        "name_th": "นักเรียนที่ได้ใช้",
        "name_en": "Pupils reached",
        "key": "pupils_reached",
        "unit_th": "คน",
        "unit_en": "pupils",
        "kind": "count",
        "planned_from": "pupils",
        "budget_item": "",
        "position": "1",
    }
    assert client.post(url, data=fields).status_code == 302
    duplicate = client.post(url, data=fields)
    assert duplicate.status_code == 422 and "already has a measure with this key" in duplicate.text
    no_item = client.post(url, data=fields | {"key": "laptops", "planned_from": "budget_quantity"})
    assert no_item.status_code == 422 and "Name the budget item" in no_item.text
    bad_key = client.post(url, data=fields | {"key": "Pupils Reached"})
    assert bad_key.status_code == 422
    (measure,) = services.measures_of(programme.id)
    edit = f"/staff/outcomes/measures/{measure.id}/edit"
    assert client.get(edit).status_code == 200
    assert client.post(edit, data=fields | {"name_en": "Pupils who used them"}).status_code == 302
    db.session.expire_all()
    assert services.measures_of(programme.id)[0].name_en == "Pupils who used them"
    page = client.get(f"/programmes/{programme.id}").text
    assert 'id="outcome-measures-link"' in page


# The programme page ----------------------------------------------------------------------


def test_programme_page_query_count_does_not_grow_with_schools(
    client, db, make_campaign, make_school, make_user
):
    from tests.crowd import build_campaign

    first = make_campaign(state="funded")
    programme = first.programme
    measures = add_measures(programme)
    staff = make_user(is_staff=True)

    def add_school(campaign):
        campaign.programme_id = programme.id
        db.session.commit()
        add_year(campaign.school)
        reports = services.report_outcomes(
            campaign,
            current_academic_year(),
            {measures["pupils"].id: 10, measures["hours"].id: 4},
            "",
            _staff_of(campaign.school, make_user),
        )
        for report in reports:
            services.verify(report, staff)
        db.session.commit()

    add_school(first)
    url = f"/programmes/{programme.id}"
    client.get(url)
    with counted_queries() as few:
        one = client.get(url)
    for _ in range(6):
        add_school(build_campaign(make_school(), state="funded"))
    with counted_queries() as many:
        seven = client.get(url)
    assert one.status_code == seven.status_code == 200
    assert seven.text.count('id="outcomes-school-') == 7
    assert len(many) == len(few), (len(few), len(many))
    table = services.outcome_table(programme.id)
    assert table.total(measures["pupils"], "reported") == 70
    assert table.total(measures["pupils"], "planned") == 140
    assert table.total(measures["hours"], "reported") == 4.0  # hours: the mean, not the sum


def _staff_of(school, make_user):
    from partnership.accounts.models import Membership, MembershipState

    user = make_user()
    db.session.add(Membership(user=user, school=school, state=MembershipState.ACTIVE))
    db.session.commit()
    return user


def test_programme_page_without_measures_has_no_section(client, db, make_campaign):
    campaign = make_campaign(state="funded")
    page = client.get(f"/programmes/{campaign.programme_id}").text
    assert 'id="outcomes"' not in page

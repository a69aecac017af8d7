"""The automatic eligibility check: every rule passes and fails with its named reason; the
deadline to the second in Asia/Bangkok; submission records both events and mails the school."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from partnership.applications import eligibility, services
from partnership.applications.eligibility import Rule
from partnership.applications.models import ApplicationEvent, ApplicationState
from partnership.i18n import BANGKOK
from partnership.notifications.models import OutgoingMail
from partnership.registry.models import GRADE_INDEX, NetworkStatus

A = ApplicationState
P4, P6, M1 = GRADE_INDEX["p4"], GRADE_INDEX["p6"], GRADE_INDEX["m1"]
CLOSES = datetime(2021, 6, 30, 23, 59, tzinfo=BANGKOK)


@pytest.fixture()
def programme(make_programme):
    return make_programme(
        opens_at=datetime(2021, 5, 17, 8, 30, tzinfo=BANGKOK),
        closes_at=CLOSES,
        province_codes="30,40",
        max_applications_per_school=1,
    )


@pytest.fixture()
def school(make_school):
    return make_school(
        province_code="40",
        min_grade=0,
        max_grade=P6,
        network_status=NetworkStatus.MEMBER,
        contact_email="office@school.example",
    )


IN_WINDOW = CLOSES - timedelta(days=5)


def test_a_good_application_passes_every_rule(programme, school, make_application):
    application = make_application(programme, school)
    assert eligibility.check(application, IN_WINDOW) == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda p, s, a: setattr(s, "network_status", NetworkStatus.APPLICANT), Rule.NOT_MEMBER),
        (lambda p, s, a: setattr(s, "network_status", NetworkStatus.LEFT), Rule.NOT_MEMBER),
        (lambda p, s, a: setattr(s, "max_grade", GRADE_INDEX["p5"]), Rule.GRADES),
        (lambda p, s, a: setattr(s, "min_grade", P6), Rule.GRADES),
        (lambda p, s, a: setattr(s, "province_code", "10"), Rule.PROVINCE),
        (lambda p, s, a: setattr(p, "cap_satang", 4_497_149), Rule.OVER_CAP),
        (lambda p, s, a: a.budget_lines.clear(), Rule.NO_BUDGET),
    ],
    ids=["applicant", "left", "grades-high", "grades-low", "province", "cap", "no-budget"],
)
def test_each_rule_fails_with_its_reason(db, programme, school, make_application, change, rule):
    application = make_application(programme, school)
    change(programme, school, application)
    db.session.flush()
    assert eligibility.check(application, IN_WINDOW) == [rule]
    assert rule.reason  # a named, translatable reason


@pytest.mark.parametrize(
    ("relax", "rule"),
    [
        (lambda p: setattr(p, "members_only", False), Rule.NOT_MEMBER),
        (lambda p: (setattr(p, "min_grade", None), setattr(p, "max_grade", None)), Rule.GRADES),
        (lambda p: setattr(p, "province_codes", ""), Rule.PROVINCE),
        (lambda p: setattr(p, "cap_satang", 4_497_150), Rule.OVER_CAP),
    ],
    ids=["open-to-all", "any-grade", "any-province", "exactly-at-cap"],
)
def test_relaxing_a_rule_makes_it_pass(db, programme, make_school, make_application, relax, rule):
    school = make_school(
        province_code="10",
        min_grade=0,
        max_grade=GRADE_INDEX["p5"],
        network_status=NetworkStatus.NONE,
    )
    programme.cap_satang = 4_497_149
    application = make_application(programme, school)
    assert rule in eligibility.check(application, IN_WINDOW)
    relax(programme)
    assert rule not in eligibility.check(application, IN_WINDOW)


def test_members_only_off_accepts_non_members(db, programme, make_school, make_application):
    school = make_school(network_status=NetworkStatus.NONE, max_grade=P6)
    application = make_application(programme, school)
    assert eligibility.check(application, IN_WINDOW) == [Rule.NOT_MEMBER]
    programme.members_only = False
    assert eligibility.check(application, IN_WINDOW) == []


def test_too_many_applications(db, programme, school, make_application):
    make_application(programme, school, state=A.ELIGIBLE)
    second = make_application(programme, school)
    assert eligibility.check(second, IN_WINDOW) == [Rule.TOO_MANY]
    programme.max_applications_per_school = 2
    assert eligibility.check(second, IN_WINDOW) == []


def test_withdrawn_applications_do_not_count(db, programme, school, make_application):
    make_application(programme, school, state=A.WITHDRAWN)
    assert eligibility.check(make_application(programme, school), IN_WINDOW) == []


@pytest.mark.parametrize(
    ("moment", "outcome"),
    [
        (CLOSES - timedelta(seconds=1), A.ELIGIBLE),
        (CLOSES, Rule.DEADLINE_PASSED),
        (CLOSES + timedelta(seconds=1), Rule.DEADLINE_PASSED),
        (datetime(2021, 5, 17, 8, 29, 59, tzinfo=BANGKOK), Rule.NOT_OPEN),
        (datetime(2021, 5, 17, 8, 30, tzinfo=BANGKOK), A.ELIGIBLE),
    ],
    ids=["1s-before-close", "at-close", "1s-after-close", "1s-before-open", "at-open"],
)
def test_deadline_edges(db, programme, school, make_application, moment, outcome):
    application = make_application(programme, school)
    if isinstance(outcome, Rule):
        with pytest.raises(services.SubmissionRefused) as refused:
            services.submit(application, None, at=moment)
        assert refused.value.rules == [outcome]
        assert outcome.reason in refused.value.reasons
        db.session.rollback()
        db.session.refresh(application)
        assert application.state == A.DRAFT
        assert application.submitted_at is None
    else:
        services.submit(application, None, at=moment)
        assert application.state == outcome
        assert application.submitted_at == moment


def test_submit_records_both_events_and_mails_the_school(
    db, programme, school, make_application, make_user, add_membership
):
    staff_member = make_user(email="teacher@school.example")
    add_membership(staff_member, school=school)
    application = make_application(programme, school)
    result = services.submit(application, staff_member, at=IN_WINDOW)
    db.session.commit()
    assert result.eligible
    events = db.session.scalars(
        db.select(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id)
        .order_by(ApplicationEvent.id)
    ).all()
    assert [(e.from_state, e.to_state) for e in events] == [
        ("draft", "submitted"),
        ("submitted", "eligible"),
    ]
    assert events[0].actor_id == staff_member.id and events[1].actor_id is None
    mails = db.session.scalars(db.select(OutgoingMail)).all()
    assert sorted(m.to_address for m in mails) == [
        "office@school.example",
        "teacher@school.example",
    ]
    assert all(application.title in m.subject for m in mails)


def test_ineligible_submission_names_each_failed_rule(db, programme, school, make_application):
    school.province_code = "10"
    programme.cap_satang = 100
    application = make_application(programme, school)
    result = services.submit(application, None, at=IN_WINDOW)
    assert application.state == A.INELIGIBLE
    assert result.failures == [Rule.PROVINCE, Rule.OVER_CAP]
    assert application.eligibility_failures == "province,over_cap"
    assert Rule.PROVINCE.reason in application.events[-1].reason


def test_late_submission_through_the_page_shows_the_reason(
    client, db, make_programme, school_staff, login, make_application
):
    from partnership.db_types import utcnow

    programme = make_programme(
        opens_at=utcnow() - timedelta(days=9), closes_at=utcnow() - timedelta(seconds=1)
    )
    user, school = school_staff(max_grade=P6)
    application = make_application(programme, school)
    login(user)
    response = client.post(f"/applications/{application.id}/submit", follow_redirects=True)
    assert response.status_code == 200
    assert Rule.DEADLINE_PASSED.reason in response.text
    db.session.expire_all()
    assert application.state == A.DRAFT

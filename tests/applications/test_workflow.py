"""Every move of the application state machine, as a table; withdrawal and overrides."""

from __future__ import annotations

import pytest

from partnership.applications import services
from partnership.applications.models import ApplicationEvent, ApplicationState
from partnership.applications.workflow import TRANSITIONS, IllegalTransition, transition
from partnership.notifications.models import OutgoingMail

A = ApplicationState
ALL_MOVES = [(a, b) for a in A for b in A]

EXPECTED = {
    (A.DRAFT, A.SUBMITTED), (A.DRAFT, A.WITHDRAWN),
    (A.SUBMITTED, A.ELIGIBLE), (A.SUBMITTED, A.INELIGIBLE), (A.SUBMITTED, A.WITHDRAWN),
    (A.ELIGIBLE, A.INELIGIBLE), (A.ELIGIBLE, A.IN_REVIEW), (A.ELIGIBLE, A.WITHDRAWN),
    (A.INELIGIBLE, A.ELIGIBLE), (A.INELIGIBLE, A.WITHDRAWN),
    (A.IN_REVIEW, A.APPROVED), (A.IN_REVIEW, A.WAITLISTED), (A.IN_REVIEW, A.REJECTED),
    # Decisions may be revised until the programme is decided (enforced in review/decisions.py).
    (A.WAITLISTED, A.APPROVED), (A.WAITLISTED, A.REJECTED),
    (A.APPROVED, A.WAITLISTED), (A.APPROVED, A.REJECTED),
    (A.REJECTED, A.APPROVED), (A.REJECTED, A.WAITLISTED),
}  # fmt: skip


def test_table_is_the_documented_one():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == EXPECTED


@pytest.mark.parametrize(("from_state", "to_state"), ALL_MOVES, ids=lambda s: s.value)
def test_every_transition(
    db, make_programme, make_school, make_application, make_user, from_state, to_state
):
    application = make_application(make_programme(), make_school(), state=from_state)
    actor = make_user()
    if (from_state, to_state) in EXPECTED:
        event = transition(application, to_state, actor, "why")
        db.session.commit()
        assert application.state == to_state
        assert (event.from_state, event.to_state, event.actor_id, event.reason) == (
            from_state.value,
            to_state.value,
            actor.id,
            "why",
        )
        assert application.submitted_at is not None or to_state == A.WITHDRAWN
    else:
        with pytest.raises(IllegalTransition):
            transition(application, to_state, actor, "why")
        db.session.rollback()
        db.session.refresh(application)
        assert application.state == from_state
        assert db.session.scalar(db.select(db.func.count(ApplicationEvent.id))) == 0


def test_state_change_mails_the_school(db, make_programme, make_school, make_application):
    school = make_school(contact_email="office@school.example")
    application = make_application(make_programme(), school, state=A.ELIGIBLE)
    transition(application, A.INELIGIBLE, None, "เอกสารไม่ครบ")
    mails = db.session.scalars(db.select(OutgoingMail)).all()
    assert [m.to_address for m in mails] == ["office@school.example"]
    assert "เอกสารไม่ครบ" in mails[0].body


@pytest.mark.parametrize("state", list(A))
def test_withdraw_until_review_starts(db, make_programme, make_school, make_application, state):
    application = make_application(make_programme(), make_school(), state=state)
    if state in (A.DRAFT, A.SUBMITTED, A.ELIGIBLE, A.INELIGIBLE):
        services.withdraw(application, None, "ได้รับงบจากหน่วยงานอื่น")
        assert application.state == A.WITHDRAWN
    else:
        with pytest.raises(IllegalTransition):
            services.withdraw(application, None)
        assert application.state == state


def test_override_needs_the_other_state(db, make_programme, make_school, make_application):
    application = make_application(
        make_programme(), make_school(), state=A.INELIGIBLE, eligibility_failures="province"
    )
    with pytest.raises(IllegalTransition):
        services.override_eligibility(application, False, "no", None)
    services.override_eligibility(application, True, "จังหวัดเพิ่งเข้าร่วม", None)
    assert application.state == A.ELIGIBLE
    assert application.eligibility_override == "จังหวัดเพิ่งเข้าร่วม"
    assert application.events[-1].reason == "จังหวัดเพิ่งเข้าร่วม"

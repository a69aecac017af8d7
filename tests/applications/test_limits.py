"""One rule for "applications per school": an application counts from its start until it is
withdrawn, both when a school starts one and in the eligibility check."""

from __future__ import annotations

from partnership.applications import eligibility, services
from partnership.applications.eligibility import Rule
from partnership.applications.models import ApplicationState


def test_a_draft_counts_when_starting_and_when_checking(db, make_programme, school_staff,
                                                          make_application):  # fmt: skip
    user, school = school_staff()
    programme = make_programme(max_applications_per_school=1)
    first = make_application(programme, school)  # a draft
    assert services.can_start(programme, school) != []  # the draft counts
    second = make_application(programme, school)  # e.g. made before the limit was lowered
    assert Rule.TOO_MANY in eligibility.rule_failures(second)
    assert eligibility.counted_applications(programme.id, school.id) == 2
    # Withdrawn ones do not count, in either place.
    first.state = ApplicationState.WITHDRAWN
    db.session.commit()
    assert Rule.TOO_MANY not in eligibility.rule_failures(second)
    second.state = ApplicationState.WITHDRAWN
    db.session.commit()
    assert services.can_start(programme, school) == []

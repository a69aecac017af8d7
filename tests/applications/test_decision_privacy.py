"""Schools see a decision only once the programme publishes it; until then, "in review"."""

from __future__ import annotations

import pytest

from partnership.applications.models import ApplicationEvent, ApplicationState
from partnership.extensions import db
from partnership.programmes.models import ProgrammeState

REASON = "งบประมาณไม่เพียงพอในรอบนี้"


@pytest.fixture()
def decided(make_programme, make_application, school_staff):
    user, school = school_staff()
    programme = make_programme(state=ProgrammeState.REVIEWING)
    application = make_application(programme, school, state=ApplicationState.REJECTED)
    application.events.append(
        ApplicationEvent(from_state="in_review", to_state="rejected", reason=REASON)
    )
    db.session.commit()
    return user, programme, application


def test_before_publication_the_school_sees_in_review(client, login, english, decided):
    user, programme, application = decided
    login(user)
    page = client.get(f"/applications/{application.id}").text
    dashboard = client.get("/my/applications").text
    for html in (page, dashboard):
        assert "In review" in html
        assert "Rejected" not in html
    assert REASON not in page


def test_staff_see_the_decision_before_publication(client, login_as, english, decided):
    _, programme, application = decided
    login_as("staff")
    page = client.get(f"/applications/{application.id}").text
    assert "Rejected" in page and REASON in page


def test_after_publication_the_school_sees_the_decision(client, login, english, decided):
    user, programme, application = decided
    programme.state = ProgrammeState.DECIDED
    db.session.commit()
    login(user)
    page = client.get(f"/applications/{application.id}").text
    assert "Rejected" in page and REASON in page
    assert "Rejected" in client.get("/my/applications").text

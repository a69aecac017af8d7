"""One rule for who hears about a school, used by network admission and applications alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.accounts.models import MembershipState
from partnership.applications.models import ApplicationState
from partnership.applications.workflow import transition
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from partnership.registry.models import NetworkStatus
from partnership.registry.notices import school_recipients

S = MembershipState


@pytest.fixture()
def people(make_school, make_user, add_membership):
    """A member school with one person in each membership state, and a deactivated one."""
    school = make_school(contact_email="Office@School.example")
    users = {}
    for state in (S.ACTIVE, S.PENDING, S.DECLINED, S.ENDED):
        users[state] = make_user(email=f"{state.value}@example.test")
        add_membership(users[state], school=school, state=state)
    gone = make_user(email="deactivated@example.test")
    gone.is_active_account = False
    add_membership(gone, school=school)
    same = make_user(email="office@school.example")  # the contact address, as a user
    add_membership(same, school=school)
    return school


def _mailed(topic: str) -> set[str]:
    rows = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.topic == topic))
    return {mail.to_address.lower() for mail in rows}


EXPECTED = {"active@example.test", "office@school.example"}


def test_the_school_people_are_its_active_staff_and_contact(people):
    assert {a.lower() for a in school_recipients(people)} == EXPECTED
    assert len(school_recipients(people)) == 2  # the contact and its user once
    assert school_recipients(people, also=["pending@example.test"])[-1] == "pending@example.test"


def test_network_mail_and_application_mail_reach_the_same_people(
    client, people, make_programme, make_application, login_as
):
    login_as("staff")
    response = client.post(f"/schools/{people.id}/network/leave", data={"note": ""})
    assert response.status_code == 302
    assert _mailed("network") == EXPECTED
    db.session.expire_all()
    assert people.network_status == NetworkStatus.LEFT
    application = make_application(make_programme(), people, state=ApplicationState.SUBMITTED)
    transition(application, ApplicationState.ELIGIBLE)
    db.session.commit()
    assert _mailed("application") == EXPECTED

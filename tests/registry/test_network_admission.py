"""Accepting a school into the network activates only the applicant's own request to join it."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.accounts.models import Membership, MembershipState
from partnership.extensions import db
from partnership.registry.models import NetworkStatus, School

from .test_registry import application


def _memberships(school_id: int) -> dict[int, MembershipState]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Membership).where(Membership.school_id == school_id))
    return {m.user_id: m.state for m in rows}


def test_accepting_a_school_activates_only_the_applicant(client, make_user, login, login_as):
    applicant = login(make_user(email="principal@example.test"))
    assert client.post("/network/apply", data=application()).status_code == 302
    school = db.session.scalar(sa.select(School).where(School.code == "1040077701"))
    # A stranger asks to join the same school by its code while it waits for admission.
    stranger = login(make_user(email="stranger@example.test"))
    client.post("/join", data={"kind": "school", "school_code": school.code, "position": "ครู"})
    assert _memberships(school.id)[stranger.id] == MembershipState.PENDING

    login_as("staff")
    client.post(f"/schools/{school.id}/network/accept", data={"note": ""})

    states = _memberships(school.id)
    assert states[applicant.id] == MembershipState.ACTIVE
    assert states[stranger.id] == MembershipState.PENDING  # still waiting in Staff → Memberships
    db.session.expire_all()
    assert db.session.get(School, school.id).network_status == NetworkStatus.MEMBER
    queue = client.get("/staff/memberships")
    assert "stranger@example.test" in queue.text
    # The stranger cannot edit the school, nor was told about the admission.
    login(stranger)
    assert client.get(f"/schools/{school.id}/edit").status_code == 403


def test_an_existing_school_applies_through_its_staff(client, make_school, school_staff, login):
    user, school = school_staff(network_status=NetworkStatus.NONE)
    login(user)
    client.post(f"/schools/{school.id}/network/apply")
    db.session.expire_all()
    school = db.session.get(School, school.id)
    assert school.network_status == NetworkStatus.APPLICANT
    assert school.network_applicant_id == user.id
    again = client.post(f"/schools/{school.id}/network/apply", follow_redirects=True)
    assert "already a member or has applied" in again.text

"""Staff take access away (end a membership, deactivate an account) with a reason; it takes
effect at the next request, happens once under concurrent requests, and stays on the record."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.accounts import access
from partnership.accounts.models import (
    MEMBERSHIP_MOVES,
    AccessEvent,
    AccessEventKind,
    Membership,
    MembershipState,
    User,
)
from partnership.accounts.services import IllegalMembershipMove, move_membership
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from tests.live import all_at_once, live_server

from .conftest import log_in


def events() -> list[AccessEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AccessEvent).order_by(AccessEvent.id)))


def mails(topic: str = "access") -> list[OutgoingMail]:
    return list(db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.topic == topic)))


@pytest.fixture()
def staff_client(app, make_user):
    client = app.test_client()
    staff = make_user("staff@example.org", is_staff=True)
    log_in(client, staff.email)
    with client.session_transaction() as session:
        session["locale"] = "en"
    client.staff = staff
    return client


@pytest.fixture()
def teacher(app, make_user, make_school, add_membership):
    """A signed-in school staff member, on their own client."""
    user = make_user("teacher@example.org")
    school = make_school()
    membership = add_membership(user, school=school)
    client = app.test_client()
    log_in(client, user.email)
    assert client.get(f"/schools/{school.id}/edit").status_code == 200
    return user, school, membership, client


def test_deactivating_an_account_ends_its_sessions_at_once_and_is_recorded(staff_client, teacher):
    user, school, _membership, client = teacher
    page = staff_client.get(f"/staff/people/{user.id}")
    assert page.status_code == 200 and "Deactivate account" in page.text
    response = staff_client.post(
        f"/staff/people/{user.id}/deactivate", data={"account-reason": "Left the school in May"}
    )
    assert response.status_code == 302
    # The very next request of the open session is anonymous.
    assert client.get("/account").status_code == 302
    assert "Log out" not in client.get("/").text
    assert client.get(f"/schools/{school.id}/edit").status_code == 302
    assert log_in(client, user.email).status_code == 200
    [event] = events()
    assert event.kind == AccessEventKind.ACCOUNT_DEACTIVATED and event.user_id == user.id
    assert event.actor_id == staff_client.staff.id and event.reason == "Left the school in May"
    assert event.at is not None
    [mail] = mails()
    assert mail.to_address == user.email and "Left the school in May" in mail.body
    record = staff_client.get(f"/staff/people/{user.id}").text
    assert "Account deactivated" in record and "Left the school in May" in record
    assert "Reactivate account" in record


def test_reactivating_lets_the_person_log_in_but_old_sessions_stay_ended(
    app, staff_client, teacher
):
    user, _school, _membership, client = teacher
    staff_client.post(f"/staff/people/{user.id}/deactivate", data={"account-reason": "Audit"})
    staff_client.post(f"/staff/people/{user.id}/reactivate", data={"account-reason": "Cleared"})
    assert client.get("/account").status_code == 302  # the old session does not come back
    fresh = app.test_client()
    assert log_in(fresh, user.email).status_code == 302
    assert [e.kind for e in events()] == [
        AccessEventKind.ACCOUNT_DEACTIVATED, AccessEventKind.ACCOUNT_REACTIVATED]  # fmt: skip


def test_deactivation_voids_the_reset_links_mailed_before(app, staff_client, make_user, mailbox):
    user = make_user("teacher@example.org")
    app.test_client().post("/password/reset", data={"email": user.email})
    link = mailbox.link(user.email, "/password/reset/")
    staff_client.post(f"/staff/people/{user.id}/deactivate", data={"account-reason": "Audit"})
    staff_client.post(f"/staff/people/{user.id}/reactivate", data={"account-reason": "Cleared"})
    assert app.test_client().get(link).status_code == 302


def test_a_reason_is_required_and_nothing_changes_without_one(staff_client, teacher):
    user, _school, membership, client = teacher
    refused = staff_client.post(f"/staff/people/{user.id}/deactivate", data={"account-reason": " "})
    assert refused.status_code == 400
    assert 'id="account-reason-error"' in refused.text
    refused = staff_client.post(f"/staff/people/memberships/{membership.id}/end", data={})
    assert refused.status_code == 400
    assert f'id="end-{membership.id}-reason-error"' in refused.text
    assert events() == [] and client.get("/account").status_code == 200
    assert db.session.get(Membership, membership.id).state == MembershipState.ACTIVE


def test_staff_cannot_deactivate_their_own_account(staff_client):
    staff = staff_client.staff
    page = staff_client.get(f"/staff/people/{staff.id}").text
    assert "Deactivate account" not in page
    staff_client.post(f"/staff/people/{staff.id}/deactivate", data={"account-reason": "oops"})
    assert staff_client.get("/staff").status_code == 200
    assert events() == []


def test_ending_a_membership_takes_the_schools_access_away_at_once(staff_client, teacher):
    user, school, membership, client = teacher
    page = staff_client.get(f"/staff/people/{user.id}").text
    assert "End membership" in page and school.name_th in page
    response = staff_client.post(
        f"/staff/people/memberships/{membership.id}/end",
        data={f"end-{membership.id}-reason": "No longer teaches here"},
    )
    assert response.status_code == 302 and response.location == f"/staff/people/{user.id}"
    assert client.get(f"/schools/{school.id}/edit").status_code == 403
    assert client.get("/account").status_code == 200  # the account itself stays
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).state == MembershipState.ENDED
    [event] = events()
    assert event.kind == AccessEventKind.MEMBERSHIP_ENDED and event.membership_id == membership.id
    assert event.actor_id == staff_client.staff.id and event.reason == "No longer teaches here"
    [mail] = mails()
    assert mail.to_address == user.email and "No longer teaches here" in mail.body
    record = staff_client.get(f"/staff/people/{user.id}").text
    assert "Membership ended" in record and "No longer teaches here" in record
    # Ending it again changes nothing and records nothing.
    staff_client.post(f"/staff/people/memberships/{membership.id}/end",
                      data={f"end-{membership.id}-reason": "again"})  # fmt: skip
    assert len(events()) == 1 and len(mails()) == 1


@pytest.mark.parametrize("role", [None, "donor", "school", "sponsor"])
def test_only_staff_reach_the_people_pages(
    client, login_as, make_user, add_membership, make_school, role
):
    target = make_user("target@example.org")
    membership = add_membership(target, school=make_school())
    if role:
        login_as(role)
    expected = 403 if role else 302
    assert client.get("/staff/people").status_code == expected
    assert client.get(f"/staff/people/{target.id}").status_code == expected
    for url in (f"/staff/people/{target.id}/deactivate",
                f"/staff/people/memberships/{membership.id}/end"):  # fmt: skip
        assert (
            client.post(
                url, data={"account-reason": "x", f"end-{membership.id}-reason": "x"}
            ).status_code
            == expected
        )
    assert events() == []
    db.session.expire_all()
    assert db.session.get(User, target.id).is_active_account


def test_people_list_finds_by_name_or_e_mail(staff_client, make_user):
    make_user("somchai@example.org", name="สมชาย ใจดี")
    make_user("other@example.org", name="Another Person")
    page = staff_client.get("/staff/people", query_string={"q": "ใจดี"}).text
    assert "somchai@example.org" in page and "other@example.org" not in page
    page = staff_client.get("/staff/people", query_string={"q": "OTHER@"}).text
    assert "other@example.org" in page and "somchai@example.org" not in page
    assert staff_client.get("/staff/people", query_string={"q": "a%00b_%"}).status_code == 200


@pytest.mark.parametrize("from_state", list(MembershipState))
@pytest.mark.parametrize("to_state", list(MembershipState))
def test_membership_transition_table(
    app, make_user, make_school, add_membership, from_state, to_state
):
    membership = add_membership(make_user(), school=make_school(), state=from_state)
    if to_state in MEMBERSHIP_MOVES[from_state]:
        move_membership(membership, to_state)
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Membership, membership.id).state == to_state
    else:
        with pytest.raises(IllegalMembershipMove):
            move_membership(membership, to_state)
        db.session.rollback()
        assert db.session.get(Membership, membership.id).state == from_state


def test_the_access_record_is_append_only(app, make_user, make_school, add_membership):
    staff = make_user(is_staff=True)
    membership = add_membership(make_user(), school=make_school())
    access.end_membership(membership, staff, "reason")
    db.session.commit()
    [event] = events()
    event.reason = "rewritten"
    with pytest.raises(sa.exc.InvalidRequestError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events()[0])
    with pytest.raises(sa.exc.InvalidRequestError):
        db.session.flush()
    db.session.rollback()
    assert [e.reason for e in events()] == ["reason"]


THREADS = 8
#: What a browser asks for: a refused form is then sent back with the reason (not JSON).
BROWSER = {"Accept": "text/html"}


def test_simultaneous_ends_of_one_membership_happen_once(
    app, make_user, make_school, add_membership
):
    staff = make_user(is_staff=True)
    membership = add_membership(make_user(), school=make_school())
    data = {f"end-{membership.id}-reason": "Moved away"}
    with live_server(app) as server:
        sessions = [server.session_for(staff) for _ in range(THREADS)]
        url = f"{server.url}/staff/people/memberships/{membership.id}/end"
        statuses = all_at_once(
            THREADS,
            lambda i: sessions[i].post(url, data=data, headers=BROWSER, allow_redirects=False),
        )
    # One did it; the rest were refused and sent back.
    assert server.errors == [] and sorted(statuses) == [302] + [303] * (THREADS - 1)
    assert len(events()) == 1 and len(mails()) == 1


def test_simultaneous_deactivations_of_one_account_happen_once(app, make_user):
    staff = make_user(is_staff=True)
    user = make_user()
    with live_server(app) as server:
        sessions = [server.session_for(staff) for _ in range(THREADS)]
        url = f"{server.url}/staff/people/{user.id}/deactivate"
        statuses = all_at_once(
            THREADS,
            lambda i: sessions[i].post(
                url, data={"account-reason": "Audit"}, headers=BROWSER, allow_redirects=False
            ),
        )
    # One did it; the rest were refused and sent back.
    assert server.errors == [] and sorted(statuses) == [302] + [303] * (THREADS - 1)
    assert len(events()) == 1 and len(mails()) == 1
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == 2

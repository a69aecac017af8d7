"""Login, sessions, passwords and their reset, membership requests, CSRF."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.accounts import services
from partnership.accounts.models import (
    AccountToken,
    Membership,
    MembershipState,
    TokenPurpose,
    User,
)
from partnership.db_types import utcnow
from partnership.extensions import db, limiter
from partnership.notifications.models import OutgoingMail

from .conftest import PASSWORD, log_in

NEW_PASSWORD = "a much longer secret 42"


def users() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def register_form(**overrides) -> dict:
    data = {"name": "สมชาย ใจดี", "email": "Somchai@Example.com"}
    data.update(overrides)
    return data


def test_login_and_logout(client, make_user):
    user = make_user("teacher@example.test")
    response = log_in(client, "  Teacher@Example.test ")
    assert response.status_code == 302 and response.location == "/start"
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None
    assert client.get("/account").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def without_token(html: str) -> str:
    """The page without its CSRF token (signed with a timestamp, so different every time)."""
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "<csrf>", html)


def test_login_failure_does_not_reveal_whether_the_email_exists(client, make_user):
    make_user("known@example.test")
    known = log_in(client, "known@example.test", "wrong password 1")
    unknown = log_in(client, "nobody@example.test", "wrong password 1")
    assert known.status_code == unknown.status_code == 200
    assert "The e-mail or password is not right." in known.text
    assert without_token(known.text).replace("known@", "X@") == without_token(unknown.text).replace(
        "nobody@", "X@"
    )


def test_inactive_account_cannot_log_in(client, make_user):
    user = make_user("gone@example.test")
    user.is_active_account = False
    db.session.commit()
    response = log_in(client, "gone@example.test")
    assert response.status_code == 200 and "The e-mail or password is not right." in response.text


@pytest.fixture()
def rate_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_login_is_rate_limited_per_address(client, make_user, rate_limits):
    make_user("target@example.test")
    for _ in range(3):
        assert log_in(client, "target@example.test", "guess guess 1").status_code == 200
    blocked = log_in(client, "target@example.test", PASSWORD)  # even the right password
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.text
    assert client.get("/account").status_code == 302  # not signed in


def test_login_is_rate_limited_per_email_across_addresses(client, make_user, rate_limits):
    make_user("target@example.test")
    for n in range(3):
        response = log_in(client, "target@example.test", "guess guess 1",
                          environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})  # fmt: skip
        assert response.status_code == 200
    response = log_in(client, "TARGET@example.test", "guess guess 1",
                      environ_base={"REMOTE_ADDR": "10.0.0.99"})  # fmt: skip
    assert response.status_code == 429


def test_rate_limits_are_off_when_disabled(client, make_user):
    make_user("target@example.test")
    for _ in range(12):
        assert log_in(client, "target@example.test", "guess guess 1").status_code == 200


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/schools?q=1", "/schools?q=1"),
        ("https://evil.example/phish", "/start"),
        ("//evil.example/phish", "/start"),
        ("/\\evil.example", "/start"),
        ("/\t/evil.example", "/start"),
        ("javascript:alert(1)", "/start"),
        ("http:/evil.example", "/start"),
    ],
)
def test_next_parameter_is_validated(client, make_user, next_url, expected):
    make_user("teacher@example.test")
    response = log_in(client, "teacher@example.test", query_string={"next": next_url})
    assert response.status_code == 302
    assert response.location == expected


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_logout_ends_the_session_even_if_the_cookie_is_replayed(app, client, make_user):
    make_user("teacher@example.test")
    log_in(client, "teacher@example.test")
    old_cookie = session_cookie(client)
    control = app.test_client()
    control.set_cookie("session", old_cookie)
    assert control.get("/account").status_code == 200  # the stolen cookie works before logout
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    response = replay.get("/account")
    assert response.status_code == 302 and "/login" in response.location


def test_password_change_ends_other_sessions_but_not_this_one(app, client, make_user):
    user = make_user("teacher@example.test")
    log_in(client, "teacher@example.test")
    other = app.test_client()
    log_in(other, "teacher@example.test")
    assert other.get("/account").status_code == 200
    form = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=form).status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    db.session.expire_all()
    assert services.authenticate("teacher@example.test", NEW_PASSWORD).id == user.id


def test_password_change_needs_the_current_password(client, make_user):
    user = make_user("teacher@example.test")
    log_in(client, "teacher@example.test")
    old_hash = user.password_hash
    form = {"current_password": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/account/password", data=form)
    assert response.status_code == 200 and "The current password is not right." in response.text
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def reset_mails() -> list[OutgoingMail]:
    return list(db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.topic == "password_reset")
    ))  # fmt: skip


def request_reset(client, mailbox, email: str) -> str:
    """Ask for a reset link and return the path it points to."""
    response = client.post("/password/reset", data={"email": email})
    assert response.status_code == 302
    return mailbox.link(email, "/password/reset/")


def test_password_reset_by_emailed_link_works_once(client, make_user, mailbox):
    make_user("teacher@example.com")
    link = request_reset(client, mailbox, "teacher@example.com")
    [mail] = reset_mails()
    assert mail.to_address == "teacher@example.com"
    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/login"
    assert log_in(client, "teacher@example.com", NEW_PASSWORD).status_code == 302
    client.post("/logout")
    again = client.post(
        link, data={"password": "yet another one 7", "confirm": "yet another one 7"}
    )
    assert again.status_code == 302 and again.location == "/password/reset"
    assert log_in(client, "teacher@example.com", "yet another one 7").status_code == 200


def test_reset_link_refuses_weak_passwords(client, make_user, mailbox):
    make_user("teacher@example.com")
    link = request_reset(client, mailbox, "teacher@example.com")
    response = client.post(link, data={"password": "password1", "confirm": "password1"})
    assert response.status_code == 200 and "too common" in response.text


def test_expired_forged_or_garbage_reset_token_is_refused(app, client, make_user, mailbox):
    user = make_user("teacher@example.com")
    old_hash = user.password_hash
    expired = services.make_reset_token(user)
    db.session.execute(sa.update(AccountToken).values(created_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    fresh = services.make_reset_token(user)
    db.session.commit()
    assert services.find_token(fresh, TokenPurpose.PASSWORD_RESET) is not None
    assert services.find_token(fresh, TokenPurpose.CONFIRM_EMAIL) is None  # not a sign-up link
    forged = secrets.token_urlsafe(32)
    for token in (expired, forged, "garbage", "x" * 500):
        form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        response = client.post(f"/password/reset/{token}", data=form)
        assert response.status_code == 302 and response.location == "/password/reset"
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_reset_max_age_comes_from_the_config(app, client, make_user, monkeypatch):
    user = make_user("teacher@example.com")
    token = services.make_reset_token(user)
    db.session.commit()
    assert client.get(f"/password/reset/{token}").status_code == 200
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(f"/password/reset/{token}").status_code == 302


def test_a_password_change_voids_the_reset_links_mailed_before(client, make_user, mailbox):
    make_user("teacher@example.com")
    link = request_reset(client, mailbox, "teacher@example.com")
    log_in(client, "teacher@example.com")
    form = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=form).status_code == 302
    client.post("/logout")
    assert client.get(link).status_code == 302


def test_reset_request_for_an_unknown_email_looks_the_same(client, make_user, mailbox):
    make_user("teacher@example.com")
    known = client.post("/password/reset", data={"email": "teacher@example.com"},
                        follow_redirects=True)  # fmt: skip
    unknown = client.post("/password/reset", data={"email": "nobody@example.com"},
                          follow_redirects=True)  # fmt: skip
    assert known.status_code == unknown.status_code == 200
    assert without_token(known.text) == without_token(unknown.text)
    assert [m.to_address for m in reset_mails()] == ["teacher@example.com"]
    assert [m["To"] for m in mailbox] == ["teacher@example.com"]


def test_join_a_school_then_staff_approve(app, client, make_user, make_school, login):
    school = make_school()
    teacher = login(make_user("teacher@example.test"))
    response = client.post(
        "/join",
        data={
            "kind": "school",
            "school_code": school.code,
            "position": "ครูผู้ช่วย",
            "message": "ขอเข้าร่วม",
        },
    )
    assert response.status_code == 302
    [membership] = db.session.scalars(sa.select(Membership)).all()
    assert membership.state == MembershipState.PENDING and membership.school_id == school.id
    again = client.post("/join", data={"kind": "school", "school_code": school.code,
                                       "position": "ครู"})  # fmt: skip
    assert again.status_code == 303 and again.location == "/account"  # the refusal, answered once
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 1
    assert client.get(f"/schools/{school.id}/edit").status_code == 403

    staff_client = app.test_client()
    staff = make_user(is_staff=True)
    log_in(staff_client, staff.email)
    assert "teacher@example.test" in staff_client.get("/staff/memberships").text
    decided = staff_client.post(f"/staff/memberships/{membership.id}/approve", data={})
    assert decided.status_code == 302
    db.session.expire_all()
    membership = db.session.get(Membership, membership.id)
    assert membership.state == MembershipState.ACTIVE and membership.decided_by_id == staff.id
    assert db.session.scalar(sa.select(OutgoingMail.topic).where(
        OutgoingMail.to_address == teacher.email)) == "membership"  # fmt: skip
    assert client.get(f"/schools/{school.id}/edit").status_code == 200
    # A second decision is refused and changes nothing.
    staff_client.post(f"/staff/memberships/{membership.id}/decline", data={"reason": "x"})
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).state == MembershipState.ACTIVE


def test_join_an_organisation_then_staff_decline(client, make_user, make_org, login, login_as):
    organisation = make_org()
    login(make_user("csr@example.test"))
    response = client.post("/join", data={"kind": "organisation", "school_code": "",
                                          "organisation_id": str(organisation.id),
                                          "position": "CSR manager"})  # fmt: skip
    assert response.status_code == 302
    [membership] = db.session.scalars(sa.select(Membership)).all()
    login_as("staff")
    client.post(f"/staff/memberships/{membership.id}/decline",
                data={"reason": "ไม่พบชื่อในรายชื่อพนักงาน"})  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).state == MembershipState.DECLINED
    mail = db.session.scalar(sa.select(OutgoingMail).where(
        OutgoingMail.to_address == "csr@example.test"))  # fmt: skip
    assert "ไม่พบชื่อในรายชื่อพนักงาน" in mail.body


def test_join_an_unknown_school_is_refused(client, login_as):
    login_as("donor")
    response = client.post("/join", data={"kind": "school", "school_code": "1999999999",
                                          "position": "ครู"})  # fmt: skip
    assert response.status_code == 200 and "No school has this code." in response.text
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0


@pytest.fixture()
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.mark.parametrize("url", ["/login", "/register", "/password/reset"])
def test_post_without_csrf_token_is_refused_clearly(client, make_user, csrf_on, url):
    make_user("teacher@example.test")
    before = users()
    response = client.post(
        url,
        data={
            "email": "teacher@example.test",
            "password": PASSWORD,
            "lang": "en",
            **register_form(email="n@example.com"),
        },
    )
    assert response.status_code == 400
    assert "security token is missing or has expired" in response.text
    assert users() == before
    assert reset_mails() == []


def test_language_switch_needs_no_token_and_changes_only_the_language(client, csrf_on):
    """Exempt on purpose (public pages then carry no per-visitor token): all a forged switch can
    do is change the display language, and its ``next`` stays on this site."""
    response = client.post("/language?next=https://evil.example/x", data={"lang": "en"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert 'lang="en"' in client.get("/campaigns").text
    assert 'name="csrf_token"' not in client.get("/campaigns").text


def test_post_with_csrf_token_is_accepted(client, make_user, csrf_on):
    make_user("teacher@example.test")
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": "teacher@example.test", "password": PASSWORD,
                                           "csrf_token": token})  # fmt: skip
    assert response.status_code == 302
    assert client.post("/logout").status_code == 400  # the logout button needs its token too

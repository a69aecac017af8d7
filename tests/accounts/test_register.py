"""Sign-up: the same answer for every address, the password chosen from the mailed link,
rate limits per IP and per address, and the autocomplete hints of every account form."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.extensions import db, limiter

from .conftest import PASSWORD, log_in
from .test_auth import without_token

NEW_PASSWORD = "a much longer secret 42"


def users() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def register(client, email: str = "Somchai@Example.org", **kwargs):
    return client.post("/register", data={"name": "สมชาย ใจดี", "email": email}, **kwargs)


def test_sign_up_mails_a_link_where_the_owner_chooses_the_password(app, client, mailbox):
    response = register(client)
    assert response.status_code == 302 and response.location == "/login"
    user = db.session.scalar(sa.select(User).where(User.email == "somchai@example.org"))
    assert user is not None and user.email_confirmed_at is None
    link = mailbox.link("somchai@example.org", "/register/confirm/")
    # Until then nothing logs in, whatever password is tried.
    assert log_in(client, "somchai@example.org", "").status_code == 200
    page = client.get(link)
    assert page.status_code == 200 and "somchai@example.org" in page.text
    weak = client.post(link, data={"password": "password1", "confirm": "password1"})
    assert weak.status_code == 200 and "too common" in weak.text
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/account"
    assert client.get("/account").status_code == 200  # signed in
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email_confirmed_at is not None and user.password_hash.startswith("$argon2id$")
    client.post("/logout")
    again = client.post(
        link, data={"password": "another secret 77", "confirm": "another secret 77"}
    )
    assert again.status_code == 302 and again.location == "/register"
    assert log_in(client, "somchai@example.org", NEW_PASSWORD).status_code == 302


def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account(
    app, client, make_user, mailbox
):
    owner = make_user("known@example.org")
    known = register(client, "known@example.org", follow_redirects=True)
    unknown = register(client, "nobody@example.org", follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert without_token(known.text).replace("known@", "X@") == without_token(unknown.text).replace(
        "nobody@", "X@"
    )
    # The owner is told instead, with the way back in; their account is untouched.
    [message] = mailbox.to("known@example.org")
    assert message["Subject"] == "You already have an account"
    body = message.get_content()
    assert "http://localhost/password/reset" in body and "http://localhost/login" in body
    assert "/password/reset/" not in body  # no secret: the owner asks for a reset link
    db.session.expire_all()
    assert db.session.get(User, owner.id).name == "ผู้ใช้ทดสอบ"
    assert users() == 2
    assert log_in(client, "known@example.org", PASSWORD).status_code == 302


def test_nobody_can_take_an_address_they_do_not_read(app, client, mailbox):
    """A stranger signs up with someone's address: they never get to choose its password."""
    register(client, "victim@example.org")
    assert log_in(client, "victim@example.org", "").status_code == 200
    # The owner signs up too (or asks for a reset): the link reaches only them.
    register(app.test_client(), "victim@example.org")
    assert users() == 1
    links = [m.get_content() for m in mailbox.to("victim@example.org")]
    assert len(links) == 2 and all("/register/confirm/" in body for body in links)
    link = mailbox.link("victim@example.org", "/register/confirm/")
    owner = app.test_client()
    owner.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert owner.get("/account").status_code == 200


def test_a_reset_link_also_finishes_a_sign_up(app, client, mailbox):
    register(client, "late@example.org")
    client.post("/password/reset", data={"email": "late@example.org"})
    link = mailbox.link("late@example.org", "/password/reset/")
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert log_in(client, "late@example.org", NEW_PASSWORD).status_code == 302


def test_sign_up_of_a_deactivated_address_mails_nothing(app, client, make_user, mailbox):
    user = make_user("gone@example.org")
    user.is_active_account = False
    db.session.commit()
    assert register(client, "gone@example.org").location == "/login"
    assert mailbox == []


@pytest.fixture()
def rate_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "MAIL_RATE_LIMIT", "2 per hour")
    limiter.reset()
    yield
    limiter.reset()


def from_ip(n: int) -> dict:
    return {"environ_base": {"REMOTE_ADDR": f"10.0.0.{n}"}}


@pytest.mark.parametrize("url", ["/register", "/password/reset"])
def test_sign_up_and_reset_are_rate_limited_per_ip(client, rate_limits, mailbox, url):
    codes = [
        client.post(url, data={"name": "x", "email": f"a{n}@example.org"}).status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert (
        client.post(url, data={"name": "x", "email": "b@example.org"}, **from_ip(9)).status_code
        == 302
    )


@pytest.mark.parametrize(
    "first, second",
    [
        ("/register", "/register"),
        ("/password/reset", "/password/reset"),
        ("/register", "/password/reset"),
    ],
)
def test_mail_to_one_address_is_rate_limited_across_ips_and_forms(
    client, make_user, rate_limits, mailbox, first, second
):
    make_user("target@example.org")
    data = {"name": "x", "email": "target@example.org"}
    assert client.post(first, data=data, **from_ip(1)).status_code == 302
    assert client.post(second, data=data, **from_ip(2)).status_code == 302
    blocked = client.post(second, data={**data, "email": " TARGET@example.org"}, **from_ip(3))
    assert blocked.status_code == 429 and "Too many attempts" in blocked.text
    assert len(mailbox) == 2
    # Another address is not affected.
    assert (
        client.post(first, data={**data, "email": "other@example.org"}, **from_ip(4)).status_code
        == 302
    )


class Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.autocomplete: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") not in {"hidden", "submit"}:
            self.autocomplete[attrs["name"]] = attrs.get("autocomplete")


def autocomplete(html: str) -> dict[str, str | None]:
    parser = Inputs()
    parser.feed(re.sub(r"<header.*?</header>", "", html, flags=re.S))
    return parser.autocomplete


def test_account_forms_tell_browsers_and_password_managers_what_to_fill(
    app, client, make_user, login, mailbox
):
    assert autocomplete(client.get("/login").text) == {
        "email": "email", "password": "current-password"}  # fmt: skip
    assert autocomplete(client.get("/register").text) == {"name": "name", "email": "email"}
    assert autocomplete(client.get("/password/reset").text) == {"email": "email"}
    new_passwords = {"password": "new-password", "confirm": "new-password"}
    make_user("teacher@example.org")
    client.post("/password/reset", data={"email": "teacher@example.org"})
    reset = client.get(mailbox.link("teacher@example.org", "/password/reset/"))
    assert autocomplete(reset.text) == new_passwords
    register(client, "new@example.org")
    confirm = client.get(mailbox.link("new@example.org", "/register/confirm/"))
    assert autocomplete(confirm.text) == new_passwords
    login(make_user("signed-in@example.org"))
    assert autocomplete(client.get("/account/password").text) == {
        "current_password": "current-password", **new_passwords}  # fmt: skip
    assert autocomplete(client.get("/account").text) == {"name": "name"}

"""Links that leave the site: built on BASE_URL only, mailed in full, logged without secrets."""

from __future__ import annotations

import hashlib
import re

import pytest
import requests
import sqlalchemy as sa

from partnership.accounts.models import AccountToken, TokenPurpose
from partnership.core.urls import external_url
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from tests.live import all_at_once, live_server

from .conftest import PASSWORD, log_in

NEW_PASSWORD = "a much longer secret 42"
TOKEN_LINK = re.compile(r"https?://[^\s/]+(?:/[^\s/]+)*/password/reset/([A-Za-z0-9_-]{20,})")


@pytest.mark.parametrize("server_name", [None, "localhost"])
def test_reset_link_is_built_on_base_url_not_on_the_host_header(
    app, client, make_user, mailbox, monkeypatch, server_name
):
    monkeypatch.setitem(app.config, "BASE_URL", "https://partnership.example.org/th")
    monkeypatch.setitem(app.config, "SERVER_NAME", server_name)
    make_user("teacher@example.org")
    response = client.post(
        "/password/reset",
        data={"email": "teacher@example.org"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert response.status_code == 302
    [message] = mailbox.to("teacher@example.org")
    body = message.get_content()
    assert "evil.example" not in body
    assert re.search(r"https://partnership\.example\.org/th/password/reset/\S+", body), body


def test_a_host_outside_trusted_hosts_is_refused_and_nothing_is_mailed(
    app, client, make_user, mailbox, monkeypatch
):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost"])
    make_user("teacher@example.org")
    refused = client.post(
        "/password/reset", data={"email": "teacher@example.org"}, headers={"Host": "evil.example"}
    )
    assert refused.status_code == 400
    assert mailbox == [] and db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0
    served = client.post("/password/reset", data={"email": "teacher@example.org"})
    assert served.status_code == 302 and len(mailbox) == 1


def test_external_url_needs_no_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://partnership.example.org")
    assert external_url("accounts.login") == "https://partnership.example.org/login"
    assert (
        external_url("accounts.reset", token="abc", lang="th", _anchor="form")
        == "https://partnership.example.org/password/reset/abc?lang=th#form"
    )


def every_stored_text() -> str:
    """Every value in every table, as one string: what a database dump would show."""
    texts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            texts.extend(str(value) for value in row)
    return "\n".join(texts)


def test_the_mail_log_and_the_database_hold_no_working_reset_link(
    app, client, make_user, login_as, mailbox
):
    make_user("teacher@example.org")
    client.post("/password/reset", data={"email": "teacher@example.org"})
    [message] = mailbox.to("teacher@example.org")
    token = TOKEN_LINK.search(message.get_content()).group(1)

    [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
    assert token not in mail.body and "/password/reset/" not in mail.body
    assert "[link removed]" in mail.body
    assert token not in every_stored_text()
    [row] = db.session.scalars(sa.select(AccountToken)).all()
    assert row.purpose == TokenPurpose.PASSWORD_RESET
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()

    staff = app.test_client()
    log_in(staff, make_user(is_staff=True).email)
    page = staff.get("/staff/mail").text
    assert "Reset your password" in page and "[link removed]" in page
    assert token not in page and not TOKEN_LINK.search(page)

    # The delivered link works, once.
    path = f"/password/reset/{token}"
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(path, data=form).location == "/login"
    assert client.post(path, data=form).location == "/password/reset"
    assert log_in(client, "teacher@example.org", NEW_PASSWORD).status_code == 302
    assert log_in(app.test_client(), "teacher@example.org", PASSWORD).status_code == 200


def test_a_failed_delivery_keeps_the_redacted_body(app, client, make_user, mailbox, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    make_user("teacher@example.org")
    client.post("/password/reset", data={"email": "teacher@example.org"})
    [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
    # It waits for the next attempt (tests/notifications covers the retries), redacted in the log.
    assert mail.state.value == "queued" and "[link removed]" in mail.body
    assert mail.attempts == 1 and "gone" in mail.error and mail.secret_body


def test_logged_delivery_shows_the_link_in_development_only(
    app, client, make_user, monkeypatch, caplog
):
    make_user("teacher@example.org")
    caplog.set_level("INFO")
    client.post("/password/reset", data={"email": "teacher@example.org"})
    assert TOKEN_LINK.search(caplog.text)  # the development mailbox
    caplog.clear()
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    client.post("/password/reset", data={"email": "teacher@example.org"})
    assert "Reset your password" in caplog.text and not TOKEN_LINK.search(caplog.text)


def test_a_reset_link_works_once_under_simultaneous_requests(app, make_user, mailbox):
    """Eight browsers post the same link at the same moment: exactly one new password wins."""
    make_user("teacher@example.org")
    client = app.test_client()
    client.post("/password/reset", data={"email": "teacher@example.org"})
    path = mailbox.link("teacher@example.org", "/password/reset/")
    responses = {}

    with live_server(app) as server:

        def post(i: int) -> requests.Response:
            password = f"simultaneous secret {i}"
            responses[i] = requests.post(
                server.url + path,
                data={"password": password, "confirm": password},
                allow_redirects=False,
            )
            return responses[i]

        statuses = all_at_once(8, post)
    # The loser sees the link spent: refused (303) or found used (302), sent to ask again.
    assert server.errors == [] and set(statuses) <= {302, 303} and statuses.count(302) >= 1
    winners = [i for i, r in responses.items() if r.headers["Location"] == "/login"]
    assert len(winners) == 1, {i: r.headers["Location"] for i, r in responses.items()}
    assert {r.headers["Location"] for r in responses.values()} == {"/login", "/password/reset"}
    new_password = f"simultaneous secret {winners[0]}"
    assert log_in(client, "teacher@example.org", new_password).status_code == 302

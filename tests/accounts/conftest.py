"""Account test helpers: pages in English (the msgids), a real login through the form, and a
mailbox that receives what the app sends over SMTP (faked at the network boundary)."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage

import pytest

PASSWORD = "correct horse 9"


@pytest.fixture(autouse=True)
def english(client):
    """Read the pages in English, so the assertions match the message ids."""
    with client.session_transaction() as session:
        session["locale"] = "en"


def log_in(client, email: str, password: str = PASSWORD, **kwargs):
    """POST the login form, as a browser does."""
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


class Mailbox(list):
    """The messages the app handed to the SMTP server, in order."""

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self if m["To"] == address]

    def link(self, address: str, path: str) -> str:
        """The path (``/password/reset/...``) of the last link to ``path`` mailed to ``address``."""
        bodies = [m.get_content() for m in self.to(address)]
        links = re.findall(rf"http://localhost({re.escape(path)}\S*)", "\n".join(bodies))
        assert links, f"no {path} link mailed to {address}: {bodies}"
        return links[-1]


@pytest.fixture()
def mailbox(app, monkeypatch) -> Mailbox:
    """Turn SMTP delivery on and catch what is sent, where ``smtplib`` would open a socket."""
    received = Mailbox()

    class FakeSMTP:
        def __init__(self, host, port, timeout=None):
            assert host == "smtp.test"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def login(self, username, password):
            pass

        def send_message(self, message):
            received.append(message)

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.test")
    return received


@pytest.fixture()
def clock(monkeypatch):
    """The TOTP clock, frozen at ``mfa_helpers.FROZEN``; ``clock.now = ...`` moves it."""
    from partnership.accounts.mfa import totp
    from tests.accounts.mfa_helpers import FROZEN

    class Clock:
        now: float = FROZEN

    frozen = Clock()
    monkeypatch.setattr(totp, "now_seconds", lambda: frozen.now)
    return frozen

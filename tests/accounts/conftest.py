"""Account test helpers: pages in English (the msgids) and a real login through the form."""

from __future__ import annotations

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

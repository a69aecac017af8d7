"""The same TOTP code posted 8 times at once signs in once (live server, threads)."""

from __future__ import annotations

import pytest
import requests

from tests.accounts.mfa_helpers import FROZEN, code_at
from tests.live import all_at_once, live_server

PASSWORD = "correct horse 9"


@pytest.fixture()
def server(app):
    with live_server(app) as live:
        yield live
    assert live.errors == [], f"requests failed on the server: {live.errors!r}"


def test_the_same_code_eight_times_at_once_signs_in_once(server, make_user, add_totp, clock):
    user = make_user("staff@example.test", is_staff=True)
    secret = add_totp(user)
    code = code_at(secret, FROZEN)
    sessions = []
    for _ in range(8):  # eight browsers that each gave the right password
        http = requests.Session()
        answer = http.post(
            f"{server.url}/login",
            data={"email": user.email, "password": PASSWORD},
            allow_redirects=False,
        )
        assert answer.headers["Location"].endswith("/login/second-factor")
        sessions.append(http)
    url = f"{server.url}/login/second-factor"

    statuses = all_at_once(
        8, lambda i: sessions[i].post(url, data={"code": code}, allow_redirects=False)
    )

    assert sorted(statuses) == [302] + [422] * 7, statuses
    signed_in = [
        s.get(f"{server.url}/account", allow_redirects=False).status_code == 200 for s in sessions
    ]
    assert signed_in.count(True) == 1

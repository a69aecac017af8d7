"""Recovery codes: ten, 120 bits each, kept only as salted hashes, each works once, and the
person is told how many are left."""

from __future__ import annotations

import re

import sqlalchemy as sa

from partnership.accounts.mfa import recovery
from partnership.accounts.mfa.models import RecoveryCode
from partnership.extensions import db
from tests.accounts.conftest import log_in


def _codes_from(page: str) -> list[str]:
    return re.findall(r"<li><code>([A-Z2-7-]+)</code></li>", page)


def test_codes_are_made_shown_once_and_stored_as_salted_hashes(client, login, make_user, add_totp):
    user = login(make_user(is_staff=True))
    add_totp(user)
    page = client.post("/account/security/recovery")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    codes = _codes_from(page.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(c.replace("-", "")) * 5 >= 112 for c in codes)  # base32: 5 bits a character
    rows = db.session.scalars(sa.select(RecoveryCode)).all()
    assert len({row.salt for row in rows}) == 10
    stored = " ".join(f"{r.salt} {r.code_hash}" for r in rows)
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
    # The page of the codes is the only place they appear: the security page has the count.
    again = client.get("/account/security/recovery")
    assert not _codes_from(again.text) and "10 unused recovery codes left" in again.text


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, make_user, add_totp):
    user = make_user("staff@example.test", is_staff=True)
    add_totp(user)
    codes = recovery.generate(user)
    db.session.commit()
    log_in(client, user.email)
    done = client.post(
        "/login/second-factor", data={"code": codes[3].lower()}, follow_redirects=True
    )
    assert done.status_code == 200 and "9 left" in done.text
    client.post("/logout")
    log_in(client, user.email)
    refused = client.post("/login/second-factor", data={"code": codes[3]})
    assert refused.status_code == 422
    assert recovery.remaining(user) == 9


def test_new_codes_end_the_old_ones(app, make_user):
    user = make_user()
    old = recovery.generate(user)
    new = recovery.generate(user)
    db.session.commit()
    assert not recovery.use(user, old[0])
    assert recovery.use(user, new[0]) and not recovery.use(user, new[0])
    assert recovery.remaining(user) == 9

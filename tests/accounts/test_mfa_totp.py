"""Authenticator apps: enrolment with a QR code and a first code, the second step of logging in
with a frozen clock (right code, last step's code, replay, wrong codes rate-limited)."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.accounts.mfa.models import RecoveryCode, TotpFactor
from partnership.extensions import db
from tests.accounts.conftest import log_in
from tests.accounts.mfa_helpers import FROZEN, STEP, code_at

PASSWORD = "correct horse 9"


def _second_step(client, code):
    return client.post("/login/second-factor", data={"code": code})


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_the_password_alone_does_not_sign_in_a_person_with_an_app(client, make_user, add_totp):
    user = make_user("staff@example.test", is_staff=True)
    add_totp(user)
    response = log_in(client, user.email)
    assert response.status_code == 302 and response.location == "/login/second-factor"
    assert not _signed_in(client)
    page = client.get("/login/second-factor")
    assert page.status_code == 200 and "Second step of logging in" in page.text


def test_the_right_code_of_this_step_signs_in(client, make_user, add_totp, clock):
    user = make_user(is_staff=True)
    secret = add_totp(user)
    log_in(client, user.email, query_string={"next": "/account"})
    response = _second_step(client, code_at(secret, FROZEN))
    assert response.status_code == 302 and response.location == "/account"
    assert _signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(sa.select(TotpFactor.last_step)) == STEP


def test_the_previous_steps_code_is_refused(client, make_user, add_totp, clock):
    user = make_user(is_staff=True)
    secret = add_totp(user)
    log_in(client, user.email)
    assert _second_step(client, code_at(secret, FROZEN - 30)).status_code == 422
    assert _second_step(client, code_at(secret, FROZEN + 30)).status_code == 422
    assert not _signed_in(client)


def test_a_code_is_refused_the_second_time_in_the_same_step(
    app, client, make_user, add_totp, clock
):
    user = make_user(is_staff=True)
    secret = add_totp(user)
    code = code_at(secret, FROZEN)
    log_in(client, user.email)
    assert _second_step(client, code).status_code == 302
    client.post("/logout")
    log_in(client, user.email)
    clock.now = FROZEN + 15  # still the same step
    refused = _second_step(client, code)
    assert refused.status_code == 422
    assert not _signed_in(client)
    clock.now = FROZEN + 30  # the next step's code works
    assert _second_step(client, code_at(secret, FROZEN + 30)).status_code == 302


def test_wrong_codes_are_rate_limited_per_person(app, client, make_user, add_totp, clock):
    app.config["RATELIMIT_ENABLED"] = True
    from partnership.extensions import limiter

    limiter.reset()
    user = make_user(is_staff=True)
    secret = add_totp(user)
    log_in(client, user.email)
    statuses = [_second_step(client, "000000").status_code for _ in range(10)]
    assert statuses == [422] * 10
    # The eleventh try is refused before it is checked, even with the right code.
    assert _second_step(client, code_at(secret, FROZEN)).status_code == 429
    # Another address does not get fresh tries for the same person.
    other = app.test_client()
    with other.session_transaction() as session:
        session["locale"] = "en"
    log_in(other, user.email, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    refused = other.post(
        "/login/second-factor",
        data={"code": code_at(secret, FROZEN)},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert refused.status_code == 429
    limiter.reset()


def test_a_right_code_does_not_count_against_the_limit(app, client, make_user, add_totp, clock):
    app.config["RATELIMIT_ENABLED"] = True
    from partnership.extensions import limiter

    limiter.reset()
    user = make_user(is_staff=True)
    secret = add_totp(user)
    for minute in range(12):
        clock.now = FROZEN + 30 * minute
        log_in(client, user.email)
        assert _second_step(client, code_at(secret, clock.now)).status_code == 302
        client.post("/logout")
    limiter.reset()


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_first_code(
    client, login, make_user, clock
):
    user = login(make_user(is_staff=True))
    page = client.get("/account/security/app")
    assert page.status_code == 200 and "<svg" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        encrypted = session["totp_enrol"]
    from partnership.core.crypto import decrypt

    secret = decrypt(encrypted, "MFA_KEYS")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text
    wrong = client.post("/account/security/app", data={"code": "123456", "name": "phone"})
    assert wrong.status_code == 422 and db.session.scalar(sa.select(TotpFactor.id)) is None
    done = client.post(
        "/account/security/app", data={"code": code_at(secret, FROZEN), "name": "phone"}
    )
    assert done.status_code == 200 and "Your recovery codes" in done.text
    factor = db.session.scalar(sa.select(TotpFactor))
    assert factor.user_id == user.id and factor.name == "phone"
    assert secret not in factor.secret_encrypted  # encrypted at rest
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 10


def test_password_reset_keeps_the_second_factor(client, make_user, add_totp, clock):
    from partnership.accounts import services

    user = make_user("teacher@example.com", is_staff=True)
    secret = add_totp(user)
    token = services.make_reset_token(user)
    db.session.commit()
    new = "another horse 8"
    done = client.post(f"/password/reset/{token}", data={"password": new, "confirm": new})
    assert done.status_code == 302
    response = log_in(client, user.email, new)
    assert response.location == "/login/second-factor" and not _signed_in(client)
    assert db.session.scalar(sa.select(sa.func.count(TotpFactor.id))) == 1
    assert _second_step(client, code_at(secret, FROZEN)).status_code == 302

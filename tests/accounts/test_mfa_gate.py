"""Who must have a second factor (staff, committee members) after the grace period; a session
without the factor ends; staff reset a lost factor with a reason, recorded and mailed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.accounts.mfa.models import Passkey, RecoveryCode, TotpFactor
from partnership.accounts.models import AccessEvent, AccessEventKind, User
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail


def _past_grace(user, days: int = 8) -> None:
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(mfa_required_from=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_staff_within_the_grace_period_work_and_see_the_date(client, login_as):
    login_as("staff")
    page = client.get("/staff/people")
    assert page.status_code == 200
    assert "add one by" in page.text and "/account/security" in page.text


def test_staff_past_the_grace_period_can_only_add_a_factor(client, login, make_user):
    user = login(make_user(is_staff=True))
    _past_grace(user)
    for path in ("/staff/people", "/account", "/"):
        response = client.get(path)
        assert response.status_code == 302 and response.location == "/account/security", path
    assert client.get("/account/security").status_code == 200
    assert client.get("/account/security/app").status_code == 200
    assert client.post("/logout").status_code == 302


def test_the_grace_period_comes_from_the_config(app, client, login, make_user, monkeypatch):
    user = login(make_user(is_staff=True))
    _past_grace(user, days=3)
    assert client.get("/account").status_code == 200
    monkeypatch.setitem(app.config, "MFA_GRACE_DAYS", 2)
    assert client.get("/account").location == "/account/security"


def test_staff_with_a_factor_past_the_grace_period_work(client, login, make_user, add_totp):
    user = make_user(is_staff=True)
    add_totp(user)
    _past_grace(user, days=100)
    login(user)
    assert client.get("/staff/people").status_code == 200


def test_committee_members_must_too_and_other_people_need_not(
    client, login, make_user, make_programme
):
    from partnership.registry.models import Sector
    from partnership.review.models import CommitteeMember

    member, donor = make_user(), make_user()
    db.session.add(
        CommitteeMember(programme_id=make_programme().id, user_id=member.id, sector=Sector.PUBLIC)
    )
    db.session.commit()
    _past_grace(member)
    _past_grace(donor)
    login(member)
    assert client.get("/account").location == "/account/security"
    login(donor)
    assert client.get("/account").status_code == 200


def test_a_session_without_the_factor_ends(client, make_user, add_totp):
    """For instance one opened with the password before the person added a factor elsewhere."""
    user = make_user(is_staff=True)
    add_totp(user)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    response = client.get("/account")
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/account").location.startswith("/login")


@pytest.fixture()
def lost_phone(make_user, add_totp):
    """A person whose phone (their authenticator app) is lost, with a passkey and codes."""
    from partnership.accounts.mfa import recovery

    person = make_user("somchai@example.test")
    add_totp(person)
    db.session.add(Passkey(user_id=person.id, credential_id="abc", public_key=b"k", name="laptop"))
    recovery.generate(person)
    db.session.commit()
    return person


def test_staff_reset_a_lost_factor_with_a_reason_recorded_and_mailed(
    client, login, make_user, add_totp, step_up_age, lost_phone
):
    staff = make_user(is_staff=True)
    add_totp(staff)
    login(staff)
    step_up_age(900)
    url = f"/staff/people/{lost_phone.id}/second-factors/reset"
    asked = client.post(url, data={"mfa-reason": "phone stolen; checked by phone call"})
    assert asked.location.startswith("/account/verify")  # their own factor first
    assert db.session.scalar(sa.select(sa.func.count(TotpFactor.id))) == 2
    step_up_age(1)
    assert client.post(url, data={"mfa-reason": ""}).status_code == 400  # a reason is needed
    done = client.post(url, data={"mfa-reason": "phone stolen; checked by phone call"})
    assert done.status_code == 302
    db.session.expire_all()
    for model in (TotpFactor, Passkey, RecoveryCode):
        owners = db.session.scalars(sa.select(model.user_id)).all()
        assert lost_phone.id not in owners, model
    [event] = db.session.scalars(sa.select(AccessEvent)).all()
    assert event.kind == AccessEventKind.MFA_RESET and event.actor_id == staff.id
    assert event.user_id == lost_phone.id and "phone stolen" in event.reason
    [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
    assert mail.to_address == lost_phone.email and mail.topic == "access"
    page = client.get(f"/staff/people/{lost_phone.id}")
    assert "Second factors reset" in page.text


def test_staff_cannot_reset_their_own_factors_there(client, login, make_user, add_totp):
    staff = login(make_user(is_staff=True))
    add_totp(staff)
    client.post(f"/staff/people/{staff.id}/second-factors/reset", data={"mfa-reason": "x"})
    assert db.session.scalar(sa.select(sa.func.count(TotpFactor.id))) == 1


def test_a_person_lists_names_and_removes_their_own_factors(client, login, lost_phone):
    login(lost_phone)
    page = client.get("/account/security")
    assert 'value="laptop"' in page.text and "Authenticator app" in page.text
    passkey_id = db.session.scalar(sa.select(Passkey.id))
    client.post(f"/account/security/passkeys/{passkey_id}/name", data={"name": "work laptop"})
    db.session.expire_all()
    assert db.session.get(Passkey, passkey_id).name == "work laptop"
    assert client.post(f"/account/security/passkeys/{passkey_id}/remove").status_code == 302
    assert client.post("/account/security/app/remove").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Passkey.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(TotpFactor.id))) == 0


def test_another_persons_passkey_cannot_be_removed(client, login, make_user, lost_phone):
    login(make_user())
    passkey_id = db.session.scalar(sa.select(Passkey.id))
    assert client.post(f"/account/security/passkeys/{passkey_id}/remove").status_code == 404
    assert db.session.get(Passkey, passkey_id) is not None

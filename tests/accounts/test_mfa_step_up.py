"""Step-up: every action that moves money or access, and changing one's own factors, asks for
the second factor again when the last check is older than MFA_STEP_UP_SECONDS."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.accounts.models import AccessEvent, Membership, MembershipState
from partnership.extensions import db
from tests.accounts.mfa_helpers import FROZEN, code_at

#: (method, path) of every guarded action; ids that do not exist show the check comes first
#: (fresh, the view answers 404 or its own page; stale, the step-up page).
GUARDED = [
    ("POST", "/staff/payments/donations/999999"),  # refund a donation
    ("POST", "/staff/payments/donations/999999/retry"),  # send a refund again
    ("GET", "/staff/payments/donations.csv"),  # donors' personal data
    ("GET", "/staff/payments/donations.xlsx"),
    ("GET", "/staff/receipts/donations/999999.pdf"),  # a receipt: name, address, tax id
    ("POST", "/staff/receipts"),  # the e-Donation tax export
    ("GET", "/staff/receipts/999999.pdf"),  # any receipt ever issued
    ("POST", "/staff/e-donation/export"),  # the month's e-Donation file
    ("POST", "/staff/settlement/gifts/999999/returned"),  # an offline gift given back
    ("POST", "/staff/payments/events/999999/reapply"),  # apply a kept Stripe event
    ("POST", "/staff/campaigns/999999/gifts"),  # record an offline gift
    ("POST", "/staff/gifts/999999/void"),  # void one
    ("POST", "/staff/memberships/999999/approve"),  # grant a membership
    ("POST", "/staff/memberships/999999/decline"),
    ("POST", "/staff/people/memberships/999999/end"),  # end one
    ("POST", "/staff/people/999999/deactivate"),
    ("POST", "/staff/people/999999/reactivate"),
    ("POST", "/staff/people/999999/second-factors/reset"),  # another person's factors
    ("POST", "/review/programmes/999999/committee"),  # appoint a committee member
    ("POST", "/review/programmes/999999/committee/999999/remove"),
    ("GET", "/account/security/app"),  # one's own factors
    ("POST", "/account/security/app"),
    ("POST", "/account/security/app/remove"),
    ("POST", "/account/security/passkeys/options"),
    ("POST", "/account/security/passkeys"),
    ("POST", "/account/security/passkeys/999999/remove"),
    ("POST", "/account/security/recovery"),
    ("POST", "/staff/spending/999999/approve"),  # money out: the second pair of eyes
    ("POST", "/staff/spending/999999/pay"),
    ("POST", "/staff/spending/999999/reverse"),
    ("GET", "/staff/spending/disbursements.csv"),  # payees' tax ids
]

#: Views that are guarded (``step_up_required``); a new guarded view must be listed above.
GUARDED_VIEWS = {
    "payments_staff.donation",
    "payments_staff.retry",
    "payments_staff.donations_csv",
    "payments_staff.donations_xlsx",
    "receipts.staff_receipt",
    "receipts.exports",
    "receipts.staff_receipt_document",
    "edonation.export",
    "settlement.mark_returned",
    "payments_staff.reapply_event",
    "gifts.campaign_gifts",
    "gifts.void_gift",
    "accounts.decide_membership",
    "people.end_membership",
    "people.change_account",
    "people.reset_factors",
    "review_staff.committee",
    "review_staff.remove_member",
    "mfa.totp_enrol",
    "mfa.totp_remove",
    "mfa.passkey_register_options",
    "mfa.passkey_register",
    "mfa.passkey_remove",
    "mfa.recovery_codes",
    "spending_staff.approve",
    "spending_staff.pay",
    "spending_staff.reverse",
    "spending_staff.export",  # payees' tax ids
}


def _asks_again(response) -> bool:
    return response.status_code == 303 and response.location.startswith("/account/verify")


@pytest.fixture()
def staff(login, make_user, add_totp):
    user = make_user(is_staff=True)
    add_totp(user)
    return login(user)


def test_the_list_of_guarded_views_is_complete(app):
    guarded = {name for name, view in app.view_functions.items() if getattr(view, "step_up", False)}
    assert guarded == GUARDED_VIEWS


@pytest.mark.parametrize(("method", "path"), GUARDED, ids=[f"{m} {p}" for m, p in GUARDED])
def test_a_stale_check_is_asked_again_and_a_fresh_one_passes(
    client, staff, step_up_age, method, path
):
    step_up_age(601)
    stale = client.open(path, method=method)
    assert _asks_again(stale), (stale.status_code, stale.location)
    step_up_age(5)
    fresh = client.open(path, method=method)
    assert not _asks_again(fresh) and fresh.status_code < 500


def test_the_window_comes_from_the_config(app, client, staff, step_up_age, monkeypatch):
    step_up_age(599)
    assert not _asks_again(client.get("/staff/payments/donations.csv"))
    monkeypatch.setitem(app.config, "MFA_STEP_UP_SECONDS", 60)
    assert _asks_again(client.get("/staff/payments/donations.csv"))


def test_a_get_is_sent_back_to_itself_after_the_step_up(client, staff, step_up_age, clock):
    step_up_age(3600)
    asked = client.get("/staff/payments/donations.csv?q=somchai")
    assert asked.location == "/account/verify?next=/staff/payments/donations.csv?q%3Dsomchai"


def test_a_forged_post_without_a_fresh_check_changes_nothing(
    client, staff, step_up_age, make_user, make_school, add_membership
):
    person = make_user()
    membership = add_membership(person, school=make_school(), state=MembershipState.PENDING)
    step_up_age(900)
    forged = client.post(f"/staff/memberships/{membership.id}/approve", data={"reason": ""})
    assert _asks_again(forged)
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).state == MembershipState.PENDING


def test_the_step_up_page_takes_the_code_and_the_action_then_goes_through(
    client, login, make_user, add_totp, step_up_age, make_school, add_membership, clock
):
    user = login(make_user(is_staff=True))
    secret = add_totp(user)
    person = make_user()
    membership = add_membership(person, school=make_school())
    step_up_age(900)
    url = f"/staff/people/memberships/{membership.id}/end"
    asked = client.post(
        url,
        data={f"end-{membership.id}-reason": "left the school"},
        headers={"Referer": f"http://localhost/staff/people/{person.id}"},
    )
    assert asked.location == f"/account/verify?next=/staff/people/{person.id}"
    page = client.get(asked.location)
    assert page.status_code == 200 and "Confirm it is you" in page.text
    wrong = client.post(asked.location, data={"code": "000000"})
    assert wrong.status_code == 422
    done = client.post(asked.location, data={"code": code_at(secret, FROZEN)})
    assert done.status_code == 302 and done.location == f"/staff/people/{person.id}"
    ended = client.post(url, data={f"end-{membership.id}-reason": "left the school"})
    assert ended.status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).state == MembershipState.ENDED
    assert db.session.scalar(sa.select(sa.func.count(AccessEvent.id))) == 1


def test_a_person_without_a_factor_is_not_asked(client, login, make_user, step_up_age):
    login(make_user(is_staff=True))  # within the grace period, no factor yet
    step_up_age(3600)
    assert not _asks_again(client.get("/staff/payments/donations.csv"))

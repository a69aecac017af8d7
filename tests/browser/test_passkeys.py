"""Passkeys end to end in Chromium with a virtual authenticator (CDP ``WebAuthn``): add one,
sign in with it, refuse a signature counter that went backwards, remove it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "browser-passkey@example.test"


@pytest.fixture()
def localhost(live_server):
    """WebAuthn needs a domain (not an IP) as relying party: the site is reached as localhost."""
    url = live_server.url.replace("127.0.0.1", "localhost")
    before = live_server.app.config["BASE_URL"]
    live_server.app.config["BASE_URL"] = url
    yield url
    live_server.app.config["BASE_URL"] = before


@pytest.fixture()
def passkey_user(live_server):
    from partnership.accounts.mfa.models import Passkey
    from partnership.accounts.services import create_user, find_user
    from partnership.extensions import db

    with live_server.app.app_context():
        user = find_user(EMAIL) or create_user(EMAIL, "ผู้ทดสอบ passkey", PASSWORD, is_staff=True)
        db.session.execute(sa.delete(Passkey).where(Passkey.user_id == user.id))
        db.session.commit()
        return user.id


def _passkeys(live_server, user_id):
    from partnership.accounts.mfa.models import Passkey
    from partnership.extensions import db

    with live_server.app.app_context():
        return [
            (p.name, p.sign_count)
            for p in db.session.scalars(sa.select(Passkey).where(Passkey.user_id == user_id))
        ]


def _set_count(live_server, user_id, count):
    from partnership.accounts.mfa.models import Passkey
    from partnership.extensions import db

    with live_server.app.app_context():
        db.session.execute(
            sa.update(Passkey).where(Passkey.user_id == user_id).values(sign_count=count)
        )
        db.session.commit()


def _password(tab, url):
    tab.goto(url + "/login")
    tab.locator("#email").fill(EMAIL)
    tab.locator("#password").fill(PASSWORD)
    tab.locator("main form button[type=submit]").click()


def test_a_passkey_is_added_used_to_sign_in_and_removed(
    browser, live_server, localhost, passkey_user
):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    tab.on("dialog", lambda dialog: dialog.accept())

    # No factor yet: the password signs in; the first passkey leads to the recovery codes.
    _password(tab, localhost)
    tab.wait_for_url(re.compile(r".*/staff$"))
    tab.goto(localhost + "/account/security")
    tab.locator("#passkey-name").fill("virtual key")
    tab.locator("[data-passkey-register]").click()
    tab.wait_for_url(re.compile(r".*/account/security/recovery$"))
    [(name, _count)] = _passkeys(live_server, passkey_user)
    assert name == "virtual key"

    # Signing in: the password, then the passkey.
    context.clear_cookies()
    _password(tab, localhost)
    tab.wait_for_url(re.compile(r".*/login/second-factor$"))
    tab.locator("[data-passkey-sign-in]").click()
    tab.wait_for_url(re.compile(r".*/staff$"))
    [(_name, count)] = _passkeys(live_server, passkey_user)
    assert count > 0

    # A counter that goes backwards (the server has seen more: a cloned key) is refused.
    context.clear_cookies()
    _set_count(live_server, passkey_user, 1_000_000)
    _password(tab, localhost)
    tab.wait_for_url(re.compile(r".*/login/second-factor$"))
    tab.locator("[data-passkey-sign-in]").click()
    tab.locator("[data-passkey-error]").wait_for(state="visible")
    assert tab.url.endswith("/login/second-factor")
    assert tab.request.get(localhost + "/account", max_redirects=0).status == 302

    # With the count the server knew before, it works, and the passkey can be removed.
    _set_count(live_server, passkey_user, 0)
    tab.locator("[data-passkey-sign-in]").click()
    tab.wait_for_url(re.compile(r".*/staff$"))
    tab.goto(localhost + "/account/security")
    tab.locator("[data-passkey-row] .btn-danger").click()
    tab.wait_for_url(re.compile(r".*/account/security$"))
    assert _passkeys(live_server, passkey_user) == []
    context.close()

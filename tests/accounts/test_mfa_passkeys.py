"""Passkey sign-in checks with a software authenticator (an EC P-256 key signing what a browser
would send), on both databases: the signature counter must move forward (a cloned key, whose
counter lags behind, is refused); a key that keeps no counter (always 0) still works."""

from __future__ import annotations

import hashlib
import json
import secrets

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

from partnership.accounts.mfa import passkeys
from partnership.accounts.mfa.models import Passkey
from partnership.extensions import db


class SoftKey:
    """What an authenticator does for ``navigator.credentials.get``, in a few lines."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = bytes_to_base64url(secrets.token_bytes(16))
        numbers = self.key.public_key().public_numbers()
        self.cose = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def sign(self, challenge: str, counter: int, rp_id="localhost", origin="http://localhost"):
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()
        auth_data = hashlib.sha256(rp_id.encode()).digest() + b"\x05" + counter.to_bytes(4, "big")
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": self.credential_id,
            "rawId": self.credential_id,
            "type": "public-key",
            "response": {
                "authenticatorData": bytes_to_base64url(auth_data),
                "clientDataJSON": bytes_to_base64url(client_data),
                "signature": bytes_to_base64url(signature),
            },
            "clientExtensionResults": {},
        }


@pytest.fixture()
def soft_key(app, make_user):
    user = make_user(is_staff=True)
    key = SoftKey()
    db.session.add(Passkey(user_id=user.id, credential_id=key.credential_id, public_key=key.cose))
    db.session.commit()
    return user, key


def _use(user, key, counter, **kwargs):
    _options, challenge = passkeys.authentication_options(user)
    return passkeys.authenticate(user, key.sign(challenge, counter, **kwargs), challenge)


def test_the_counter_must_move_forward(soft_key):
    user, key = soft_key
    _use(user, key, 5)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(db.select(Passkey.sign_count)) == 5
    for counter in (5, 3, 0):  # the same value again, a lower one (a clone), a reset
        with pytest.raises(passkeys.PasskeyRefused):
            _use(user, key, counter)
        db.session.rollback()
    _use(user, key, 6)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(db.select(Passkey.sign_count)) == 6


def test_a_key_without_a_counter_keeps_working(soft_key):
    user, key = soft_key
    for _ in range(3):
        _use(user, key, 0)
        db.session.commit()


def test_a_signature_for_another_site_or_challenge_is_refused(soft_key):
    user, key = soft_key
    with pytest.raises(passkeys.PasskeyRefused):
        _use(user, key, 1, origin="http://evil.example")
    with pytest.raises(passkeys.PasskeyRefused):
        _use(user, key, 1, rp_id="evil.example")
    _options, challenge = passkeys.authentication_options(user)
    _other, other_challenge = passkeys.authentication_options(user)
    with pytest.raises(passkeys.PasskeyRefused):
        passkeys.authenticate(user, key.sign(other_challenge, 1), challenge)
    with pytest.raises(passkeys.PasskeyRefused):
        passkeys.authenticate(user, "not json", challenge)


def test_another_persons_passkey_does_not_sign_this_person_in(soft_key, make_user):
    _owner, key = soft_key
    other = make_user()
    with pytest.raises(passkeys.PasskeyRefused):
        _use(other, key, 1)

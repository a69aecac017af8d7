"""Passkeys (WebAuthn) with py_webauthn: the options the browser needs, and the checks of what it
answers (challenge, origin, relying party, signature, and a counter that only moves forward)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ...core.unit_of_work import Refused
from ...db_types import utcnow
from ...extensions import db
from ..models import User
from .models import Passkey


class PasskeyRefused(Refused):
    """What the browser sent does not prove the credential (or is not a credential at all)."""


def rp_id() -> str:
    """The relying party: the host of BASE_URL (never the request's Host header)."""
    configured = current_app.config.get("WEBAUTHN_RP_ID")
    return configured or urlsplit(current_app.config["BASE_URL"]).hostname


def origin() -> str:
    parts = urlsplit(current_app.config["BASE_URL"])
    return f"{parts.scheme}://{parts.netloc}"


def of(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(
            sa.select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)
        )
    )


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports.split(",") if t in known],
        )
        for p in of(user)
    ]


def registration_options(user: User) -> tuple[str, str]:
    """(options as JSON for the browser, challenge to keep in the session)."""
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=current_app.config.get("MFA_ISSUER", "partnership"),
        user_name=user.email,
        user_id=f"user-{user.id}".encode(),
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def authentication_options(user: User) -> tuple[str, str]:
    options = generate_authentication_options(
        rp_id=rp_id(),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def _as_dict(credential) -> dict:
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except ValueError:
            raise PasskeyRefused("not JSON") from None
    if not isinstance(credential, dict):
        raise PasskeyRefused("not a credential")
    return credential


def register(user: User, credential, challenge: str, name: str) -> Passkey:
    """Keep a new passkey after checking the browser's answer to ``challenge``."""
    credential = _as_dict(credential)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id(),
            expected_origin=origin(),
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused(str(error)) from None
    response = credential.get("response") or {}
    transports = response.get("transports") if isinstance(response, dict) else None
    passkey = Passkey(
        user_id=user.id,
        name=(name or "").strip()[:80],
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(t for t in (transports or []) if isinstance(t, str))[:200],
    )
    db.session.add(passkey)
    db.session.flush()
    return passkey


def authenticate(user: User, credential, challenge: str) -> Passkey:
    """The user's passkey that signed ``challenge``; PasskeyRefused otherwise, also when its
    signature counter did not move forward (a cloned authenticator) or a concurrent request
    used the same counter value first."""
    credential = _as_dict(credential)
    passkey = db.session.scalar(
        sa.select(Passkey).where(
            Passkey.user_id == user.id, Passkey.credential_id == str(credential.get("id", ""))
        )
    )
    if passkey is None:
        raise PasskeyRefused("unknown credential")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id(),
            expected_origin=origin(),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused(str(error)) from None
    # Authenticators without a counter always report 0 (py_webauthn accepts that when we hold 0).
    condition = (
        Passkey.sign_count < verified.new_sign_count
        if verified.new_sign_count
        else Passkey.sign_count == 0
    )
    result = db.session.execute(
        sa.update(Passkey)
        .where(Passkey.id == passkey.id, condition)
        .values(sign_count=verified.new_sign_count, last_used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise PasskeyRefused("signature counter did not move forward")
    return passkey


def remove(user: User, passkey_id: int) -> bool:
    result = db.session.execute(
        sa.delete(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id)
    )
    return result.rowcount == 1


def rename(user: User, passkey_id: int, name: str) -> bool:
    result = db.session.execute(
        sa.update(Passkey)
        .where(Passkey.id == passkey_id, Passkey.user_id == user.id)
        .values(name=name.strip()[:80]),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1

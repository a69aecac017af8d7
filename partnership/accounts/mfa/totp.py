"""Authenticator apps: a secret shown as a QR code (SVG, made here) and as text, confirmed by a
first code; a code is accepted for its own 30-second step only, and once per person."""

from __future__ import annotations

import hmac
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from ...core.crypto import decrypt, encrypt
from ...db_types import utcnow
from ...extensions import db
from ..models import User
from .models import TotpFactor

STEP_SECONDS = 30
DIGITS = 6


def now_seconds() -> float:
    """The clock TOTP steps are counted on (tests freeze it)."""
    return time.time()


def current_step() -> int:
    return int(now_seconds() // STEP_SECONDS)


def new_secret() -> str:
    """160 random bits, base32 (what authenticator apps expect)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, user: User) -> str:
    issuer = current_app.config.get("MFA_ISSUER", "partnership")
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image request, no script)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def code_matches(secret: str, code: str, step: int) -> bool:
    """The code of exactly this step (no window before or after)."""
    return hmac.compare_digest(code_for_step(secret, step).encode(), code.encode())


def normalise(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def looks_like_totp(code: str) -> bool:
    code = normalise(code)
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def factor_of(user: User) -> TotpFactor | None:
    return db.session.scalar(sa.select(TotpFactor).where(TotpFactor.user_id == user.id))


def secret_of(factor: TotpFactor) -> str:
    return decrypt(factor.secret_encrypted, "MFA_KEYS")


def add_factor(user: User, secret: str, code: str, name: str) -> TotpFactor | None:
    """Keep the app whose first code is right (and mark that step used); None if the code is
    wrong. The caller has checked that the person has no app yet."""
    step = current_step()
    if not looks_like_totp(code) or not code_matches(secret, normalise(code), step):
        return None
    factor = TotpFactor(
        user_id=user.id,
        name=name or "",
        secret_encrypted=encrypt(secret, "MFA_KEYS"),
        last_step=step,
        last_used_at=utcnow(),
    )
    db.session.add(factor)
    db.session.flush()
    return factor


def verify(user: User, code: str) -> bool:
    """True once for the right code of the current step; a replay (this step or an earlier one,
    even from a concurrent request) is refused by the conditional UPDATE of ``last_step``."""
    factor = factor_of(user)
    if factor is None or not looks_like_totp(code):
        return False
    step = current_step()
    if not code_matches(secret_of(factor), normalise(code), step):
        return False
    result = db.session.execute(
        sa.update(TotpFactor)
        .where(TotpFactor.id == factor.id, TotpFactor.last_step < step)
        .values(last_step=step, last_used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def remove(user: User) -> bool:
    result = db.session.execute(sa.delete(TotpFactor).where(TotpFactor.user_id == user.id))
    return result.rowcount > 0

"""Recovery codes: ten single-use codes of 120 random bits each, shown once, kept as salted
SHA-256 hashes (ASVS V6.5.2); a code is spent by a conditional UPDATE, so it works once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import sqlalchemy as sa

from ...db_types import utcnow
from ...extensions import db
from ..models import User
from .models import RecoveryCode

COUNT = 10
CODE_BYTES = 15  # 120 bits, base32: 24 characters


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + code.encode()).hexdigest()


def _canonical(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _pretty(canonical: str) -> str:
    return "-".join(canonical[i : i + 4] for i in range(0, len(canonical), 4))


def generate(user: User) -> list[str]:
    """New codes for ``user`` (the old ones stop working); the codes themselves, to show once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(COUNT):
        canonical = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
        salt = secrets.token_hex(16)
        db.session.add(RecoveryCode(user_id=user.id, salt=salt, code_hash=_digest(salt, canonical)))
        codes.append(_pretty(canonical))
    db.session.flush()
    return codes


def remaining(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def use(user: User, code: str) -> bool:
    """Spend the code if it is one of the person's unused ones; True only for the first use."""
    canonical = _canonical(code)
    if len(canonical) != 24:
        return False
    rows = db.session.scalars(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for row in rows:
        if hmac.compare_digest(row.code_hash, _digest(row.salt, canonical)):
            result = db.session.execute(
                sa.update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow()),
                execution_options={"synchronize_session": False},
            )
            return result.rowcount == 1
    return False


def remove_all(user: User) -> None:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))

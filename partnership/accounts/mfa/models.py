"""The second factors a person has: one authenticator app, any number of passkeys, and
single-use recovery codes (kept only as salted hashes)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...db_types import UTCDateTime, utcnow
from ...extensions import db
from ..models import User


class TotpFactor(db.Model):
    """An authenticator app (RFC 6238: 6 digits, 30-second steps), confirmed by a first code."""

    __tablename__ = "mfa_totp"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One app per person: adding another replaces nothing, the old one is removed first.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    #: The base32 secret, Fernet-encrypted with ``MFA_KEYS``.
    secret_encrypted: Mapped[str] = mapped_column(sa.Text)
    #: The last 30-second step a code was accepted for: a code of this step or an earlier one is
    #: refused (no replay), moved only by a conditional UPDATE.
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class Passkey(db.Model):
    """A WebAuthn credential (platform or roaming authenticator) registered by its owner."""

    __tablename__ = "mfa_passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    #: The credential id, base64url without padding, as the browser reports it.
    credential_id: Mapped[str] = mapped_column(sa.String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: The authenticator's signature counter: a use must report more (a clone reports less).
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Comma-separated transports ("internal,hybrid"), a hint for the browser.
    transports: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """One single-use recovery code: only a salted SHA-256 of it is kept (the code has 120
    random bits, so a slow hash adds nothing)."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(sa.String(32))
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set once, by a conditional UPDATE, when the code is used.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

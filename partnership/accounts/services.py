"""Account operations: sign-up, login checks, password change and reset, memberships."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core.transitions import move
from ..db_types import utcnow
from ..extensions import db
from .models import Membership, MembershipState, User
from .passwords import hash_password, needs_rehash, verify_password

RESET_SALT = "partnership.password-reset"


class AccountError(Exception):
    """An account operation that cannot go ahead, with a message for the person."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, password: str, *, is_staff: bool = False) -> User:
    """Create an account; the caller has validated the password rules and uniqueness."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        is_staff=is_staff,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None (same work whether the e-mail exists or not)."""
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session the user has open (they carry the old version)."""
    user.session_version += 1


def change_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_sessions(user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _hash_fingerprint(user: User) -> str:
    # Tied to the current hash: once the password changes, the token no longer works.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _hash_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a valid, unexpired, unused token belongs to, else None."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or data.get("fp") != _hash_fingerprint(user):
        return None
    return user


def request_membership(
    user: User, *, school=None, organisation=None, position: str = "", message: str = ""
) -> Membership:
    """Ask to act for a school or an organisation; staff decide."""
    target_filter = (
        Membership.school_id == school.id
        if school is not None
        else Membership.organisation_id == organisation.id
    )
    existing = db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == user.id,
            target_filter,
            Membership.state.in_([MembershipState.PENDING, MembershipState.ACTIVE]),
        )
    )
    if existing is not None:
        raise AccountError("already")
    membership = Membership(
        user=user, school=school, organisation=organisation, position=position, message=message
    )
    db.session.add(membership)
    db.session.flush()
    return membership


M = MembershipState
#: A request to join is approved or declined; an active membership can end.
MEMBERSHIP_TRANSITIONS: dict[MembershipState, frozenset[MembershipState]] = {
    M.PENDING: frozenset({M.ACTIVE, M.DECLINED}),
    M.ACTIVE: frozenset({M.ENDED}),
    M.DECLINED: frozenset(),
    M.ENDED: frozenset(),
}


def _membership_refused(from_state: MembershipState, to_state: MembershipState) -> AccountError:
    return AccountError("decided")


def decide_membership(membership: Membership, approve: bool, staff: User, reason: str = "") -> None:
    """Approve or decline a request to join, once (a second, racing decision is refused)."""
    move(
        membership,
        M.ACTIVE if approve else M.DECLINED,
        allowed=MEMBERSHIP_TRANSITIONS,
        illegal=_membership_refused,
        values={"decided_by_id": staff.id, "decided_at": utcnow(), "decision_reason": reason},
    )

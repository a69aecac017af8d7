"""Account operations: sign-up, login checks, password change and reset, memberships."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.transitions import TransitionRefused, move
from ..core.unit_of_work import Refused
from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db
from ..notifications.services import queue_mail
from .models import (
    MEMBERSHIP_MOVES,
    AccountToken,
    Membership,
    MembershipState,
    TokenPurpose,
    User,
)
from .passwords import hash_password, needs_rehash, verify_password


class AccountError(Refused):
    """An account operation that cannot go ahead, with a message for the person."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def people_query(q: str = "") -> sa.Select:
    """Accounts for Staff → People, by name, optionally those whose name or e-mail contain q."""
    query = sa.select(User).order_by(User.name, User.id)
    if q:
        query = query.where(
            sa.or_(
                User.name.icontains(q, autoescape=True), User.email.icontains(q, autoescape=True)
            )
        )
    return query.options(
        db.selectinload(User.memberships).selectinload(Membership.school),
        db.selectinload(User.memberships).selectinload(Membership.organisation),
    )


def active_school_staff(school_id: int) -> list[User]:
    """The school's staff with an active membership and an active account (who is mailed about
    the school's milestones and check-ins)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.school_id == school_id,
                Membership.state == MembershipState.ACTIVE,
                User.is_active_account.is_(True),
            )
            .order_by(User.id)
        )
    )


def create_user(email: str, name: str, password: str, *, is_staff: bool = False) -> User:
    """Create a ready account (CLI, demo); the caller has checked the password and uniqueness."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        is_staff=is_staff,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None (same work whether the e-mail exists or not)."""
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active or user.email_confirmed_at is None:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session the user has open (they carry the old version)."""
    user.session_version += 1


def change_password(user: User, new_password: str) -> None:
    """The new password; every other session and every link mailed before stop working."""
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    void_tokens(user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose) -> str:
    """A new secret for a mailed link; the database keeps only its hash."""
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user=user, purpose=purpose, token_hash=_digest(token)))
    db.session.flush()
    return token


def _max_age(purpose: TokenPurpose) -> timedelta:
    key = {
        TokenPurpose.PASSWORD_RESET: "PASSWORD_RESET_MAX_AGE",
        TokenPurpose.CONFIRM_EMAIL: "EMAIL_CONFIRM_MAX_AGE",
    }[purpose]
    return timedelta(seconds=current_app.config[key])


def find_token(token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unused, unexpired token of an active account that this link carries, else None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        db.select(AccountToken).where(
            AccountToken.token_hash == _digest(token),
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
    )
    if row is None or row.created_at + _max_age(purpose) <= utcnow():
        return None
    return row if row.user.is_active else None


def _use_token(row: AccountToken) -> None:
    """Spend the token in one statement, so two requests carrying it cannot both succeed."""
    result = db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        if row.purpose == TokenPurpose.CONFIRM_EMAIL:
            raise AccountError(_l("This link has been used. Log in instead."))
        raise AccountError(_l("This reset link is invalid or has expired. Ask for a new one."))


def void_tokens(user: User) -> None:
    """A new password makes every link mailed before it useless."""
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def set_password_by_token(row: AccountToken, new_password: str) -> User:
    """Use a reset or sign-up link: the new password, and the address counts as confirmed.

    Raises ``AccountError`` when another request used the link first.
    """
    _use_token(row)
    user = row.user
    change_password(user, new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


def make_reset_token(user: User) -> str:
    return issue_token(user, TokenPurpose.PASSWORD_RESET)


def send_reset_link(email: str) -> None:
    """Mail a reset link if an active account has this address; nothing otherwise."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    link = external_url("accounts.reset", token=make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    body = _(
        "Open this link within %(minutes)d minutes to choose a new password:\n"
        "%(link)s\n\nIf you did not ask for this, ignore this e-mail.",
        minutes=minutes,
        link=link,
    )
    queue_mail(user.email, _("Reset your password"), body, topic="password_reset", secrets=[link])


def register(email: str, name: str, locale: str | None = None) -> None:
    """Sign up an address; what happens depends on it, what the visitor sees does not.

    A new address gets an account that cannot log in yet and a link to choose its password, so
    only the owner of the mailbox can finish it (nobody can take an address they do not read).
    An address that already has an account gets an e-mail saying so instead (a deactivated one
    gets nothing). The caller answers the same either way.
    """
    email = normalise_email(email)
    user = find_user(email)
    if user is None:
        # No usable password: verify_password never accepts an empty hash. A concurrent sign-up
        # of the same address fails here on the unique e-mail (IntegrityError); the view retries.
        user = User(email=email, name=name.strip(), password_hash="", locale=locale)
        db.session.add(user)
        db.session.flush()
    elif not user.is_active:
        return
    if user.email_confirmed_at is None:
        link = external_url("accounts.confirm", token=issue_token(user, TokenPurpose.CONFIRM_EMAIL))
        days = current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400
        body = _(
            "To finish creating your account, open this link within %(days)d days and choose a "
            "password:\n%(link)s\n\nIf you did not sign up, ignore this e-mail.",
            days=max(days, 1),
            link=link,
        )
        queue_mail(email, _("Finish creating your account"), body, topic="register", secrets=[link])
        return
    body = _(
        "Someone, perhaps you, tried to create an account with this e-mail address. You already "
        "have one: log in at\n%(login)s\n\nIf you have forgotten your password, choose a new "
        "one here:\n%(reset)s\n\nIf it was not you, ignore this e-mail; nothing has changed.",
        login=external_url("accounts.login"),
        reset=external_url("accounts.reset_request"),
    )
    queue_mail(email, _("You already have an account"), body, topic="register_existing")


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
        raise AccountError(_l("You have already asked to join, or are already a member."))
    membership = Membership(
        user=user, school=school, organisation=organisation, position=position, message=message
    )
    db.session.add(membership)
    db.session.flush()
    return membership


class IllegalMembershipMove(AccountError, TransitionRefused):
    """A membership cannot make this move (already decided or ended, or a concurrent request
    moved it first)."""

    def __init__(self, from_state: MembershipState, to_state: MembershipState):
        super().__init__(f"membership cannot go from {from_state} to {to_state}")
        self.from_state, self.to_state = from_state, to_state
        if to_state == MembershipState.ENDED:
            self.message = _l("Only an active membership can be ended; nothing changed.")
        else:
            self.message = _l("This request was already decided.")


def move_membership(
    membership: Membership, to_state: MembershipState, *, values: dict | None = None
) -> None:
    """The membership machine's one transition (``MEMBERSHIP_MOVES``), once even under races."""
    move(
        membership,
        to_state,
        allowed=MEMBERSHIP_MOVES,
        illegal=IllegalMembershipMove,
        values=values,
    )


def decide_membership(membership: Membership, approve: bool, staff: User, reason: str = "") -> None:
    """Approve or decline a pending request; ``IllegalMembershipMove`` if it was decided."""
    move_membership(
        membership,
        MembershipState.ACTIVE if approve else MembershipState.DECLINED,
        values={"decided_by_id": staff.id, "decided_at": utcnow(), "decision_reason": reason},
    )


def tell_membership_decision(membership: Membership) -> None:
    """Tell the person who asked to join whether staff approved, and why not if declined."""
    target = membership.target.display_name()
    if membership.state == MembershipState.ACTIVE:
        body = _("You can now act for %(target)s in partnership.", target=target)
    else:
        body = _("Your request to join %(target)s was declined.", target=target)
        if membership.decision_reason:
            body += "\n\n" + membership.decision_reason
    queue_mail(membership.user.email, _("Your membership request"), body, topic="membership")

"""People, their passwords and their memberships of schools and organisations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..registry.models import Organisation, School


class MembershipState(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return str(MEMBERSHIP_STATE_LABELS[self])


MEMBERSHIP_STATE_LABELS = {
    MembershipState.PENDING: _l("Waiting for approval"),
    MembershipState.ACTIVE: _l("Active"),
    MembershipState.DECLINED: _l("Declined"),
    MembershipState.ENDED: _l("Ended"),
}

#: The membership machine: staff decide a request, and may later end an active membership.
MEMBERSHIP_MOVES: dict[MembershipState, frozenset[MembershipState]] = {
    MembershipState.PENDING: frozenset({MembershipState.ACTIVE, MembershipState.DECLINED}),
    MembershipState.ACTIVE: frozenset({MembershipState.ENDED}),
    MembershipState.DECLINED: frozenset(),
    MembershipState.ENDED: frozenset(),
}


class User(db.Model):
    """A person who signs in. Staff run programmes; memberships make school staff and sponsors."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: Programme staff of the foundation: may administer everything.
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    #: Bumped on logout and password change; a session carrying an older value is dead.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the person proved they read this address (by a mailed link); None: cannot log in.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The grace period for adding a second factor (``MFA_GRACE_DAYS``) counts from here; staff
    #: and committee members past it can do nothing else until they add one. Staff may restart it.
    mfa_required_from: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user",
        foreign_keys="Membership.user_id",
        cascade="all, delete-orphan",
        order_by="Membership.id",
    )

    # Flask-Login protocol -------------------------------------------------------------
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def account_state(self) -> tuple[str, str]:
        """(label, badge css) of the account for staff pages."""
        if not self.is_active_account:
            return str(_l("Deactivated")), "deactivated"
        if self.email_confirmed_at is None:
            return str(_l("Sign-up not finished")), "pending"
        return str(_l("Active")), "active"

    def get_id(self) -> str:
        """The session token: id and session version, so old sessions stop matching."""
        return f"{self.id}:{self.session_version}"

    # Roles ------------------------------------------------------------------------------
    def _active(self, attr: str) -> list:
        return [
            getattr(m, attr)
            for m in self.memberships
            if m.state == MembershipState.ACTIVE and getattr(m, attr) is not None
        ]

    @property
    def schools(self) -> list[School]:
        return self._active("school")

    @property
    def organisations(self) -> list[Organisation]:
        return self._active("organisation")

    def is_school_staff_of(self, school_id: int | None) -> bool:
        return school_id is not None and any(s.id == school_id for s in self.schools)

    def is_member_of_organisation(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and any(
            o.id == organisation_id for o in self.organisations
        )

    @property
    def role_labels(self) -> list[str]:
        labels = []
        if self.is_staff:
            labels.append(str(_l("Programme staff")))
        if self.schools:
            labels.append(str(_l("School staff")))
        if self.organisations:
            labels.append(str(_l("Sponsor representative")))
        return labels or [str(_l("Donor"))]


class Membership(db.Model):
    """A person's request to act for a school or an organisation, approved by staff."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.CheckConstraint("(school_id IS NULL) <> (organisation_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    state: Mapped[MembershipState] = mapped_column(
        enum_type(MembershipState, "membership_state"), default=MembershipState.PENDING
    )
    #: What the person does there, e.g. "principal", "CSR manager".
    position: Mapped[str] = mapped_column(sa.String(120), default="")
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    school: Mapped[School | None] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation | None] = relationship(back_populates="memberships")

    @property
    def target(self) -> School | Organisation:
        return self.school or self.organisation  # type: ignore[return-value]


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"
    #: The link that finishes a sign-up: the owner of the address chooses the password.
    CONFIRM_EMAIL = "confirm_email"


class AccountToken(db.Model):
    """A secret link mailed to a person; only its SHA-256 is kept, so the table cannot leak it."""

    __tablename__ = "account_tokens"
    __table_args__ = (sa.Index("ix_account_tokens_user_purpose_open", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "token_purpose"))
    #: Hex SHA-256 of the token in the link (the token has 256 random bits; no salt is needed).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set once, when the link is used or a password change makes it void.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class AccessEventKind(LabelledEnum):
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    MEMBERSHIP_ENDED = "membership_ended"
    #: Staff removed the person's second factors (a lost phone, a lost security key).
    MFA_RESET = "mfa_reset"


LABELS[AccessEventKind] = {
    AccessEventKind.ACCOUNT_DEACTIVATED: _l("Account deactivated"),
    AccessEventKind.ACCOUNT_REACTIVATED: _l("Account reactivated"),
    AccessEventKind.MEMBERSHIP_ENDED: _l("Membership ended"),
    AccessEventKind.MFA_RESET: _l("Second factors reset"),
}


class AccessEvent(HistoryMixin, db.Model):
    """The record of staff taking a person's access away or giving it back: who, when, why.

    Append-only (``core.history``): a row is never changed or deleted, and nothing cascades to
    it, so the record outlives whatever it is about. Always a member of staff's act.
    """

    __tablename__ = "access_events"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'membership_ended') = (membership_id IS NOT NULL)", name="membership_kind"
        ),
        sa.CheckConstraint("length(reason) > 0", name="has_reason"),
        sa.CheckConstraint("actor_id IS NOT NULL", name="has_actor"),
    )

    #: Whose access changed.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("memberships.id"))
    kind: Mapped[AccessEventKind] = mapped_column(enum_type(AccessEventKind, "access_event_kind"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    membership: Mapped[Membership | None] = relationship()

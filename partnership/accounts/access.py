"""Taking access away, and giving it back: end a membership, deactivate an account.

Each operation changes state once (a conditional update, ``core.transitions``), records an
``AccessEvent`` (who, when, why) and tells the person by e-mail. Nothing is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.transitions import StaleState, compare_and_set, increment
from ..db_types import utcnow
from ..extensions import db
from ..notifications.services import queue_mail
from .mfa.models import Passkey, RecoveryCode, TotpFactor
from .models import AccessEvent, AccessEventKind, Membership, MembershipState, User
from .services import AccountError, move_membership, void_tokens


class OwnAccount(AccountError):
    """Staff cannot deactivate the account they are using."""

    message = _l("You cannot deactivate your own account.")


def _record(kind: AccessEventKind, user: User, staff: User, reason: str, membership=None) -> None:
    db.session.add(
        AccessEvent(kind=kind, user=user, actor=staff, reason=reason, membership=membership)
    )
    db.session.flush()


def end_membership(membership: Membership, staff: User, reason: str) -> None:
    """End an active membership: the person stops acting for the school or organisation now.

    Raises ``IllegalMembershipMove`` unless the membership is active (also when a concurrent
    request ended it first).
    """
    move_membership(membership, MembershipState.ENDED)
    _record(AccessEventKind.MEMBERSHIP_ENDED, membership.user, staff, reason, membership)
    target = membership.target.display_name()
    body = _("You no longer act for %(target)s in partnership.", target=target)
    body += "\n\n" + _("Reason: %(reason)s", reason=reason)
    queue_mail(membership.user.email, _("Your membership has ended"), body, topic="access")


def deactivate_account(user: User, staff: User, reason: str) -> None:
    """Stop an account: it cannot log in, and every open session ends at its next request.

    Raises ``OwnAccount`` for one's own account, ``AccountError`` when it is already deactivated.
    """
    if user.id == staff.id:
        raise OwnAccount("own account")
    try:
        compare_and_set(
            user, expected={"is_active_account": True}, values={"is_active_account": False}
        )
    except StaleState:
        raise AccountError(_l("Nothing changed: the account was already in that state.")) from None
    # The sessions are refused because the account is inactive; a new version also keeps them
    # dead if the account is reactivated. Mailed links stop working for the same reason.
    increment(user, session_version=1)
    void_tokens(user)
    _record(AccessEventKind.ACCOUNT_DEACTIVATED, user, staff, reason)
    body = _(
        "Your account in partnership has been deactivated; you can no longer log in.\n\n"
        "Reason: %(reason)s\n\nIf you think this is a mistake, contact the foundation's staff.",
        reason=reason,
    )
    queue_mail(user.email, _("Your account has been deactivated"), body, topic="access")


def reactivate_account(user: User, staff: User, reason: str) -> None:
    """Let a deactivated account log in again (its old sessions stay ended)."""
    try:
        compare_and_set(
            user, expected={"is_active_account": False}, values={"is_active_account": True}
        )
    except StaleState:
        raise AccountError(_l("Nothing changed: the account was already in that state.")) from None
    _record(AccessEventKind.ACCOUNT_REACTIVATED, user, staff, reason)
    body = _("Your account in partnership is active again; you can log in.")
    queue_mail(user.email, _("Your account is active again"), body, topic="access")


def reset_factors(user: User, staff: User, reason: str) -> None:
    """Remove a person's second factors (authenticator app, passkeys, recovery codes) for a
    lost device: recorded, mailed, and every session of theirs ends. Their grace period starts
    again, so they can sign in with the password and add a new factor."""
    for model in (TotpFactor, Passkey, RecoveryCode):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    user.mfa_required_from = utcnow()
    increment(user, session_version=1)
    _record(AccessEventKind.MFA_RESET, user, staff, reason)
    body = _(
        "Staff removed the second factors of your account in partnership (authenticator app, "
        "passkeys and recovery codes); your sessions have ended.\n\nReason: %(reason)s\n\n"
        "Log in with your password and add a new factor on the security page. If you did not "
        "ask for this, contact the foundation's staff at once.",
        reason=reason,
    )
    queue_mail(user.email, _("Your second factors were reset"), body, topic="access")


def access_history(user: User) -> list[AccessEvent]:
    """The person's access record, newest first."""
    return list(
        db.session.scalars(
            db.select(AccessEvent)
            .where(AccessEvent.user_id == user.id)
            .order_by(AccessEvent.at.desc(), AccessEvent.id.desc())
            .options(db.selectinload(AccessEvent.actor), db.selectinload(AccessEvent.membership))
        )
    )

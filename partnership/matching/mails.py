"""What sponsors hear from us: their pledge approved (queued before the view's commit)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.models import Membership, MembershipState, User
from ..core.urls import external_url
from ..extensions import db
from ..money import format_satang
from ..notifications.services import queue_mail
from .models import MatchPledge


def sponsor_people(organisation_id: int) -> list[User]:
    """The organisation's active people who proved their address."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation_id,
                Membership.state == MembershipState.ACTIVE,
                User.is_active_account.is_(True),
                User.email_confirmed_at.is_not(None),
                User.email != "",
            )
            .order_by(User.id)
            .distinct()
        )
    )


def tell_sponsor_pledge_approved(pledge: MatchPledge) -> None:
    """One mail to each of the organisation's people, in each one's language."""
    for person in sponsor_people(pledge.organisation_id):
        lang = person.locale or "th"
        with force_locale(lang):
            subject = _("Your matching pledge is approved")
            body = _(
                "Dear %(name)s,\n\nThe foundation approved the matching pledge of %(org)s: up to "
                "%(cap)s, at %(ratio)s (sponsor:donor). From now on it matches gifts while it "
                "lasts, and the campaigns it covers say so to donors.\n\n%(url)s",
                name=person.name or _("sponsor"),
                org=pledge.organisation.display_name(lang),
                cap=format_satang(pledge.cap_satang),
                ratio=pledge.ratio_label,
                url=external_url("registry.organisation", organisation_id=pledge.organisation_id),
            )
        queue_mail(person.email, subject, body, topic="pledge-approved")

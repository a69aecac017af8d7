"""Who hears about a school, and what the registry tells them by e-mail.

Services queue the mail; it goes out after the request's one commit (``core.unit_of_work``).
Every feature that writes to a school (applications, review decisions, network admission) asks
``school_recipients`` who that is.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from ..accounts.models import MembershipState, User
from ..extensions import db
from ..notifications.services import queue_mail
from .models import School


def school_recipients(school: School, also: Iterable[str] = ()) -> list[str]:
    """The school's people: its active staff (active accounts), its contact address, ``also``.

    Each address once (compared without case), sorted. Pending requests to join are not the
    school's people and hear nothing.
    """
    addresses = [
        m.user.email
        for m in school.memberships
        if m.state == MembershipState.ACTIVE and m.user.is_active
    ]
    addresses += [school.contact_email, *also]
    unique = {address.lower(): address for address in reversed(addresses) if address}
    return sorted(unique.values())


def tell_school(school: School, subject: str, body: str, topic: str, also: Iterable[str] = ()):
    """Queue one e-mail per recipient of ``school``."""
    for address in school_recipients(school, also):
        queue_mail(address, subject, body, topic=topic)


def tell_application_received(school: School, applicant: User) -> None:
    """Acknowledge a new school's application to join the network to the person who sent it."""
    queue_mail(
        applicant.email,
        _("We received your application to join the network"),
        _(
            "Thank you. Staff will review the application of %(name)s and reply by e-mail.",
            name=school.name_th,
        ),
        topic="network",
    )


def network_decision_text(school: School, decision: str) -> str:
    """What happened, for the flash message and the e-mail: accept, decline or leave."""
    if decision == "accept":
        return _("%(name)s is now a member of the network.", name=school.name_th)
    if decision == "decline":
        return _("The application of %(name)s was declined.", name=school.name_th)
    return _("%(name)s has left the network.", name=school.name_th)


def tell_network_decision(school: School, decision: str, note: str) -> None:
    """Tell the school's people, and on accept or decline the person who applied for it.

    Called after the decision: an accepted applicant is already one of the school's active
    staff; a declined one is told too. A stranger's pending request to join hears nothing.
    """
    applicant = db.session.get(User, school.network_applicant_id or 0)
    also = [applicant.email] if applicant is not None and decision != "leave" else []
    body = network_decision_text(school, decision) + ("\n\n" + note if note else "")
    tell_school(school, _("Network membership"), body, "network", also=also)

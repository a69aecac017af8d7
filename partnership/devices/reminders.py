"""Check-in reminders to the school: 7 days before the due date and once overdue, each at most
once even when two workers run (``flask worker``'s pass and ``flask devices remind``)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.services import active_school_staff
from ..campaigns.models import Campaign
from ..core.database import writing_transactions
from ..core.reminders import SOON_DAYS, claim_reminder
from ..core.unit_of_work import commit_now
from ..core.urls import external_url
from ..db_types import utcnow
from ..extensions import db
from ..i18n import format_date, to_bangkok
from ..notifications.services import queue_mail
from .models import CheckInDue


def _reminders_due(today: date) -> list[tuple[int, str]]:
    """(check-in id, claim column) of the reminders to send today."""
    soon = db.session.execute(
        sa.select(CheckInDue.id).where(
            CheckInDue.done_at.is_(None),
            CheckInDue.soon_mailed_at.is_(None),
            CheckInDue.overdue_mailed_at.is_(None),
            CheckInDue.due_on >= today,
            CheckInDue.due_on <= today + timedelta(days=SOON_DAYS),
        )
    ).scalars()
    overdue = db.session.execute(
        sa.select(CheckInDue.id).where(
            CheckInDue.done_at.is_(None),
            CheckInDue.overdue_mailed_at.is_(None),
            CheckInDue.due_on < today,
        )
    ).scalars()
    return [(i, "soon_mailed_at") for i in soon] + [(i, "overdue_mailed_at") for i in overdue]


def _queue_reminder(due: CheckInDue, overdue: bool) -> int:
    campaign: Campaign = due.handover.campaign
    link = external_url("devices_school.check_in", due_id=due.id)
    people = active_school_staff(campaign.school_id)
    for person in people:
        with force_locale(person.locale or "th"):
            if overdue:
                subject = _("Device check-in overdue: %(title)s", title=campaign.title)
                first = _(
                    "The %(months)d-month check-in of the devices of %(title)s was due on "
                    "%(day)s and is not answered yet.",
                    months=due.months,
                    title=campaign.title,
                    day=format_date(due.due_on),
                )
            else:
                subject = _("Device check-in due soon: %(title)s", title=campaign.title)
                first = _(
                    "The %(months)d-month check-in of the devices of %(title)s is due on %(day)s.",
                    months=due.months,
                    title=campaign.title,
                    day=format_date(due.due_on),
                )
            body = "\n\n".join(
                [
                    first,
                    _("Please mark each device in use, broken, lost or stolen here:"),
                    link,
                ]
            )
        queue_mail(person.email, subject, body, topic="device-check-in")
    return len(people)


def send_reminders(today: date | None = None) -> int:
    """Claim and queue every reminder due today, each in a transaction of its own; how many
    this run claimed (a reminder another worker claimed first is left to it)."""
    today = today or to_bangkok(utcnow()).date()
    sent = 0
    with writing_transactions():
        due = _reminders_due(today)
        commit_now(reason="the list is read; each claim below holds the row only briefly")
        for due_id, column in due:
            if claim_reminder(CheckInDue, due_id, column):
                _queue_reminder(db.session.get(CheckInDue, due_id), column == "overdue_mailed_at")
                sent += 1
            commit_now(reason="a reminder's claim and its mail, together, one by one (no request)")
    return sent


def remind_on_worker_pass(_sender=None, **_extra) -> None:
    """Each pass of ``flask worker``: the check-in reminders due, before the outbox drains."""
    send_reminders()

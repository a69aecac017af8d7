"""E-mail to the school: a week before a milestone is due, and once it is overdue, each at most
once, even with two workers running.

Each mail is claimed first (``core.reminders.claim_reminder``: ``SET reminded_soon_at = :now
WHERE id = :id AND reminded_soon_at IS NULL``) and queued in the same transaction: the worker
that loses the race updates no row and queues nothing; a rollback gives back the claim and the
mail together.
Runs at each pass of ``flask worker`` (``notifications.worker.worker_pass``) and as
``flask milestones remind``.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.services import active_school_staff
from ..campaigns.models import Campaign
from ..core.database import writing_transactions
from ..core.reminders import SOON_DAYS, claim_reminder
from ..core.unit_of_work import commit_now, discard_changes
from ..core.urls import external_url
from ..extensions import db
from ..i18n import format_date
from ..notifications.services import queue_mail
from .models import OPEN_STATES, Milestone, MilestoneStep
from .services import bangkok_today

log = logging.getLogger(__name__)

#: Milestones claimed per transaction.
BATCH = 100


def _mail(milestone: Milestone, step: MilestoneStep, campaign: Campaign, overdue: bool) -> int:
    link = external_url("milestones.milestone", milestone_id=milestone.id)
    addresses = [(p.email, p.locale or "th") for p in active_school_staff(campaign.school_id)]
    for address, locale in addresses:
        with force_locale(locale):
            name = step.display_name(locale)
            due = format_date(milestone.due_on, locale)
            if overdue:
                subject = _("Overdue: %(step)s (%(campaign)s)", step=name, campaign=campaign.title)
                text = _(
                    'The milestone "%(step)s" of %(campaign)s was due on %(due)s and is not '
                    "marked done yet. When it is done, mark it with a note and photos: %(link)s",
                    step=name,
                    campaign=campaign.title,
                    due=due,
                    link=link,
                )
            else:
                subject = _("Due on %(due)s: %(step)s", due=due, step=name)
                text = _(
                    'The milestone "%(step)s" of %(campaign)s is due on %(due)s. When it is '
                    "done, mark it with a note and photos: %(link)s",
                    step=name,
                    campaign=campaign.title,
                    due=due,
                    link=link,
                )
            queue_mail(address, subject[:300], text, topic="milestone_reminder")
    return len(addresses)


def _candidates(today: date, overdue: bool, after_id: int):
    column = Milestone.reminded_overdue_at if overdue else Milestone.reminded_soon_at
    due = (
        Milestone.due_on < today
        if overdue
        else sa.and_(Milestone.due_on >= today, Milestone.due_on <= today + timedelta(SOON_DAYS))
    )
    return db.session.execute(
        sa.select(Milestone, MilestoneStep, Campaign)
        .join(MilestoneStep, MilestoneStep.id == Milestone.step_id)
        .join(Campaign, Campaign.id == Milestone.campaign_id)
        .where(Milestone.state.in_(OPEN_STATES), column.is_(None), due, Milestone.id > after_id)
        .order_by(Milestone.id)
        .limit(BATCH)
    ).all()


def remind(today: date | None = None) -> dict[str, int]:
    """Queue every reminder due now, committing batch by batch; how many milestones were
    reminded of each kind (a milestone another worker claimed first is not counted)."""
    today = today or bangkok_today()
    counts = {"soon": 0, "overdue": 0}
    with writing_transactions():
        for kind, overdue in (("soon", False), ("overdue", True)):
            column = "reminded_overdue_at" if overdue else "reminded_soon_at"
            after = 0
            while rows := _candidates(today, overdue, after):
                for milestone, step, campaign in rows:
                    after = milestone.id
                    if claim_reminder(Milestone, milestone.id, column):
                        _mail(milestone, step, campaign, overdue)
                        counts[kind] += 1
                commit_now(reason="the worker's reminders: each batch's claims and mails")
    return counts


def remind_on_worker_pass(_sender=None, **_extra) -> None:
    """Each pass of ``flask worker``: queue the reminders due now, before the outbox drains."""
    try:
        remind()
    except Exception:  # noqa: BLE001 - a failed reminder run must not stop the mail worker
        discard_changes()
        log.exception("milestone reminders: left for the next pass")

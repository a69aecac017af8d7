"""E-mail to the owner of an action item: a few days before it is due, and once it is overdue,
each at most once per item, even with two workers running.

Each mail is claimed first (``core.reminders.claim_reminder``: ``SET reminded_due_at = :now
WHERE id = :id AND reminded_due_at IS NULL``) and queued in the same transaction: the worker
that loses the race updates no row and queues nothing; a rollback gives back the claim and the
mail together. Runs at each pass of ``flask worker`` (``notifications.worker.worker_pass``).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ...core.database import writing_transactions
from ...core.reminders import claim_reminder
from ...core.unit_of_work import commit_now, discard_changes
from ...core.urls import external_url
from ...extensions import db
from ...i18n import format_date
from ...notifications.services import queue_mail
from .models import OPEN_STATES, ActionItem
from .services import bangkok_today, load, recipients

log = logging.getLogger(__name__)

#: The "due soon" reminder goes this many days before the due day.
DUE_DAYS = 3
#: Items claimed per transaction.
BATCH = 100
TOPIC = "action_item_reminder"


def _mail(item: ActionItem, overdue: bool) -> int:
    link = external_url("governance_actions.action", item_id=item.id)
    addresses = recipients(item)
    meeting = item.resolution.agenda_item.meeting
    for address, locale in addresses:
        with force_locale(locale):
            title = item.display_title(locale)
            due = format_date(item.due_on, locale)
            body = meeting.body.display_name(locale)
            if overdue:
                subject = _("Overdue action item: %(title)s", title=title)
                text = _(
                    'The action item "%(title)s" from the meeting %(meeting)s of %(body)s was '
                    "due on %(due)s and is not marked done yet. Mark its progress or mark it "
                    "done, with a note: %(link)s",
                    title=title,
                    meeting=meeting.number_label,
                    body=body,
                    due=due,
                    link=link,
                )
            else:
                subject = _("Action item due on %(due)s: %(title)s", due=due, title=title)
                text = _(
                    'The action item "%(title)s" from the meeting %(meeting)s of %(body)s is due '
                    "on %(due)s. Mark its progress or mark it done, with a note: %(link)s",
                    title=title,
                    meeting=meeting.number_label,
                    body=body,
                    due=due,
                    link=link,
                )
            queue_mail(address, " ".join(subject.split())[:300], text, topic=TOPIC)
    return len(addresses)


def _candidates(today: date, overdue: bool, after_id: int) -> list[int]:
    column = ActionItem.reminded_overdue_at if overdue else ActionItem.reminded_due_at
    due = (
        ActionItem.due_on < today
        if overdue
        else sa.and_(ActionItem.due_on >= today, ActionItem.due_on <= today + timedelta(DUE_DAYS))
    )
    return list(
        db.session.scalars(
            sa.select(ActionItem.id)
            .where(
                ActionItem.status.in_(OPEN_STATES), column.is_(None), due, ActionItem.id > after_id
            )
            .order_by(ActionItem.id)
            .limit(BATCH)
        )
    )


def remind(today: date | None = None) -> dict[str, int]:
    """Queue every reminder due now, committing batch by batch; how many items were reminded
    of each kind (an item another worker claimed first is not counted)."""
    today = today or bangkok_today()
    counts = {"due": 0, "overdue": 0}
    with writing_transactions():
        for kind, overdue in (("due", False), ("overdue", True)):
            column = "reminded_overdue_at" if overdue else "reminded_due_at"
            after = 0
            while ids := _candidates(today, overdue, after):
                for item_id in ids:
                    after = item_id
                    if claim_reminder(ActionItem, item_id, column):
                        _mail(load(item_id), overdue)
                        counts[kind] += 1
                commit_now(
                    reason="the worker's action item reminders: each batch's claims and mails"
                )
    return counts


def remind_on_worker_pass(_sender=None, **_extra) -> None:
    """Each pass of ``flask worker``: queue the reminders due now, before the outbox drains."""
    try:
        remind()
    except Exception:  # noqa: BLE001 - a failed reminder run must not stop the mail worker
        discard_changes()
        log.exception("action item reminders: left for the next pass")

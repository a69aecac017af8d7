"""The staff dashboard's lists: what waits for staff, each a query its own feature owns, the
columns shown (and exported), and the page where a row is acted on.

Every list answers in two queries (its first rows with what they show, joined; and its
count), whatever its length, so the dashboard's query count is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..applications.models import Application, ApplicationState
from ..campaigns.models import Campaign
from ..campaigns.queries import ending_soon_query, stalled_query
from ..campaigns.services import below_zero_query
from ..core.exports import Column, Kind
from ..db_types import LABELS
from ..devices.models import CheckInDue, Device
from ..devices.services import not_received, open_check_ins
from ..extensions import db
from ..governance.actions.services import overdue_query as overdue_actions_query
from ..i18n import current_language, last_day
from ..milestones.services import overdue_query
from ..payments.models import REFUND_STATUS_LABELS, UNANSWERED, RefundRequest, status_label
from ..payments.worklists import open_disputes_query, pending_refunds_list, unhandled_events_query
from ..programmes.models import Programme, ProgrammeState
from ..review.models import CommitteeMember, Review, ReviewAssignment, ReviewState
from ..spending.models import Disbursement, DisbursementLine

#: How many rows of each list the dashboard shows (the rest behind "see all").
SHOWN = 8


@dataclass(frozen=True)
class Worklist:
    """One list of the staff dashboard."""

    key: str
    title: Any
    #: (now, today) -> the rows' SELECT, in the order staff should act.
    query: Callable[[datetime, date], sa.Select]
    #: What a row shows, the first column linking to ``link(row)``; the exports use them too.
    columns: tuple[Column, ...]
    link: Callable[[Any], str]
    #: The feature's own staff page listing the same rows, if it has one.
    see_all: str | None = None

    def rows(self, now: datetime, today: date, limit: int | None = SHOWN) -> list:
        query = self.query(now, today)
        if limit is not None:
            query = query.limit(limit)
        return list(db.session.scalars(query).unique())

    def count(self, now: datetime, today: date) -> int:
        query = self.query(now, today).order_by(None).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(query)) or 0

    def see_all_url(self) -> str:
        if self.see_all:
            return url_for(self.see_all)
        return url_for("site_staff.worklist", key=self.key)


def _school(campaign: Campaign) -> str:
    return campaign.school.display_name(current_language())


def _campaign_url(campaign: Campaign) -> str:
    return url_for("campaigns_staff.edit", campaign_id=campaign.id)


CAMPAIGN_COLUMNS = (
    Column(_l("Campaign"), lambda c: c.title),
    Column(_l("School"), _school),
    Column(_l("Last day"), lambda c: last_day(c.ends_at), Kind.DATE),
    Column(_l("Raised"), lambda c: c.raised_satang, Kind.MONEY),
    Column(_l("Goal"), lambda c: c.goal_satang, Kind.MONEY),
)


def _device_campaign(device: Device) -> Campaign:
    return device.line.disbursement.campaign


def _check_in_campaign(due: CheckInDue) -> Campaign:
    return due.handover.campaign


def _refund_status(request: RefundRequest) -> str:
    if request.status == UNANSWERED:
        return str(_l("Not answered by Stripe yet"))
    return status_label(REFUND_STATUS_LABELS, request.status)


WORKLISTS: tuple[Worklist, ...] = (
    Worklist(
        "ending-soon",
        _l("Campaigns ending within 7 days"),
        lambda now, today: ending_soon_query(now),
        CAMPAIGN_COLUMNS,
        _campaign_url,
    ),
    Worklist(
        "stalled",
        _l("Stalled campaigns (less than a third raised, less than a quarter of the time left)"),
        lambda now, today: stalled_query(now),
        CAMPAIGN_COLUMNS,
        _campaign_url,
    ),
    Worklist(
        "milestones-overdue",
        _l("Overdue milestones"),
        lambda now, today: overdue_query(today),
        (
            Column(_l("Milestone"), lambda m: m.step.display_name(current_language())),
            Column(_l("Campaign"), lambda m: m.campaign.title),
            Column(_l("School"), lambda m: _school(m.campaign)),
            Column(_l("Due"), lambda m: m.due_on, Kind.DATE),
        ),
        lambda m: url_for("milestones.milestone", milestone_id=m.id),
        "milestones_staff.overdue",
    ),
    Worklist(
        "check-ins-overdue",
        _l("Overdue device check-ins"),
        lambda now, today: open_check_ins(today).where(CheckInDue.due_on < today),
        (
            Column(_l("Campaign"), lambda d: _check_in_campaign(d).title),
            Column(_l("School"), lambda d: _school(_check_in_campaign(d))),
            Column(_l("Months after handover"), lambda d: d.months, Kind.INT),
            Column(_l("Due"), lambda d: d.due_on, Kind.DATE),
        ),
        lambda d: url_for("devices_staff.campaign_lines", campaign_id=d.handover.campaign_id),
        "devices_staff.check_ins",
    ),
    Worklist(
        "governance-actions-overdue",
        _l("Overdue action items of the working groups"),
        lambda now, today: overdue_actions_query(today),
        (
            Column(_l("What is to be done"), lambda a: a.display_title(current_language())),
            Column(_l("Owner"), lambda a: a.owner_name(current_language())),
            Column(_l("Due"), lambda a: a.due_on, Kind.DATE),
        ),
        lambda a: url_for("governance_actions.action", item_id=a.id),
        "governance_actions.overdue",
    ),
    Worklist(
        "devices-unconfirmed",
        _l("Devices the school has not confirmed"),
        lambda now, today: not_received().options(
            joinedload(Device.line)
            .joinedload(DisbursementLine.disbursement)
            .joinedload(Disbursement.campaign)
            .joinedload(Campaign.school)
        ),
        (
            Column(_l("Serial number"), lambda d: d.serial),
            Column(_l("Model"), lambda d: d.model),
            Column(_l("Campaign"), lambda d: _device_campaign(d).title),
            Column(_l("School"), lambda d: _school(_device_campaign(d))),
            Column(_l("Recorded"), lambda d: d.created_at, Kind.DATE),
        ),
        lambda d: url_for("devices_staff.line_devices", line_id=d.disbursement_line_id),
        "devices_staff.waiting",
    ),
    Worklist(
        "below-zero",
        _l("Campaigns below zero"),
        lambda now, today: below_zero_query().options(joinedload(Campaign.school)),
        (
            Column(_l("Campaign"), lambda c: c.title),
            Column(_l("School"), _school),
            Column(_l("Raised"), lambda c: c.raised_satang, Kind.MONEY),
            Column(_l("Spent"), lambda c: c.spent_satang, Kind.MONEY),
            Column(_l("Balance"), lambda c: c.raised_satang - c.spent_satang, Kind.MONEY),
        ),
        _campaign_url,
        "campaigns_staff.below_zero_list",
    ),
    Worklist(
        "stripe-events",
        _l("Stripe events not matched"),
        lambda now, today: unhandled_events_query(),
        (
            Column(_l("Event"), lambda e: e.event_id),
            Column(_l("Type"), lambda e: e.type),
            Column(_l("Outcome"), lambda e: e.outcome),
            Column(_l("Time received"), lambda e: e.received_at, Kind.DATETIME),
        ),
        lambda e: url_for("payments_staff.events", _anchor=f"event-{e.id}"),
        "payments_staff.events",
    ),
    Worklist(
        "disputes",
        _l("Open disputes"),
        lambda now, today: open_disputes_query(),
        (
            Column(_l("Donation"), lambda d: f"#{d.id}"),
            Column(_l("Campaign"), lambda d: d.campaign.title),
            Column(_l("Amount"), lambda d: d.amount_satang, Kind.MONEY),
            Column(_l("Dispute"), lambda d: d.dispute_status_label),
        ),
        lambda d: url_for("payments_staff.donation", donation_id=d.id),
    ),
    Worklist(
        "refunds-pending",
        _l("Refunds pending"),
        lambda now, today: pending_refunds_list(),
        (
            Column(_l("Donation"), lambda r: f"#{r.donation_id}"),
            Column(_l("Campaign"), lambda r: r.donation.campaign.title),
            Column(_l("Amount"), lambda r: r.amount_satang, Kind.MONEY),
            Column(_l("Status"), _refund_status),
            Column(_l("Requested"), lambda r: r.created_at, Kind.DATETIME),
        ),
        lambda r: url_for("payments_staff.donation", donation_id=r.donation_id),
    ),
)

BY_KEY = {worklist.key: worklist for worklist in WORKLISTS}

# -- Review progress by programme ---------------------------------------------------------------

#: Programmes whose applications or reviews are still moving.
UNDER_WAY = (ProgrammeState.OPEN, ProgrammeState.CLOSED, ProgrammeState.REVIEWING)


@dataclass
class Progress:
    programme: Programme
    by_state: dict[ApplicationState, int]
    assigned: int = 0
    reviewed: int = 0


def review_progress() -> list[Progress]:
    """Each programme under way: its applications per state, reviews submitted of those
    assigned (current assignments). Three queries, however many programmes."""
    programmes = db.session.scalars(
        sa.select(Programme).where(Programme.state.in_(UNDER_WAY)).order_by(Programme.id.desc())
    ).all()
    if not programmes:
        return []
    ids = [p.id for p in programmes]
    rows = {p.id: Progress(p, {}) for p in programmes}
    counts = db.session.execute(
        sa.select(Application.programme_id, Application.state, sa.func.count(Application.id))
        .where(Application.programme_id.in_(ids))
        .group_by(Application.programme_id, Application.state)
    )
    for programme_id, state, n in counts:
        rows[programme_id].by_state[state] = n
    reviews = db.session.execute(
        sa.select(
            CommitteeMember.programme_id,
            sa.func.count(ReviewAssignment.id),
            sa.func.count(Review.id).filter(Review.state == ReviewState.SUBMITTED),
        )
        .join(CommitteeMember, CommitteeMember.id == ReviewAssignment.member_id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(CommitteeMember.programme_id.in_(ids), ReviewAssignment.ended_at.is_(None))
        .group_by(CommitteeMember.programme_id)
    )
    for programme_id, assigned, reviewed in reviews:
        rows[programme_id].assigned, rows[programme_id].reviewed = assigned, reviewed
    return list(rows.values())


#: The states the progress table shows as columns (a draft is not yet the staff's business).
PROGRESS_STATES = tuple(s for s in ApplicationState if s is not ApplicationState.DRAFT)


def _state_count(state: ApplicationState) -> Callable[[Progress], int]:
    return lambda row: row.by_state.get(state, 0)


PROGRESS_COLUMNS = (
    Column(_l("Programme"), lambda r: r.programme.display_name(current_language())),
    Column(_l("Programme state"), lambda r: r.programme.state),
    *(Column(LABELS[ApplicationState][s], _state_count(s), Kind.INT) for s in PROGRESS_STATES),
    Column(_l("Reviews assigned"), lambda r: r.assigned, Kind.INT),
    Column(_l("Reviews submitted"), lambda r: r.reviewed, Kind.INT),
)

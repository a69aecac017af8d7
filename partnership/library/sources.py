"""What other features put in the library: the final reports of funded projects (read from
milestones) and, through ``minutes_published``, the minutes governance publishes.

A final report is the last step of a programme's milestone template ("รายงานผล"), done, on a
campaign the public sees. ``collect_final_reports`` adds an entry for each one not yet in the
library and withdraws (as the system) the entry of a report staff reopened; it runs on each
pass of ``flask worker``, from ``flask library collect`` and from the staff page's button.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, joinedload

from ..campaigns.models import PUBLIC_STATES, Campaign
from ..core.database import writing_transactions
from ..core.unit_of_work import commit_now, discard_changes
from ..extensions import db
from ..i18n import BUDDHIST_ERA_OFFSET, to_bangkok
from ..milestones.models import Milestone, MilestoneEvent, MilestoneState, MilestoneStep
from ..registry.models import School
from .models import EntrySource, EntryState, EntryTopic, LibraryEntry
from .services import add_entry, republish, withdraw

#: The topic a final report starts with (staff may change it).
REPORT_TOPIC = EntryTopic.LESSONS
#: Why the system withdrew a final report's entry (kept in English in the history: it is not
#: shown to the public, and staff read it on the entry's page).
REOPENED = "The report milestone was reopened; the entry returns once it is done again."


def path_for(endpoint: str, **values) -> str:
    """A page's path, with or without a request (the worker and commands have none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _last_steps() -> sa.Select:
    """The ids of the last step of every programme's template (highest position, then id)."""
    later = aliased(MilestoneStep)
    return sa.select(MilestoneStep.id).where(
        ~sa.exists().where(
            later.programme_id == MilestoneStep.programme_id,
            sa.or_(
                later.position > MilestoneStep.position,
                sa.and_(later.position == MilestoneStep.position, later.id > MilestoneStep.id),
            ),
        )
    )


def final_reports_query() -> sa.Select:
    """Done final reports of public campaigns that have no library entry yet."""
    present = sa.select(LibraryEntry.source_id).where(
        LibraryEntry.source == EntrySource.FINAL_REPORT
    )
    return (
        sa.select(Milestone)
        .join(Campaign, Campaign.id == Milestone.campaign_id)
        .where(
            Milestone.state == MilestoneState.DONE,
            Milestone.step_id.in_(_last_steps()),
            Campaign.state.in_(PUBLIC_STATES),
            Milestone.id.not_in(present),
        )
        .options(
            joinedload(Milestone.step),
            joinedload(Milestone.campaign).joinedload(Campaign.school),
        )
        .order_by(Milestone.id)
    )


def _note(milestone: Milestone) -> str:
    """What the school wrote when it marked the report done (the latest such note)."""
    return (
        db.session.scalar(
            sa.select(MilestoneEvent.reason)
            .where(
                MilestoneEvent.milestone_id == milestone.id,
                MilestoneEvent.to_state == MilestoneState.DONE.value,
            )
            .order_by(MilestoneEvent.id.desc())
            .limit(1)
        )
        or ""
    )


def add_final_report(milestone: Milestone) -> LibraryEntry | None:
    """The library entry of one done final report (None if it is already there)."""
    campaign, step = milestone.campaign, milestone.step
    school: School = campaign.school
    note = _note(milestone)
    summary_th = " ".join(
        part for part in (f"{school.name_th} จ.{school.province_name('th')}.", note) if part
    )
    summary_en = f"{school.name_en or school.name_th}, {school.province_name('en')}."
    return add_entry(
        source=EntrySource.FINAL_REPORT,
        source_id=milestone.id,
        title_th=f"{step.name_th}: {campaign.title}",
        title_en=f"{step.name_en or 'Report'}: {campaign.title}",
        summary_th=summary_th,
        summary_en=summary_en,
        topic=REPORT_TOPIC,
        province_code=school.province_code,
        year_be=to_bangkok(milestone.done_at).year + BUDDHIST_ERA_OFFSET,
        link_url=path_for("campaigns.campaign", campaign_id=campaign.id),
    )


def collect_final_reports() -> tuple[int, int]:
    """Add the done final reports not yet in the library; withdraw those reopened since.
    (added, withdrawn). Flushed, not committed."""
    added = sum(
        add_final_report(m) is not None for m in db.session.scalars(final_reports_query()).all()
    )
    reopened = db.session.scalars(
        sa.select(LibraryEntry)
        .join(Milestone, Milestone.id == LibraryEntry.source_id)
        .where(
            LibraryEntry.source == EntrySource.FINAL_REPORT,
            LibraryEntry.state == EntryState.PUBLISHED,
            Milestone.state != MilestoneState.DONE,
        )
    ).all()
    for entry in reopened:
        withdraw(entry, REOPENED, actor=None)
    done_again = db.session.scalars(
        sa.select(LibraryEntry)
        .join(Milestone, Milestone.id == LibraryEntry.source_id)
        .where(
            LibraryEntry.source == EntrySource.FINAL_REPORT,
            LibraryEntry.state == EntryState.WITHDRAWN,
            LibraryEntry.withdrawn_by_id.is_(None),
            LibraryEntry.withdraw_reason == REOPENED,
            Milestone.state == MilestoneState.DONE,
        )
    ).all()
    for entry in done_again:  # withdrawn by the system, not by staff: back on the list
        republish(entry, actor=None, reason="The report milestone is done again.")
    return added, len(reopened)


def collect_on_worker_pass(_sender=None, **extra) -> None:
    """Each pass of ``flask worker``: the new final reports, in a transaction of their own."""
    with writing_transactions():
        try:
            collect_final_reports()
            commit_now(reason="the worker: the final reports collected on this pass")
        except Exception:
            discard_changes()
            raise


# Minutes (governance) -------------------------------------------------------------------------


def minutes_published(
    _sender=None,
    *,
    minutes_id: int,
    title_th: str,
    year_be: int,
    path: str,
    title_en: str = "",
    summary_th: str = "",
    summary_en: str = "",
    province_code: str | None = None,
    **_extra,
) -> LibraryEntry | None:
    """The receiver of governance's "minutes published" signal: the published (public)
    minutes as an entry, once per minutes (a second send adds nothing). ``path``: the page of
    the minutes (``/governance/meetings/<id>#minutes``). In the publishing transaction."""
    return add_entry(
        source=EntrySource.MINUTES,
        source_id=minutes_id,
        title_th=title_th,
        title_en=title_en,
        summary_th=summary_th,
        summary_en=summary_en,
        topic=EntryTopic.GOVERNANCE,
        province_code=province_code,
        year_be=year_be,
        link_url=path,
    )

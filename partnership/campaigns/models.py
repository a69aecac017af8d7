"""Campaigns, their budget lines, photos and state history; the programme's funding rule."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..money import line_total_satang

if TYPE_CHECKING:
    from ..applications.models import Application
    from ..programmes.models import Programme
    from ..registry.models import School


class CampaignState(LabelledEnum):
    DRAFT = "draft"
    LIVE = "live"
    FUNDED = "funded"
    ENDED = "ended"
    CLOSED = "closed"


class FundingRule(LabelledEnum):
    KEEP_WHAT_YOU_RAISE = "keep_what_you_raise"
    ALL_OR_NOTHING = "all_or_nothing"


LABELS.update(
    {
        CampaignState: {
            CampaignState.DRAFT: _l("Draft"),
            CampaignState.LIVE: _l("Raising funds"),
            CampaignState.FUNDED: _l("Funded"),
            CampaignState.ENDED: _l("Ended"),
            CampaignState.CLOSED: lazy_pgettext("campaign state", "Closed"),
        },
        FundingRule: {
            FundingRule.KEEP_WHAT_YOU_RAISE: _l("Keep what is raised"),
            FundingRule.ALL_OR_NOTHING: _l("All or nothing"),
        },
    }
)

#: States in which donations are accepted (a funded campaign takes over-funding until its end).
GIVING_STATES = frozenset({CampaignState.LIVE, CampaignState.FUNDED})
#: ``Campaign.listing_group`` of each state.
LISTING_GROUP = {
    CampaignState.DRAFT: 2,
    CampaignState.LIVE: 0,
    CampaignState.FUNDED: 0,
    CampaignState.ENDED: 1,
    CampaignState.CLOSED: 1,
}
#: States the public sees.
PUBLIC_STATES = frozenset(set(CampaignState) - {CampaignState.DRAFT})


class ProgrammeFunding(db.Model):
    """The funding rule a programme's campaigns follow (acted on by the next issue)."""

    __tablename__ = "programme_funding"

    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[FundingRule] = mapped_column(
        enum_type(FundingRule, "funding_rule"), default=FundingRule.KEEP_WHAT_YOU_RAISE
    )


class Campaign(db.Model):
    """An approved application raising its budget from the public."""

    __tablename__ = "campaigns"
    __table_args__ = (
        sa.CheckConstraint("goal_satang > 0", name="goal_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="window_ordered"),
        sa.CheckConstraint("donor_count >= 0", name="donors_non_negative"),
        sa.CheckConstraint(
            "raised_satang = online_satang + matched_satang + offline_satang",
            name="raised_is_its_parts",
        ),
        sa.CheckConstraint(
            "devices_confirmed >= 0 AND devices_confirmed <= devices_recorded",
            name="devices_confirmed_of_recorded",
        ),
        sa.CheckConstraint("state = 'draft' OR launched_at IS NOT NULL", name="launched_has_time"),
        sa.CheckConstraint("state <> 'funded' OR funded_at IS NOT NULL", name="funded_has_time"),
        sa.Index("ix_campaigns_state_ends_at", "state", "ends_at"),
        sa.CheckConstraint(
            "(state = 'draft' AND listing_group = 2)"
            " OR (state IN ('live', 'funded') AND listing_group = 0)"
            " OR (state IN ('ended', 'closed') AND listing_group = 1)",
            name="listing_group_matches_state",
        ),
        # The public list's orders walk these instead of sorting every campaign.
        sa.Index("ix_campaigns_listing_ending", "listing_group", "ends_at", "id"),
        sa.Index("ix_campaigns_listing_newest", "listing_group", "launched_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One campaign per approved application.
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    story: Mapped[str] = mapped_column(sa.Text, default="")
    #: The approved budget, copied when the campaign is made.
    goal_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: Stored in UTC; entered and shown in Asia/Bangkok time.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[CampaignState] = mapped_column(
        enum_type(CampaignState, "campaign_state"), default=CampaignState.DRAFT, index=True
    )
    #: Copied from the programme when the campaign is made.
    funding_rule: Mapped[FundingRule] = mapped_column(
        enum_type(FundingRule, "funding_rule"), default=FundingRule.KEEP_WHAT_YOU_RAISE
    )
    #: A cache of the ledger (``flask ledger verify``): net money in, moved only by SQL.
    raised_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: A cache of the ledger: money paid out to suppliers, net of reversals (moved only by SQL).
    #: ``raised_satang − spent_satang`` is the balance; a dispute after a payment out may take
    #: it below zero (listed for staff, never refused).
    spent_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    #: ``raised_satang`` split by where the money came from (``ledger.models.RAISED_FROM``):
    #: online gifts net of refunds and disputes, sponsors' matches net of returns, offline gifts
    #: net of voids. Moved by the statement that moves ``raised_satang`` (CHECK
    #: ``raised_is_its_parts``); the dashboards sum them instead of a million ledger rows.
    online_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    matched_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    offline_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    #: A cache of the devices bought with the money (``devices``): recorded from a paid invoice,
    #: and of those, confirmed by the school (received, then whatever its check-ins said).
    devices_recorded: Mapped[int] = mapped_column(default=0, server_default="0")
    devices_confirmed: Mapped[int] = mapped_column(default=0, server_default="0")
    #: A cache of the ledger: donations paid.
    donor_count: Mapped[int] = mapped_column(default=0)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When it reached its goal (live → funded): delivery milestones count their due dates
    #: from this day.
    funded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Where the public list shows it: 0 taking gifts, 1 ended, 2 draft (follows the state).
    listing_group: Mapped[int] = mapped_column(sa.SmallInteger, default=2)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship()
    programme: Mapped[Programme] = relationship()
    school: Mapped[School] = relationship()
    budget_lines: Mapped[list[CampaignBudgetLine]] = relationship(
        back_populates="campaign", order_by="CampaignBudgetLine.position", cascade="all"
    )
    photos: Mapped[list[CampaignPhoto]] = relationship(
        back_populates="campaign", order_by="CampaignPhoto.position", cascade="all"
    )
    events: Mapped[list[CampaignEvent]] = history_of("CampaignEvent", back_populates="campaign")

    @property
    def percent_funded(self) -> int:
        """Whole percent of the goal raised (may pass 100: over-funding is shown)."""
        return max(0, self.raised_satang * 100 // self.goal_satang)

    @property
    def balance_satang(self) -> int:
        """What the campaign holds now: raised − spent."""
        return self.raised_satang - self.spent_satang

    @property
    def over_funded_satang(self) -> int:
        return max(0, self.raised_satang - self.goal_satang)

    def days_left(self, now: datetime) -> int:
        """Whole days until the end, rounded up; 0 once it has passed."""
        seconds = (self.ends_at - now).total_seconds()
        return 0 if seconds <= 0 else int(-(-seconds // 86400))

    def accepts_gifts(self, now: datetime) -> bool:
        return self.state in GIVING_STATES and self.starts_at <= now < self.ends_at

    def can_view(self, user) -> bool:
        return self.state in PUBLIC_STATES or bool(user.is_authenticated and user.is_staff)

    def can_edit(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


#: The list's default order: those still needing money ('live' sorts after 'funded'), then the
#: funded ones, then the ended ones ('ended' before 'closed'), each soonest ending first.
sa.Index(
    "ix_campaigns_listing_need",
    Campaign.listing_group,
    Campaign.state.desc(),
    Campaign.ends_at,
    Campaign.id,
)


class CampaignBudgetLine(db.Model):
    """A budget item copied from the application (the application may change; this does not)."""

    __tablename__ = "campaign_budget_lines"
    __table_args__ = (
        sa.CheckConstraint("unit_price_satang > 0", name="price_positive"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(sa.String(200))
    unit_price_satang: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int] = mapped_column()

    campaign: Mapped[Campaign] = relationship(back_populates="budget_lines")

    @property
    def total_satang(self) -> int:
        return line_total_satang(self.unit_price_satang, self.quantity)


class CampaignPhoto(db.Model):
    """A photo, stored as resized JPEG variants under a random key."""

    __tablename__ = "campaign_photos"
    __table_args__ = (sa.CheckConstraint("width > 0 AND height > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: Random hex; the variants are ``campaign-photos/<key>-<width>.jpg`` in the file store.
    storage_key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: Size of the largest variant.
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    caption: Mapped[str] = mapped_column(sa.String(300), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="photos")


class CampaignEvent(HistoryMixin, db.Model):
    """Append-only history of the campaign's state changes: who, when, why."""

    __tablename__ = "campaign_events"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    to_state: Mapped[str] = mapped_column(sa.String(20))

    campaign: Mapped[Campaign] = relationship(back_populates="events")

    @property
    def to_state_label(self) -> str:
        """The state reached, in the visitor's language (as stored if no longer a state)."""
        try:
            return CampaignState(self.to_state).label
        except ValueError:
            return self.to_state


class PageChange(db.Model):
    """Something a public campaign page shows changed that its counters and state do not tell:
    a donor's erasure, a pledge ended or declined, an edit, an update posted. Its id is part of
    the kept page's version (``core.pagecache``), so the page is rendered afresh at once.

    ``campaign_id`` NULL: every campaign page (a matching pool covers many). Append-only.
    """

    __tablename__ = "page_changes"
    __table_args__ = (sa.Index("ix_page_changes_campaign_id_id", "campaign_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FigureTotal(db.Model):
    """The campaigns of one province and programme that opened in one fiscal and academic year
    (Buddhist Era), summed: money raised (and from where), spent, donations, campaigns launched
    and funded, devices recorded and confirmed."""

    __tablename__ = "figure_totals"

    province_code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(primary_key=True)
    raised_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    online_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    matched_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    offline_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    spent_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    donations: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    campaigns: Mapped[int] = mapped_column(default=0)
    funded: Mapped[int] = mapped_column(default=0)
    devices_recorded: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    devices_confirmed: Mapped[int] = mapped_column(sa.BigInteger, default=0)

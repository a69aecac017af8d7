"""A sponsor's matching pledge (its pool) and each draw a gift made on it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..campaigns.models import Campaign
    from ..registry.models import Organisation


class PledgeState(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    ENDED = "ended"


class MatchScope(LabelledEnum):
    CAMPAIGN = "campaign"
    PROGRAMME = "programme"
    PROVINCE = "province"


LABELS.update(
    {
        PledgeState: {
            PledgeState.PENDING: _l("Waiting for staff approval"),
            PledgeState.APPROVED: _l("Matching"),
            PledgeState.DECLINED: _l("Declined"),
            PledgeState.ENDED: _l("Ended"),
        },
        MatchScope: {
            MatchScope.CAMPAIGN: _l("One campaign"),
            MatchScope.PROGRAMME: _l("Every campaign of a programme"),
            MatchScope.PROVINCE: _l("Every campaign in a province"),
        },
    }
)


class MatchPledge(db.Model):
    """A pool: ``sponsor_part`` baht from the sponsor for every ``donor_part`` baht given."""

    __tablename__ = "match_pledges"
    __table_args__ = (
        sa.CheckConstraint("cap_satang > 0", name="cap_positive"),
        sa.CheckConstraint(
            "remaining_satang >= 0 AND remaining_satang <= cap_satang", name="remaining_in_cap"
        ),
        sa.CheckConstraint(
            "per_donation_cap_satang IS NULL OR per_donation_cap_satang > 0",
            name="per_donation_cap_positive",
        ),
        sa.CheckConstraint(
            "sponsor_part BETWEEN 1 AND 10 AND donor_part BETWEEN 1 AND 10", name="ratio_range"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="window_ordered"),
        sa.CheckConstraint(
            "(scope = 'campaign' AND campaign_id IS NOT NULL AND programme_id IS NULL"
            " AND province_code IS NULL)"
            " OR (scope = 'programme' AND programme_id IS NOT NULL AND campaign_id IS NULL"
            " AND province_code IS NULL)"
            " OR (scope = 'province' AND province_code IS NOT NULL AND campaign_id IS NULL"
            " AND programme_id IS NULL)",
            name="scope_has_target",
        ),
        sa.CheckConstraint("state = 'pending' OR decided_at IS NOT NULL", name="decided_has_time"),
        # Only an approved (or since ended) pool has been drawn on.
        sa.CheckConstraint(
            "state IN ('approved', 'ended') OR remaining_satang = cap_satang",
            name="undrawn_until_approved",
        ),
        sa.Index("ix_match_pledges_state_ends_at", "state", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    pledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The ratio, sponsor : donor: 1:1 doubles a gift, 2:1 triples it, 1:2 adds half.
    sponsor_part: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    donor_part: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    cap_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: What is left to draw; moved only by conditional SQL (never above ``cap_satang``).
    remaining_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: The most one gift can draw (None: only the pool's remainder limits it).
    per_donation_cap_satang: Mapped[int | None] = mapped_column(sa.BigInteger)
    scope: Mapped[MatchScope] = mapped_column(enum_type(MatchScope, "match_scope"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    province_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    #: Gifts paid in this window are matched (UTC; entered as Bangkok dates).
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Whether offline gifts (bank transfers, cheques, cash) are matched too.
    counts_offline: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[PledgeState] = mapped_column(
        enum_type(PledgeState, "pledge_state"), default=PledgeState.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    campaign: Mapped[Campaign | None] = relationship()

    @property
    def used_satang(self) -> int:
        return self.cap_satang - self.remaining_satang

    def province_label(self, lang: str = "th") -> str:
        from ..registry.provinces import province_name

        return province_name(self.province_code, lang) if self.province_code else ""

    @property
    def ratio_label(self) -> str:
        return f"{self.sponsor_part}:{self.donor_part}"

    def match_for(self, gift_satang: int) -> int:
        """What a gift asks of this pool by the ratio and the per-gift cap (not the remainder)."""
        wanted = gift_satang * self.sponsor_part // self.donor_part
        if self.per_donation_cap_satang is not None:
            wanted = min(wanted, self.per_donation_cap_satang)
        return wanted

    def can_view(self, user) -> bool:
        return bool(
            user.is_authenticated
            and (user.is_staff or user.is_member_of_organisation(self.organisation_id))
        )

    def can_edit(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


class MatchDraw(db.Model):
    """What one gift drew from one pool, and how much of it went back since."""

    __tablename__ = "match_draws"
    __table_args__ = (
        sa.CheckConstraint("drawn_satang > 0", name="drawn_positive"),
        sa.CheckConstraint(
            "returned_satang >= 0 AND returned_satang <= drawn_satang", name="returned_in_drawn"
        ),
        sa.CheckConstraint("(donation_id IS NULL) <> (offline_gift_id IS NULL)", name="one_source"),
        # One draw per pool and gift: a webhook delivered twice cannot draw twice.
        sa.UniqueConstraint("pledge_id", "donation_id"),
        sa.UniqueConstraint("pledge_id", "offline_gift_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("match_pledges.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    donation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    offline_gift_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("offline_gifts.id"), index=True
    )
    #: The gift it matched.
    base_satang: Mapped[int] = mapped_column(sa.BigInteger)
    drawn_satang: Mapped[int] = mapped_column(sa.BigInteger)
    #: Given back so far (refunds pro rata, a void, an all-or-nothing release).
    returned_satang: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Released for good (failed all-or-nothing campaign): a failed refund draws nothing again.
    released: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pledge: Mapped[MatchPledge] = relationship()

    @property
    def kept_satang(self) -> int:
        return self.drawn_satang - self.returned_satang

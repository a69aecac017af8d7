"""A meeting's minutes (รายงานการประชุม): drafted by the body's secretary, circulated to the
members, approved by a resolution of a later meeting of the same body, then locked.

One set of minutes per meeting. Every move and every edit is kept in ``minutes_events`` with
the text as it stood after it, so what the members read when the minutes were circulated, and
what the later meeting approved, can always be shown again."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.history import HistoryMixin, history_of
from ...db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ...extensions import db
from ..models import Meeting, Resolution


class MinutesState(LabelledEnum):
    #: The secretary (or staff) is writing them; only they read them.
    DRAFTED = "drafted"
    #: Mailed to the members, who read the draft; still open to corrections.
    CIRCULATED = "circulated"
    #: A later meeting approved them (its resolution is ``approval``).
    APPROVED = "approved"
    #: Final: nothing changes any more.
    LOCKED = "locked"


LABELS[MinutesState] = {
    MinutesState.DRAFTED: _l("Being drafted"),
    MinutesState.CIRCULATED: _l("Circulated to members"),
    MinutesState.APPROVED: _l("Approved, not yet locked"),
    MinutesState.LOCKED: _l("Approved and locked"),
}

#: The machine: each state and the states it may move to.
TRANSITIONS: dict[MinutesState, frozenset[MinutesState]] = {
    MinutesState.DRAFTED: frozenset({MinutesState.CIRCULATED}),
    MinutesState.CIRCULATED: frozenset({MinutesState.APPROVED}),
    MinutesState.APPROVED: frozenset({MinutesState.LOCKED}),
    MinutesState.LOCKED: frozenset(),
}
#: States in which the text may still be changed.
EDITABLE = (MinutesState.DRAFTED, MinutesState.CIRCULATED)
#: States in which the minutes of a public meeting are published on the site.
PUBLISHED = (MinutesState.APPROVED, MinutesState.LOCKED)


class Minutes(db.Model):
    """The minutes of one meeting, in Thai (and optionally English)."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (
        sa.CheckConstraint("length(text_th) > 0", name="has_text"),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        sa.CheckConstraint(
            "state = 'drafted' OR circulated_at IS NOT NULL", name="circulated_has_time"
        ),
        sa.CheckConstraint(
            "(state IN ('approved', 'locked')) = (approval_id IS NOT NULL "
            "AND approved_at IS NOT NULL)",
            name="approved_has_resolution",
        ),
        sa.CheckConstraint("(state = 'locked') = (locked_at IS NOT NULL)", name="locked_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), unique=True)
    state: Mapped[MinutesState] = mapped_column(
        enum_type(MinutesState, "minutes_state"), default=MinutesState.DRAFTED, index=True
    )
    text_th: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: Goes up by one with each edit; an edit names the revision it started from, so two
    #: people editing at once never overwrite each other's changes unseen.
    revision: Mapped[int] = mapped_column(default=1)
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The later meeting's resolution that approved them ("รับรองรายงานการประชุม ครั้งที่ 1/2564").
    approval_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resolutions.id"), unique=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship()
    approval: Mapped[Resolution | None] = relationship()
    drafted_by = relationship("User")
    events: Mapped[list[MinutesEvent]] = history_of("MinutesEvent", back_populates="minutes")

    @property
    def is_published(self) -> bool:
        """Approved: public meeting's minutes are on the site from now on."""
        return self.state in PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    def display_text(self, lang: str) -> str:
        return (self.text_en or self.text_th) if lang == "en" else self.text_th

    def can_view(self, user) -> bool:
        """Published minutes of a public meeting: everyone. Otherwise the recorders (secretary,
        staff) always, the body's members once circulated (a members-only meeting's approved
        minutes stay with its members)."""
        from ..access import can_record, is_member

        if self.is_published and self.meeting.is_public:
            return True
        if can_record(user, self.meeting.body):
            return True
        return self.state is not MinutesState.DRAFTED and is_member(user, self.meeting.body)

    def can_edit(self, user) -> bool:
        """The secretary or staff, while not approved."""
        from ..access import can_record

        return self.is_editable and can_record(user, self.meeting.body)

    def __repr__(self) -> str:
        return f"<Minutes {self.id} meeting={self.meeting_id} {self.state.value}>"


#: What a minutes event records besides the moves of the machine.
EDITED = "edited"
DRAFTED_KIND = "drafted"


class MinutesEvent(HistoryMixin, db.Model):
    """Append-only history of the minutes: each move and each edit, with who, when, why and
    the text as it stood afterwards."""

    __tablename__ = "minutes_events"
    __table_args__ = (
        sa.CheckConstraint(
            "to_state IS NULL OR to_state IN ('drafted', 'circulated', 'approved', 'locked')",
            name="known_state",
        ),
    )

    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_minutes.id"), index=True)
    #: The revision the text reached with this event.
    revision: Mapped[int] = mapped_column(default=1)
    text_th: Mapped[str] = mapped_column(sa.Text, default="")
    text_en: Mapped[str] = mapped_column(sa.Text, default="")

    minutes: Mapped[Minutes] = relationship(back_populates="events")

    @property
    def to_state_label(self) -> str:
        try:
            return str(MinutesState(self.to_state).label)
        except ValueError:
            return self.to_state or ""

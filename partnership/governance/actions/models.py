"""Action items (งานที่ได้รับมอบหมาย) that a resolution gives someone to do: what, who owns it (a
member of the body, a user, or an organisation), by which Bangkok day, and how it stands, with
every move and every note kept in an append-only history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.history import HistoryMixin, history_of
from ...db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ...extensions import db

if TYPE_CHECKING:
    from ...accounts.models import User
    from ...registry.models import Organisation
    from ..models import BodyMember, Resolution


class ActionStatus(LabelledEnum):
    #: Given out; nobody has said they started.
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    #: No longer to be done (a later resolution, or it became moot); the row stays.
    CANCELLED = "cancelled"


LABELS[ActionStatus] = {
    ActionStatus.OPEN: lazy_pgettext("action item", "Open"),
    ActionStatus.IN_PROGRESS: lazy_pgettext("action item", "In progress"),
    ActionStatus.DONE: lazy_pgettext("action item", "Done"),
    ActionStatus.CANCELLED: _l("Cancelled"),
}

#: States that still wait for the owner: they can be overdue and are reminded.
OPEN_STATES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

#: Event kinds beside a move: the item was given out, a note without a move.
CREATED = "created"
NOTE = "note"


class ActionItem(db.Model):
    """One thing a resolution gave someone to do, by a day."""

    __tablename__ = "action_items"
    __table_args__ = (
        sa.CheckConstraint("length(title_th) > 0", name="has_title"),
        # Exactly one owner: a member of the body, an account, or an organisation.
        sa.CheckConstraint(
            "(CASE WHEN owner_member_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN owner_user_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN owner_organisation_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        sa.CheckConstraint("(status = 'done') = (done_at IS NOT NULL)", name="done_has_time"),
        sa.Index("ix_action_items_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(sa.ForeignKey("resolutions.id"), index=True)
    title_th: Mapped[str] = mapped_column(sa.String(500))
    title_en: Mapped[str] = mapped_column(sa.String(500), default="")
    owner_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body_members.id"), index=True
    )
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    owner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    #: The Bangkok day it is due.
    due_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ActionStatus] = mapped_column(
        enum_type(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the owner was mailed that it is due within a few days (claimed once, with the mail).
    reminded_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the owner was mailed that it is overdue (claimed once, with the mail).
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    resolution: Mapped[Resolution] = relationship()
    owner_member: Mapped[BodyMember | None] = relationship(foreign_keys=[owner_member_id])
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    owner_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[owner_organisation_id]
    )
    events: Mapped[list[ActionItemEvent]] = history_of(
        "ActionItemEvent", back_populates="action_item"
    )

    def display_title(self, lang: str) -> str:
        return (self.title_en or self.title_th) if lang == "en" else self.title_th

    def owner_name(self, lang: str) -> str:
        """The person or organisation as the minutes would name them."""
        if self.owner_member is not None:
            member = self.owner_member
            organisation = member.organisation
            if organisation is not None:
                org = (
                    (organisation.name_en or organisation.name)
                    if lang == "en"
                    else organisation.name
                )
                return f"{member.person_name} ({org})"
            return member.person_name
        if self.owner_user is not None:
            return self.owner_user.name
        if self.owner_organisation is not None:
            organisation = self.owner_organisation
            return (
                (organisation.name_en or organisation.name) if lang == "en" else organisation.name
            )
        return ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.status.value}>"


class ActionItemEvent(HistoryMixin, db.Model):
    """Append-only history of an action item: given out, each move, each note; who and when."""

    __tablename__ = "action_item_events"
    __table_args__ = (
        sa.CheckConstraint(
            "to_state IS NULL OR to_state IN ('open', 'in_progress', 'done', 'cancelled')",
            name="known_state",
        ),
    )

    action_item_id: Mapped[int] = mapped_column(sa.ForeignKey("action_items.id"), index=True)

    action_item: Mapped[ActionItem] = relationship(back_populates="events")

    @property
    def to_state_label(self) -> str:
        try:
            return str(ActionStatus(self.to_state).label)
        except ValueError:
            return self.to_state or ""

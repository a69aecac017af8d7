"""Public–private governance: bodies (working groups, committees, assemblies), their members
over time, meetings numbered as Thai bodies number them ("ครั้งที่ 2/2564"), attendance, agenda
items, and the resolutions (มติ) taken on them, each able to point at what it decided in the app.

Nothing here is deleted: a membership ends (with the resolution that ended it), a meeting is
cancelled, a resolution stands once recorded (a later meeting's resolution changes it)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import AppendOnly
from ..db_types import UTCDateTime, enum_type, utcnow
from ..extensions import db
from ..registry.models import Sector
from .enums import (  # noqa: F401  (the vocabulary, re-exported with the tables that use it)
    ASSEMBLY_KINDS,
    AgendaKind,
    AttendanceStatus,
    BodyKind,
    LinkKind,
    MeetingState,
    MemberRole,
    Outcome,
    Visibility,
)


class Body(db.Model):
    """A working group, committee or assembly: who it is, what it is for, whom it answers to."""

    __tablename__ = "bodies"
    __table_args__ = (
        sa.CheckConstraint("length(name_th) > 0", name="has_name"),
        # A provincial assembly belongs to one province; no other body has one.
        sa.CheckConstraint(
            "(kind = 'provincial_assembly') = (province_code IS NOT NULL)",
            name="province_iff_provincial",
        ),
        sa.CheckConstraint("quorum_percent BETWEEN 1 AND 100", name="quorum_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BodyKind] = mapped_column(enum_type(BodyKind, "body_kind"), index=True)
    name_th: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300), default="")
    purpose_th: Mapped[str] = mapped_column(sa.Text, default="")
    purpose_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: The body it reports to (the PR working group to the public–private working group).
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bodies.id"), index=True)
    #: ISO 3166-2:TH digits of a provincial assembly's province ("40": Khon Kaen).
    province_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    #: Share of the sitting members who must be present for a quorum (องค์ประชุม), in percent.
    quorum_percent: Mapped[int] = mapped_column(default=50)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set when the body is dissolved; its meetings and members stay as they were.
    dissolved_on: Mapped[date | None] = mapped_column(sa.Date)

    parent: Mapped[Body | None] = relationship(remote_side=[id])
    members: Mapped[list[BodyMember]] = relationship(
        back_populates="body", order_by="BodyMember.id", passive_deletes="all"
    )

    @property
    def is_assembly(self) -> bool:
        return self.kind in ASSEMBLY_KINDS

    def display_name(self, lang: str) -> str:
        return (self.name_en or self.name_th) if lang == "en" else self.name_th

    def __repr__(self) -> str:
        return f"<Body {self.id} {self.kind.value}>"


class BodyMember(db.Model):
    """One person's seat in a body for a term: their organisation, sector and role.

    A change of role or the end of a term never rewrites the row: the term ends (``ends_on``,
    the resolution that ended it) and a new row starts, so the history of who sat when stays."""

    __tablename__ = "body_members"
    __table_args__ = (
        sa.CheckConstraint("length(person_name) > 0", name="has_person"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="term_order"),
        sa.Index("ix_body_members_body_current", "body_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id"), index=True)
    #: The person as the minutes name them (title, name); the account if they have one.
    person_name: Mapped[str] = mapped_column(sa.String(200))
    #: Their position (ผู้อำนวยการสำนัก…), printed after the name in the minutes.
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Where invitations and agendas go when the member has no account (else the account's).
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "member_sector"))
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole, "member_role"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    #: Why the term ended (a new role, resigned, replaced), with the resolution if there was one.
    end_reason: Mapped[str] = mapped_column(sa.Text, default="")
    appointed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("resolutions.id", use_alter=True)
    )
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resolutions.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    body: Mapped[Body] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
    organisation = relationship("Organisation")
    appointed_by: Mapped[Resolution | None] = relationship(foreign_keys=[appointed_by_id])
    ended_by: Mapped[Resolution | None] = relationship(foreign_keys=[ended_by_id])

    def sits_on(self, day: date) -> bool:
        """Whether the term covers ``day``."""
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)

    def __repr__(self) -> str:
        return f"<BodyMember {self.id} body={self.body_id} {self.role.value}>"


class Meeting(db.Model):
    """One meeting of a body, numbered within the Buddhist-era year as Thai bodies count them.

    An assembly's sitting is a meeting of an assembly body: its agenda items are the policy
    proposals and its resolutions the adopted ones."""

    __tablename__ = "meetings"
    __table_args__ = (
        sa.UniqueConstraint("body_id", "year_be", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="time_order"),
        sa.CheckConstraint("length(place) > 0 OR length(online_url) > 0", name="has_venue"),
        sa.Index("ix_meetings_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id"), index=True)
    #: ครั้งที่ ``number``/``year_be``: the body's n-th meeting of the Buddhist-era year.
    number: Mapped[int] = mapped_column()
    year_be: Mapped[int] = mapped_column()
    title_th: Mapped[str] = mapped_column(sa.String(300), default="")
    title_en: Mapped[str] = mapped_column(sa.String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A room (ห้องประชุม…), an online platform's link, or both.
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    online_platform: Mapped[str] = mapped_column(sa.String(100), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility, "meeting_visibility"), default=Visibility.MEMBERS
    )
    state: Mapped[MeetingState] = mapped_column(
        enum_type(MeetingState, "meeting_state"), default=MeetingState.SCHEDULED
    )
    #: The member who chairs it (the body's chair unless someone stands in).
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("body_members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    body: Mapped[Body] = relationship()
    chair: Mapped[BodyMember | None] = relationship(foreign_keys=[chair_id])
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", passive_deletes="all"
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", order_by="Attendance.id", passive_deletes="all"
    )

    @property
    def number_label(self) -> str:
        """ "2/2564": the meeting's number as the minutes print it."""
        return f"{self.number}/{self.year_be}"

    @property
    def is_public(self) -> bool:
        return self.visibility is Visibility.PUBLIC

    def display_title(self, lang: str) -> str:
        return (self.title_en or self.title_th) if lang == "en" else self.title_th

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.number_label}>"


class Attendance(db.Model):
    """Who was invited to a meeting and whether they came; an observer is not a member."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "member_id"),
        # A member's row names the member; an observer's row names the person.
        sa.CheckConstraint(
            "(member_id IS NULL) = (status = 'observer')", name="observer_iff_not_member"
        ),
        sa.CheckConstraint("member_id IS NOT NULL OR length(person_name) > 0", name="has_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("body_members.id"))
    #: An observer's name and organisation (as they signed in).
    person_name: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation_name: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_type(AttendanceStatus, "attendance_status"), default=AttendanceStatus.INVITED
    )
    #: When the invitation and agenda were mailed (empty: not yet).
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    member: Mapped[BodyMember | None] = relationship()


class AgendaItem(db.Model):
    """One item of a meeting's agenda (ระเบียบวาระ), numbered as the agenda prints it."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "position"),
        sa.CheckConstraint("length(title_th) > 0", name="has_title"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    #: Order on the agenda; ``label`` is how the agenda numbers it ("4.1").
    position: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(sa.String(20), default="")
    kind: Mapped[AgendaKind] = mapped_column(enum_type(AgendaKind, "agenda_kind"))
    title_th: Mapped[str] = mapped_column(sa.String(500))
    title_en: Mapped[str] = mapped_column(sa.String(500), default="")
    details_th: Mapped[str] = mapped_column(sa.Text, default="")
    details_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: Who put it forward: a sector, an organisation, or both (empty: the secretary).
    proposed_by_sector: Mapped[Sector | None] = mapped_column(enum_type(Sector, "proposer_sector"))
    proposed_by_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    proposed_by_organisation = relationship("Organisation")
    resolution: Mapped[Resolution | None] = relationship(
        back_populates="agenda_item", uselist=False, passive_deletes="all"
    )

    @property
    def number(self) -> str:
        return self.label or str(self.position)

    def display_title(self, lang: str) -> str:
        return (self.title_en or self.title_th) if lang == "en" else self.title_th


class Resolution(db.Model):
    """The meeting's resolution (มติ) on one agenda item: its outcome and its text.

    Recorded once per item (a later meeting that changes it takes a resolution of its own)."""

    __tablename__ = "resolutions"
    __table_args__ = (sa.CheckConstraint("length(text_th) > 0", name="has_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id"), unique=True)
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome, "resolution_outcome"))
    text_th: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="resolution")
    links: Mapped[list[ResolutionLink]] = relationship(
        back_populates="resolution", order_by="ResolutionLink.id", passive_deletes="all"
    )

    @property
    def meeting(self) -> Meeting:
        return self.agenda_item.meeting

    def display_text(self, lang: str) -> str:
        return (self.text_en or self.text_th) if lang == "en" else self.text_th

    def __repr__(self) -> str:
        return f"<Resolution {self.id} {self.outcome.value}>"


class ResolutionLink(AppendOnly, db.Model):
    """A resolution points at what it decided in the app; the record shows the link back.

    ``subject_id`` is the id of the row ``kind`` names (a school, a programme, a membership).
    Added once per (resolution, kind, subject), never changed or removed."""

    __tablename__ = "resolution_links"
    __table_args__ = (
        sa.UniqueConstraint("resolution_id", "kind", "subject_id"),
        sa.Index("ix_resolution_links_subject", "kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(sa.ForeignKey("resolutions.id"), index=True)
    kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind, "resolution_link_kind"))
    subject_id: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    resolution: Mapped[Resolution] = relationship(back_populates="links")


class AgendaAttachment(db.Model):
    """One paper of an agenda item (a proposal, a budget table, a photo of a site)."""

    __tablename__ = "agenda_attachments"
    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="not_empty"),
        sa.CheckConstraint("length(filename) > 0", name="has_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id"), index=True)
    #: The name shown and sent back (``clean_filename``: no path, the real extension).
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column()
    #: Where the bytes are in the file store (random: never the uploader's name).
    storage_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    agenda_item: Mapped[AgendaItem] = relationship()

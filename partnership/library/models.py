"""The library of lessons shared: published minutes, the final reports of funded projects and
documents staff choose, each one entry that staff curate and may withdraw (never delete)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, postgresql_only, utcnow
from ..extensions import db
from ..registry.provinces import province_name

if TYPE_CHECKING:
    from ..accounts.models import User

#: The Buddhist-era years an entry may carry (2500 = 1957, 2700 = 2157): outside them, a typo.
FIRST_YEAR_BE, LAST_YEAR_BE = 2500, 2700


class EntrySource(LabelledEnum):
    """Where an entry comes from (one entry per source record: ``(source, source_id)``)."""

    #: A document or a link staff chose (no source record).
    DOCUMENT = "document"
    #: A meeting's published minutes (``source_id``: the minutes' id, given by governance).
    MINUTES = "minutes"
    #: A funded campaign's final report: its programme's last milestone, done
    #: (``source_id``: the milestone's id).
    FINAL_REPORT = "final_report"


class EntryTopic(LabelledEnum):
    """What an entry is about: the EEA's four areas of expertise (seed 000) and the themes of
    the foundation's work (seeds 001 and 004)."""

    POLICY = "policy"
    FINANCING = "financing"
    DELIVERY = "delivery"
    MONITORING = "monitoring"
    LESSONS = "lessons"
    AREA_BASED = "area_based"
    DIGITAL = "digital"
    TEACHERS = "teachers"
    GOVERNANCE = "governance"


class EntryState(LabelledEnum):
    #: On the public list and page.
    PUBLISHED = "published"
    #: Off the public list and page; kept, with who withdrew it, when and why.
    WITHDRAWN = "withdrawn"


LABELS[EntrySource] = {
    EntrySource.DOCUMENT: lazy_pgettext("library source", "Document"),
    EntrySource.MINUTES: lazy_pgettext("library source", "Minutes of a meeting"),
    EntrySource.FINAL_REPORT: lazy_pgettext("library source", "Final report of a funded project"),
}
LABELS[EntryTopic] = {
    EntryTopic.POLICY: lazy_pgettext("library topic", "Law and policy"),
    EntryTopic.FINANCING: lazy_pgettext("library topic", "Budgeting and financing"),
    EntryTopic.DELIVERY: lazy_pgettext("library topic", "Service delivery"),
    EntryTopic.MONITORING: lazy_pgettext("library topic", "Monitoring and evaluation"),
    EntryTopic.LESSONS: lazy_pgettext("library topic", "Research and lessons learned"),
    EntryTopic.AREA_BASED: lazy_pgettext("library topic", "Area-based education"),
    EntryTopic.DIGITAL: lazy_pgettext("library topic", "Digital learning"),
    EntryTopic.TEACHERS: lazy_pgettext("library topic", "Teachers and school leaders"),
    EntryTopic.GOVERNANCE: lazy_pgettext("library topic", "Governance and meetings"),
}
LABELS[EntryState] = {
    EntryState.PUBLISHED: lazy_pgettext("library state", "Published"),
    EntryState.WITHDRAWN: lazy_pgettext("library state", "Withdrawn"),
}


class LibraryEntry(db.Model):
    """One item of the library, with its Thai and English title and summary, topic, optional
    province and Buddhist-era year; a stored PDF, a link, or the page of its source record."""

    __tablename__ = "library_entries"
    __table_args__ = (
        # One entry per source record, however often a hook or the collector runs.
        sa.UniqueConstraint("source", "source_id"),
        sa.CheckConstraint("length(title_th) > 0", name="has_title"),
        sa.CheckConstraint(
            f"year_be BETWEEN {FIRST_YEAR_BE} AND {LAST_YEAR_BE}", name="year_be_range"
        ),
        sa.CheckConstraint(
            "(source = 'document') = (source_id IS NULL)", name="source_record_iff_not_document"
        ),
        sa.CheckConstraint("file_key IS NOT NULL OR link_url <> ''", name="has_file_or_link"),
        sa.CheckConstraint(
            "(state = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_has_time"
        ),
        sa.CheckConstraint(
            "state <> 'withdrawn' OR withdraw_reason <> ''", name="withdrawn_has_reason"
        ),
        # The public list: published entries, newest year first.
        sa.Index("ix_library_entries_state_year", "state", "year_be", "id"),
        # Free text: LIKE '%q%' over the folded text through trigrams (PostgreSQL).
        postgresql_only(
            sa.Index(
                "ix_library_entries_search_trgm",
                "search_text",
                postgresql_using="gin",
                postgresql_ops={"search_text": "gin_trgm_ops"},
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[EntrySource] = mapped_column(
        enum_type(EntrySource, "library_entry_source"), default=EntrySource.DOCUMENT
    )
    #: The id of the source record (minutes, milestone); empty for a document.
    source_id: Mapped[int | None] = mapped_column()
    title_th: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300), default="")
    summary_th: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    topic: Mapped[EntryTopic] = mapped_column(enum_type(EntryTopic, "library_entry_topic"))
    #: ISO 3166-2:TH code without prefix ("40": Khon Kaen); empty for a national document.
    province_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    #: The Buddhist-era year the document is of (2564 = 2021).
    year_be: Mapped[int] = mapped_column()
    #: The PDF in the file store (``library/<32 hex>.pdf``), if any.
    file_key: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    #: The uploaded file's cleaned name, given back on download.
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: An outside page (``https://…``) or, for a source record, its page here (``/…``).
    link_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Titles and summaries in both languages, case-folded and NFC-normalised, for the
    #: free-text search (``services.fold``); written by the services, never typed.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[EntryState] = mapped_column(
        enum_type(EntryState, "library_entry_state"), default=EntryState.PUBLISHED
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who withdrew it; empty when the system did (a final report reopened by staff).
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdraw_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list[LibraryEntryEvent]] = history_of(
        "LibraryEntryEvent", back_populates="entry"
    )

    def title(self, lang: str = "th") -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_th

    def summary(self, lang: str = "th") -> str:
        return self.summary_en if lang == "en" and self.summary_en else self.summary_th

    def province_name(self, lang: str = "th") -> str:
        return province_name(self.province_code, lang) if self.province_code else ""

    @property
    def is_published(self) -> bool:
        return self.state == EntryState.PUBLISHED

    @property
    def is_external(self) -> bool:
        return self.link_url.startswith(("https://", "http://"))

    # Permissions: everyone sees a published entry and its file; staff see every entry.
    def can_view(self, user) -> bool:
        return self.is_published or bool(user.is_authenticated and user.is_staff)

    def can_edit(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


class LibraryEntryEvent(HistoryMixin, db.Model):
    """Append-only history of an entry: added, edited, withdrawn, published again (who, when,
    why)."""

    __tablename__ = "library_entry_events"

    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("library_entries.id"), index=True)

    entry: Mapped[LibraryEntry] = relationship(back_populates="events")

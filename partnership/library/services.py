"""The rules of the library: adding entries (staff, or another feature through ``add_entry``),
editing, withdrawing and publishing again, storing a document, and the search."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..core.storage import delete_file_after_commit, new_key, save_file
from ..core.transitions import TransitionRefused, insert_once, move
from ..core.unit_of_work import Refused
from ..core.uploads import RefusedFile, checked_content, clean_filename, sniff_type
from ..db_types import utcnow
from ..extensions import db
from .models import EntrySource, EntryState, EntryTopic, LibraryEntry, LibraryEntryEvent

#: The documents' folder in the file store.
FOLDER = "library"
#: History kinds that are not moves.
ADDED, EDITED = "added", "edited"

#: Withdrawn → published again, published → withdrawn; once each, even when two staff click.
TRANSITIONS = {
    EntryState.PUBLISHED: frozenset({EntryState.WITHDRAWN}),
    EntryState.WITHDRAWN: frozenset({EntryState.PUBLISHED}),
}


class LibraryRefused(Refused):
    """A library change the rules refuse; the message says why."""


class IllegalEntryMove(TransitionRefused):
    message = _l(
        "This entry has already been withdrawn or published again (someone may have just done "
        "it). Nothing was changed."
    )


def _illegal(from_state, to_state) -> IllegalEntryMove:
    return IllegalEntryMove()


# Text -----------------------------------------------------------------------------------------

#: Zero-width characters some Thai text carries between words (ZWSP, ZWNJ, ZWJ, WJ, BOM): they
#: would stop a substring from matching, and are invisible anyway.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def fold(text: str) -> str:
    """Text as the search compares it: NFC, case-folded (English; Thai has no case), without
    zero-width characters, runs of white space as one space."""
    text = unicodedata.normalize("NFC", text or "").translate(_INVISIBLE).casefold()
    return re.sub(r"\s+", " ", text).strip()


def search_text(*parts: str) -> str:
    """The folded titles and summaries an entry is searched by (``LibraryEntry.search_text``)."""
    return "\n".join(fold(part) for part in parts if part)


def _like_pattern(query: str) -> str:
    """``%query%`` with LIKE's own characters escaped (``\\`` is the escape character)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_TEXTS = ("title_th", "title_en", "summary_th", "summary_en")


# Adding ---------------------------------------------------------------------------------------


def store_document(data: bytes, filename: str) -> tuple[str, str]:
    """Parse and store an uploaded PDF; (key, clean name). Goes with the transaction: a refused
    form leaves no file behind."""
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise LibraryRefused(_l("The PDF is too large."))
    if sniff_type(data[:16]) != "application/pdf":
        raise LibraryRefused(_l("The document must be a PDF file."))
    name = clean_filename(filename, "application/pdf")
    try:
        stored = checked_content(data, "application/pdf", name)
    except RefusedFile as error:
        raise LibraryRefused(error.user_message()) from error
    key = new_key("application/pdf", FOLDER)
    save_file(key, stored, "application/pdf")
    return key, name


def add_entry(
    *,
    title_th: str,
    topic: EntryTopic,
    year_be: int,
    source: EntrySource = EntrySource.DOCUMENT,
    source_id: int | None = None,
    title_en: str = "",
    summary_th: str = "",
    summary_en: str = "",
    province_code: str | None = None,
    link_url: str = "",
    file_key: str | None = None,
    file_name: str = "",
    actor=None,
) -> LibraryEntry | None:
    """Put an entry in the library (published), with its ``added`` event; flushed.

    For a source record (minutes, a final report) it is made once: a second call for the same
    ``(source, source_id)``, or a racing one, adds nothing and returns None (one
    ``INSERT … ON CONFLICT DO NOTHING``). ``actor`` empty: the system added it."""
    source = EntrySource(source)
    if (source == EntrySource.DOCUMENT) != (source_id is None):
        raise ValueError("a document has no source record; minutes and reports have one")
    now = utcnow()
    values = {
        "source": source,
        "source_id": source_id,
        "title_th": title_th.strip(),
        "title_en": title_en.strip(),
        "summary_th": summary_th.strip(),
        "summary_en": summary_en.strip(),
        "topic": EntryTopic(topic),
        "province_code": province_code or None,
        "year_be": year_be,
        "file_key": file_key,
        "file_name": file_name,
        "link_url": link_url.strip(),
        "state": EntryState.PUBLISHED,
        "created_by_id": actor.id if actor is not None else None,
        "created_at": now,
        "updated_at": now,
    }
    values["search_text"] = search_text(*(values[name] for name in _TEXTS))
    if source == EntrySource.DOCUMENT:
        entry = LibraryEntry(**values)
        db.session.add(entry)
        db.session.flush()
        entry_id = entry.id
    else:
        entry_id = insert_once(LibraryEntry, values, unique=["source", "source_id"])
        if entry_id is None:
            return None
    db.session.add(
        LibraryEntryEvent(entry_id=entry_id, kind=ADDED, actor_id=values["created_by_id"])
    )
    db.session.flush()
    return db.session.get(LibraryEntry, entry_id)


#: What staff may change on any entry; the file and the link only on a document.
EDITABLE = (*_TEXTS, "topic", "province_code", "year_be")


def edit_entry(entry: LibraryEntry, values: dict, actor) -> None:
    """Change an entry's description (and a document's file or link); recorded as ``edited``
    with the fields that changed."""
    allowed = EDITABLE + (
        ("link_url", "file_key", "file_name") if entry.source == EntrySource.DOCUMENT else ()
    )
    changed = []
    replaced = entry.file_key if values.get("file_key") not in (None, entry.file_key) else None
    for name in allowed:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        if name == "province_code":
            value = value or None
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed.append(name)
    if entry.file_key is None and not entry.link_url:
        raise LibraryRefused(_l("A document needs a PDF or a link."))
    if not changed:
        return
    if replaced is not None:  # the new PDF replaces it: the old one goes once this commits
        delete_file_after_commit(replaced)
    entry.search_text = search_text(*(getattr(entry, name) for name in _TEXTS))
    entry.updated_at = utcnow()
    db.session.add(
        LibraryEntryEvent(
            entry_id=entry.id, kind=EDITED, actor_id=actor.id, reason=", ".join(changed)
        )
    )
    db.session.flush()


def withdraw(entry: LibraryEntry, reason: str, actor=None) -> LibraryEntryEvent:
    """Take the entry off the public library (kept, with who, when and why); once."""
    reason = reason.strip()
    if not reason:
        raise LibraryRefused(_l("Say why the entry is withdrawn."))
    return _move(
        entry,
        EntryState.WITHDRAWN,
        actor,
        reason,
        {"withdrawn_at": utcnow(), "withdrawn_by_id": actor.id if actor else None,
         "withdraw_reason": reason},
    )  # fmt: skip


def republish(entry: LibraryEntry, actor, reason: str = "") -> LibraryEntryEvent:
    """Put a withdrawn entry back on the public library; the withdrawal stays in its history."""
    return _move(
        entry,
        EntryState.PUBLISHED,
        actor,
        reason.strip(),
        {"withdrawn_at": None, "withdrawn_by_id": None, "withdraw_reason": ""},
    )


def _move(entry, to_state, actor, reason, values) -> LibraryEntryEvent:
    from_state = move(entry, to_state, allowed=TRANSITIONS, illegal=_illegal, values=values)
    event = LibraryEntryEvent(
        entry_id=entry.id,
        actor_id=actor.id if actor else None,
        from_state=from_state.value,
        to_state=to_state.value,
        reason=reason,
    )
    db.session.add(event)
    db.session.flush()
    return event


# Search ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a visitor asks the library for; empty values filter nothing."""

    text: str = ""
    topic: str = ""
    province: str = ""
    year: int | None = None
    source: str = ""
    #: Staff's list: withdrawn entries too (``state`` then filters them).
    everything: bool = False
    state: str = ""


def search(filters: Filters) -> sa.Select:
    """Entries the filters keep, newest year first (one SELECT; nothing loaded per row)."""
    query = sa.select(LibraryEntry)
    if not filters.everything:
        query = query.where(LibraryEntry.state == EntryState.PUBLISHED)
    elif filters.state in EntryState._value2member_map_:
        query = query.where(LibraryEntry.state == EntryState(filters.state))
    if filters.topic in EntryTopic._value2member_map_:
        query = query.where(LibraryEntry.topic == EntryTopic(filters.topic))
    if filters.source in EntrySource._value2member_map_:
        query = query.where(LibraryEntry.source == EntrySource(filters.source))
    if filters.province:
        query = query.where(LibraryEntry.province_code == filters.province)
    if filters.year is not None:
        query = query.where(LibraryEntry.year_be == filters.year)
    text = fold(filters.text)
    if text:
        query = query.where(LibraryEntry.search_text.like(_like_pattern(text), escape="\\"))
    return query.order_by(LibraryEntry.year_be.desc(), LibraryEntry.id.desc())


def years() -> list[int]:
    """The years of the published entries, newest first (the year filter's choices)."""
    return list(
        db.session.scalars(
            sa.select(LibraryEntry.year_be)
            .where(LibraryEntry.state == EntryState.PUBLISHED)
            .distinct()
            .order_by(LibraryEntry.year_be.desc())
        )
    )


def events_of(entry: LibraryEntry) -> list[LibraryEntryEvent]:
    """The entry's history, oldest first, with who did each (one query)."""
    return list(
        db.session.scalars(
            sa.select(LibraryEntryEvent)
            .where(LibraryEntryEvent.entry_id == entry.id)
            .options(joinedload(LibraryEntryEvent.actor))
            .order_by(LibraryEntryEvent.id)
        )
    )

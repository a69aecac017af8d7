"""Files attached to agenda items (the papers members read before the meeting): PDFs and
images, checked by ``core.uploads`` and kept in the file store under random keys.

A file is served only through a view that asks ``access.can_view_meeting`` first, so the papers
of a members-only meeting stay with its members and staff. Nothing is deleted: the agenda as
it was sent stays as it was sent."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.datastructures import FileStorage

from ..core.storage import new_key, save_file
from ..core.uploads import RefusedFile, checked_content, clean_filename, sniff_type
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from .models import AgendaItem, MeetingState
from .services import GovernanceRefused

#: The folder of agenda papers in the file store.
AGENDA_FOLDER = "agenda-files"
#: More papers than any one item needs; beyond it, something is wrong.
MAX_FILES_PER_ITEM = 20


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


def attach_paper(item: AgendaItem, upload: FileStorage | None, actor=None) -> AgendaAttachment:
    """Check and store one file for the item (the file goes with the transaction)."""
    if item.meeting.state is MeetingState.CANCELLED:
        raise GovernanceRefused(_l("This meeting was cancelled."))
    if upload is None or not upload.filename:
        raise GovernanceRefused(_l("Choose a file."))
    count = db.session.scalar(
        sa.select(sa.func.count(AgendaAttachment.id)).where(
            AgendaAttachment.agenda_item_id == item.id
        )
    )
    if count >= MAX_FILES_PER_ITEM:
        raise GovernanceRefused(
            _l("An agenda item can have at most %(n)d files.", n=MAX_FILES_PER_ITEM)
        )
    max_bytes = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(max_bytes + 1)
    if not data:
        raise GovernanceRefused(_l("The file is empty."))
    if len(data) > max_bytes:
        raise GovernanceRefused(_l("The file is too large."))
    content_type = sniff_type(data[:16])
    if content_type is None:
        raise GovernanceRefused(_l("The file must be a PDF, JPEG or PNG file."))
    name = clean_filename(upload.filename, content_type)
    try:
        stored = checked_content(data, content_type, name)
    except RefusedFile as error:
        raise GovernanceRefused(str(error)) from error
    paper = AgendaAttachment(
        agenda_item_id=item.id,
        filename=name,
        content_type=content_type,
        size_bytes=len(stored),
        storage_key=new_key(content_type, AGENDA_FOLDER),
        sha256=hashlib.sha256(stored).hexdigest(),
        uploaded_by_id=getattr(actor, "id", None),
    )
    save_file(paper.storage_key, stored, content_type)
    db.session.add(paper)
    db.session.flush()
    return paper


def papers_of(item_ids) -> dict[int, list[AgendaAttachment]]:
    """Each agenda item's files, oldest first (one query for a whole agenda)."""
    ids = list(item_ids)
    found: dict[int, list[AgendaAttachment]] = {i: [] for i in ids}
    if not ids:
        return found
    for paper in db.session.scalars(
        sa.select(AgendaAttachment)
        .where(AgendaAttachment.agenda_item_id.in_(ids))
        .order_by(AgendaAttachment.id)
    ):
        found[paper.agenda_item_id].append(paper)
    return found

"""Files attached to agenda items (the papers members read before the meeting): PDFs and
images, checked by ``core.uploads`` and kept in the file store under random keys
(``models.AgendaAttachment``).

A file is served only through a view that asks ``access.can_view_meeting`` first, so the papers
of a members-only meeting stay with its members and staff. Nothing is deleted: the agenda as
it was sent stays as it was sent."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from ..core.storage import new_key, save_file
from ..core.uploads import RefusedFile, checked_content, clean_filename, sniff_type
from ..extensions import db
from .models import AgendaAttachment, AgendaItem, MeetingState
from .services import GovernanceRefused

#: The folder of agenda papers in the file store.
AGENDA_FOLDER = "agenda-files"
#: More papers than any one item needs; beyond it, something is wrong.
MAX_FILES_PER_ITEM = 20


def attach_paper(item: AgendaItem, upload: FileStorage | None, actor=None) -> AgendaAttachment:
    """Check and store one file for the item (the file goes with the transaction)."""
    if item.meeting.state is MeetingState.CANCELLED:
        raise GovernanceRefused(_l("This meeting was cancelled."))
    if upload is None or not upload.filename:
        raise GovernanceRefused(_l("Choose a file to attach."))
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
        raise GovernanceRefused(_l("The file is larger than the upload limit."))
    content_type = sniff_type(data[:16])
    if content_type is None:
        raise GovernanceRefused(_l("The file must be a PDF, JPEG or PNG file."))
    name = clean_filename(upload.filename, content_type)
    try:
        stored = checked_content(data, content_type, name)
    except RefusedFile as error:
        # the checker's sentence names the file; lazy, so the refusal handler shows it as is
        raise GovernanceRefused(LazyString(str, str(error))) from error
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

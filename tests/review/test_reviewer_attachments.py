"""Attachment downloads by committee members: an assigned reviewer may, a conflicted one never."""

from __future__ import annotations

import pytest

from partnership.applications.models import Attachment
from partnership.core.storage import get_storage, new_key
from partnership.extensions import db
from partnership.registry.models import Sector
from partnership.review.models import ConflictOfInterest, ConflictSource

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def attached(make_programme, make_application, make_member, assign):
    programme = make_programme()
    application = make_application(programme)
    key = new_key("application/pdf")
    get_storage().save(key, PDF, "application/pdf")
    attachment = Attachment(
        application=application, filename="แผน.pdf", content_type="application/pdf",
        size_bytes=len(PDF), storage_key=key, sha256="0" * 64,
    )  # fmt: skip
    db.session.add(attachment)
    db.session.commit()
    reviewer = make_member(programme, Sector.PUBLIC)
    assign(reviewer, application)
    return application, attachment, reviewer


def _url(attachment) -> str:
    return f"/applications/{attachment.application_id}/attachments/{attachment.id}"


def test_an_assigned_reviewer_downloads_the_attachment(client, login, attached):
    application, attachment, reviewer = attached
    login(reviewer.user)
    response = client.get(_url(attachment))
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"].startswith("application/pdf")


def test_a_conflicted_reviewer_cannot_download(client, login, attached):
    application, attachment, reviewer = attached
    db.session.add(
        ConflictOfInterest(
            member=reviewer, application=application, source=ConflictSource.DECLARED,
            reason="ญาติ", declared_by_id=reviewer.user_id,
        )
    )  # fmt: skip
    db.session.commit()
    login(reviewer.user)
    assert client.get(_url(attachment)).status_code == 403


def test_an_unassigned_member_cannot_download(client, login, attached, make_member):
    application, attachment, _ = attached
    other = make_member(application.programme, Sector.PRIVATE)
    login(other.user)
    assert client.get(_url(attachment)).status_code == 403

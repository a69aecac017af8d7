"""Applications and programmes learn what review adds through named signals, not imports."""

from __future__ import annotations

from partnership.applications.models import Attachment
from partnership.applications.signals import may_view_application
from partnership.core.storage import get_storage, new_key
from partnership.programmes.services import rubric_locked
from partnership.programmes.signals import rubric_in_use
from partnership.review.access import reviewer_may_view
from partnership.review.reviews import review_submitted_for


def test_review_answers_both_questions():
    assert reviewer_may_view in may_view_application.receivers_for(object())
    assert review_submitted_for in rubric_in_use.receivers_for(object())


def test_a_receiver_of_may_view_application_opens_the_application_and_its_files(
    app, client, db, make_programme, make_application, make_user, login
):
    application = make_application(make_programme())
    key = new_key("application/pdf")
    get_storage().save(key, b"%PDF-1.4\n%%EOF\n", "application/pdf")
    attachment = Attachment(
        application=application,
        filename="plan.pdf",
        storage_key=key,
        content_type="application/pdf",
        size_bytes=15,
        sha256="0" * 64,
    )
    db.session.add(attachment)
    db.session.commit()
    guest, stranger = make_user(), make_user()
    urls = (f"/applications/{application.id}",
            f"/applications/{application.id}/attachments/{attachment.id}")  # fmt: skip
    asked = []

    def guest_may_view(sender, *, user, **_):
        asked.append((sender.id, user.id))
        return user.id == guest.id

    with may_view_application.connected_to(guest_may_view):
        login(guest)
        assert [client.get(url).status_code for url in urls] == [200, 200]
        login(stranger)
        assert [client.get(url).status_code for url in urls] == [403, 403]
    assert (application.id, guest.id) in asked
    login(guest)
    assert client.get(urls[0]).status_code == 403  # disconnected: no longer let in


def test_a_receiver_of_rubric_in_use_locks_the_rubric(make_programme):
    programme = make_programme()
    assert rubric_locked(programme) is False
    with rubric_in_use.connected_to(lambda sender, **_: sender is programme):
        assert rubric_locked(programme) is True
        assert rubric_locked(make_programme()) is False

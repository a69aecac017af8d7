"""An erasure that meets a mail being sent: the worker claimed it (it holds the address and the
body), the donor erases, then the worker records the outcome. The row recorded afterwards keeps
no address and no body, and a mail that must be tried again is not sent to nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.db_types import utcnow
from partnership.donors.privacy import erase_donor
from partnership.extensions import db
from partnership.notifications import delivery
from partnership.notifications.models import MailState, OutgoingMail
from partnership.notifications.services import queue_mail
from tests.paid_gifts import forget_queued_mail, gift


@pytest.fixture()
def claimed_then_erased(app, make_campaign, monkeypatch):
    """A donor mail claimed by a worker, then the donor's erasure committed."""
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "worker")
    donation = gift(make_campaign(), email="donor@example.com", name="สมชาย ใจดี")
    forget_queued_mail()
    queue_mail("Donor@example.com", "Thank you", "Dear สมชาย ใจดี", topic="donation_thanks")
    db.session.commit()
    [claimed] = delivery.claim_batch()
    assert claimed.to_address == "Donor@example.com"
    assert erase_donor(donation) is not None
    db.session.commit()
    return claimed


def the_row() -> OutgoingMail:
    db.session.expire_all()
    return db.session.scalar(sa.select(OutgoingMail))


def assert_erased(row: OutgoingMail) -> None:
    assert row.to_address == "" and row.secret_body == ""
    assert "สมชาย" not in row.body


def test_a_mail_sent_meanwhile_is_recorded_without_the_erased_data(
    claimed_then_erased, monkeypatch
):
    sent = []
    monkeypatch.setattr(delivery, "_send", lambda mail, body: sent.append(body) or MailState.SENT)
    assert delivery.send_claimed(claimed_then_erased) == MailState.SENT
    [body] = sent
    assert body.startswith("Dear สมชาย ใจดี")  # it did go out: the worker held it
    row = the_row()
    assert row.state == MailState.SENT and row.sent_at is not None
    assert_erased(row)


def test_a_mail_that_failed_meanwhile_is_never_tried_again(claimed_then_erased, monkeypatch):
    def refused(mail, body):
        raise OSError("connection refused")

    monkeypatch.setattr(delivery, "_send", refused)
    delivery.send_claimed(claimed_then_erased)
    row = the_row()
    assert row.state == MailState.FAILED and row.next_attempt_at is None
    assert_erased(row)
    db.session.execute(
        sa.update(OutgoingMail).values(state=MailState.QUEUED, next_attempt_at=utcnow())
    )
    db.session.commit()
    assert delivery.claim_batch() == []  # even if it were queued again: nobody to send it to


def test_a_crashed_workers_claim_on_an_erased_mail_is_not_queued_again(app, claimed_then_erased):
    db.session.execute(sa.update(OutgoingMail).values(claimed_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    delivery.release_stale_claims()
    row = the_row()
    assert row.state == MailState.FAILED
    assert_erased(row)

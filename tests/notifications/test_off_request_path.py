"""No mail work inside a webhook: it answers at once even with SMTP pointed at a black hole,
and the mail it queued waits for a worker. RQ mode hands committed mail to Redis workers."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.notifications.models import MailState, OutgoingMail
from partnership.notifications.services import queue_mail
from partnership.notifications.worker import drain, worker_pass
from tests.services import redis_up
from tests.smtp_server import BlackHole


@pytest.mark.parametrize("mode", ["inline", "worker"])
def test_webhook_answers_at_once_with_smtp_a_black_hole(
    app, make_campaign, give, hooked, monkeypatch, mode
):
    hole = BlackHole()
    for key, value in hole.config.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", mode)
    try:
        campaign = make_campaign()
        donation, session_id = give(campaign)
        started = time.monotonic()
        hooked.pay(session_id)
        elapsed = time.monotonic() - started
    finally:
        hole.close()
    assert [d.status for d in hooked.deliveries] == [200]
    assert elapsed < 3, elapsed  # one SMTP attempt alone would take 5 s
    db.session.expire_all()
    if mode == "worker":
        # The thank-you is rendered off the webhook's path, by the worker's pass (issue 22).
        assert db.session.scalars(sa.select(OutgoingMail)).all() == []
        worker_pass.send(app)
    [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
    # The receipts feature's thank-you, queued after the webhook's commit.
    assert mail.to_address == donation.email and mail.topic == "donation-thanks"
    assert mail.state == MailState.QUEUED and mail.attempts == 0  # waits for a worker
    # Every donor mail carries the privacy link; the log shows it redacted.
    assert "[link removed]" in mail.body and mail.secret_body


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.skipif(not redis_up(REDIS_URL), reason="no Redis at 127.0.0.1:6379")
def test_rq_mode_hands_committed_mail_to_rq_workers(app, smtp, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    queue = Queue("mail", connection=connection)

    queue_mail("a@example.org", "Through RQ", "Body")
    assert queue.count == 0  # nothing before the commit
    db.session.commit()
    queue_mail("b@example.org", "Rolled back", "Body")
    db.session.rollback()
    assert queue.count == 1
    [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
    queue.enqueue("partnership.jobs.deliver_mail", mail.id)  # a repeat changes nothing

    SimpleWorker([queue], connection=connection).work(burst=True)
    assert smtp.subjects() == ["Through RQ"]
    db.session.expire_all()
    assert db.session.get(OutgoingMail, mail.id).state == MailState.SENT
    assert drain() == {}  # the safety-net worker finds nothing left
    connection.flushdb()

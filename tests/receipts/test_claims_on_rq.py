"""With RQ (production with REDIS_URL) the webhook leaves the receipt numbers to an RQ worker:
one job for every payment committed while one waits, numbers in paid order, each donor thanked
once; Redis down, the webhook numbers them itself (issue 22)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.notifications.models import MailState, OutgoingMail
from partnership.payments.models import Donation
from partnership.receipts.models import Receipt, ReceiptClaim
from tests.services import redis_up

REDIS_URL = "redis://127.0.0.1:6379/14"

pytestmark = pytest.mark.usefixtures("stripe_app")


def _numbers_in_paid_order() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Receipt.number)
            .join(Donation, Donation.id == Receipt.donation_id)
            .order_by(Donation.paid_at, Donation.id)
        )
    )


@pytest.mark.skipif(not redis_up(REDIS_URL), reason="no Redis at 127.0.0.1:6379")
def test_payments_queue_one_claim_job_and_the_worker_numbers_and_thanks(
    app, make_campaign, give, hooked, monkeypatch
):
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    queue = Queue("mail", connection=connection)
    campaign = make_campaign()
    sessions = [give(campaign)[1] for _ in range(3)]
    for session_id in sessions:
        hooked.pay(session_id)
    assert [d.status for d in hooked.deliveries] == [200, 200, 200]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Receipt.id))) == 0  # not in the webhook
    assert queue.count == 1  # one job for the three claims

    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert _numbers_in_paid_order() == [1, 2, 3]
    assert db.session.scalar(sa.select(sa.func.count(ReceiptClaim.donation_id))) == 0
    thanks = sa.select(OutgoingMail).where(OutgoingMail.topic == "donation-thanks")
    mails = db.session.scalars(thanks).all()
    assert len(mails) == 3  # ... and delivered by the same worker (no SMTP_HOST: logged)
    assert {mail.state for mail in mails} <= {MailState.SENT, MailState.LOGGED}
    # A payment after the job started queues the next one.
    hooked.pay(give(campaign)[1])
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert _numbers_in_paid_order() == [1, 2, 3, 4]
    connection.flushdb()


def test_redis_down_the_webhook_numbers_the_receipt_itself(
    app, make_campaign, give, hooked, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    assert [d.status for d in hooked.deliveries] == [200]
    db.session.expire_all()
    [receipt] = db.session.scalars(sa.select(Receipt)).all()
    assert receipt.donation_id == donation.id and receipt.number == 1

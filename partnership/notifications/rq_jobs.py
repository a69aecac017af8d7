"""``MAIL_DELIVERY=rq``: committed mail ids go on the RQ queue ``mail`` on ``REDIS_URL``.

Run ``rq worker --with-scheduler --url $REDIS_URL mail`` (the scheduler runs the retries that
``enqueue_in`` schedules). A job only claims its mail like any worker does, so a job enqueued
twice, or a ``flask worker --once`` run as a safety net while Redis was down, sends it once.
"""

from __future__ import annotations

from flask import current_app

QUEUE = "mail"


def redis_connection():
    """The app's client of ``REDIS_URL`` (one per app and process: its pool keeps the
    connections open between requests instead of one new connection per job queued)."""
    url = current_app.config["REDIS_URL"]
    known = current_app.extensions.get("rq_redis")
    if known is None or known[0] != url:
        from redis import Redis

        known = (url, Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))
        current_app.extensions["rq_redis"] = known
    return known[1]


def _queue():
    from rq import Queue

    return Queue(QUEUE, connection=redis_connection())


def enqueue_job(func: str, *args, **options) -> None:
    """Put one job on the ``mail`` queue (raises when Redis does not answer)."""
    _queue().enqueue(func, *args, **options)


def enqueue(ids: list[int]) -> None:
    """Put the transaction's mail on the queue: one job for one mail, one job for a batch (a
    worker's batch of thank-yous: one RQ job each cost the worker more than the mail itself);
    if Redis is down the mail waits in the outbox (logged)."""
    try:
        if len(ids) == 1:
            _queue().enqueue(JOB, ids[0], job_timeout=120)
        elif ids:
            _queue().enqueue(BATCH_JOB, list(ids), job_timeout=120 + 10 * len(ids))
    except Exception as exc:  # noqa: BLE001 - Redis down must not fail the committed request
        current_app.logger.warning("Could not enqueue mail %s on RQ: %s", ids, exc)


#: The jobs RQ runs (``partnership.jobs`` builds the app in the RQ worker process).
JOB = "partnership.jobs.deliver_mail"
BATCH_JOB = "partnership.jobs.deliver_mails"


def deliver_job(mail_id: int) -> str:
    """Deliver one mail (in an app context); a failed attempt schedules the next after its
    backoff."""
    from ..core.database import writing_transactions
    from .delivery import backoff, deliver_one
    from .models import MailState, OutgoingMail

    with writing_transactions():
        state = deliver_one(mail_id)
    if state == MailState.QUEUED:
        from ..core.unit_of_work import commit_now
        from ..extensions import db

        attempts = db.session.get(OutgoingMail, mail_id).attempts
        commit_now(reason="worker: end the read transaction")
        try:
            _queue().enqueue_in(backoff(attempts), JOB, mail_id, job_timeout=120)
        except Exception as exc:  # noqa: BLE001 - the outbox row still says when it is due
            current_app.logger.warning("Could not schedule mail %s: %s", mail_id, exc)
    return state.value if state else "not due"


def deliver_batch_job(mail_ids: list[int]) -> dict[str, int]:
    """Deliver the due mails of ``mail_ids`` (claimed together, sent one by one); each failed
    attempt schedules that mail's next one after its backoff. How many ended in each state."""
    from ..core.database import writing_transactions
    from .delivery import backoff, claim_batch, send_all
    from .models import MailState

    with writing_transactions():
        outcomes = send_all(claim_batch(len(mail_ids), ids=list(mail_ids)))
    counts: dict[str, int] = {}
    for mail, state in outcomes:
        counts[state.value] = counts.get(state.value, 0) + 1
        if state == MailState.QUEUED:
            try:
                _queue().enqueue_in(backoff(mail.attempts), JOB, mail.id, job_timeout=120)
            except Exception as exc:  # noqa: BLE001 - the outbox row still says when it is due
                current_app.logger.warning("Could not schedule mail %s: %s", mail.id, exc)
    return counts

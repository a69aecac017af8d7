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
    """Put each mail on the queue; if Redis is down the mail waits in the outbox (logged)."""
    try:
        queue = _queue()
        for mail_id in ids:
            queue.enqueue(JOB, mail_id, job_timeout=120)
    except Exception as exc:  # noqa: BLE001 - Redis down must not fail the committed request
        current_app.logger.warning("Could not enqueue mail %s on RQ: %s", ids, exc)


#: The job RQ runs (``partnership.jobs`` builds the app in the RQ worker process).
JOB = "partnership.jobs.deliver_mail"


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

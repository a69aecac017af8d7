"""Background jobs' entry points for RQ workers: each builds the app once per worker process."""

from __future__ import annotations

from flask import has_app_context

_app = None


def _in_app(work):
    if has_app_context():  # a test's SimpleWorker runs inside the test's app
        return work()
    global _app
    if _app is None:
        from partnership import create_app

        _app = create_app()
    with _app.app_context():
        return work()


def claim_receipts() -> int:
    """RQ job ``partnership.jobs.claim_receipts``: number the paid gifts waiting for a receipt
    in paid order and queue their thank-yous (queued by the webhook after its commit)."""
    from .receipts.claims import claim_job

    return _in_app(claim_job)


def deliver_mail(mail_id: int) -> str:
    """RQ job ``partnership.jobs.deliver_mail``: send one outbox mail."""
    from .notifications.rq_jobs import deliver_job

    if has_app_context():  # a test's SimpleWorker runs inside the test's app
        return deliver_job(mail_id)
    global _app
    if _app is None:
        from partnership import create_app

        _app = create_app()
    with _app.app_context():
        return deliver_job(mail_id)


def deliver_mails(mail_ids: list[int]) -> dict[str, int]:
    """RQ job ``partnership.jobs.deliver_mails``: send a batch of outbox mails."""
    from .notifications.rq_jobs import deliver_batch_job

    return _in_app(lambda: deliver_batch_job(mail_ids))

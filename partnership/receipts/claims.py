"""Receipt numbers given after the payment commits, in paid order, by one claimer at a time.

The paying transaction (a webhook) only writes a :class:`ReceiptClaim` row: one insert that
waits on no other payment. After it commits, :func:`run_claims` numbers every waiting gift in
paid order (``paid_at``, then id) under one lock, opens its e-Donation record and queues the
thank-you, and deletes the claim in the same transaction: a gift is numbered and thanked once,
and the year's numbers stay gapless (a claimer that rolls back gives back its numbers with its
claims). Before, the year's counter row was moved inside every payment's transaction, so every
payment in the country waited for the one before it to commit.

``run_claims`` runs right after the request that paid commits (``core.unit_of_work``'s
``work_committed``, when the request made a claim), at each pass of ``flask worker``, as
``flask receipts claim`` and as the RQ job
``partnership.jobs.claim_receipts``. With RQ the request that paid only queues that job (one
for every payment committed while it waits: :func:`enqueue_claims`) and the RQ worker numbers
and thanks; without it the request numbers what it paid after its commit. The thank-you is
rendered off the webhook's path: by the mail worker's pass or that RQ job (:func:`run_thanks`),
or in the request itself when mail goes inline (development, tests).

One claimer at a time: on PostgreSQL a transaction-level advisory lock, tried without waiting
(a claimer that finds it taken leaves its claims to the holder, which looks again after its
commit); on SQLite the writing transaction's lock (``BEGIN IMMEDIATE``) already is one.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import click
import sqlalchemy as sa
from flask import g, has_app_context
from flask.cli import AppGroup
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, load_only

from ..campaigns.models import Campaign
from ..core.database import writing_transactions
from ..core.unit_of_work import commit_now
from ..db_types import utcnow
from ..extensions import db
from ..notifications.services import deliver_committed, delivery_mode
from ..payments.models import Donation
from ..payments.tax import DonationTaxInfo
from . import numbering
from .edonation import open_record
from .models import Receipt, ReceiptClaim

log = logging.getLogger(__name__)

#: The advisory lock's key (any constant the app uses for nothing else).
CLAIM_LOCK = 22_0021


def claim_on_payment(donation: Donation, source: str = "", **extra) -> None:
    """In the paying transaction: the gift waits for its number (one insert, once); the
    request's end numbers it after its commit (:func:`claim_after_commit`)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(ReceiptClaim.__table__)
        .values(donation_id=donation.id, source=source[:200], created_at=utcnow())
        .on_conflict_do_nothing()
    )
    if has_app_context():
        g.receipts_waiting = True


def _try_locks() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _take_lock() -> bool:
    if not _try_locks():
        return True  # SQLite: the writing transaction holds the database's one write lock
    return bool(db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(CLAIM_LOCK))))


def claim_receipts(batch: int = 500) -> int | None:
    """Number up to ``batch`` waiting gifts in paid order (flushed; the caller commits).

    How many claims were taken; None when another claimer holds the lock.
    """
    if not _take_lock():
        return None
    # The waiting gifts, locked, with whether each has a number already (never, but a claim
    # is harmless to take twice) and tax details, in one statement. A webhook locks one gift
    # at a time and the claimer takes the counter rows only after these: no deadlock.
    numbered = sa.exists().where(Receipt.donation_id == Donation.id)
    taxed = sa.exists().where(DonationTaxInfo.donation_id == Donation.id)
    waiting = db.session.execute(
        sa.select(Donation, ReceiptClaim.source, numbered, taxed)
        .join(ReceiptClaim, ReceiptClaim.donation_id == Donation.id)
        .where(ReceiptClaim.numbered_at.is_(None))
        .order_by(Donation.paid_at, Donation.id)
        .limit(batch)
        .with_for_update(of=Donation)
    ).all()
    if not waiting:
        return 0
    ids = [donation.id for donation, *_ in waiting]
    sources = {donation.id: source for donation, source, *_ in waiting}
    with_tax = {donation.id for donation, _, _, has_tax in waiting if has_tax}
    todo = [donation for donation, _, has_receipt, _ in waiting if not has_receipt]
    by_year: dict[int, list[Donation]] = defaultdict(list)
    for donation in todo:
        by_year[numbering.buddhist_year(donation)].append(donation)
    for year, donations in by_year.items():
        last = numbering.take_numbers(year, len(donations))
        first = last - len(donations) + 1
        db.session.add_all(
            Receipt(
                donation_id=donation.id,
                year=year,
                number=first + offset,
                amount_satang=donation.amount_satang,
            )
            for offset, donation in enumerate(donations)  # still in paid order
        )
    db.session.flush()
    to_thank = []
    for donation in todo:
        if numbering.kept_satang(donation) != donation.amount_satang:
            # Money went back before the number was given: cancelled, or replaced by a
            # receipt for what was kept, as if the refund had come after it.
            numbering.follow_returned_money(donation)
        if donation.id in with_tax:
            open_record(donation, sources[donation.id] or "paid")
        if donation.email:
            to_thank.append(donation.id)
    if to_thank:
        db.session.execute(
            sa.update(ReceiptClaim)
            .where(ReceiptClaim.donation_id.in_(to_thank))
            .values(numbered_at=utcnow())
        )
    done = [i for i in ids if i not in to_thank]
    if done:
        db.session.execute(sa.delete(ReceiptClaim).where(ReceiptClaim.donation_id.in_(done)))
    return len(waiting)


def thank_numbered(batch: int = 200) -> int:
    """Queue the thank-you of each numbered gift, once (flushed; the caller commits).

    The claim row is deleted by the statement that takes it (``DELETE … RETURNING``), so two
    workers never thank the same gift. How many were taken.
    """
    ids = db.session.scalars(
        sa.delete(ReceiptClaim)
        .where(
            ReceiptClaim.donation_id.in_(
                sa.select(ReceiptClaim.donation_id)
                .where(ReceiptClaim.numbered_at.is_not(None))
                .order_by(ReceiptClaim.numbered_at, ReceiptClaim.donation_id)
                .limit(batch)
            )
        )
        .returning(ReceiptClaim.donation_id)
    ).all()
    if not ids:
        return 0
    donations = db.session.scalars(
        sa.select(Donation)
        .where(Donation.id.in_(ids))
        .options(joinedload(Donation.campaign).options(load_only(Campaign.title)))
        .order_by(Donation.id)
    ).unique()
    for donation in donations:
        standing = numbering.receipt_for(donation.id)
        if donation.email and standing is not None and not standing.cancelled:
            numbering.queue_thanks(donation, standing)
    return len(ids)


def run_thanks(batch: int = 200) -> int:
    """Queue every thank-you due, batch by batch, each committed; how many."""
    total = 0
    with writing_transactions():
        while True:
            taken = thank_numbered(batch)
            commit_now(reason="each batch of thank-yous is its own transaction (a worker's job)")
            total += taken
            if taken < batch:
                return total


def run_claims(batch: int = 500, *, thank: bool = False) -> int:
    """Claim and commit batch after batch until none waits; how many were claimed.

    Its own transactions (outside a request's work: after the webhook's commit, or a command).
    A claimer that finds the lock taken stops: the holder looks again after its own commit, so
    a claim committed before that is never left behind.
    """
    total = 0
    with writing_transactions():
        while True:
            try:
                taken = claim_receipts(batch)
            except Exception:
                db.session.rollback()
                raise
            if taken is None:
                db.session.rollback()
                return total
            if thank and taken:
                thank_numbered(batch)  # the same transaction: one write lock on SQLite
            commit_now(reason="each batch of numbers is its own transaction, after the payment's")
            total += taken
            if taken == 0 or (taken < batch and not _try_locks()):
                # SQLite: the write lock is waited for, not tried, so nobody left a claim to
                # this claimer after its read; one more look is needed only after a try.
                return total


def claim_after_commit(_sender=None, **extra) -> None:
    """Right after a request that paid a gift committed (a webhook, staff recording a payment):
    have what it paid numbered. With RQ (production with ``REDIS_URL``) an RQ worker numbers it
    and queues the thank-you (:func:`enqueue_claims`: one job for every payment committed while
    one waits), so the webhook answers without the claimer's transaction. Otherwise it is
    numbered here; the thank-you is rendered and queued by this request when mail goes inline
    (development, tests), else by the mail worker's next pass (``flask worker``). A failure
    here costs the request nothing (its payment is committed); the claims wait for the next
    claimer or the sweep."""
    if not g.pop("receipts_waiting", False):
        return
    mode = delivery_mode()
    if mode == "rq" and enqueue_claims():
        return
    try:
        run_claims(thank=mode == "inline")
        if mode == "inline":
            deliver_committed(_sender)  # the thank-yous just queued, unless left to the worker
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.exception("receipt claims: left for the next claimer")


#: Set (for a while) in Redis when a claim job is queued and has not started yet.
CLAIMS_QUEUED = "partnership:receipt-claims-queued"


def enqueue_claims() -> bool:
    """Queue the RQ job ``partnership.jobs.claim_receipts`` unless one is queued and not yet
    started (it deletes :data:`CLAIMS_QUEUED` before it looks, so a claim committed before
    this call is seen by that job or by the one queued here). False when Redis does not answer
    (the caller numbers the claims itself; the thank-yous wait for the worker's pass)."""
    from ..notifications.rq_jobs import enqueue_job, redis_connection

    try:
        redis = redis_connection()
        # A job queued more than a minute ago and not started: one more is harmless.
        if redis.set(CLAIMS_QUEUED, b"1", nx=True, ex=60):
            try:
                enqueue_job("partnership.jobs.claim_receipts", job_timeout=300)
            except Exception:
                redis.delete(CLAIMS_QUEUED)
                raise
    except Exception as exc:  # noqa: BLE001 - Redis down must not fail the committed webhook
        log.warning("could not queue the receipt claims: %s", exc)
        return False
    return True


def claim_job() -> int:
    """The RQ job's work: number what waits in paid order, then queue the thank-yous."""
    from ..notifications.rq_jobs import redis_connection

    try:
        redis_connection().delete(CLAIMS_QUEUED)  # a claim committed from now queues a job
    except Exception as exc:  # noqa: BLE001 - the flag expires by itself
        log.warning("could not clear %s: %s", CLAIMS_QUEUED, exc)
    return run_claims() + run_thanks()


def sweep_on_worker_pass(_sender=None, **extra) -> None:
    """Each pass of ``flask worker``: number what waits (a crash between a webhook's commit
    and its claim) and queue the thank-yous, before the outbox is drained."""
    run_claims()
    run_thanks()


receipts_cli = AppGroup("receipts", help="Donation receipts.")


@receipts_cli.command("claim")
def claim_command() -> None:
    """Number the paid gifts still waiting for a receipt, in paid order (a sweep)."""
    numbered = run_claims()
    click.echo(f"receipts numbered: {numbered}; thank-yous queued: {run_thanks()}")

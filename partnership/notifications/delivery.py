"""Delivering the outbox: claim a mail once, send it by SMTP (or log it), record the outcome.

A mail is claimed by one conditional statement (``UPDATE … SET state='sending', claim=:token
WHERE id IN (…) AND state='queued' AND next_attempt_at <= now``), committed before the SMTP
conversation starts, so two workers never send one mail; on PostgreSQL the candidates are
picked with ``FOR UPDATE SKIP LOCKED`` so that workers take different rows instead of waiting
for each other. A failed attempt waits ``MAIL_RETRY_BASE_SECONDS × 2^(attempts-1)`` (at most
``MAIL_RETRY_MAX_SECONDS``); after ``MAIL_MAX_ATTEMPTS`` it is failed, for staff to see.
"""

from __future__ import annotations

import secrets
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from ..core.unit_of_work import commit_now, discard_changes
from ..db_types import utcnow
from ..extensions import db
from .crypto import InvalidToken, decrypt
from .models import MailState, OutgoingMail
from .services import erased_note


@dataclass(frozen=True)
class Claimed:
    """What the sender needs, read before the transaction ends (no row is held while sending)."""

    id: int
    claim: str
    to_address: str
    subject: str
    body: str
    secret_body: str
    attempts: int
    calendar: str = ""


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    config = current_app.config
    base = config.get("MAIL_RETRY_BASE_SECONDS", 60)
    ceiling = config.get("MAIL_RETRY_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts - 1)))


def _due(now):
    return sa.and_(
        OutgoingMail.state == MailState.QUEUED,
        OutgoingMail.next_attempt_at <= now,
        OutgoingMail.to_address != "",  # an erased recipient's mail is never sent
    )


def claim_batch(limit: int = 20, ids: list[int] | None = None) -> list[Claimed]:
    """Claim up to ``limit`` due mails (or those of ``ids`` that are due) and commit the claim."""
    now = utcnow()
    token = secrets.token_hex(16)
    candidates = sa.select(OutgoingMail.id).where(_due(now)).order_by(OutgoingMail.id).limit(limit)
    if ids is not None:
        candidates = candidates.where(OutgoingMail.id.in_(ids))
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    chosen = list(db.session.scalars(candidates))
    if not chosen:
        commit_now(reason="worker: end the claiming transaction")
        return []
    db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.id.in_(chosen), _due(now))
        .values(
            state=MailState.SENDING,
            claim=token,
            claimed_at=now,
            attempts=OutgoingMail.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    rows = db.session.execute(
        sa.select(
            OutgoingMail.id,
            OutgoingMail.to_address,
            OutgoingMail.subject,
            OutgoingMail.body,
            OutgoingMail.secret_body,
            OutgoingMail.attempts,
            OutgoingMail.calendar,
        )
        .where(OutgoingMail.claim == token, OutgoingMail.state == MailState.SENDING)
        .order_by(OutgoingMail.id)
    ).all()
    commit_now(reason="worker: the claim is seen before SMTP is called")
    return [
        Claimed(r.id, token, r.to_address, r.subject, r.body, r.secret_body, r.attempts, r.calendar)
        for r in rows
    ]


def release_stale_claims() -> int:
    """Mails a crashed worker claimed and never finished are due again (failed, when their
    recipient was erased meanwhile)."""
    timeout = current_app.config.get("MAIL_CLAIM_TIMEOUT", 300)
    now = utcnow()
    stale = sa.and_(
        OutgoingMail.state == MailState.SENDING,
        OutgoingMail.claimed_at < now - timedelta(seconds=timeout),
    )
    db.session.execute(  # its recipient was erased meanwhile: nobody to send it to
        sa.update(OutgoingMail)
        .where(stale, OutgoingMail.to_address == "")
        .values(state=MailState.FAILED, next_attempt_at=None, claim="", error=erased_note())
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(
        sa.update(OutgoingMail)
        .where(stale)
        .values(state=MailState.QUEUED, next_attempt_at=now, claim="")
        .execution_options(synchronize_session=False)
    )
    commit_now(reason="worker: stale claims are released for the next run")
    return result.rowcount


def deliver_one(mail_id: int) -> MailState | None:
    """Claim this mail if it is due and send it; its new state (None: not ours to send)."""
    claimed = claim_batch(1, ids=[mail_id])
    return send_claimed(claimed[0]) if claimed else None


#: When sending stops inside a batch (the database went away), how many times and how far
#: apart the worker tries to hand the untried rest back to the queue.
HAND_BACK_TRIES = 15
HAND_BACK_PAUSE = 1.0


def send_all(claimed: list[Claimed]) -> list[tuple[Claimed, MailState]]:
    """Send a claimed batch in order: each mail and its outcome.

    If one cannot be sent or recorded (the database went away while the batch was sent), the
    mails not yet tried go back to the queue as soon as the database answers again, rather than
    waiting out ``MAIL_CLAIM_TIMEOUT``; the one being sent keeps its claim (it may have left, so
    only the stale-claim sweep may send it again).
    """
    outcomes: list[tuple[Claimed, MailState]] = []
    try:
        for mail in claimed:
            outcomes.append((mail, send_claimed(mail)))
    except Exception:
        _hand_back(claimed[len(outcomes) + 1 :])
        raise
    return outcomes


def _hand_back(untried: list[Claimed]) -> None:
    """Queue the untried mails of a batch again (their claim taken off, the attempt not
    counted), retrying while the database does not answer."""
    if not untried:
        return
    for _ in range(HAND_BACK_TRIES):
        try:
            discard_changes()
            db.session.execute(
                sa.update(OutgoingMail)
                .where(
                    OutgoingMail.id.in_([mail.id for mail in untried]),
                    OutgoingMail.claim == untried[0].claim,
                    OutgoingMail.state == MailState.SENDING,
                )
                .values(
                    state=MailState.QUEUED,
                    claim="",
                    next_attempt_at=utcnow(),
                    attempts=OutgoingMail.attempts - 1,
                )
                .execution_options(synchronize_session=False)
            )
            commit_now(reason="worker: the untried rest of a stopped batch goes back to the queue")
            return
        except sa.exc.DBAPIError:
            time.sleep(HAND_BACK_PAUSE)
    current_app.logger.warning(
        "%d claimed mails could not be queued again; the stale-claim sweep will", len(untried)
    )


def send_claimed(mail: Claimed) -> MailState:
    """Send a claimed mail and record the outcome (only while our claim stands)."""
    try:
        body = decrypt(mail.secret_body) if mail.secret_body else mail.body
        state = _send(mail, body)
    except InvalidToken:
        return _record_failure(mail, "the stored body cannot be decrypted (MAIL_BODY_KEY?)")
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("Sending mail %s failed: %s", mail.id, exc)
        return _record_failure(mail, f"{type(exc).__name__}: {exc}"[:1000])
    _finish(
        mail,
        state=state,
        sent_at=utcnow(),
        secret_body="",
        error="",
        next_attempt_at=None,
    )
    return state


def _record_failure(mail: Claimed, error: str) -> MailState:
    max_attempts = current_app.config.get("MAIL_MAX_ATTEMPTS", 8)
    if mail.attempts >= max_attempts:
        _finish(mail, state=MailState.FAILED, error=error, next_attempt_at=None)
        return MailState.FAILED
    _finish(
        mail,
        state=MailState.QUEUED,
        error=error,
        next_attempt_at=utcnow() + backoff(mail.attempts),
    )
    return MailState.QUEUED


def _finish(mail: Claimed, **values) -> None:
    """Record the outcome while our claim stands: state, dates and error only. The address and
    body are never written back from what the worker holds, so an erasure that cleared the row
    while the mail was being sent stays erased."""
    db.session.execute(
        sa.update(OutgoingMail)
        .where(
            OutgoingMail.id == mail.id,
            OutgoingMail.claim == mail.claim,
            OutgoingMail.state == MailState.SENDING,
        )
        .values(claim="", **values)
        .execution_options(synchronize_session=False)
    )
    # Erased meanwhile and due for another attempt: there is nobody to send it to any more.
    db.session.execute(
        sa.update(OutgoingMail)
        .where(
            OutgoingMail.id == mail.id,
            OutgoingMail.state == MailState.QUEUED,
            OutgoingMail.to_address == "",
        )
        .values(state=MailState.FAILED, next_attempt_at=None, error=erased_note())
        .execution_options(synchronize_session=False)
    )
    commit_now(reason="worker: the attempt's outcome is kept before the next mail")


def _send(mail: Claimed, body: str) -> MailState:
    """SMTP when SMTP_HOST is set, else the log (the development mailbox).

    Only the development mailbox (``inline`` delivery outside production) shows the full body,
    links included; elsewhere (production, ``flask worker``, RQ workers) the log gets the
    stored, redacted body: server logs are read by more people than the recipient.
    """
    config = current_app.config
    if not config.get("SMTP_HOST"):
        inline = config.get("MAIL_DELIVERY", "inline") == "inline"
        shown = body if inline and config.get("ENV_NAME") != "production" else mail.body
        # A warning, so it shows without debug mode: it is the development mailbox (demo users
        # reset passwords from here), and in production it says the mail did not go out.
        current_app.logger.warning(
            "E-mail not sent (no SMTP_HOST), logged: to %s: %s\n%s",
            mail.to_address,
            mail.subject,
            shown,
        )
        return MailState.LOGGED
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message.set_content(body)
    if mail.calendar:
        message.add_attachment(
            mail.calendar.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    timeout = config.get("SMTP_TIMEOUT", 10)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
    return MailState.SENT

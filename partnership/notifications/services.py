"""Queue e-mail inside the request's transaction; deliver it only after the commit.

``queue_mail`` adds a row to the outbox (``outgoing_mail``). How it then goes out is
``MAIL_DELIVERY``:

- ``inline`` (development and tests): :func:`deliver_committed` delivers what the request queued
  right after the request's one commit (``core.unit_of_work``);
- ``worker`` (production default): ``flask worker`` drains the outbox (``delivery.drain``);
- ``rq``: each committed mail id is put on the RQ queue ``mail`` on ``REDIS_URL``.

Every mode uses the same claim (``delivery.deliver_one``), so a mail goes out once even when
several of them run. A webhook never delivers: it only commits (its mail waits for a worker).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from flask.signals import Namespace
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ..db_types import utcnow
from ..extensions import db
from .crypto import encrypt
from .models import MailState, OutgoingMail

_signals = Namespace()

#: Sent with the topic as sender and ``to`` when a mail is queued; a receiver returns ``None`` or
#: ``(text, secrets)``: a footer appended to the body and the parts of it to redact (donors'
#: privacy link is added this way to every mail of a donor topic).
mail_footer = _signals.signal("mail footer")

_QUEUED = "mail_queued"


def redact(body: str, secrets: Iterable[str]) -> str:
    """The body as the mail log keeps it: every secret (a sign-in link) replaced by a marker."""
    for secret in secrets:
        if secret:
            body = body.replace(secret, _("[link removed]"))
    return body


def queue_mail(
    to: str,
    subject: str,
    body: str,
    topic: str = "",
    *,
    secrets: Iterable[str] = (),
    calendar: str = "",
) -> OutgoingMail:
    """Record a message to send once the current transaction commits.

    ``secrets`` are parts of the body that would let a reader act as the recipient (a reset
    link). The log (Staff -> E-mail) keeps the body without them; the full body is stored
    encrypted (``crypto``) for the worker and wiped once it is sent. ``calendar`` is an
    iCalendar event sent with it as ``invite.ics`` (a meeting, a registered session).
    """
    secrets = list(secrets)
    for _receiver, footer in mail_footer.send(topic, to=to):
        if footer:
            text, footer_secrets = footer
            body = f"{body.rstrip()}\n\n-- \n{text}"
            secrets.extend(footer_secrets)
    shown = redact(body, secrets)
    mail = OutgoingMail(
        to_address=to,
        subject=subject,
        body=shown,
        secret_body=encrypt(body) if shown != body else "",
        topic=topic,
        calendar=calendar,
        state=MailState.QUEUED,
        next_attempt_at=utcnow(),
    )
    db.session.add(mail)
    db.session.flush()
    db.session.info.setdefault(_QUEUED, []).append(mail.id)
    return mail


def delivery_mode() -> str:
    return current_app.config.get("MAIL_DELIVERY", "inline")


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    """Hand the ids the transaction queued to this request (inline) or to RQ, once committed."""
    ids = session.info.pop(_QUEUED, None)
    if not ids or not has_app_context():
        return
    if delivery_mode() == "rq":
        from .rq_jobs import enqueue

        enqueue(ids)
    else:
        g.setdefault("mail_committed", []).extend(ids)


@sa.event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(_QUEUED, None)  # those rows are gone


def deliver_committed(_app, **_extra) -> None:
    """After the request's commit (``core.unit_of_work``): in ``inline`` mode deliver what it
    queued (a failure waits in the outbox for a retry)."""
    ids = g.pop("mail_committed", []) if has_app_context() else []
    if ids and delivery_mode() == "inline" and not g.pop("mail_for_worker", False):
        from .delivery import deliver_one

        for mail_id in ids:
            deliver_one(mail_id)


def leave_mail_to_worker() -> None:
    """This request answers without delivering inline what it queued (a webhook answers Stripe
    at once; its mail waits in the outbox for a worker)."""
    g.mail_for_worker = True


def retry_now(mail: OutgoingMail) -> bool:
    """Staff's "retry now": a pending or failed mail is due at once (a failed one gets a fresh
    set of attempts). False when it is being sent or went out meanwhile."""
    result = db.session.execute(
        sa.update(OutgoingMail)
        .where(
            OutgoingMail.id == mail.id,
            OutgoingMail.state.in_([MailState.QUEUED, MailState.FAILED]),
            OutgoingMail.to_address != "",  # an erased recipient's mail is never sent
        )
        .values(
            state=MailState.QUEUED,
            next_attempt_at=utcnow(),
            attempts=sa.case(
                (OutgoingMail.state == MailState.FAILED, 0), else_=OutgoingMail.attempts
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(mail)
    if result.rowcount != 1:
        return False
    db.session.info.setdefault(_QUEUED, []).append(mail.id)
    return True


def erased_note() -> str:
    """What the mail log shows instead of an erased recipient's address and message."""
    return _("[erased at the recipient's request]")


def forget_recipient(address: str, topic_prefixes: tuple[str, ...]) -> int:
    """Erase the mail log's copy of what was written to ``address`` under these topics (a
    donor's erasure request): address, body and encrypted body are cleared; mail not yet sent
    is not sent. Rows stay (state, topic, dates). Returns how many rows were cleared.

    A mail a worker is sending right now is cleared too: the worker holds what it sends, and
    records only the outcome (``delivery._finish``), never the address or the body again."""
    address = address.strip().lower()
    if not address or not topic_prefixes:
        return 0
    topics = sa.or_(*(OutgoingMail.topic.startswith(p, autoescape=True) for p in topic_prefixes))
    mine = sa.and_(sa.func.lower(OutgoingMail.to_address) == address, topics)
    erased = erased_note()
    db.session.execute(
        sa.update(OutgoingMail)
        .where(mine, OutgoingMail.state.in_([MailState.QUEUED, MailState.FAILED]))
        .values(state=MailState.FAILED, next_attempt_at=None, error=erased)
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(
        sa.update(OutgoingMail)
        .where(mine)
        .values(to_address="", body=erased, secret_body="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount

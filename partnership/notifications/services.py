"""Queue e-mail inside the request's transaction; deliver only after it commits."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from flask import current_app, g
from flask_babel import gettext as _

from ..db_types import utcnow
from ..extensions import db
from .models import MailState, OutgoingMail


def redact(body: str, secrets: Iterable[str]) -> str:
    """The body as the mail log keeps it: every secret (a sign-in link) replaced by a marker."""
    for secret in secrets:
        if secret:
            body = body.replace(secret, _("[link removed]"))
    return body


def queue_mail(
    to: str, subject: str, body: str, topic: str = "", *, secrets: Iterable[str] = ()
) -> OutgoingMail:
    """Record a message to send once the current transaction commits.

    ``secrets`` are parts of the body that would let a reader act as the recipient (a reset
    link). The database, and so Staff -> E-mail sent, keeps the body without them; the full body
    lives only in this request's memory until it is delivered.
    """
    mail = OutgoingMail(to_address=to, subject=subject, body=redact(body, secrets), topic=topic)
    db.session.add(mail)
    db.session.flush()
    g.setdefault("outbox", {})[mail.id] = body
    return mail


def commit_and_send() -> None:
    """Commit the request's work, then deliver what it queued (a failed send is recorded)."""
    db.session.commit()
    bodies = g.pop("outbox", {})
    if not bodies:
        return
    query = db.select(OutgoingMail).where(OutgoingMail.id.in_(bodies)).order_by(OutgoingMail.id)
    for mail in db.session.scalars(query):
        deliver(mail, bodies[mail.id])
    db.session.commit()


def deliver(mail: OutgoingMail, body: str | None = None) -> None:
    """Send ``body`` (default: the stored one) by SMTP when SMTP_HOST is set, else log it.

    Logging is the development mailbox. In production without SMTP the log gets the stored,
    redacted body: server logs are read by more people than the recipient.
    """
    config = current_app.config
    body = mail.body if body is None else body
    if not config.get("SMTP_HOST"):
        shown = mail.body if config.get("ENV_NAME") == "production" else body
        # A warning, so it shows without debug mode: it is the development mailbox (demo users
        # reset passwords from here), and in production it says the mail did not go out.
        current_app.logger.warning(
            "E-mail not sent (no SMTP_HOST), logged: to %s: %s\n%s",
            mail.to_address,
            mail.subject,
            shown,
        )
        mail.state = MailState.LOGGED
        mail.sent_at = utcnow()
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("Sending mail %s failed: %s", mail.id, exc)
        mail.state = MailState.FAILED
        mail.error = str(exc)[:1000]
        return
    mail.state = MailState.SENT
    mail.sent_at = utcnow()

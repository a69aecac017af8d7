"""Queue e-mail inside the request's transaction; deliver only after it commits."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, g

from ..db_types import utcnow
from ..extensions import db
from .models import MailState, OutgoingMail


def queue_mail(to: str, subject: str, body: str, topic: str = "") -> OutgoingMail:
    """Record a message to send once the current transaction commits."""
    mail = OutgoingMail(to_address=to, subject=subject, body=body, topic=topic)
    db.session.add(mail)
    db.session.flush()
    g.setdefault("outbox", []).append(mail.id)
    return mail


def commit_and_send() -> None:
    """Commit the request's work, then deliver what it queued (a failed send is recorded)."""
    db.session.commit()
    ids = g.pop("outbox", [])
    if not ids:
        return
    for mail in db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.id.in_(ids))):
        deliver(mail)
    db.session.commit()


def deliver(mail: OutgoingMail) -> None:
    """Send by SMTP when SMTP_HOST is set, else write the message to the log (development)."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        current_app.logger.info("E-mail to %s: %s\n%s", mail.to_address, mail.subject, mail.body)
        mail.state = MailState.LOGGED
        mail.sent_at = utcnow()
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message.set_content(mail.body)
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

"""The outbox: nothing is lost while SMTP is down, retries back off, failures show to staff,
secret bodies are stored encrypted until sent, and two workers never send one mail twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.core.unit_of_work import finish_request
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.notifications.models import MailState, OutgoingMail
from partnership.notifications.services import queue_mail
from partnership.notifications.worker import drain

pytestmark = pytest.mark.usefixtures("worker_mode")


def rows() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)))


def make_due() -> None:
    """The clock moves on: every waiting mail is due now."""
    db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.state == MailState.QUEUED)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_smtp_down_messages_wait_then_go_out_once(app, client, make_user, smtp):
    make_user("teacher@example.org")
    smtp.stop()  # the mail server is down
    client.post("/password/reset", data={"email": "teacher@example.org"})
    [mail] = rows()
    assert mail.state == MailState.QUEUED and mail.attempts == 0  # the request sent nothing
    # The body with the link is stored only encrypted; the log shows it redacted.
    assert "[link removed]" in mail.body and mail.secret_body
    assert "/password/reset/" not in mail.secret_body

    assert drain() == {MailState.QUEUED: 1}
    [mail] = rows()
    assert mail.attempts == 1 and "Connection refused" in mail.error
    assert mail.next_attempt_at > utcnow() + timedelta(seconds=50)  # backs off
    assert drain() == {}  # not due yet: nothing is tried

    smtp.start()  # back, on the same port
    make_due()
    assert drain() == {MailState.SENT: 1}
    assert drain() == {}
    [mail] = rows()
    assert mail.state == MailState.SENT and mail.attempts == 2 and mail.error == ""
    assert mail.secret_body == ""  # wiped once sent
    [body] = smtp.bodies_to("teacher@example.org")
    assert "/password/reset/" in body and "[link removed]" not in body


def test_backoff_then_failed_after_max_attempts_and_staff_see_it(
    app, client, login_as, smtp, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.stop()
    queue_mail("a@example.org", "Hello", "Body", topic="test")
    db.session.commit()
    waits = []
    for _ in range(3):
        before = utcnow()
        drain()
        [mail] = rows()
        if mail.next_attempt_at:
            waits.append((mail.next_attempt_at - before).total_seconds())
        make_due()
    [mail] = rows()
    assert mail.state == MailState.FAILED and mail.attempts == 3 and mail.next_attempt_at is None
    assert [round(w / 60) for w in waits] == [1, 2]  # 60 s, then 120 s
    assert drain() == {}  # failed mail is not tried again by itself

    login_as("staff")
    page = client.get("/staff/mail?state=failed").get_data(as_text=True)
    assert "Hello" in page and "Connection refused" in page and "Retry now" in page
    assert "Hello" not in client.get("/staff/mail?state=sent").get_data(as_text=True)

    # Retry now (inline development delivery is off here: the worker sends it).
    smtp.start()
    response = client.post(f"/staff/mail/{mail.id}/retry")
    assert response.status_code == 302
    [mail] = rows()
    assert mail.state == MailState.QUEUED and mail.attempts == 0
    assert drain() == {MailState.SENT: 1} and smtp.subjects() == ["Hello"]
    # A sent mail cannot be retried.
    client.post(f"/staff/mail/{mail.id}/retry")
    assert rows()[0].state == MailState.SENT and drain() == {}


def test_retry_is_staff_only(app, client, login_as):
    queue_mail("a@example.org", "Hello", "Body")
    db.session.commit()
    [mail] = rows()
    assert client.post(f"/staff/mail/{mail.id}/retry").status_code in (302, 401)
    login_as("school")
    assert client.post(f"/staff/mail/{mail.id}/retry").status_code == 403
    assert client.get("/staff/mail").status_code == 403


def test_inline_delivery_after_the_commit_in_development(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "inline")
    with app.test_request_context(method="POST"):
        queue_mail("a@example.org", "Inline", "Body")
        assert smtp.subjects() == []
        finish_request(app.response_class())  # the request's end
    assert smtp.subjects() == ["Inline"] and rows()[0].state == MailState.SENT


def test_a_rolled_back_mail_is_never_sent(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "inline")
    with app.test_request_context(method="POST"):
        queue_mail("a@example.org", "Gone", "Body")
        db.session.rollback()
        finish_request(app.response_class())  # the request's end
    assert smtp.subjects() == [] and rows() == []


def test_two_workers_draining_at_once_never_send_one_mail_twice(app, smtp):
    count = 40
    for n in range(count):
        queue_mail(f"donor{n}@example.org", f"mail {n}", "Body")
    db.session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work() -> None:
        try:
            with app.app_context():
                barrier.wait()
                results.append(drain(batch=5))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(smtp.subjects()) == sorted(f"mail {n}" for n in range(count))
    assert sum(r.get(MailState.SENT, 0) for r in results) == count
    assert {m.state for m in rows()} == {MailState.SENT}
    assert {m.attempts for m in rows()} == {1}


def test_a_crashed_workers_claim_is_released(app, smtp, monkeypatch):
    queue_mail("a@example.org", "Stuck", "Body")
    db.session.commit()
    db.session.execute(
        sa.update(OutgoingMail).values(
            state=MailState.SENDING,
            claim="dead-worker",
            claimed_at=utcnow() - timedelta(hours=1),
            attempts=1,
        )
    )
    db.session.commit()
    assert drain() == {MailState.SENT: 1} and smtp.subjects() == ["Stuck"]


def test_a_batch_stopped_by_the_database_gives_its_untried_mails_back(app, smtp, monkeypatch):
    """The database goes away while a batch is sent: the mail being recorded keeps its claim
    (it left: only the stale-claim sweep may send it again), the untried rest go back to the
    queue at once, not after MAIL_CLAIM_TIMEOUT, and the next pass sends each of them once."""
    from partnership.notifications import delivery

    for n in range(3):
        queue_mail(f"donor{n}@example.org", f"mail {n}", "Body")
    db.session.commit()
    real_finish, failures = delivery._finish, []

    def finish_then_lose_the_database(mail, **values):
        if not failures:
            failures.append(mail.id)
            raise sa.exc.OperationalError("UPDATE outgoing_mails", {}, Exception("server closed"))
        real_finish(mail, **values)

    monkeypatch.setattr(delivery, "_finish", finish_then_lose_the_database)
    monkeypatch.setattr(delivery, "HAND_BACK_PAUSE", 0.0)
    with pytest.raises(sa.exc.OperationalError):
        drain()
    first, *rest = rows()
    assert smtp.subjects() == ["mail 0"]
    assert (first.state, first.attempts) == (MailState.SENDING, 1) and first.claim
    assert [(m.state, m.attempts, m.claim) for m in rest] == [(MailState.QUEUED, 0, "")] * 2

    assert drain() == {MailState.SENT: 2}
    assert sorted(smtp.subjects()) == ["mail 0", "mail 1", "mail 2"]  # each once


def test_worker_command_once(app, smtp):
    queue_mail("a@example.org", "From the CLI", "Body")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output and smtp.subjects() == ["From the CLI"]


def test_a_calendar_event_goes_out_attached_as_invite_ics(app, smtp):
    """Queued with ``calendar``, the mail arrives with its text body and an invite.ics part."""
    event = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    queue_mail("member@example.org", "ประชุม", "รายละเอียดการประชุม", "meeting", calendar=event)
    db.session.commit()

    assert drain() == {MailState.SENT: 1}
    assert [b.strip() for b in smtp.bodies_to("member@example.org")] == ["รายละเอียดการประชุม"]
    [(name, content_type, text)] = smtp.attachments_to("member@example.org")
    assert (name, content_type) == ("invite.ics", "text/calendar")
    assert text.replace("\r\n", "\n") == event.replace("\r\n", "\n")

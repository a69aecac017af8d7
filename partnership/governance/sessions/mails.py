"""The mails of a public session's registrants: confirmed (with the meeting link and the .ics),
on the waiting list (with the position), moved up from it. Queued in the registering or
cancelling transaction; they go out after its commit."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ...core.urls import external_url
from ...i18n import format_datetime
from ...notifications.services import queue_mail
from ..calendar import ics
from .models import PublicSession, SessionRegistration


def session_ics(session: PublicSession, lang: str, *, with_link: bool) -> str:
    return ics(
        uid=f"public-session-{session.id}",
        title=session.display_title(lang),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=session.meeting_url if with_link else "",
        url=session.meeting_url if with_link else "",
        description=session.display_description(lang),
    )


def _cancel_url(token: str) -> str:
    return external_url("governance_sessions.cancel", token=token)


def _streams(session: PublicSession) -> list[str]:
    lines = []
    if session.stream_url_th:
        lines.append(_("Live stream in Thai: %(url)s", url=session.stream_url_th))
    if session.stream_url_en:
        lines.append(_("Live stream in English: %(url)s", url=session.stream_url_en))
    return lines


def _confirmed_body(registration: SessionRegistration, token: str | None) -> tuple[str, str]:
    session = registration.session
    lang = registration.locale
    lines = [
        _("Dear %(name)s,", name=registration.name),
        "",
        _("You have a place at %(title)s.", title=session.display_title(lang)),
        _("When: %(when)s (Bangkok time)", when=format_datetime(session.starts_at, lang)),
    ]
    if session.meeting_url:
        lines.append(_("Join the meeting: %(url)s", url=session.meeting_url))
    lines += _streams(session)
    lines += ["", _("The event is attached for your calendar (invite.ics).")]
    if token:
        lines += [
            _(
                "If you cannot come, please give your place to someone else: %(url)s",
                url=_cancel_url(token),
            )
        ]
    subject = _("Your place: %(title)s", title=session.display_title(lang))
    return subject, "\n".join(lines)


def mail_confirmed(registration: SessionRegistration, token: str) -> None:
    with force_locale(registration.locale):
        subject, body = _confirmed_body(registration, token)
        queue_mail(
            registration.email,
            subject,
            body,
            "public_session",
            secrets=[_cancel_url(token), registration.session.meeting_url or token],
            calendar=session_ics(registration.session, registration.locale, with_link=True),
        )


def mail_waiting(registration: SessionRegistration, token: str, position: int | None) -> None:
    session = registration.session
    lang = registration.locale
    with force_locale(lang):
        lines = [
            _("Dear %(name)s,", name=registration.name),
            "",
            _(
                "All %(capacity)d places at %(title)s are taken. You are number %(position)d on "
                "the waiting list.",
                capacity=session.capacity,
                title=session.display_title(lang),
                position=position or 0,
            ),
            _(
                "When someone cancels, the first on the list gets the place and an e-mail with "
                "the link to the meeting."
            ),
        ]
        lines += _streams(session)
        lines += ["", _("To leave the waiting list: %(url)s", url=_cancel_url(token))]
        queue_mail(
            registration.email,
            _(
                "Waiting list, number %(position)d: %(title)s",
                position=position or 0,
                title=session.display_title(lang),
            ),
            "\n".join(lines),
            "public_session",
            secrets=[_cancel_url(token)],
        )


def mail_moved_up(registration: SessionRegistration) -> None:
    """The first on the waiting list has a place now: the meeting link and the calendar event.
    (The cancel link is in their first mail; its token is not kept here to be sent again.)"""
    with force_locale(registration.locale):
        subject, body = _confirmed_body(registration, None)
        body = _("A place became free and it is yours.") + "\n\n" + body
        queue_mail(
            registration.email,
            subject,
            body,
            "public_session",
            secrets=[registration.session.meeting_url] if registration.session.meeting_url else [],
            calendar=session_ics(registration.session, registration.locale, with_link=True),
        )

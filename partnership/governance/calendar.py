"""iCalendar (.ics) files: a meeting for its members' calendars, a public session for the people
registered. One builder, so both carry the same fields (RFC 5545 through ``icalendar``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from ..db_types import utcnow

#: A meeting without an end time is put in calendars for this long.
DEFAULT_LENGTH = timedelta(hours=2)


def ics(
    *,
    uid: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    location: str = "",
    url: str = "",
    description: str = "",
    cancelled: bool = False,
    sequence: int = 0,
) -> str:
    """One event as an .ics file's text (times in UTC, so every calendar shows its own zone)."""
    from icalendar import Calendar, Event  # loaded with the first invitation, not at start

    calendar = Calendar()
    calendar.add("prodid", "-//partnership//governance//TH")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    host = current_app.config.get("SERVER_NAME") or "partnership.local"
    event.add("uid", f"{uid}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at or starts_at + DEFAULT_LENGTH)
    event.add("summary", title)
    event.add("sequence", sequence)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")

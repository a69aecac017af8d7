"""Each meeting's .ics file: valid iCalendar (parsed by ``icalendar``), UTC times, the meeting's
name, place and link; as visible as the meeting (a members-only one is 404 to the public)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from partnership.extensions import db
from partnership.governance import services
from partnership.governance.models import MemberRole, Visibility
from tests.factories import english  # noqa: F401  (autouse: pages in English)

from .meeting_world import body, seat, user


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


@pytest.fixture()
def group(app):
    found = body()
    seat(found, MemberRole.CHAIR, email="chair@example.test")
    db.session.commit()
    return found


def test_the_ics_is_valid_with_uid_utc_start_summary_location_and_url(app, client, group):
    meeting = services.schedule_meeting(
        group,
        starts_at=datetime(2021, 6, 28, 6, 30, tzinfo=UTC),  # 13:30 in Bangkok
        ends_at=datetime(2021, 6, 28, 9, 30, tzinfo=UTC),
        place="ห้องประชุม 1",
        online_platform="Zoom",
        online_url="https://zoom.example/j/123",
        visibility=Visibility.PUBLIC,
        title_en="Notebook for Education",
    )
    db.session.commit()

    response = client.get(f"/governance/meetings/{meeting.id}.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar, event = _event(response.data)
    assert str(calendar["version"]) == "2.0"
    assert str(event["uid"]) == f"meeting-{meeting.id}@localhost"
    start = event.decoded("dtstart")
    assert start == datetime(2021, 6, 28, 6, 30, tzinfo=UTC)
    assert start.utcoffset().total_seconds() == 0
    assert event["dtstart"].to_ical().endswith(b"Z")
    assert event.decoded("dtend") == datetime(2021, 6, 28, 9, 30, tzinfo=UTC)
    assert str(event["summary"]).endswith("meeting 1/2564: Notebook for Education")
    assert "ห้องประชุม 1" in str(event["location"])
    assert "https://zoom.example/j/123" in str(event["location"])
    assert str(event["url"]) == "https://zoom.example/j/123"
    assert str(event["status"]) == "CONFIRMED"


def test_a_meeting_without_an_online_link_points_at_its_page(app, client, group):
    meeting = services.schedule_meeting(
        group,
        starts_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
        place="ห้องประชุม 2",
        visibility=Visibility.PUBLIC,
    )
    db.session.commit()
    _calendar, event = _event(client.get(f"/governance/meetings/{meeting.id}.ics").data)
    assert str(event["url"]).endswith(f"/governance/meetings/{meeting.id}")
    assert str(event["location"]) == "ห้องประชุม 2"
    # no end given: two hours in the calendar
    assert event.decoded("dtend") == datetime(2026, 1, 5, 4, 0, tzinfo=UTC)


def test_a_cancelled_meetings_ics_says_so(app, client, group):
    meeting = services.schedule_meeting(
        group,
        starts_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
        place="ห้อง",
        visibility=Visibility.PUBLIC,
    )
    services.cancel_meeting(meeting)
    db.session.commit()
    calendar, event = _event(client.get(f"/governance/meetings/{meeting.id}.ics").data)
    assert str(event["status"]) == "CANCELLED"
    assert str(calendar["method"]) == "CANCEL"


def test_a_members_only_meetings_ics_is_not_found_for_the_public(app, client, group, login):
    meeting = services.schedule_meeting(
        group,
        starts_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
        place="ห้อง",
        visibility=Visibility.MEMBERS,
    )
    member = user()
    seat(group, MemberRole.MEMBER, account=member)
    db.session.commit()
    url = f"/governance/meetings/{meeting.id}.ics"
    assert client.get(url).status_code == 404
    login(user())
    assert client.get(url).status_code == 404
    login(member)
    answer = client.get(url)
    assert answer.status_code == 200
    assert "no-store" in answer.headers["Cache-Control"]
    _event(answer.data)


def test_the_meeting_page_links_to_its_calendar_file(app, client, group):
    meeting = services.schedule_meeting(
        group,
        starts_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
        place="ห้อง",
        visibility=Visibility.PUBLIC,
    )
    db.session.commit()
    page = client.get(f"/governance/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/governance/meetings/{meeting.id}.ics"' in page
    assert "Add to calendar" in page

"""Meetings are numbered per body and Buddhist-era year ("ครั้งที่ 3/2569"): consecutive under
simultaneous scheduling on a live server, per body, restarting each year, kept by a cancelled
meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.governance import services
from partnership.governance.models import Meeting, MemberRole
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.live import all_at_once, live_server

from .meeting_world import bangkok_form, body, meeting, seat, user

THREADS = 10


@pytest.fixture()
def server(app):
    with live_server(app) as live:
        yield live
    assert live.errors == [], f"requests failed on the server: {live.errors!r}"


def _numbers(body_id: int, year_be: int | None = None) -> list[int]:
    db.session.expire_all()
    query = sa.select(Meeting.number).where(Meeting.body_id == body_id)
    if year_be is not None:
        query = query.where(Meeting.year_be == year_be)
    return sorted(db.session.scalars(query))


def test_simultaneous_scheduling_numbers_one_to_n_without_gap_or_duplicate(app, server):
    staff = user(is_staff=True)
    group, other = body(), body()
    seat(group, MemberRole.CHAIR, email="chair@example.test")
    db.session.commit()
    group_id, other_id = group.id, other.id
    sessions = [server.session_for(staff) for _ in range(THREADS)]
    urls = [
        f"{server.url}/governance/meetings/new/{group_id if i % 2 == 0 else other_id}"
        for i in range(THREADS)
    ]
    form = bangkok_form(date(2026, 3, 10))

    statuses = all_at_once(
        THREADS,
        lambda i: sessions[i].post(
            urls[i], data=form | {"title_th": f"ครั้ง {i}"}, allow_redirects=False
        ),
    )

    assert statuses == [303] * THREADS, statuses
    half = THREADS // 2
    assert _numbers(group_id, 2569) == list(range(1, half + 1))
    assert _numbers(other_id, 2569) == list(range(1, half + 1))
    # every member sitting on the day is invited to each meeting, once
    rows = db.session.execute(sa.text(
        "SELECT meeting_id, count(*) FROM meeting_attendance GROUP BY meeting_id"
    )).all()  # fmt: skip
    assert sorted(count for _m, count in rows) == [1] * half


def test_numbers_restart_each_buddhist_era_year_by_the_bangkok_date(app):
    group = body()
    # 31 Dec 2025 18:00 UTC is already 1 Jan 2026 in Bangkok: BE 2569
    late = services.schedule_meeting(
        group, starts_at=datetime(2025, 12, 31, 16, 0, tzinfo=UTC), place="ห้อง 1"
    )
    first = services.schedule_meeting(
        group, starts_at=datetime(2025, 12, 31, 18, 0, tzinfo=UTC), place="ห้อง 1"
    )
    second = services.schedule_meeting(
        group, starts_at=datetime(2026, 6, 1, 3, 0, tzinfo=UTC), place="ห้อง 1"
    )
    assert (late.number_label, first.number_label, second.number_label) == (
        "1/2568",
        "1/2569",
        "2/2569",
    )


def test_numbers_are_per_body(app):
    one, two = body(), body()
    assert meeting(one).number == 1
    assert meeting(two).number == 1
    assert meeting(one).number == 2


def test_a_cancelled_meeting_keeps_its_number(app, client, login):
    staff = login(user(is_staff=True))
    group = body()
    first = meeting(group)
    db.session.commit()
    response = client.post(f"/governance/meetings/{first.id}/cancel")
    assert response.status_code == 303, response.headers.get("Location")
    second = meeting(group)
    assert (first.number, second.number) == (1, 2)
    assert staff.is_staff


def test_the_schedule_form_takes_bangkok_time_and_stores_utc(app, client, login):
    login(user(is_staff=True))
    group = body()
    db.session.commit()
    response = client.post(
        f"/governance/meetings/new/{group.id}",
        data=bangkok_form(date(2021, 6, 28), hour="13:30", ends="16:30"),
    )
    assert response.status_code == 303
    found = db.session.scalars(sa.select(Meeting).where(Meeting.body_id == group.id)).one()
    assert found.starts_at == datetime(2021, 6, 28, 6, 30, tzinfo=UTC)
    assert found.ends_at == datetime(2021, 6, 28, 9, 30, tzinfo=UTC)
    assert found.number_label == "1/2564"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends": "08:00"}, "must end after it starts"),
        ({"place": "", "online_url": ""}, "Give a place, an online link, or both."),
        ({"online_url": "javascript:alert(1)"}, "Invalid URL"),
        ({"day": "0001-01-01"}, "Enter a year from"),
    ],
)
def test_the_schedule_form_refuses_what_cannot_be(app, client, login, change, message):
    login(user(is_staff=True))
    group = body()
    db.session.commit()
    response = client.post(
        f"/governance/meetings/new/{group.id}", data=bangkok_form(date(2026, 3, 1)) | change
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _numbers(group.id) == []

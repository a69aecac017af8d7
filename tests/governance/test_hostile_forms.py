"""The hostile corpus (tests/hostile.py) where it really reaches the governance forms: the shared
test meets locked minutes and a held meeting, and is refused before any field is read. Here the
minutes are still a draft (edit), circulated with a held later meeting to approve them
(approve), and the meeting is still to come (edit): never a 500, either the form's error or a
value kept as it was sent."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.governance import services
from partnership.governance.minutes import services as ms
from partnership.governance.minutes.models import Minutes
from partnership.governance.models import AgendaKind, Meeting, MemberRole, Visibility
from partnership.i18n import BANGKOK
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.hostile import CORPUS, FORM_URLENCODED, ONE_FIELD, encode, page_form

from .meeting_world import body, seat, user


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=BANGKOK)


@pytest.fixture()
def forms(app, login):
    staff = user(is_staff=True)
    group = body()
    seat(group, MemberRole.CHAIR)

    def held(day: date, title: str = "") -> Meeting:
        found = services.schedule_meeting(group, starts_at=_at(day), place="ห้องประชุม 1")
        if title:
            services.add_agenda_item(found, kind=AgendaKind.CONSIDERATION, title_th=title)
        services.mark_held(found)
        return found

    drafted, circulated = held(date(2021, 3, 1)), held(date(2021, 6, 1))
    held(date(2021, 9, 1), "รับรองรายงานการประชุม ครั้งที่ 2/2564")
    ms.start_minutes(drafted, staff)
    ms.circulate(ms.start_minutes(circulated, staff), staff, notify=False)
    coming = services.schedule_meeting(
        group, starts_at=_at(date(2031, 5, 1)), place="ห้องประชุม 1", visibility=Visibility.PUBLIC
    )
    db.session.commit()
    login(staff)
    return {
        "minutes edit": f"/governance/meetings/{drafted.id}/minutes/edit",
        "meeting edit": f"/governance/meetings/{coming.id}/edit",
        "minutes approve": f"/governance/meetings/{circulated.id}/minutes/approve",
    }


def _kind(kind: str) -> str:
    return kind if kind in ONE_FIELD else "text"


def _post(client, url: str, fields: list[tuple[str, str]], where: str):
    response = client.post(url, data=encode(fields), content_type=FORM_URLENCODED)
    assert response.status_code < 500, where
    assert response.status_code in (200, 302, 303, 400, 404, 422), (where, response.status_code)
    return response


def _no_control_characters_kept():
    db.session.expire_all()
    for minutes in db.session.scalars(sa.select(Minutes)):
        assert "\x00" not in minutes.text_th + minutes.text_en
    for meeting in db.session.scalars(sa.select(Meeting)):
        assert "\x00" not in meeting.place + meeting.title_th + meeting.title_en


@pytest.mark.parametrize("name", ["minutes edit", "meeting edit", "minutes approve"])
def test_the_corpus_reaches_the_governance_forms_without_a_500(client, forms, name):
    url = forms[name]
    page = client.get(url)
    assert page.status_code == 200, page.headers.get("Location")
    fields = page_form(page.get_data(as_text=True), url)
    assert fields, f"{name}: no form on the page"
    # each value in every field at once (the form's own checks meet it)
    for label, value in CORPUS.items():
        _post(client, url, [(n, value) for n, _, _ in fields], f"{name}: {label} everywhere")
    # one hostile field in an otherwise valid form (the services and the database meet it)
    for index, (field, _, kind) in enumerate(fields):
        for label in ONE_FIELD[_kind(kind)]:
            sent = [(n, v) for n, v, _ in fields]
            sent[index] = (field, CORPUS[label])
            _post(client, url, sent, f"{name}: {field}={label}")
    _no_control_characters_kept()

"""The library: search by each filter and by Thai and English text, withdrawn entries hidden
but kept, final reports collected from milestones, the minutes hook, staff's forms, hostile
input and a query count that does not grow with the rows."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from partnership.extensions import db
from partnership.library import sources
from partnership.library.models import (
    EntrySource,
    EntryState,
    EntryTopic,
    LibraryEntry,
    LibraryEntryEvent,
)
from partnership.library.services import IllegalEntryMove, fold, withdraw
from partnership.milestones.models import MilestoneState
from partnership.milestones.services import milestones_of, move_milestone
from tests.crowd import build_campaign
from tests.milestones.conftest import fund

from .conftest import pdf_bytes


def titles(client, **query) -> list[str]:
    response = client.get("/library/", query_string=query)
    assert response.status_code == 200
    return [e.title_th for e in _entries_in(response.text)]


def _entries_in(html: str) -> list[LibraryEntry]:
    ids = [
        int(part.split('"', 1)[0]) for part in html.split('<article class="card" id="entry-')[1:]
    ]
    return [db.session.get(LibraryEntry, i) for i in ids]


@pytest.fixture()
def shelf(make_entry):
    """Four entries that differ in every filter."""
    return {
        "plan": make_entry(
            title_th="แผนงานวิจัยถอดบทเรียนองค์ความรู้ภาคเอกชน",
            title_en="Research plan: lessons learned",
            summary_th="การสัมภาษณ์ถอดบทเรียนในระยะต่อไป",
            topic=EntryTopic.LESSONS,
            year_be=2564,
        ),
        "hub": make_entry(
            title_th="ศูนย์ข้อมูลความเสมอภาคทางการศึกษา",
            title_en="Equity in Education Hub",
            summary_en="The EEA partners' KNOWLEDGE hub",
            topic=EntryTopic.LESSONS,
            year_be=2565,
        ),
        "abe": make_entry(
            title_th="ข้อเสนอเชิงนโยบาย สมัชชาจังหวัดขอนแก่น",
            title_en="Khon Kaen assembly proposals",
            summary_th="เด็กนอกระบบ\u200bและการมีงานทำ",
            topic=EntryTopic.AREA_BASED,
            province_code="40",
            year_be=2566,
        ),
        "fund": make_entry(
            title_th="กลไกการจัดทำงบประมาณ 100% และการจัดหาเงินทุน",
            title_en="Budgeting_and financing",
            topic=EntryTopic.FINANCING,
            year_be=2566,
        ),
    }


def test_the_list_shows_every_published_entry_newest_year_first(client, shelf):
    listed = titles(client)
    assert len(listed) == 4
    assert listed[-1] == shelf["plan"].title_th


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "lessons"}, {"plan", "hub"}),
        ({"topic": "area_based"}, {"abe"}),
        ({"province": "40"}, {"abe"}),
        ({"province": "10"}, set()),
        ({"year": "2566"}, {"abe", "fund"}),
        ({"year": "2564"}, {"plan"}),
        ({"topic": "financing", "year": "2566"}, {"fund"}),
        ({"source": "document"}, {"plan", "hub", "abe", "fund"}),
        ({"source": "minutes"}, set()),
        # Thai: any part of the text, no spaces needed, in the title or the summary
        ({"q": "ขอนแก่น"}, {"abe"}),
        ({"q": "ถอดบทเรียน"}, {"plan"}),
        ({"q": "เด็กนอกระบบและการมีงานทำ"}, {"abe"}),  # the zero-width space is ignored
        ({"q": "ความเสมอภาค"}, {"hub"}),
        # English: any case, title or summary
        ({"q": "knowledge HUB"}, {"hub"}),
        ({"q": "khon kaen"}, {"abe"}),
        ({"q": "  Research   plan "}, {"plan"}),
        # LIKE's own characters are plain text
        ({"q": "100%"}, {"fund"}),
        ({"q": "%"}, {"fund"}),
        ({"q": "_"}, {"fund"}),
        ({"q": "ไม่มีคำนี้"}, set()),
    ],
)
def test_search(client, shelf, query, expected):
    wanted = sorted(shelf[name].title_th for name in expected)
    assert sorted(titles(client, **query)) == wanted


def test_fold_is_what_the_search_compares():
    assert fold("  Équité\u200b  ENTRE\nnous ") == "équité entre nous"
    assert fold("โรงเรียน\u200bบ้าน") == "โรงเรียนบ้าน"


@pytest.mark.parametrize(
    "query",
    [
        {"topic": "<script>"},
        {"province": "\x00"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"source": "../../etc"},
        {"q": "x" * 5000},
        {"q": "\x00' OR 1=1 --"},
        {"page": "-1"},
        {"page": "999999999"},
        {"state": "withdrawn"},  # the public list has no state filter: ignored
    ],
)
def test_hostile_filters_are_ignored_never_an_error(client, shelf, query):
    response = client.get("/library/", query_string=query)
    assert response.status_code == 200


def test_a_withdrawn_entry_is_hidden_but_kept(client, shelf, as_role):
    hub = shelf["hub"]
    as_role("staff")
    response = client.post(f"/staff/library/{hub.id}/withdraw", data={"reason": "ซ้ำกับฉบับใหม่"})
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(LibraryEntry, hub.id)
    assert kept.state == EntryState.WITHDRAWN
    assert kept.withdraw_reason == "ซ้ำกับฉบับใหม่" and kept.withdrawn_by is not None
    assert kept.withdrawn_at is not None
    # staff still see it, with who, when and why
    page = client.get(f"/library/{hub.id}").text
    assert "ซ้ำกับฉบับใหม่" in page and 'id="withdrawn-note"' in page
    assert f'id="staff-entry-{hub.id}"' in client.get("/staff/library/?state=withdrawn").text
    # the public does not
    as_role("visitor")
    assert hub.title_th not in titles(client)
    assert hub.title_th not in titles(client, q="hub")
    assert client.get(f"/library/{hub.id}").status_code == 404
    # published again: back on the list, the withdrawal still in the history
    as_role("staff")
    assert client.post(f"/staff/library/{hub.id}/republish").status_code == 302
    as_role("visitor")
    assert hub.title_th in titles(client)
    moves = db.session.scalars(
        sa.select(LibraryEntryEvent.to_state).where(LibraryEntryEvent.entry_id == hub.id)
    ).all()
    assert moves == [None, "withdrawn", "published"]


def test_a_withdrawal_happens_once(app, shelf, roles):
    withdraw(shelf["plan"], "first", roles["staff"])
    with pytest.raises(IllegalEntryMove):
        withdraw(shelf["plan"], "second", roles["staff"])


def test_withdrawing_needs_a_reason(client, shelf, as_role):
    as_role("staff")
    response = client.post(f"/staff/library/{shelf['plan'].id}/withdraw", data={"reason": " "})
    assert response.status_code == 422
    assert "field-error" in response.text
    db.session.expire_all()
    assert db.session.get(LibraryEntry, shelf["plan"].id).state == EntryState.PUBLISHED


# Final reports ----------------------------------------------------------------------------


def test_final_reports_appear_once_the_report_is_done(client, make_school, roles, as_role):
    school = make_school(province_code="40")
    campaign = fund(build_campaign(school, state="live", title="โน้ตบุ๊กเพื่อการศึกษา"))
    *earlier, report = milestones_of(campaign.id)
    assert sources.collect_final_reports() == (0, 0)  # nothing done yet
    move_milestone(earlier[0], MilestoneState.DONE, actor=roles["staff"], note="สั่งซื้อแล้ว")
    assert sources.collect_final_reports() == (0, 0)  # only the last step is the final report
    move_milestone(report, MilestoneState.DONE, actor=roles["staff"], note="นักเรียนใช้ทุกวัน")
    assert sources.collect_final_reports() == (1, 0)
    assert sources.collect_final_reports() == (0, 0)  # once
    db.session.commit()
    entry = db.session.scalar(
        sa.select(LibraryEntry).where(LibraryEntry.source == EntrySource.FINAL_REPORT)
    )
    assert entry.source_id == report.id and entry.province_code == "40"
    assert "โน้ตบุ๊กเพื่อการศึกษา" in entry.title_th and "นักเรียนใช้ทุกวัน" in entry.summary_th
    assert entry.link_url == f"/campaigns/{campaign.id}"
    as_role("visitor")
    assert entry.title_th in titles(client, source="final_report", province="40")
    page = client.get(f"/library/{entry.id}").text
    assert f'href="/campaigns/{campaign.id}"' in page
    # reopened by staff: withdrawn by the system; done again: back
    move_milestone(report, MilestoneState.REOPENED, actor=roles["staff"], note="ไม่ครบ")
    assert sources.collect_final_reports() == (0, 1)
    db.session.commit()
    assert entry.title_th not in titles(client)
    move_milestone(report, MilestoneState.DONE, actor=roles["staff"], note="ครบแล้ว")
    sources.collect_final_reports()
    db.session.commit()
    assert entry.title_th in titles(client)


def test_the_worker_pass_collects_final_reports(app, make_school, roles):
    from partnership.notifications.worker import worker_pass

    campaign = fund(build_campaign(make_school(), state="live"))
    report = milestones_of(campaign.id)[-1]
    move_milestone(report, MilestoneState.DONE, actor=roles["staff"])
    db.session.commit()
    worker_pass.send(app)
    count = sa.select(sa.func.count()).select_from(LibraryEntry)
    assert db.session.scalar(count) == 1


def test_staff_collect_button(client, make_school, roles, as_role):
    campaign = fund(build_campaign(make_school(), state="live"))
    move_milestone(milestones_of(campaign.id)[-1], MilestoneState.DONE, actor=roles["staff"])
    db.session.commit()
    as_role("staff")
    response = client.post("/staff/library/collect", follow_redirects=True)
    assert "Final reports added: 1" in response.text


# Minutes (governance's hook) ----------------------------------------------------------------


def test_published_minutes_come_in_once(app, client):
    fields = {
        "minutes_id": 7,
        "title_th": "รายงานการประชุม ครั้งที่ 1/2564",
        "title_en": "Minutes of meeting 1/2564",
        "year_be": 2564,
        "path": "/governance/meetings/1#minutes",
    }
    first = sources.minutes_published(None, **fields)
    assert sources.minutes_published(None, **fields) is None
    db.session.commit()
    assert first.source == EntrySource.MINUTES and first.topic == EntryTopic.GOVERNANCE
    assert titles(client, source="minutes") == ["รายงานการประชุม ครั้งที่ 1/2564"]
    assert 'href="/governance/meetings/1#minutes"' in client.get(f"/library/{first.id}").text


# Staff's forms --------------------------------------------------------------------------------


GOOD = {
    "title_th": "คู่มือการใช้โน้ตบุ๊กในห้องเรียน",
    "title_en": "Using notebooks in class",
    "summary_th": "บทเรียนจากโรงเรียนในโครงการ",
    "summary_en": "",
    "topic": "digital",
    "province_code": "40",
    "year_be": "2565",
    "link_url": "",
}


def test_staff_upload_a_pdf_and_anyone_reads_it(client, as_role, store):
    as_role("staff")
    data = dict(GOOD, document=(io.BytesIO(pdf_bytes()), "คู่มือ.pdf"))
    response = client.post("/staff/library/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.text[:2000]
    entry = db.session.scalar(sa.select(LibraryEntry))
    assert entry.file_key.startswith("library/") and entry.file_name == "คู่มือ.pdf"
    assert entry.province_code == "40" and entry.topic == EntryTopic.DIGITAL
    as_role("visitor")
    pdf = client.get(f"/library/{entry.id}/document.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "no-store" in pdf.headers["Cache-Control"]
    assert pdf.data.startswith(b"%PDF")
    assert entry.title_th in titles(client, q="โน้ตบุ๊ก")
    # withdrawn: the file is no longer served to the public
    withdraw(entry, "ล้าสมัย", None)
    db.session.commit()
    assert client.get(f"/library/{entry.id}/document.pdf").status_code == 404
    as_role("staff")
    assert client.get(f"/library/{entry.id}/document.pdf").status_code == 200


def test_staff_edit_changes_the_search_text(client, as_role, make_entry):
    entry = make_entry()
    as_role("staff")
    data = dict(GOOD, link_url="https://example.org/new")
    assert client.post(f"/staff/library/{entry.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert "notebooks" in db.session.get(LibraryEntry, entry.id).search_text
    assert entry.title_th == GOOD["title_th"]
    assert titles(client, q="NOTEBOOKS") == [GOOD["title_th"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title_th": ""}, "title_th"),
        ({"title_th": "ก" * 301}, "title_th"),
        ({"title_th": "ชื่อ\x00"}, "title_th"),
        ({"topic": "nonsense"}, "topic"),
        ({"topic": ""}, "topic"),
        ({"province_code": "99"}, "province_code"),
        ({"year_be": "2021"}, "year_be"),
        ({"year_be": "99999999999999999999"}, "year_be"),
        ({"year_be": "สองพัน"}, "year_be"),
        ({"link_url": "javascript:alert(1)"}, "link_url"),
        ({"link_url": "//evil.example/x"}, "link_url"),
        ({"link_url": "https://"}, "link_url"),
        ({}, "document"),  # neither a PDF nor a link
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(client, as_role, change, field):
    as_role("staff")
    response = client.post("/staff/library/new", data=dict(GOOD, **change))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LibraryEntry)) == 0


@pytest.mark.parametrize(
    ("upload", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "photo.png"),
        (b"%PDF-1.4 broken", "broken.pdf"),
        (b"MZ\x90\x00", "virus.pdf"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused(client, as_role, store, upload, name):
    as_role("staff")
    data = dict(GOOD, document=(io.BytesIO(upload), name))
    response = client.post("/staff/library/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="document-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LibraryEntry)) == 0
    assert store.keys() == []


# Query count ----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/library/", "/library/?q=เอกสาร&year=2564", "/staff/library/"])
def test_the_query_count_does_not_grow_with_the_rows(client, as_role, make_entry, roles, url):
    as_role("staff")
    make_entry()
    withdraw(make_entry(), "เก่า", roles["staff"])
    db.session.commit()
    one = _queries(client, url)
    for _ in range(19):
        withdraw(make_entry(), "เก่า", roles["staff"])
        make_entry()
    db.session.commit()
    twenty = _queries(client, url)
    assert one == twenty
    assert twenty <= 8


def test_a_replaced_pdf_leaves_the_store(client, as_role, store):
    as_role("staff")
    first = dict(GOOD, document=(io.BytesIO(pdf_bytes()), "a.pdf"))
    client.post("/staff/library/new", data=first, content_type="multipart/form-data")
    entry = db.session.scalar(sa.select(LibraryEntry))
    old = entry.file_key
    second = dict(GOOD, document=(io.BytesIO(pdf_bytes()), "b.pdf"))
    response = client.post(
        f"/staff/library/{entry.id}/edit", data=second, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(LibraryEntry, entry.id).file_key
    assert new != old and store.keys() == [new]

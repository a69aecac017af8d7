"""Review progress by programme on the staff dashboard (issue 19 §3): the page's cards and
its CSV and Excel hold the counts worked out by hand; programmes no longer under way, draft
applications and ended assignments do not count."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from partnership.db_types import utcnow
from partnership.extensions import db
from tests.factories import english  # noqa: F401  (autouse: pages in English)


@pytest.fixture()
def review_under_way(make_programme, make_application, make_user, make_org):
    """Two programmes under way and one decided, with applications and reviews worked out by
    hand: the reviewing one has 2 eligible, 1 ineligible, 1 withdrawn and 1 draft application,
    3 current assignments (2 reviews submitted, 1 a draft) and 1 ended assignment with a
    submitted review; the open one 1 submitted application and nothing assigned."""
    from partnership.applications.models import ApplicationState as A
    from partnership.programmes.models import ProgrammeState
    from partnership.registry.models import Sector
    from partnership.review.models import CommitteeMember, Review, ReviewAssignment, ReviewState

    reviewing = make_programme(name_th="กำลังพิจารณา", state=ProgrammeState.REVIEWING)
    opened = make_programme(name_th="เปิดรับ", state=ProgrammeState.OPEN)
    decided = make_programme(name_th="ตัดสินแล้ว", state=ProgrammeState.DECIDED)
    apps = {
        state: make_application(reviewing, state=state)
        for state in (A.ELIGIBLE, A.INELIGIBLE, A.WITHDRAWN, A.DRAFT)
    }
    second = make_application(reviewing, state=A.ELIGIBLE)
    make_application(opened, state=A.SUBMITTED)
    make_application(decided, state=A.APPROVED)
    members = [
        CommitteeMember(
            programme=reviewing, user=make_user(), organisation=make_org(), sector=Sector.PUBLIC
        )
        for _ in range(2)
    ]
    db.session.add_all(members)

    def assignment(member, application, review=None, ended=False):
        made = ReviewAssignment(member=member, application=application)
        if ended:
            made.ended_at, made.end_reason = utcnow(), "ขัดกันแห่งผลประโยชน์"
        db.session.add(made)
        if review is not None:
            submitted = review == ReviewState.SUBMITTED
            db.session.add(
                Review(
                    assignment=made, state=review, submitted_at=utcnow() if submitted else None,
                    weighted_total=10 if submitted else None,
                )
            )  # fmt: skip

    eligible = apps[A.ELIGIBLE]
    assignment(members[0], eligible, ReviewState.SUBMITTED)
    assignment(members[1], eligible, ReviewState.SUBMITTED)
    assignment(members[0], second, ReviewState.DRAFT)
    assignment(members[1], second, ReviewState.SUBMITTED, ended=True)
    db.session.commit()
    return reviewing, opened


def test_review_progress_equals_the_counts_worked_out_by_hand(client, login_as, review_under_way):
    reviewing, opened = review_under_way
    login_as("staff")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    section = html[html.index('id="review-progress"') : html.index("</section>")]
    assert "ตัดสินแล้ว" not in section  # a decided programme is no longer under way
    cards = re.findall(r'<div class="card">(.*?)</div>', section, re.S)
    assert len(cards) == 2
    newest_first = [opened, reviewing]
    for card, programme in zip(cards, newest_first, strict=True):
        assert f"/programmes/{programme.id}" in card
    assert "<strong>0 / 0</strong>" in cards[0] and "Submitted: 1" in cards[0]
    assert "<strong>2 / 3</strong>" in cards[1]
    assert re.findall(r"<li>([^<]*): (\d+)</li>", cards[1]) == [
        ("Eligible", "2"), ("Ineligible", "1"), ("Withdrawn", "1"),
    ]  # fmt: skip
    text = client.get("/staff/dashboard/review-progress.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = lines[0]
    rows = {line[0]: dict(zip(header, line, strict=True)) for line in lines[1:]}
    assert set(rows) == {"กำลังพิจารณา", "เปิดรับ"}
    counts = {h: v for h, v in rows["กำลังพิจารณา"].items() if h != "Programme"}
    assert counts == {
        "Programme state": "Committee review", "Submitted": "0", "Eligible": "2", "Ineligible": "1",
        "In review": "0", "Approved": "0", "Waitlisted": "0", "Rejected": "0", "Withdrawn": "1",
        "Reviews assigned": "3", "Reviews submitted": "2",
    }  # fmt: skip
    assert rows["เปิดรับ"]["Submitted"] == "1" and rows["เปิดรับ"]["Reviews assigned"] == "0"
    book = load_workbook(io.BytesIO(client.get("/staff/dashboard/review-progress.xlsx").data))
    values = {row[0]: row for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert values["กำลังพิจารณา"][2:] == (0, 2, 1, 0, 0, 0, 0, 1, 3, 2)

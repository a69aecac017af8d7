"""The ranking page runs the same, bounded number of SQL queries for 5 and 200 applications."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from partnership.applications.models import ApplicationState
from partnership.registry.models import Sector
from partnership.review.models import Rating, Review, ReviewAssignment, ReviewState
from tests.factories import build_application


def _fill(db, programme, members, school, count):
    criteria = programme.criteria
    for n in range(count):
        app = build_application(
            programme, school, lines=(("โน้ตบุ๊ก", 1_000_00 + n, 2),),
            state=ApplicationState.IN_REVIEW, beneficiaries=((6, 20 + n % 7),),
            title=f"โครงการ {n}", submitted_at=datetime(2025, 6, 1, tzinfo=UTC),
        )  # fmt: skip
        db.session.add(app)
        for k, member in enumerate(members):
            review = Review(
                state=ReviewState.SUBMITTED, submitted_at=datetime.now(UTC),
                assignment=ReviewAssignment(member=member, application=app),
            )  # fmt: skip
            for c in criteria:
                review.ratings.append(Rating(criterion_id=c.id, score=(n + k) % (c.max_score + 1)))
            db.session.add(review)
    db.session.commit()


def _count_queries(db, client, url) -> tuple[int, int]:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.text.count('id="app-')


@pytest.mark.parametrize("use_calibration", [False, True])
def test_ranking_query_count_does_not_grow(
    db, client, login_as, make_programme, make_member, make_school, use_calibration
):
    login_as("staff")
    counts = []
    for size in (5, 200):
        programme = make_programme(use_calibration=use_calibration)
        members = [make_member(programme, s) for s in (Sector.PUBLIC, Sector.PRIVATE)]
        _fill(db, programme, members, make_school(), size)
        url = f"/review/programmes/{programme.id}/ranking"
        client.get(url)  # warm up: the signed-in user is cached for the test's app context
        db.session.expire_all()
        queries, rows = _count_queries(db, client, url)
        assert rows == size
        counts.append(queries)
    assert counts[0] == counts[1]
    assert counts[0] <= 20

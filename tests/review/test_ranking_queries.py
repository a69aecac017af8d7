"""The ranking page runs the same, bounded number of SQL queries for 5 and 1,200 applications
(past the 500 rows a selectinload batch holds), and shows one page of rows."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from partnership.registry.models import Sector
from partnership.review.ranking_page import PAGE_SIZE
from tests.review.bulk import seed_round


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
    for size in (5, 1200):
        programme = make_programme(use_calibration=use_calibration)
        members = [make_member(programme, s) for s in (Sector.PUBLIC, Sector.PRIVATE)]
        seed_round(programme, [make_school().id], [m.id for m in members], size)
        for url in (
            f"/review/programmes/{programme.id}/ranking",
            f"/review/programmes/{programme.id}/ranking?page=7",
            f"/review/programmes/{programme.id}/ranking?show=undecided",
        ):
            client.get(url)  # warm up: the signed-in user is cached for the test's app context
            db.session.expire_all()
            queries, rows = _count_queries(db, client, url)
            assert rows == min(size, PAGE_SIZE)  # page 7 of 5 applications is page 1
            counts.append(queries)
    assert counts[:3] == counts[3:]
    assert max(counts) <= 20

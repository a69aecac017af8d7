"""One page of the ranking: filters by decision state, paging, and where the budget line falls.

The whole ranking is built (positions, the budget line and the running total depend on every
application) but only one page of rows is shown, and only that page's applications are loaded
in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..applications.models import Application, ApplicationState
from ..extensions import db
from .ranking import RankingRow

A = ApplicationState

PAGE_SIZE = 100

#: The ranking page's filters: name → the application states it shows (None: every state).
FILTERS: dict[str, tuple[ApplicationState, ...] | None] = {
    "all": None,
    "undecided": (A.ELIGIBLE, A.IN_REVIEW),
    "approved": (A.APPROVED,),
    "waitlisted": (A.WAITLISTED,),
    "rejected": (A.REJECTED,),
}


@dataclass
class RankingPage:
    rows: list[RankingRow]
    #: application id → the full application, for this page's rows only.
    applications: dict[int, Application]
    show: str
    page: int
    pages: int
    matching: int
    #: Index, among the rows this filter shows, of the first row below the budget line.
    line_index: int | None
    line_page: int | None
    within_total: int
    within_count: int
    undecided: int

    # The attributes of a Flask-SQLAlchemy Pagination that the shared pagination macro reads.
    more = False  # every row is counted

    @property
    def total(self) -> int:
        return self.matching

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, left_edge=1, right_edge=1, left_current=2, right_current=2):
        """Page numbers to link, None where some are skipped (as Flask-SQLAlchemy does)."""
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current <= number <= self.page + right_current
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number

    def line_before(self, index_on_page: int) -> bool:
        """Whether the budget line is drawn just above this page's ``index_on_page``-th row."""
        return self.line_index == (self.page - 1) * PAGE_SIZE + index_on_page


def clean_show(value: str | None) -> str:
    return value if value in FILTERS else "all"


def clean_page(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 100_000 else 1


def ranking_page(rows: list[RankingRow], show: str, page: int) -> RankingPage:
    """The ``page``-th page (clamped) of the rows the ``show`` filter keeps."""
    states = FILTERS[show]
    shown = rows if states is None else [r for r in rows if r.application.state in states]
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(page, pages)
    first_outside = next((r.position for r in rows if not r.within_budget), None)
    line_index = None
    if first_outside is not None:
        line_index = next((i for i, r in enumerate(shown) if r.position >= first_outside), None)
    on_page = shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ids = [r.application.id for r in on_page]
    applications = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Application).where(Application.id.in_(ids)).options(
                joinedload(Application.school)
            )
        )
    } if ids else {}  # fmt: skip
    within = [r for r in rows if r.within_budget]
    undecided_states = FILTERS["undecided"]
    return RankingPage(
        rows=on_page,
        applications=applications,
        show=show,
        page=page,
        pages=pages,
        matching=len(shown),
        line_index=line_index,
        line_page=None if line_index is None else line_index // PAGE_SIZE + 1,
        within_total=sum(r.application.requested_satang for r in within),
        within_count=len(within),
        undecided=sum(r.application.state in undecided_states for r in rows),
    )

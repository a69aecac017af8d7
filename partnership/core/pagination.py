"""List pages: read the page number safely and paginate a SELECT."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from flask import Flask, current_app, request, url_for
from flask_sqlalchemy.pagination import SelectPagination

from ..extensions import db


@lru_cache(maxsize=64)
def _page_of(select: sa.Select) -> sa.Select:
    """``select`` limited to a page, built once per statement. The limit and offset are written
    into the SQL when it runs (``literal_execute``): a page's statement is then the same text on
    every visit, which PostgreSQL may plan once for all (a bound LIMIT is planned each time)."""
    return select.limit(sa.bindparam("page_limit", type_=sa.Integer, literal_execute=True)).offset(
        sa.bindparam("page_offset", type_=sa.Integer, literal_execute=True)
    )


class BoundSelectPagination(SelectPagination):
    """A page of a statement built once with bound parameters (``paginate(..., params=)``)."""

    def _query_items(self) -> list:
        if self._query_args["total"] == 0:
            return []  # the counter says there is nothing to read
        values = dict(
            self._query_args["params"], page_limit=self.per_page, page_offset=self._query_offset
        )
        result = self._query_args["session"].execute(_page_of(self._query_args["select"]), values)
        return list(result.unique().scalars())


def paginate(
    query,
    per_page: int | None = None,
    *,
    total: int | None = None,
    count_limit: int | None = None,
    params: dict | None = None,
):
    """A Flask-SQLAlchemy Pagination for ``query``; bad or too-large page numbers are clamped.

    ``total``, when a counter already knows how many rows there are, saves the COUNT query.
    ``count_limit`` counts at most that many rows: a filter matching 7,000 of 30,000 schools
    costs what one matching 1,000 costs, and the page says "more than 1,000" (``.more``) and
    links the first ``count_limit`` rows' pages; a narrower filter shows the rest.
    """
    more = False
    if count_limit is not None and total is None:
        # Only a constant per row: the rows' columns (a school's address ...) are not read.
        capped = (
            query.order_by(None)
            .with_only_columns(sa.literal(1), maintain_column_froms=True)
            .limit(count_limit + 1)
            .subquery()
        )
        total = db.session.scalar(sa.select(sa.func.count()).select_from(capped))
        more, total = total > count_limit, min(total, count_limit)
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    if params is not None:
        # A statement built once, its values bound here; the counter gives the total.
        if total is None:
            raise ValueError("paginate(params=...) needs the total")
        pagination = BoundSelectPagination(
            select=query,
            session=db.session(),
            params=params,
            total=total,
            page=page_number,
            per_page=per_page or current_app.config["PAGE_SIZE"],
            max_per_page=200,
            error_out=False,
            count=False,
        )
    else:
        pagination = db.paginate(
            query,
            page=page_number,
            per_page=per_page or current_app.config["PAGE_SIZE"],
            error_out=False,
            max_per_page=200,
            count=total is None,
        )
    if total is not None:
        pagination.total = total
    pagination.more = more
    return pagination


def page_url_maker():
    """``page_url(n)``: this page's URL (its path and query) at page n. One URL is built, not
    one per link: a list's pagination draws up to nine."""
    args = dict(request.view_args or {}, **request.args.to_dict())
    args.pop("page", None)
    base = url_for(request.endpoint, **args)
    joiner = "&" if "?" in base else "?"

    def page_url(number: int) -> str:
        return f"{base}{joiner}page={int(number)}"

    return page_url


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url_maker"] = page_url_maker

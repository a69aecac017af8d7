"""Reading the figures a dashboard page shows (by the ids of its key figures)."""

from __future__ import annotations

import re

from tests.crowd import page_text


def shown(response, figure_id: str) -> str:
    """The text of the element with ``id=figure_id`` (amount wrappers removed)."""
    assert response.status_code == 200, response.status_code
    match = re.search(rf'id="{figure_id}">([^<]*)<', page_text(response))
    assert match, f"no figure {figure_id}"
    return match.group(1).strip()


def row_cells(response, table_id: str) -> list[list[str]]:
    """Each body row of a table as the texts of its cells (tags removed)."""
    html = page_text(response)
    table = re.search(rf'<table id="{table_id}"[^>]*>(.*?)</table>', html, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())

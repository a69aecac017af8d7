"""The one formula-escaping rule of every CSV and Excel export (OWASP CSV injection)."""

from __future__ import annotations

import pytest

from partnership.core.spreadsheet import spreadsheet_cell


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example","x")',
        "+1",
        "-1+2",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\tplain after a tab",
        "\rplain after a return",
        "\n=1",
        " =1+1",
        "   @SUM(A1)",
        "\u00a0=1",  # no-break space
        "\u3000+1",  # ideographic space
        " \t-2",
    ],
)
def test_text_that_could_start_a_formula_stays_text(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["", "โน้ตบุ๊ก ป.6", "a=b", "1-2", "x@y.example", "'=already quoted", "  spaced", 0, -3, 2.5,
     True, None],
)  # fmt: skip
def test_everything_else_is_unchanged(value):
    assert spreadsheet_cell(value) == value
    assert type(spreadsheet_cell(value)) is type(value)

"""Every table of the provinces page and of a province's page downloads as CSV and Excel with
the figures the page shows (worked out by hand on the known dataset), formulas escaped, no
donor named; pupils of grades 4–6 reached against enrolled on the page."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from partnership.extensions import db
from partnership.i18n import academic_year_label
from partnership.outcomes.models import MeasureKind
from partnership.reporting import province
from tests.crowd import page_text
from tests.governance.sessions_fixtures import khon_kaen_assembly  # noqa: F401 (the fixture)
from tests.paid_gifts import gift
from tests.reporting.pages import row_cells
from tests.reporting.test_province_pages import figure, table

EVIL_SCHOOL = '=HYPERLINK("http://evil.example/","x")'
EVIL_DISTRICT = "+cmd|' /C calc'!A0"
EVIL_TITLE = "@SUM(1+1)"
EVIL_MEASURE = "-2+3"


def csv_rows(client, path: str) -> list[list[str]]:
    """The data lines of a CSV download (the header checked to be there, then left out)."""
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv", path
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines, path
    return lines[1:]


def xlsx_rows(client, path: str) -> list[tuple]:
    response = client.get(path)
    assert response.status_code == 200, path
    sheet = load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


def as_text(value) -> str:
    """A workbook cell as the CSV writes it (money and means with two places)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{Decimal(repr(value)):.2f}"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    return str(value)


def both(client, path: str) -> list[list[str]]:
    """The rows of ``path``.csv, checked to be those of ``path``.xlsx too."""
    rows = csv_rows(client, f"{path}.csv")
    in_book = [[as_text(v) for v in row] for row in xlsx_rows(client, f"{path}.xlsx")]
    for line, book_line in zip(rows, in_book, strict=True):
        assert len(line) == len(book_line)
        for text, cell in zip(line, book_line, strict=True):
            # a count stays a count, money a number: compare their values
            assert text == cell or Decimal(text) == Decimal(cell), (path, line, book_line)
    return rows


def baht(text: str) -> str:
    """A page's ฿1,234.50 as a download writes it: 1234.50."""
    return text.replace("฿", "").replace(",", "")


def test_the_regions_download_holds_the_regions_table(client, known):
    html = page_text(client.get("/figures/provinces"))
    shown = table(html, "region-table", "data-region").rows
    rows = {row[0]: row for row in both(client, "/figures/regions")}
    assert len(rows) == 6
    northeast = rows["ภาคตะวันออกเฉียงเหนือ"]
    # schools, members, without partner, pupils, campaigns, online, matched, offline, raised,
    # spent, per pupil, devices delivered, confirmed
    assert northeast[1:] == [
        "3", "2", "1", "80", "1", "500.00", "150.00", "0.00", "650.00", "300.00", "8.12", "0",
        "0",
    ]  # fmt: skip
    assert shown["northeast"][1:5] == ["2", "1", "80", "฿650.00"]
    assert rows["ภาคใต้"][4] == ""  # no pupils: empty, as the page's "—"
    assert 'href="/figures/regions.csv"' in html and 'href="/figures/regions.xlsx"' in html


def test_the_key_figures_download_holds_the_pages_figures(client, known):
    html = page_text(client.get("/figures/provinces/40"))
    (row,) = both(client, "/figures/provinces/40/figures")
    page = [
        baht(figure(html, name))
        for name in (
            "raised", "online", "matched", "offline", "spent", "balance", "campaigns", "funded",
            "devices_recorded", "devices_confirmed", "members", "outside", "without_partner",
        )
    ]  # fmt: skip
    assert row[2:15] == page
    assert row[15:] == [academic_year_label(2025, "th"), "80", "5", "0", "30", "0.00"]
    assert [figure(html, n) for n in ("pupils", "teachers")] == ["80", "5"]
    assert [figure(html, n) for n in ("p4_reached", "p4_enrolled", "p4_share")] == [
        "0", "30", "0.0%",
    ]  # fmt: skip
    (chiang_mai,) = both(client, "/figures/provinces/50/figures")
    assert chiang_mai[-3:] == ["60", "60", "100.00"]
    html = page_text(client.get("/figures/provinces/50"))
    assert figure(html, "p4_share") == "100.0%"


def test_the_years_applications_and_campaigns_downloads(client, known):
    khon_kaen, _ = known
    response = client.get("/figures/provinces/40")
    html = page_text(response)
    years = both(client, "/figures/provinces/40/years")
    assert years == [[academic_year_label(2025, "th"), "1", "80", "5", "30", "", ""]]
    assert [row[:5] for row in row_cells(response, "province-years")] == [years[0][:5]]
    applications = both(client, "/figures/provinces/40/applications")
    assert applications == row_cells(response, "province-applications") == [["อนุมัติแล้ว", "2"]]
    campaigns = both(client, "/figures/provinces/40/campaigns")
    shown = table(html, "province-campaigns", "data-campaign").rows
    assert list(shown) == [str(khon_kaen.id)]
    (line,) = campaigns
    assert line[0] == "ขอนแก่น" and line[2] == "เมืองขอนแก่น"
    assert line[4:] == ["650.00", "300.00", "0", "0"]
    assert shown[str(khon_kaen.id)][3:5] == ["฿650.00", "฿300.00"]
    for table_name in ("figures", "years", "applications", "campaigns", "districts"):
        assert f'href="/figures/provinces/40/{table_name}.xlsx"' in html


def test_the_assemblies_download(client, known, khon_kaen_assembly):  # noqa: F811
    body, sitting, _hidden = khon_kaen_assembly
    assert both(client, "/figures/provinces/40/assemblies") == [
        [body.name_th, sitting.number_label, "2023-11-24"]
    ]
    assert both(client, "/figures/provinces/50/assemblies") == []
    html = client.get("/figures/provinces/40").get_data(as_text=True)
    assert 'href="/figures/provinces/40/assemblies.csv"' in html


def _outcome(name_th: str) -> province.OutcomeRow:
    return province.OutcomeRow(name_th, "", "เครื่อง", "", MeasureKind.COUNT, 2, 14)


def test_the_outcomes_download_and_formulas_escaped(client, known, monkeypatch):
    khon_kaen, _ = known
    khon_kaen.title = EVIL_TITLE
    school = khon_kaen.school
    school.name_th, school.district = EVIL_SCHOOL, EVIL_DISTRICT
    db.session.commit()
    monkeypatch.setattr(province, "outcome_rows", lambda code: [_outcome(EVIL_MEASURE)])
    response = client.get("/figures/provinces/40")
    assert row_cells(response, "province-outcomes") == [[EVIL_MEASURE, "2", "14 เครื่อง"]]
    assert 'href="/figures/provinces/40/outcomes.csv"' in response.text
    assert both(client, "/figures/provinces/40/outcomes") == [
        ["'" + EVIL_MEASURE, "2", "14.00", "เครื่อง"]
    ]
    (line,) = both(client, "/figures/provinces/40/campaigns")
    assert line[:3] == ["'" + EVIL_TITLE, "'" + EVIL_SCHOOL, "'" + EVIL_DISTRICT]
    districts = {row[0]: row for row in both(client, "/figures/provinces/40/districts")}
    assert districts["'" + EVIL_DISTRICT][1:] == ["1", "1", "1", "1", "650.00", "300.00", "0", "0"]
    assert "ชุมแพ" in districts
    for path in ("campaigns", "districts", "outcomes"):
        cells = [c for row in xlsx_rows(client, f"/figures/provinces/40/{path}.xlsx") for c in row]
        assert not any(isinstance(c, str) and c[:1] in "=+-@" for c in cells), path


@pytest.mark.parametrize(
    "path",
    ["/figures/provinces/99/figures.csv", "/figures/provinces/40/donors.csv",
     "/figures/provinces/40/years.pdf", "/figures/regions.pdf"],
)  # fmt: skip
def test_an_unknown_province_table_or_format_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_no_download_names_a_donor(client, known):
    khon_kaen, chiang_mai = known
    gift(khon_kaen, name="นางสาวลับเฉพาะ ไม่เปิดเผย", anonymous=True, email="secret@example.com")
    gift(chiang_mai, name="นายเปิดเผย ชื่อจริง", email="open@example.com")
    paths = ["/figures/regions.csv", "/figures/key-figures.csv"] + [
        f"/figures/provinces/{code}/{name}.csv"
        for code in ("40", "50")
        for name in ("figures", "years", "applications", "campaigns", "outcomes", "districts")
    ]
    for path in paths:
        text = client.get(path).get_data(as_text=True)
        for secret in ("ลับเฉพาะ", "ไม่เปิดเผย", "secret@", "เปิดเผย ชื่อจริง", "open@"):
            assert secret not in text, path

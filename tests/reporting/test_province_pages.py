"""The provinces page (map, table, regions) and a province's page show the figures worked out by
hand on a known dataset; the map's classes match the table's; unknown provinces are 404; no
donor is ever named; the query count does not grow with the data; the exports match."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from partnership.registry.provinces import PROVINCES_BY_CODE
from partnership.reporting.by_province import FIGURES
from tests.crowd import build_campaign, counted_queries, page_text
from tests.paid_gifts import gift

#: What a public page may weigh (UI.md), without photos.
PAGE_BUDGET = 100_000


class Cells(HTMLParser):
    """The text of each row of one table (by id), keyed by an attribute of the row."""

    def __init__(self, table_id: str, key: str):
        super().__init__()
        self.table_id, self.key = table_id, key
        self.rows: dict[str, list[str]] = {}
        self.classes: dict[str, str] = {}
        self._inside = self._row = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self._inside = True
        elif self._inside and tag == "tr" and self.key in attrs:
            self._row = attrs[self.key]
            self.rows[self._row] = []
            self.classes[self._row] = attrs.get("data-class", "")
        elif self._row and tag in ("td", "th"):
            self.rows[self._row].append("")

    def handle_endtag(self, tag):
        if tag == "table" and self._inside:
            self._inside = False
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._row and self.rows[self._row]:
            self.rows[self._row][-1] += data.strip()


def table(html: str, table_id: str, key: str = "data-code") -> Cells:
    parsed = Cells(table_id, key)
    parsed.feed(html)
    return parsed


def map_classes(html: str) -> dict[str, str]:
    """Province code -> the colour class of its shape on the map."""
    return dict(
        re.findall(
            r'<a href="[^"]*" data-code="(\d+)"><title>[^<]*</title>'
            r'<use href="[^"]*#p\d+" fill="[^"]*" data-class="(\d+)"',
            html,
        )
    )


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert match, name
    return match.group(1)


def test_the_province_table_shows_the_figures_worked_out_by_hand(client, known):
    response = client.get("/figures/provinces?figure=raised")
    assert response.status_code == 200
    html = page_text(response)
    rows = table(html, "province-table").rows
    assert len(rows) == 77
    # province, region, class, network, without partner, pupils, raised, spent, devices, per pupil
    assert rows["40"][3:] == ["2", "1", "80", "฿650.00", "฿300.00", "0", "฿8.12"]
    assert rows["50"][3:] == ["1", "1", "120", "฿2,700.00", "฿0.00", "0", "฿22.50"]
    assert rows["10"][3:] == ["0", "0", "—", "฿0.00", "฿0.00", "0", "—"]
    regions = table(html, "region-table", "data-region").rows
    assert regions["northeast"][1:] == ["2", "1", "80", "฿650.00", "฿300.00", "0", "฿8.12"]
    assert regions["north"][1:] == ["1", "1", "120", "฿2,700.00", "฿0.00", "0", "฿22.50"]
    assert regions["south"][1:] == ["0", "0", "—", "฿0.00", "฿0.00", "0", "—"]
    assert 'href="/figures/provinces/40"' in html
    assert len(response.data) <= PAGE_BUDGET


@pytest.mark.parametrize("key", list(FIGURES))
def test_the_map_classes_match_the_table(client, known, key):
    html = client.get(f"/figures/provinces?figure={key}&sort=raised&dir=desc").get_data(
        as_text=True
    )
    on_map = map_classes(html)
    in_table = table(html, "province-table").classes
    assert set(on_map) == set(PROVINCES_BY_CODE) == set(in_table)
    assert on_map == in_table
    # Provinces with a figure and those without are told apart (per pupil: only two have pupils)
    if key == "per_pupil":
        assert {code for code, c in on_map.items() if c != "0"} == {"40", "50"}
    else:
        assert "0" not in on_map.values()


def test_the_table_sorts_on_the_server(client, known):
    html = client.get("/figures/provinces?sort=raised&dir=desc").get_data(as_text=True)
    order = list(table(html, "province-table").rows)
    assert order[:2] == ["50", "40"]
    assert 'aria-sort="descending"' in html
    for bad in ("sort=evil&dir=up", "sort=raised&dir=%00", "figure=nope&year_kind=x&year=y"):
        assert client.get(f"/figures/provinces?{bad}").status_code == 200


def test_the_province_page_shows_the_figures_worked_out_by_hand(client, known):
    response = client.get("/figures/provinces/40")
    assert response.status_code == 200
    html = page_text(response)
    shown = {
        name: figure(html, name)
        for name in (
            "raised", "spent", "balance", "online", "matched", "offline", "campaigns",
            "funded", "members", "outside", "without_partner", "pupils", "teachers",
            "devices_recorded", "devices_confirmed",
        )
    }  # fmt: skip
    assert shown == {
        "raised": "฿650.00", "spent": "฿300.00", "balance": "฿350.00", "online": "฿500.00",
        "matched": "฿150.00", "offline": "฿0.00", "campaigns": "1", "funded": "0",
        "members": "2", "outside": "1", "without_partner": "1", "pupils": "80",
        "teachers": "5", "devices_recorded": "0", "devices_confirmed": "0",
    }  # fmt: skip
    khon_kaen, _ = known
    assert f'href="/campaigns/{khon_kaen.id}"' in html and "ร่าง" not in html
    districts = {
        row[0]: row[1:] for row in table(html, "district-table", "data-district").rows.values()
    }
    assert districts == {
        "ชุมแพ": ["2", "1", "0", "฿0.00", "฿0.00", "0"],
        "เมืองขอนแก่น": ["1", "1", "1", "฿650.00", "฿300.00", "0"],
    }
    assert len(response.data) <= PAGE_BUDGET


@pytest.mark.parametrize(
    "path",
    ["/figures/provinces/99", "/figures/provinces/S", "/figures/provinces/4",
     "/figures/provinces/%3Cscript%3E", "/figures/provinces/99/districts.csv",
     "/figures/provinces/40/districts.pdf", "/figures/provinces.pdf"],
)  # fmt: skip
def test_an_unknown_province_or_format_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_no_donor_is_ever_named(client, known):
    khon_kaen, chiang_mai = known
    gift(khon_kaen, name="นางสาวลับเฉพาะ ไม่เปิดเผย", anonymous=True, email="secret@example.com")
    gift(chiang_mai, name="นายเปิดเผย ชื่อจริง", email="open@example.com")
    pages = [
        client.get(path).get_data(as_text=True)
        for path in (
            "/figures/provinces", "/figures/provinces/40", "/figures/provinces/50",
            "/figures/provinces.csv", "/figures/provinces/40/districts.csv",
        )
    ]  # fmt: skip
    for text in pages:
        for secret in ("ลับเฉพาะ", "ไม่เปิดเผย", "secret@", "เปิดเผย ชื่อจริง", "open@"):
            assert secret not in text


def _add_province_data(make_school, count: int) -> None:
    for n in range(count):
        school = make_school(district=f"อำเภอ {n}", province_code="41")
        campaign = build_campaign(school, title=f"แคมเปญ {n}")
        gift(campaign, amount_satang=10_000 + n)


def _queries(client, path: str) -> int:
    with counted_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_query_count_does_not_grow_with_the_data(client, make_school):
    _add_province_data(make_school, 1)
    one = {path: _queries(client, path) for path in ("/figures/provinces", "/figures/provinces/41")}
    _add_province_data(make_school, 4)
    many = {
        path: _queries(client, path) for path in ("/figures/provinces", "/figures/provinces/41")
    }
    assert one == many
    assert max(many.values()) <= 12


def test_pages_are_kept_for_anonymous_visitors_until_the_money_moves(
    app, client, known, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    khon_kaen, _ = known
    for path in ("/figures/provinces", "/figures/provinces/40"):
        first = client.get(path).get_data()
        with counted_queries() as statements:
            assert client.get(path).get_data() == first
        assert len(statements) == 1  # the version only
    gift(khon_kaen, amount_satang=10_000)
    assert "฿750.00" in page_text(client.get("/figures/provinces/40"))


def test_the_province_table_as_csv_and_excel(client, known):
    response = client.get("/figures/provinces.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(lines) == 78
    header, rows = lines[0], {line[0]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}
    assert [rows["40"][h] for h in header[-8:]] == [
        "500.00", "150.00", "0.00", "650.00", "300.00", "8.12", "0", "0",
    ]  # fmt: skip
    book = load_workbook(io.BytesIO(client.get("/figures/provinces.xlsx").data))
    sheet = book.active
    assert sheet.max_row == 78
    districts = client.get("/figures/provinces/40/districts.csv").get_data(as_text=True)
    assert "เมืองขอนแก่น,1,1,1,1,650.00,300.00,0,0" in districts
    book = load_workbook(io.BytesIO(client.get("/figures/provinces/40/districts.xlsx").data))
    assert book.active.max_row == 3

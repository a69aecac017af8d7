"""The map of Thailand: vendored outlines for every province, colour classes, the drawn SVG."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from flask import render_template_string

from partnership.registry.provinces import PROVINCES_BY_CODE
from partnership.reporting import maps
from partnership.reporting.maps import Classes, classes, nice_ceiling, nice_floor
from partnership.reporting.tables import Sort, read_sort, sort_rows

#: The vendored outlines stay "a few tens of KB" (the page carries them inline).
OUTLINES_MAX_BYTES = 40_000


def test_every_registry_province_has_one_outline():
    outlines = maps.outlines()
    assert set(outlines.paths) == set(PROVINCES_BY_CODE)
    assert len(outlines.paths) == 77
    assert "S" not in outlines.paths  # Pattaya is not a province
    for code, path in outlines.paths.items():
        assert re.fullmatch(r"(m[-\d. ]+l[-\d. ]+z)+", path), code
    view_box = [float(v) for v in outlines.view_box.split()]
    assert view_box[2] > 0 and view_box[3] > 0


def test_outlines_are_small_and_attributed():
    assert maps.OUTLINES.stat().st_size <= OUTLINES_MAX_BYTES
    document = json.loads(maps.OUTLINES.read_text("utf-8"))
    assert "CC BY 4.0" in document["licence"] and "@svg-maps/thailand" in document["source"]
    licence = maps.OUTLINES.with_name("LICENSE-thailand.txt").read_text("utf-8")
    assert "Attribution 4.0 International" in licence and "@svg-maps/thailand" in licence


@pytest.mark.parametrize(
    ("value", "nice"),
    [(1234, 1300), (1200, 1200), (7, 7), (99, 99), (101, 110), (0, 0),
     (Fraction(123, 1000), Fraction(13, 100))],
)  # fmt: skip
def test_nice_ceiling(value, nice):
    assert nice_ceiling(value) == nice


def test_nice_floor_bounds_the_first_class_from_below():
    assert (nice_floor(4494), nice_floor(Fraction(129, 1000)), nice_floor(0)) == (
        4400,
        Fraction(12, 100),
        0,
    )
    found = classes({"10": 0, "11": 4494, "12": 19000}, n=3)
    assert [(c.low, c.high) for c in found.classes] == [(0, 0), (4400, 4500), (4500, 19000)]


def _bounds(found: Classes) -> list[tuple]:
    return [(c.low, c.high) for c in found.classes]


def test_classes_split_at_quantiles_with_zero_and_no_data_apart():
    values = {str(10 + i): v for i, v in enumerate([0, 0, 0, 5, 10, 20, 40, 80, 160, 320, None])}
    found = classes(values, n=5)
    assert _bounds(found) == [(0, 0), (5, 10), (10, 40), (40, 160), (160, 320)]
    assert [found.of(v).index for v in (0, 5, 10, 11, 40, 41, 320)] == [1, 2, 2, 3, 3, 4, 5]
    assert found.of(None).no_data and found.of(None).index == 0
    assert len({c.fill for c in found.legend}) == 6  # each class its own colour


def test_classes_merge_repeated_bounds_and_survive_edge_cases():
    assert _bounds(classes({"10": 7, "11": 7, "12": 7}, n=5)) == [(7, 7)]
    assert _bounds(classes({"10": None}, n=5)) == []
    assert classes({}, n=5).legend[-1].no_data
    one = classes({"10": 0, "11": 0})
    assert _bounds(one) == [(0, 0)] and one.of(0).index == 1
    with pytest.raises(TypeError):
        classes({"10": 1.5})


class _Shapes(HTMLParser):
    """Each province link's code and the class of the path inside it; the legend's classes."""

    def __init__(self):
        super().__init__()
        self.links: dict[str, str] = {}
        self.classes: dict[str, str] = {}
        self.legend: list[str] = []
        self._code = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "data-code" in attrs:
            self._code = attrs["data-code"]
            self.links[self._code] = attrs["href"]
        elif tag == "use" and self._code:
            assert attrs["href"].endswith(f"/maps/thailand-provinces.svg#p{self._code}")
            self.classes[self._code] = attrs["data-class"]
        elif tag == "li" and "data-class" in attrs:
            self.legend.append(attrs["data-class"])

    def handle_endtag(self, tag):
        if tag == "a":
            self._code = None


def test_the_drawn_map_links_every_province_in_its_class(app):
    values = {code: int(code) * 100 for code in PROVINCES_BY_CODE}
    values["40"] = None
    with app.test_request_context("/"):
        view = maps.map_view(values, "Raised", str, lambda code: f"/p/{code}", n=4)
        html = render_template_string(
            '{% from "reporting/_map.html" import province_map %}{{ province_map(m, "m", "T") }}',
            m=view,
        )
    parsed = _Shapes()
    parsed.feed(html)
    assert set(parsed.links) == set(PROVINCES_BY_CODE)
    assert parsed.links["40"] == "/p/40"
    for code, value in values.items():
        assert parsed.classes[code] == str(view.classes.of(value).index), code
    assert parsed.classes["40"] == "0" and parsed.legend == ["1", "2", "3", "4", "0"]
    assert "<title>ขอนแก่น: ไม่มีข้อมูล</title>" in html or "<title>ขอนแก่น: No data</title>" in html
    assert "Map: @svg-maps/thailand, CC BY 4.0" in html or "@svg-maps/thailand" in html
    # The outlines stay in the static file the browser keeps: the page carries links to them.
    assert "<path d=" not in html and len(html.encode()) < 20_000


def test_the_pages_outlines_are_the_servers(app, client):
    """static/maps/thailand-provinces.svg holds the JSON's paths by id, as the build writes it
    (a JSON changed by hand without the SVG would draw two different maps)."""
    assert maps.SPRITE.read_text("utf-8") == maps.sprite(maps.outlines())
    served = client.get("/static/maps/thailand-provinces.svg")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    for code in PROVINCES_BY_CODE:
        assert f'<path id="p{code}" d="{maps.outlines().paths[code]}"/>' in served.text
    served.close()


def test_the_pdf_map_carries_its_outlines(app):
    with app.test_request_context("/"):
        view = maps.map_view({"40": 5}, "Raised", str, lambda code: f"/p/{code}")
        html = render_template_string(
            '{% from "reporting/_map.html" import map_svg %}'
            "{{ map_svg(m, 'r', printable=True, inline=True) }}",
            m=view,
        )
    assert "<use" not in html
    assert f'<path d="{maps.outlines().paths["40"]}" stroke="#5f6b73"' in html


def test_bar_chart_draws_longest_bar_for_the_largest_value(app):
    rows = [("ภาคเหนือ", 50), ("ภาคใต้", 200), ("ภาคกลาง", None), ("ภาคตะวันออก", 0)]
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "reporting/_charts.html" import bar_chart %}{{ bar_chart(rows, "T", fmt) }}',
            rows=rows,
            fmt=lambda v: f"{v:,}",
        )
    widths = [float(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', html)]
    assert widths == [50.0, 200.0, 0.0, 0.0]
    assert ">200<" in html and ">—<" in html and 'role="img"' in html


def test_sort_reads_the_query_and_keeps_missing_values_last():
    rows = [("a", 3), ("b", None), ("c", 1), ("d", 3)]
    keys = {"name": lambda r: r[0], "value": lambda r: r[1]}
    sort = read_sort({"sort": "value", "dir": "desc"}, list(keys), "name")
    assert sort == Sort("value", True)
    assert [r[0] for r in sort_rows(rows, sort, keys)] == ["a", "d", "c", "b"]
    assert [r[0] for r in sort_rows(rows, Sort("value", False), keys)] == ["c", "a", "d", "b"]
    assert read_sort({"sort": "evil", "dir": "up"}, list(keys), "name") == Sort("name", False)
    assert read_sort({"sort": "value", "dir": "sideways"}, list(keys), "name") == Sort(
        "value", False
    )
    assert sort.link("value") == {"sort": "value", "dir": "asc"}
    assert sort.link("name") == {"sort": "name", "dir": "asc"}
    assert sort.aria("value") == "descending" and sort.aria("name") is None

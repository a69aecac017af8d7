"""The map of Thailand's 77 provinces: vendored outlines, colour classes and the shapes to draw.

The outlines come from the npm package ``@svg-maps/thailand`` (CC BY 4.0), simplified once by
``tests/tools/build_thailand_map.py`` into ``static/maps/thailand-provinces.json`` and keyed by
the ISO 3166-2:TH codes of ``registry/provinces.py``. They are read once per process; the page
draws them on the server (``templates/reporting/_map.html``), coloured by class.

A web page does not repeat the 25 KB of outlines: each province is a ``<use>`` of its path in
``static/maps/thailand-provinces.svg`` (``sprite``, written beside the JSON by the same build;
``tests/reporting/test_maps.py`` checks that the two agree), which the browser keeps, compressed,
for every map it shows. Only the PDF, which cannot follow a link, carries the paths inline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from numbers import Rational
from pathlib import Path

from ..registry.provinces import PROVINCES_BY_CODE, province_name

OUTLINES = Path(__file__).resolve().parents[2] / "static" / "maps" / "thailand-provinces.json"
#: The same outlines as an SVG of named paths, for ``<use href="…#p10">`` (``sprite``).
SPRITE = OUTLINES.with_suffix(".svg")

#: ColorBrewer YlGnBu, sequential and safe for the common colour-blindness types, by class count.
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#41b6c4",),
    2: ("#c7e9b4", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
#: Provinces without a figure: a light grey with hatching (``_map.html``), told apart by more
#: than its colour.
NO_DATA_FILL = "#f2f2f2"
MAX_CLASSES = max(PALETTES)

Number = int | Fraction


@dataclass(frozen=True)
class Outlines:
    """The vendored outlines: one SVG path per province code, water, and their attribution."""

    view_box: str
    paths: Mapping[str, str]
    water: Mapping[str, str]
    attribution: str


@cache
def outlines() -> Outlines:
    """The outlines of the 77 provinces, read from ``static/maps`` once per process."""
    return outlines_of(json.loads(OUTLINES.read_text("utf-8")))


def outlines_of(document: Mapping) -> Outlines:
    """The outlines of a document as the build writes it (``thailand-provinces.json``)."""
    return Outlines(
        view_box=document["viewBox"],
        paths=document["provinces"],
        water=document["water"],
        attribution=document["attribution"],
    )


def sprite(drawn: Outlines) -> str:
    """``drawn`` as the SVG document a page's map refers to: province ``10`` is ``#p10``, the
    n-th water body ``#w1``…; nothing is shown by itself (every path sits in ``<defs>``)."""
    paths = [f'<path id="p{code}" d="{d}"/>' for code, d in sorted(drawn.paths.items())]
    paths += [f'<path id="w{n}" d="{d}"/>' for n, d in enumerate(drawn.water.values(), 1)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{drawn.view_box}">'
        f"<!-- {drawn.attribution} -->\n<defs>\n" + "\n".join(paths) + "\n</defs></svg>\n"
    )


@dataclass(frozen=True)
class MapClass:
    """One colour class: values above ``low`` (or equal to it, for the first) up to ``high``.

    ``index`` 0 is "no data" (``low`` and ``high`` None); classes with data count from 1."""

    index: int
    low: Number | None
    high: Number | None
    fill: str
    #: The class of the table's chip in static/css/reporting.css (``k5c2``: 2nd of 5; ``nd``).
    css: str = "nd"

    @property
    def no_data(self) -> bool:
        return self.index == 0


@dataclass(frozen=True)
class Classes:
    """The classes of one map, lowest first, then "no data" if any province has no figure."""

    classes: tuple[MapClass, ...]
    no_data: MapClass

    def of(self, value: Number | None) -> MapClass:
        """The class ``value`` falls in (each class holds its upper bound)."""
        if value is None:
            return self.no_data
        for found in self.classes:
            if value <= found.high:
                return found
        return self.classes[-1]

    @property
    def legend(self) -> tuple[MapClass, ...]:
        return (*self.classes, self.no_data)


def nice_ceiling(value: Number) -> Number:
    """``value`` rounded up to two significant figures (1234 -> 1300, 0.123 -> 0.13)."""
    if value <= 0:
        return 0
    step = Fraction(10) ** (math.floor(math.log10(value)) - 1)
    nice = math.ceil(Fraction(value) / step) * step
    return int(nice) if nice.denominator == 1 else nice


def nice_floor(value: Number) -> Number:
    """``value`` rounded down to two significant figures (1289 -> 1200, 0.129 -> 0.12)."""
    if value <= 0:
        return 0
    step = Fraction(10) ** (math.floor(math.log10(value)) - 1)
    nice = math.floor(Fraction(value) / step) * step
    return int(nice) if nice.denominator == 1 else nice


def classes(values: Mapping[str, Number | None], n: int = 5) -> Classes:
    """Up to ``n`` classes for the figures of ``values`` (province code -> figure or None).

    Zero, when some provinces have it and others more, is a class of its own (a map where most
    provinces have nothing yet still shows where something is). The other classes split the
    positive figures at their quantiles, each upper bound rounded up to two significant
    figures; classes that would repeat a bound are merged, so there may be fewer than ``n``.
    """
    n = max(1, min(n, MAX_CLASSES))
    known = sorted(v for v in values.values() if v is not None)
    for value in known:
        if isinstance(value, float) or not isinstance(value, Rational):
            raise TypeError(f"map figures are exact numbers, not {type(value).__name__}")
    bounds: list[tuple[Number, Number]] = []
    positive = [v for v in known if v > 0]
    if known and known[0] <= 0:
        bounds.append((known[0], 0))
    parts = n - len(bounds) if positive else 0
    low = nice_floor(positive[0]) if positive else None
    for part in range(1, parts + 1):
        high = nice_ceiling(positive[math.ceil(part * len(positive) / parts) - 1])
        if bounds and bounds[-1][1] >= high:
            continue
        bounds.append((low if not bounds or bounds[-1][1] <= 0 else bounds[-1][1], high))
    palette = PALETTES.get(len(bounds), ())
    found = tuple(
        MapClass(index, low, high, palette[index - 1], f"k{len(bounds)}c{index}")
        for index, (low, high) in enumerate(bounds, start=1)
    )
    return Classes(found, MapClass(0, None, None, NO_DATA_FILL))


@dataclass(frozen=True)
class Shape:
    """One province as the map draws it."""

    code: str
    name: str
    path: str
    value: Number | None
    map_class: MapClass
    href: str


def shapes(
    values: Mapping[str, Number | None],
    found: Classes,
    href: Callable[[str], str],
    lang: str = "th",
) -> list[Shape]:
    """Every province's outline with its figure, class and link, in ISO code order (a code
    missing from ``values`` has no data)."""
    paths = outlines().paths
    return [
        Shape(
            code=code,
            name=province_name(code, lang),
            path=paths[code],
            value=values.get(code),
            map_class=found.of(values.get(code)),
            href=href(code),
        )
        for code in sorted(PROVINCES_BY_CODE)
    ]


@dataclass(frozen=True)
class MapView:
    """What ``_map.html`` draws: the figure's name, the shapes, the classes and the outlines."""

    label: str
    shapes: list[Shape]
    classes: Classes
    outlines: Outlines
    fmt: Callable[[Number], str]


def map_view(
    values: Mapping[str, Number | None],
    label: str,
    fmt: Callable[[Number], str],
    href: Callable[[str], str],
    lang: str = "th",
    n: int = 5,
) -> MapView:
    """The map of ``values`` named ``label``, figures written by ``fmt``, provinces linked by
    ``href(code)``."""
    found = classes(values, n)
    return MapView(label, shapes(values, found, href, lang), found, outlines(), fmt)

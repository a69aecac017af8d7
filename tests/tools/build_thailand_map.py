"""Build static/maps/thailand-provinces.json (and .svg) from the npm package @svg-maps/thailand.

The package is CC BY 4.0. The JSON holds the outlines the server reads; the SVG holds the same
paths by id for the pages' ``<use>`` (``partnership.reporting.maps.sprite``).

Run once when the source changes, not at app start; the output is vendored (committed):

    cd /tmp && npm pack @svg-maps/thailand && tar xzf svg-maps-thailand-*.tgz
    python tests/tools/build_thailand_map.py /tmp/package/thailand.svg

The package names each outline by a three- or four-letter HASC-like id (``kkn`` for Khon Kaen)
and an English ``aria-label``; ``IDS`` below joins each id to its ISO 3166-2:TH code (without
``TH-``, as in partnership/registry/provinces.py) and the build refuses to write unless all 77
registry provinces are joined, each once. Lake Songkhla (``lksg``) is kept as water.

Simplification keeps shared borders shared: every ring is cut at its junctions (points where
the set of rings through a point changes), each border arc is simplified once with
Ramer-Douglas-Peucker (the same arc read backwards by the neighbour gets the same points), then
coordinates are rounded and written as relative SVG path commands.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from partnership.registry.provinces import PROVINCES_BY_CODE  # noqa: E402
from partnership.reporting import maps  # noqa: E402

OUT = ROOT / "static" / "maps" / "thailand-provinces.json"
SOURCE = "@svg-maps/thailand"

#: package id -> ISO 3166-2:TH code without the prefix.
IDS = {
    "bkk": "10", "spk": "11", "nbi": "12", "pte": "13", "aya": "14", "atg": "15", "lri": "16",
    "sbr": "17", "cnt": "18", "sri": "19", "cbi": "20", "ryg": "21", "cti": "22", "trt": "23",
    "cco": "24", "pri": "25", "nyk": "26", "skw": "27", "nma": "30", "brm": "31", "srn": "32",
    "ssk": "33", "ubn": "34", "yst": "35", "cpm": "36", "acr": "37", "bkn": "38", "nbp": "39",
    "kkn": "40", "udn": "41", "lei": "42", "nki": "43", "mkm": "44", "ret": "45", "ksn": "46",
    "snk": "47", "npm": "48", "mdh": "49", "cmi": "50", "lpn": "51", "lpg": "52", "utd": "53",
    "pre": "54", "nan": "55", "pyo": "56", "cri": "57", "msn": "58", "nsn": "60", "uti": "61",
    "kpt": "62", "tak": "63", "sti": "64", "plk": "65", "pct": "66", "pnb": "67", "rbr": "70",
    "kri": "71", "spb": "72", "npt": "73", "skn": "74", "skm": "75", "pbi": "76", "pkn": "77",
    "nrt": "80", "kbi": "81", "pna": "82", "pkt": "83", "sni": "84", "rng": "85", "cpn": "86",
    "ska": "90", "stn": "91", "trg": "92", "plg": "93", "ptn": "94", "yla": "95", "nwt": "96",
}  # fmt: skip
WATER = {"lksg": "Lake Songkhla"}

#: The package's English names that the registry spells differently.
NAME_ALIASES = {"Buriram": "Buri Ram", "Phangnga": "Phang Nga"}

Point = tuple[int, int]  # hundredths of a viewBox unit, exact so that neighbours' points meet


def parse_path(d: str) -> list[list[Point]]:
    """Rings of absolute points from a path of relative ``m`` / implicit ``l`` / ``z`` commands."""
    tokens = re.findall(r"[mMzZlL]|-?\d*\.?\d+(?:e-?\d+)?", d)
    rings: list[list[Point]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    ring: list[Point] = []
    command = ""
    numbers: list[float] = []
    for token in tokens + ["z"]:
        if token in "mMlLzZ":
            command = token
            if token in "zZ":
                if ring:
                    rings.append(ring)
                ring = []
                x, y = start
            continue
        numbers.append(float(token))
        if len(numbers) < 2:
            continue
        dx, dy = numbers
        numbers = []
        if command in "mM":
            if ring:
                rings.append(ring)
            x, y = (x + dx, y + dy) if command == "m" else (dx, dy)
            start = (x, y)
            ring = []
            command = "l" if command == "m" else "L"
        else:
            x, y = (x + dx, y + dy) if command == "l" else (dx, dy)
        point = (round(x * 100), round(y * 100))
        if not ring or ring[-1] != point:
            ring.append(point)
    return [r[:-1] if len(r) > 1 and r[0] == r[-1] else r for r in rings if len(r) >= 3]


def rdp(points: list[Point], epsilon: float) -> list[Point]:
    """Ramer-Douglas-Peucker: keep the first and last point and every point farther than epsilon."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length2 == 0:
                distance2 = (px - x1) ** 2 + (py - y1) ** 2
            else:
                cross = dx * (py - y1) - dy * (px - x1)
                distance2 = cross * cross / length2
            if distance2 > worst:
                worst, index = distance2, i
        if index > 0 and worst > epsilon * epsilon:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_rings(features: dict[str, list[list[Point]]], epsilon: float) -> dict:
    """Simplify every ring border arc by border arc, so that neighbours keep one shared border."""
    rings_through: dict[Point, set[int]] = {}
    all_rings = [ring for rings in features.values() for ring in rings]
    for number, ring in enumerate(all_rings):
        for point in ring:
            rings_through.setdefault(point, set()).add(number)
    arcs: dict[tuple[Point, ...], list[Point]] = {}

    def simplified(arc: list[Point]) -> list[Point]:
        key, backwards = tuple(arc), tuple(reversed(arc))
        if key in arcs:
            return arcs[key]
        if backwards in arcs:
            return list(reversed(arcs[backwards]))
        arcs[key] = rdp(arc, epsilon)
        return arcs[key]

    out: dict[str, list[list[Point]]] = {}
    number = 0
    for name, rings in features.items():
        out[name] = []
        for ring in rings:
            count = len(ring)
            junctions = [
                i for i in range(count)
                if rings_through[ring[i]] != rings_through[ring[i - 1]]
                or rings_through[ring[i]] != rings_through[ring[(i + 1) % count]]
                or len(rings_through[ring[i]]) > 2
            ]  # fmt: skip
            if not junctions:  # an island, or a ring that shares all of itself: cut at two points
                junctions = [0, count // 2]
            result: list[Point] = []
            for j, begin in enumerate(junctions):
                end = junctions[(j + 1) % len(junctions)]
                arc = ring[begin : end + 1] if end > begin else ring[begin:] + ring[: end + 1]
                result += simplified(arc)[:-1]
            number += 1
            if len(result) >= 3:
                out[name].append(result)
    return out


def to_path(rings: list[list[Point]], scale: int) -> str:
    """Relative SVG path data with coordinates rounded to 1/scale of a viewBox unit."""
    parts = []
    x = y = 0
    for ring in rings:
        rounded = []
        for px, py in ring:
            point = (round(px * scale / 100), round(py * scale / 100))
            if not rounded or rounded[-1] != point:
                rounded.append(point)
        if len(rounded) > 1 and rounded[0] == rounded[-1]:
            rounded.pop()
        if len(rounded) < 3:
            continue
        steps = []
        for px, py in rounded:
            steps.append(f"{_num(px - x, scale)} {_num(py - y, scale)}")
            x, y = px, py
        parts.append("m" + " ".join(steps[:1]) + "l" + " ".join(steps[1:]) + "z")
    return re.sub(r" -", "-", "".join(parts))


def _num(value: int, scale: int) -> str:
    return str(value) if scale == 1 else f"{value / scale:g}"


def read_source(path: Path) -> tuple[str, dict[str, tuple[str, str]]]:
    """The viewBox and ``{id: (English name, path data)}`` of the package's SVG."""
    root = ET.parse(path).getroot()
    shapes = {}
    for element in root.iter("{http://www.w3.org/2000/svg}path"):
        shapes[element.get("id")] = (
            element.get("aria-label") or element.get("name"),
            element.get("d"),
        )
    return root.get("viewBox"), shapes


def join(shapes: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Every registry province joined to one outline by id; the English names must agree."""
    unknown = set(shapes) - set(IDS) - set(WATER)
    assert not unknown, f"outlines not joined to a province: {sorted(unknown)}"
    assert sorted(IDS.values()) == sorted(PROVINCES_BY_CODE), "IDS must name the 77 provinces once"
    for shape_id, code in IDS.items():
        assert shape_id in shapes, (
            f"{code} {PROVINCES_BY_CODE[code].name_en}: no outline {shape_id}"
        )
        name = NAME_ALIASES.get(shapes[shape_id][0], shapes[shape_id][0])
        want = PROVINCES_BY_CODE[code].name_en
        assert name.replace(" ", "").lower() == want.replace(" ", "").lower() or (
            name.split()[0] == want.split()[0]
        ), f"{shape_id} is {name!r} in the package but {code} is {want!r}"
    return {code: shapes[shape_id][1] for shape_id, code in IDS.items()}


def build(source: Path, epsilon: float, scale: int) -> dict:
    """The vendored document: viewBox, attribution and one simplified path per province."""
    view_box, shapes = read_source(source)
    joined = join(shapes)
    features = {code: parse_path(d) for code, d in joined.items()}
    features |= {f"water:{name}": parse_path(shapes[sid][1]) for sid, name in WATER.items()}
    simple = simplify_rings(features, epsilon * 100)
    _, _, width, height = (float(v) for v in view_box.split())
    return {
        "source": f"{SOURCE} (https://www.npmjs.com/package/{SOURCE}), based on MapSVG",
        "licence": "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
        "attribution": "Map: @svg-maps/thailand, CC BY 4.0",
        "changes": f"simplified (RDP {epsilon} px, coordinates to 1/{scale}), ids to ISO 3166-2:TH",
        "viewBox": f"0 0 {width:g} {height:g}",
        "provinces": {code: to_path(simple[code], scale) for code in sorted(joined)},
        "water": {name: to_path(simple[f"water:{name}"], scale) for name in WATER.values()},
    }


def main(argv: list[str] | None = None) -> None:
    """Read the package's SVG, write the simplified outlines and print their size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="thailand.svg of the unpacked npm package")
    parser.add_argument("--epsilon", type=float, default=0.8, help="RDP tolerance, viewBox units")
    parser.add_argument("--scale", type=int, default=1, help="keep 1/scale of a unit (1 or 10)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    document = build(args.source, args.epsilon, args.scale)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), indent=0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(document['provinces'])} provinces, {len(text)} bytes")
    sprite = args.out.with_suffix(".svg")
    sprite.write_text(maps.sprite(maps.outlines_of(document)), encoding="utf-8")
    print(f"{sprite}: the same paths by id, {sprite.stat().st_size} bytes")


if __name__ == "__main__":
    main()

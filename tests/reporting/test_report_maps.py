"""The map in the programme report and the sponsor report (Thai): on the printable page and in
the PDF, with a caption naming it, its legend (the provinces page's colour classes) and the
attribution its outlines' licence asks for."""

from __future__ import annotations

import re

from partnership.extensions import db
from partnership.reporting import maps
from tests.crowd import page_text
from tests.reporting.test_reports import one_programme, pdf_text, sponsored  # noqa: F401

ATTRIBUTION = "แผนที่: @svg-maps/thailand สัญญาอนุญาต CC BY 4.0"
NO_DATA = "ไม่มีข้อมูล"
#: Khon Kaen raised ฿650 and Chiang Mai ฿2,700 (``one_programme``): two classes, as
#: ``maps.classes`` makes them for the provinces page.
PROGRAMME_LEGEND = [("฿650", maps.PALETTES[2][0]), ("฿650 – ฿2,700", maps.PALETTES[2][1])]


def figure_of(html: str) -> str:
    found = re.search(r'<figure class="report-map">(.*?)</figure>', html, re.S)
    assert found, "no map on the page"
    return found.group(1)


def legend_of(figure: str) -> list[tuple[str, str]]:
    """(label, colour) of each line of the legend, in order."""
    return [
        (label, fill)
        for fill, label in re.findall(r'<li><svg[^>]*><rect[^>]*fill="([^"]+)"[^>]*/></svg>'
                                      r"\s*<span>([^<]*)</span></li>", figure)
    ]  # fmt: skip


def fill_of(figure: str, code: str) -> str:
    return re.search(rf'data-code="{code}">.*?fill="([^"]+)"', figure).group(1)


def test_the_programme_page_shows_the_map_with_its_legend(client, one_programme):  # noqa: F811
    html = page_text(client.get(f"/programmes/{one_programme.id}/report"))
    figure = figure_of(html)
    assert "<figcaption>แผนที่ 1 ยอดบริจาคที่แคมเปญของโครงการระดมได้ แยกตามจังหวัด</figcaption>" in figure
    assert "ยอดที่ระดมได้ (บาท)" in figure
    legend = legend_of(figure)
    assert legend == [*PROGRAMME_LEGEND, (NO_DATA, maps.NO_DATA_FILL)]
    # Each province is coloured as the legend says.
    assert fill_of(figure, "40") == PROGRAMME_LEGEND[0][1]  # Khon Kaen, ฿650
    assert fill_of(figure, "50") == PROGRAMME_LEGEND[1][1]  # Chiang Mai, ฿2,700
    assert fill_of(figure, "10") == maps.NO_DATA_FILL  # Bangkok raised nothing
    assert ATTRIBUTION in figure and "maps/LICENSE-thailand.txt" in figure


def test_the_programme_pdf_prints_the_map_with_its_legend(client, one_programme):  # noqa: F811
    text = pdf_text(client.get(f"/programmes/{one_programme.id}/report.pdf?lang=th").data)
    flat = " ".join(text.split())
    assert "แผนที่ 1 ยอดบริจาคที่แคมเปญของโครงการระดมได้ แยกตามจังหวัด" in flat
    assert "ยอดที่ระดมได้ (บาท)" in flat
    for label, _ in PROGRAMME_LEGEND:
        assert f"\n{label}\n" in f"\n{text}\n", label
    assert NO_DATA in text and ATTRIBUTION in flat


def test_the_sponsor_report_maps_what_it_matched(client, login_as, sponsored):  # noqa: F811
    organisation, campaign = sponsored
    login_as("sponsor", organisation=organisation)
    caption = "แผนที่ 1 ยอดที่ บริษัท ไทยสมทบ จำกัด (มหาชน) สมทบเข้าแคมเปญ แยกตามจังหวัด"
    figure = figure_of(page_text(client.get(f"/organisations/{organisation.id}/report")))
    assert f"<figcaption>{caption}</figcaption>" in figure
    assert "ยอดสมทบ (บาท)" in figure and ATTRIBUTION in figure
    # One province, where it matched ฿800: one class.
    assert legend_of(figure) == [("฿800", maps.PALETTES[1][0]), (NO_DATA, maps.NO_DATA_FILL)]
    assert fill_of(figure, campaign.school.province_code) == maps.PALETTES[1][0]
    text = pdf_text(client.get(f"/organisations/{organisation.id}/report.pdf?lang=th").data)
    flat = " ".join(text.split())
    assert caption in flat and "ยอดสมทบ (บาท)" in flat and ATTRIBUTION in flat
    assert "\n฿800\n" in text and NO_DATA in text


def test_a_sponsor_that_matched_nothing_has_no_map(client, login_as, make_org):
    organisation = make_org()
    db.session.commit()
    login_as("sponsor", organisation=organisation)
    html = page_text(client.get(f"/organisations/{organisation.id}/report"))
    assert 'class="report-map"' not in html
    assert "@svg-maps" not in pdf_text(
        client.get(f"/organisations/{organisation.id}/report.pdf?lang=th").data
    )

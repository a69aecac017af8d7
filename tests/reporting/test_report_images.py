"""The real Thai reports, as the app sends them for a known dataset, rendered to images
(poppler's ``pdftoppm``, as ``test_report_pdf``): every page has ink, the map's colours show in
the map and in its legend; and the same PDFs open in pypdf with one font family embedded, every
Thai text they print broken into lines only between words."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess

from flask_babel import force_locale
from PIL import Image
from pypdf import PdfReader

from partnership.reporting import maps, report_data, report_docs, report_pages
from partnership.reporting.report_model import Paragraph, Report, Table
from tests.pdf_lines import assert_breaks_between_words, drawn_lines
from tests.reporting.test_report_pdf import font_families
from tests.reporting.test_reports import one_programme, sponsored  # noqa: F401

THAI = re.compile("[\u0e00-\u0e7f]")
DPI = 50


def rgb(fill: str) -> tuple[int, int, int]:
    return tuple(int(fill[i : i + 2], 16) for i in (1, 3, 5))


def page_images(body: bytes, folder) -> list[Image.Image]:
    (folder / "report.pdf").write_bytes(body)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(folder / "report.pdf"),
                    str(folder / "page")], check=True)  # fmt: skip
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob("page-*.png"))]


def colours(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, int, int]]:
    """The colours of the pixels inside ``box`` (left, top, right, bottom)."""
    return {colour for _, colour in image.crop(box).getcolors(1_000_000)}


def printed(document: Report) -> list[str]:
    """Every text the document prints: a table without rows prints what it says instead."""
    blocks = [
        Paragraph(block.empty) if isinstance(block, Table) and not block.rows and block.empty
        else block
        for block in document.blocks
    ]  # fmt: skip
    return dataclasses.replace(document, blocks=blocks).texts()


def check_pdf(body: bytes, document, folder, fills: list[str]) -> None:
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 1 and reader.metadata.title == document.title
    assert font_families(body) == {"Sarabun"}
    images = page_images(body, folder)
    assert len(images) == len(reader.pages)
    for number, image in enumerate(images, start=1):
        # Ink above the footer: a page is more than its footer line.
        top = image.crop((0, 0, image.width, image.height * 9 // 10)).convert("L")
        assert sum(top.histogram()[:200]) > 500, f"page {number} is blank"
    first, half = images[0], images[0].width // 2
    # The map stands on the left half of the first page, its legend on the right half.
    on_map = colours(first, (0, 0, half, first.height))
    in_legend = colours(first, (half, 0, first.width, first.height))
    for fill in fills:
        assert rgb(fill) in on_map, f"{fill} is not on the map"
        assert rgb(fill) in in_legend, f"{fill} is not in the legend"
    lines = drawn_lines(body)
    texts = {text for text in printed(document) if THAI.search(text)}
    assert len(texts) > 20
    taken = [assert_breaks_between_words(lines, text) for text in sorted(texts)]
    assert max(taken) > 1  # some texts wrap (the closing note), so breaks were checked


def test_the_thai_programme_report_renders(app, client, one_programme, tmp_path):  # noqa: F811
    body = client.get(f"/programmes/{one_programme.id}/report.pdf?lang=th").data
    with app.test_request_context(), force_locale("th"):
        period = report_pages.periods.from_args({})
        data = report_data.programme_report(one_programme, period)
        picture = report_pages.programme_map(one_programme, period, "th")
        document = report_docs.programme_document(data, "th", map_picture=picture)
    check_pdf(body, document, tmp_path, list(maps.PALETTES[2]))


def test_the_thai_sponsor_report_renders(app, client, login_as, sponsored, tmp_path):  # noqa: F811
    organisation, _ = sponsored
    login_as("sponsor", organisation=organisation)
    body = client.get(f"/organisations/{organisation.id}/report.pdf?lang=th").data
    assert body.startswith(b"%PDF-")
    with app.test_request_context(), force_locale("th"):
        data = report_data.sponsor_report(organisation)
        picture = report_pages.sponsor_map(data, "th")
        document = report_docs.sponsor_document(data, "th", map_picture=picture)
    check_pdf(body, document, tmp_path, list(maps.PALETTES[1]))

"""The report PDF engine (reporting/pdf.py): valid, one font family, tables whose header comes
again on each page, money right-aligned, and Thai broken only between words everywhere."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime

from PIL import Image
from pypdf import PdfReader

from partnership.reporting.pdf import (
    Column,
    Figure,
    Heading,
    KeyFigures,
    Paragraph,
    Picture,
    Report,
    Table,
    printable_svg,
    render_report,
)
from tests.pdf_lines import assert_breaks_between_words, drawn_lines, text_lines

LONG = (
    "โครงการคอมพิวเตอร์เพื่อการเรียนรู้ของนักเรียนชั้นประถมศึกษาตอนปลายในโรงเรียนขนาดเล็ก"
    "ช่วยให้นักเรียนได้ฝึกทักษะดิจิทัลและครูได้ใช้สื่อการสอนออนไลน์อย่างสม่ำเสมอทุกภาคเรียน"
)
SCHOOLS = [
    "โรงเรียนบ้านหนองแวงวิทยาคารชุมชนพัฒนาศึกษา",
    "โรงเรียนชุมชนบ้านโนนสะอาดประชาสามัคคีวิทยา",
    "โรงเรียนบ้านดอนหันน้ำคำประชานุเคราะห์",
]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 60"><a href="/p/40">'
    '<path d="M10 10 L60 10 L60 50 Z" fill="#2b6cb0"><title>ขอนแก่น</title></path></a></svg>'
)


def font_families(body: bytes) -> set[str]:
    """Embedded font families: ``ABCDEF+Sarabun-Bold`` is Sarabun."""
    names = set()
    for page in PdfReader(io.BytesIO(body)).pages:
        for font in page["/Resources"]["/Font"].values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1]
            names.add(re.sub(r"-?(Bold|Regular|Italic)$", "", name))
    return names


def sample(lang="th") -> Report:
    rows = [[SCHOOLS[i % 3] + f" {i}", "ขอนแก่น", f"฿{i * 1000:,}.00", str(i)] for i in range(1, 61)]
    return Report(
        title="รายงานโครงการคอมพิวเตอร์เพื่อโรงเรียนขนาดเล็กประจำปีงบประมาณ 2570",
        subtitle=LONG,
        lang=lang,
        generated_at=datetime(2026, 12, 6, 20, 30, tzinfo=UTC),
    ).add(
        KeyFigures([Figure("ยอดบริจาครวมทั้งหมดจากผู้บริจาคออนไลน์และบริษัท", "฿1,234,567.89")]),
        Heading("สรุปผลการดำเนินงาน"),
        Paragraph(LONG * 2),
        Picture(SVG, width=60, caption="แผนที่ © svg-maps (CC BY 4.0)"),
        Table(
            [Column("โรงเรียน", 1.3), Column("จังหวัด", 1.2), Column("ยอดบริจาค", 1.4, True),
             Column("เครื่อง", 0.8, True)],
            rows,
            total=["รวม", "", "฿1,830,000.00", "1830"],
        ),
    )  # fmt: skip


def test_the_pdf_opens_with_one_font_family_and_many_pages(app):
    with app.test_request_context():
        body = render_report(sample())
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 2
    assert font_families(body) == {"Sarabun"}
    assert reader.metadata.title.startswith("รายงานโครงการ")
    text = "\n".join(text_lines(body))
    assert "หน้า 1 จาก" in text or "Page 1 of" in text
    assert "7 ธ.ค. 2569" in text  # 03:30 in Bangkok the next day, Buddhist Era


def test_the_header_comes_again_and_money_stands_right(app):
    with app.test_request_context():
        body = render_report(sample())
    reader = PdfReader(io.BytesIO(body))
    pages_with_header = [p for p in reader.pages if "ยอดบริจาค" in p.extract_text()]
    assert len(pages_with_header) >= 2
    starts = {}

    def seen(text, cm, tm, font, size):
        if text.strip().startswith("฿"):
            starts[text.strip()] = tm[4]

    reader.pages[0].extract_text(visitor_text=seen)
    # right-aligned: a longer amount starts further left
    assert starts["฿9,000.00"] > starts["฿10,000.00"]


def test_thai_breaks_only_between_words_in_every_block(app):
    with app.test_request_context():
        body = render_report(sample())
    lines = drawn_lines(body)
    assert assert_breaks_between_words(lines, sample().title) >= 1
    assert assert_breaks_between_words(lines, LONG * 2) > 2
    for number, school in zip((3, 1, 2), SCHOOLS, strict=True):
        assert assert_breaks_between_words(lines, f"{school} {number}") > 1  # a narrow column


def test_pages_render_to_images(app, tmp_path):
    with app.test_request_context():
        body = render_report(sample("en"))
    (tmp_path / "r.pdf").write_bytes(body)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / "r.pdf"), str(tmp_path / "p")],
                   check=True)  # fmt: skip
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 2
    with Image.open(pages[0]) as image:
        colours = image.convert("RGB").getcolors(1_000_000)
    assert any(c[:3] == (43, 108, 176) for _, c in colours)  # the map's province is drawn


def test_links_and_tooltips_leave_the_svg_for_print():
    svg = printable_svg(SVG)
    assert "<a" not in svg and "<title>" not in svg and "<g>" in svg

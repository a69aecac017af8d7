"""Reports as PDF: a small document model (title, key figures, headings, paragraphs, tables, an
SVG picture) set on A4 in Sarabun, Thai broken between words (``core/typesetting``).

The texts come translated: the caller builds the ``Report`` inside the reader's language and
this module only adds the footer (page x of y, the date made in Bangkok time). Tables repeat
their header on each page, money and counts stand right-aligned, and every cell is broken into
lines between words. One font family is embedded (Sarabun, regular and bold); a fallback font
is added only for a name in another script.
"""

from __future__ import annotations

import io
import re

from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.typesetting import FAMILY, ThaiPDF
from ..i18n import format_datetime
from .report_model import (  # noqa: F401  (the document's parts, drawn here)
    Column,
    Figure,
    Heading,
    KeyFigures,
    Paragraph,
    Picture,
    Report,
    Table,
)

INK, MUTED, RULE, SHADE = (20, 20, 20), (85, 85, 85), (190, 190, 190), (238, 241, 245)
MARGIN = 18
LINE = 5.2  # mm a line of 10 pt text takes in a table or a paragraph


class _ReportPDF(ThaiPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        width = self.epw / 2
        self.line_out(width, 5, self.footer_text)
        self.set_x(self.l_margin + width)
        self.line_out(width, 5, _("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}"),
                      align="R")  # fmt: skip

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit on this one."""
        if self.y + height > self.page_break_trigger:
            self.add_page()

    def write_lines(self, lines: list[str], width: float, h: float, align="L") -> None:
        x = self.x
        for line in lines:
            self.set_x(x)
            self.line_out(width, h, line, align)
            self.ln(h)


def render_report(report: Report) -> bytes:
    """The report as PDF bytes (A4, printable margins)."""
    with force_locale(report.lang):
        pdf = _ReportPDF(report.texts())
        pdf.set_lang(report.lang)
        pdf.set_title(report.title)
        pdf.set_author(report.author or report.title)
        pdf.set_creator("partnership")
        pdf.set_creation_date(report.generated_at)
        pdf.set_margins(MARGIN, 16, MARGIN)
        pdf.set_auto_page_break(True, 18)
        pdf.footer_text = _(
            "Made on %(moment)s (Bangkok time)",
            moment=format_datetime(report.generated_at, report.lang),
        )
        pdf.add_page()
        _title(pdf, report)
        for block in report.blocks:
            _DRAW[type(block)](pdf, block)
        return bytes(pdf.output())


def _title(pdf: _ReportPDF, report: Report) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 18)
    pdf.text_block(report.title, 9)
    if report.subtitle:
        pdf.set_font(FAMILY, "", 11)
        pdf.set_text_color(*MUTED)
        pdf.text_block(report.subtitle, 6)
    pdf.ln(3)


def _key_figures(pdf: _ReportPDF, block: KeyFigures) -> None:
    gap = 3
    width = (pdf.epw - gap * (block.per_row - 1)) / block.per_row
    for start in range(0, len(block.figures), block.per_row):
        row = block.figures[start : start + block.per_row]
        laid = []
        for figure in row:
            pdf.set_font(FAMILY, "B", 14)
            value = pdf.lines(figure.value, width)
            pdf.set_font(FAMILY, "", 9)
            label = pdf.lines(figure.label, width)
            note = pdf.lines(figure.note, width) if figure.note else []
            laid.append((value, label, note))
        height = max(len(v) * 7 + (len(lb) + len(n)) * 4.5 for v, lb, n in laid) + 4
        pdf.room(height)
        top = pdf.y
        for index, (value, label, note) in enumerate(laid):
            left = pdf.l_margin + index * (width + gap)
            pdf.set_fill_color(*SHADE)
            pdf.rect(left, top, width, height, style="F")
            pdf.set_xy(left, top + 2)
            pdf.set_text_color(*INK)
            pdf.set_font(FAMILY, "B", 14)
            pdf.write_lines(value, width, 7)
            pdf.set_x(left)
            pdf.set_font(FAMILY, "", 9)
            pdf.set_text_color(*MUTED)
            pdf.write_lines(label + note, width, 4.5)
        pdf.set_xy(pdf.l_margin, top + height + gap)
    pdf.ln(2)


def _heading(pdf: _ReportPDF, block: Heading) -> None:
    size = 14 if block.level == 1 else 12
    pdf.room(size * 0.6 + 30)  # a heading keeps with what follows (and a table's first rows)
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", size)
    pdf.set_text_color(*INK)
    pdf.text_block(block.text, size * 0.55)
    pdf.ln(1)


def _paragraph(pdf: _ReportPDF, block: Paragraph) -> None:
    pdf.set_font(FAMILY, "", 9 if block.muted else 10)
    pdf.set_text_color(*(MUTED if block.muted else INK))
    pdf.text_block(block.text, LINE)
    pdf.ln(1.5)


def _table(pdf: _ReportPDF, block: Table) -> None:
    if not block.rows and block.empty:
        _paragraph(pdf, Paragraph(block.empty, muted=True))
        return
    total_weight = sum(c.weight for c in block.columns)
    widths = [pdf.epw * c.weight / total_weight for c in block.columns]

    def laid(cells: list[str], bold: bool) -> tuple[list[list[str]], float]:
        pdf.set_font(FAMILY, "B" if bold else "", 9)
        lines = [pdf.lines(str(cell), width) for cell, width in zip(cells, widths, strict=True)]
        return lines, max(len(cell) for cell in lines) * 4.6 + 2

    def draw(cells: list[list[str]], height: float, bold: bool, shaded: bool) -> None:
        top = pdf.y
        if shaded:
            pdf.set_fill_color(*SHADE)
            pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
        pdf.set_font(FAMILY, "B" if bold else "", 9)
        pdf.set_text_color(*INK)
        left = pdf.l_margin
        for lines, width, column in zip(cells, widths, block.columns, strict=True):
            pdf.set_xy(left, top + 1)
            pdf.write_lines(lines, width, 4.6, "R" if column.numeric else "L")
            left += width
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + pdf.epw, top + height)
        pdf.set_xy(pdf.l_margin, top + height)

    header, header_height = laid([c.title for c in block.columns], True)
    pdf.room(header_height + 12)
    draw(header, header_height, True, True)
    rows = [(row, False) for row in block.rows]
    if block.total is not None:
        rows.append((block.total, True))
    for row, bold in rows:
        cells, height = laid(row, bold)
        if pdf.y + height > pdf.page_break_trigger:
            pdf.add_page()
            draw(header, header_height, True, True)  # the header again on the new page
        draw(cells, height, bold, False)
    pdf.ln(3)


_UNSUPPORTED = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.S)


def printable_svg(svg: str) -> str:
    """An SVG as fpdf2 draws it: links unwrapped into groups (fpdf2 skips ``<a>`` and all it
    holds), titles and descriptions (tooltips) left out."""
    svg = _UNSUPPORTED.sub("", svg)
    svg = re.sub(r"<a\b[^>]*>", "<g>", svg)
    return svg.replace("</a>", "</g>")


_VIEW_BOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def _height(svg: str, width: float) -> float:
    """How tall the drawing prints ``width`` mm wide (by its viewBox; square without one)."""
    found = _VIEW_BOX.search(svg)
    return width * float(found[2]) / float(found[1]) if found else width


def _picture(pdf: _ReportPDF, block: Picture) -> None:
    """The title across the page, the drawing on the left (centred without a legend), and
    beside it the legend: a swatch of each colour with what it stands for, then the caption."""
    gap, swatch = 8, 4.5
    height = min(_height(block.svg, block.width), pdf.page_break_trigger - pdf.t_margin - 20)
    pdf.set_font(FAMILY, "B", 11)
    title = pdf.lines(block.title, pdf.epw) if block.title else []
    pdf.room(len(title) * 6 + height + 4)
    pdf.set_text_color(*INK)
    pdf.write_lines(title, pdf.epw, 6)
    pdf.ln(1)
    top = pdf.y
    left = pdf.l_margin if block.legend else pdf.l_margin + (pdf.epw - block.width) / 2
    pdf.image(io.BytesIO(printable_svg(block.svg).encode()), x=left, y=top, w=block.width)
    if block.legend:
        x = left + block.width + gap
        width = pdf.l_margin + pdf.epw - x
        pdf.set_xy(x, top)
        pdf.set_font(FAMILY, "B", 10)
        pdf.write_lines(pdf.lines(block.legend_title, width), width, 5.5)
        pdf.ln(1)
        pdf.set_font(FAMILY, "", 10)
        pdf.set_draw_color(95, 107, 115)
        for key in block.legend:
            y = pdf.y
            pdf.set_fill_color(*(int(key.fill[i : i + 2], 16) for i in (1, 3, 5)))
            pdf.rect(x, y + 0.5, swatch, swatch, style="DF")
            pdf.set_xy(x + swatch + 2, y)
            pdf.write_lines(pdf.lines(key.label, width - swatch - 2), width - swatch - 2, 5.5)
            pdf.set_y(max(pdf.y, y + swatch + 1.5))
        pdf.set_xy(x, pdf.y + 2)
    else:
        pdf.set_y(top + height + 1)
    if block.caption:
        width = pdf.l_margin + pdf.epw - pdf.x
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.write_lines(pdf.lines(block.caption, width), width, 4.2, "L" if block.legend else "C")
    pdf.set_xy(pdf.l_margin, max(pdf.y, top + height) + 4)


_DRAW = {
    KeyFigures: _key_figures,
    Heading: _heading,
    Paragraph: _paragraph,
    Table: _table,
    Picture: _picture,
}

"""A report as data: key figures, headings, paragraphs, tables and pictures, in order.

The printable page and the PDF (``pdf.render_report``) are drawn from the same ``Report``; this
module holds no drawing, so building a report's document imports no typesetting (fpdf, fonts,
HarfBuzz: a worker loads them the first time it draws a PDF).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Figure:
    """One key figure: its value as printed (already formatted) and what it counts."""

    kind = "figure"  # what the page's template draws
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class KeyFigures:
    kind = "figures"  # what the page's template draws
    figures: list[Figure]
    per_row: int = 3


@dataclass(frozen=True)
class Heading:
    kind = "heading"  # what the page's template draws
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    kind = "paragraph"  # what the page's template draws
    text: str
    muted: bool = False


@dataclass(frozen=True)
class Column:
    """A table column: ``weight`` shares the page's width; ``numeric`` aligns it right."""

    title: str
    weight: float = 1
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    kind = "table"  # what the page's template draws
    columns: list[Column]
    rows: list[list[str]]
    #: A last row in bold (totals), if any.
    total: list[str] | None = None
    #: What the table says when it has no rows.
    empty: str = ""


@dataclass(frozen=True)
class Key:
    """One line of a picture's legend: a colour and what it stands for."""

    fill: str
    label: str


@dataclass(frozen=True)
class Picture:
    """An SVG drawing (the map) ``width`` mm wide: ``title`` above names what it shows, its
    ``legend`` (the colours, under ``legend_title``) stands beside it, and ``caption`` (the
    attribution its licence asks for) under the legend, or under the drawing without one."""

    kind = "picture"  # what the page's template draws
    #: The drawing whole, as the PDF needs it.
    svg: str
    #: The same for a web page, where it may refer to files the browser fetches (the map's
    #: outlines); the page draws ``svg`` without it.
    page_svg: str = ""
    width: float = 120
    caption: str = ""
    title: str = ""
    legend_title: str = ""
    legend: tuple[Key, ...] = ()


Block = KeyFigures | Heading | Paragraph | Table | Picture


@dataclass
class Report:
    title: str
    subtitle: str
    lang: str
    generated_at: datetime
    blocks: list[Block] = field(default_factory=list)
    author: str = ""

    def add(self, *blocks: Block) -> Report:
        self.blocks.extend(blocks)
        return self

    def texts(self) -> list[str]:
        """Every text the document prints (to choose fallback fonts)."""
        found = [self.title, self.subtitle]
        for block in self.blocks:
            if isinstance(block, Table):
                found += [c.title for c in block.columns]
                found += [cell for row in block.rows for cell in row]
            elif isinstance(block, KeyFigures):
                found += [t for f in block.figures for t in (f.label, f.value, f.note)]
            elif isinstance(block, Heading | Paragraph):
                found.append(block.text)
            elif isinstance(block, Picture):
                found += [block.title, block.legend_title, block.caption]
                found += [key.label for key in block.legend]
        return found

"""Setting Thai (and any script) in a PDF (receipts, reports): lines break between words, and the
PDF's text layer copies back as the text that was written.

Thai has no spaces between words, and fpdf2 breaks a line only at spaces or, failing that, in
the middle of a word ("นักเรียนชั้ | นประถมศึกษา"). We find the words with PyThaiNLP's dictionary
segmenter (``newmm``, its bundled dictionary: nothing is downloaded) and break the lines
ourselves, measuring each run with the font, so fpdf2 only sees whole lines. A word wider than
a whole line (a long name in a narrow table column) is cut between Thai character clusters
(PyThaiNLP's ``tcc``), never between a consonant and its vowel or tone mark.

HarfBuzz draws SARA AM (ำ) as two glyphs, NIKHAHIT and SARA AA, in one cluster; fpdf2 gives the
cluster's text to the first (zero-width) glyph and leaves the second without any, so a reader
copied "ชำระ" as "ชำ ระ" (the unmapped glyph's width read as a space) or with a stray byte.
``ShapedFont`` gives a cluster's text to its widest glyph and maps the others to no text at all.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

#: Sarabun (every PDF's font) and the fallbacks for other scripts (see fonts/NOTICE.txt).
FONTS = Path(__file__).parent / "fonts"
FAMILY = "Sarabun"
#: Family -> file, for characters Sarabun does not have (see fonts/NOTICE.txt).
FALLBACK_FONTS = {
    "NotoCJK": "NotoSansCJKsc-Subset.ttf",
    "NotoArabic": "NotoSansArabic-Regular.ttf",
    "NotoEmoji": "NotoEmoji-Regular.ttf",
}

_THAI = re.compile(r"[\u0e00-\u0e7f]")
#: Ideographs, kana and Hangul: a line may break between any two of them.
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]")
#: A glyph that draws part of a cluster whose text another glyph carries.
_HIDDEN_CLUSTER = 1 << 30


def _thai(char: str) -> bool:
    return bool(_THAI.match(char))


def _cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def _read_only() -> None:
    # Read-only: PyThaiNLP would otherwise make ~/pythainlp-data on import (the server's user
    # may have no home); newmm and tcc need nothing from there.
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")


def _tokens(text: str) -> list[str]:
    _read_only()
    from pythainlp.tokenize import word_tokenize  # on first use: it loads its dictionary

    tokens = []
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        tokens.extend(token if _CJK.search(token) else [token])
    return tokens


def segments(text: str) -> list[str]:
    """``text`` cut where a line may break: whitespace runs, and between two Thai words or two
    ideographs. Joined, the segments are ``text`` again."""
    pieces: list[str] = []
    for token in _tokens(text):
        if not token:
            continue
        if pieces and not token.isspace() and not pieces[-1].isspace():
            before, after = pieces[-1][-1], token[0]
            breakable = (_thai(before) and _thai(after)) or (_cjk(before) or _cjk(after))
            if not breakable or unicodedata.combining(after):
                pieces[-1] += token
                continue
        pieces.append(token)
    return pieces


def clusters(text: str) -> list[str]:
    """``text`` cut between Thai character clusters (a consonant stays with its vowels and tone
    marks) and between any two other characters: where a word too long for a line is cut."""
    _read_only()
    from pythainlp.tokenize import subword_tokenize

    pieces: list[str] = []
    for token in subword_tokenize(text, engine="tcc"):
        for char in token if not _THAI.search(token) else [token]:
            if pieces and unicodedata.category(char[0]).startswith("M"):
                pieces[-1] += char
            else:
                pieces.append(char)
    return pieces


def _cut(run: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A run wider than ``width`` (words glued to numbers: "ซอย9ถนนมิตรภาพ") as lines, cut
    between its words, and a word wider than a line between its clusters."""
    lines, line = [], ""
    for word in _tokens(run):
        for piece in [word] if measure(word) <= width else clusters(word):
            if line and measure(line + piece) > width:
                lines.append(line)
                line = piece
            else:
                line += piece
    return [*lines, line]


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The lines of ``text`` no wider than ``width`` (as ``measure`` says), broken only where
    ``segments`` allows; a run wider than a whole line is cut between its words, or clusters."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = ""
        for piece in segments(paragraph):
            if piece.isspace():
                if line:
                    line += piece
                continue
            if line and measure(line + piece) > width:
                lines.append(line.rstrip())
                line = ""
            if not line and measure(piece) > width:
                *whole, piece = _cut(piece, width, measure)
                lines.extend(whole)
            line += piece
        lines.append(line.rstrip())
    return lines


class _NoText(int):
    """A ToUnicode destination that writes as nothing: ``<0123> <>``, "this glyph adds no
    text" (fpdf2 writes each code of a glyph's text with ``{code:04X}``)."""

    def __format__(self, spec: str) -> str:
        return ""


_NO_TEXT = _NoText(0)


class _Subset(SubsetMap):
    # Cached like fpdf2's own (which clears it when the PDF is written).
    @cache  # noqa: B019
    def get_glyph(self, glyph=None, unicode=None, glyph_name=None, glyph_width=None):
        if glyph is not None and unicode == ():
            unicode = (_NO_TEXT,)
        return super().get_glyph(glyph, unicode, glyph_name, glyph_width)


class ShapedFont(TTFFont):
    """A font whose shaped clusters copy back as their text (see the module's docstring)."""

    __slots__ = ()

    @classmethod
    def adopt(cls, font: TTFFont) -> None:
        """Make a font fpdf2 has loaded (``add_font``) one of these."""
        font.__class__ = cls
        font.subset.__class__ = _Subset

    def perform_harfbuzz_shaping(self, text, font_size_pt, text_shaping_params):
        infos, positions = super().perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        glyphs = [SimpleNamespace(codepoint=i.codepoint, cluster=i.cluster) for i in infos]
        start = 0
        while start < len(glyphs):
            end = start
            while end + 1 < len(glyphs) and glyphs[end + 1].cluster == glyphs[start].cluster:
                end += 1
            if end > start:  # one cluster, several glyphs: the widest carries the text
                carrier = max(range(start, end + 1), key=lambda k: (positions[k].x_advance, -k))
                for k in range(start, end + 1):
                    if k != carrier:
                        glyphs[k].cluster = _HIDDEN_CLUSTER + k
            start = end + 1
        return glyphs, positions


@cache
def _coverage(filename: str) -> frozenset[int]:
    """The characters a font shipped here has (read once per process)."""
    with TTFont(FONTS / filename, lazy=True) as font:
        return frozenset(font.getBestCmap())


class ThaiPDF(FPDF):
    """An A4 document set in Sarabun (regular and bold) with HarfBuzz shaping, whose text is
    broken into lines between words; the fallback fonts are loaded only when ``texts`` (what
    the document prints besides its own labels: names, addresses) need them."""

    def __init__(self, texts: Iterable[str] = ()):
        super().__init__(format="A4", unit="mm")
        self.add_font(FAMILY, "", FONTS / "Sarabun-Regular.ttf")
        self.add_font(FAMILY, "B", FONTS / "Sarabun-Bold.ttf")
        covered = self.fonts[FAMILY.lower()].cmap
        missing = {ord(c) for text in texts for c in text if not c.isspace()} - set(covered)
        # Only the fallbacks that are needed: each font loaded is subset into the PDF (about
        # 0.1 s each), used or not.
        needed = [family for family, name in FALLBACK_FONTS.items() if missing & _coverage(name)]
        for family in needed:
            self.add_font(family, "", FONTS / FALLBACK_FONTS[family])
        if needed:
            self.set_fallback_fonts(needed, exact_match=False)
        self.set_text_shaping(True)

    def add_font(self, family=None, style="", fname=None, **kwargs):
        super().add_font(family, style, fname, **kwargs)
        ShapedFont.adopt(self.fonts[family.lower() + style.upper()])

    def lines(self, text: str, width: float = 0) -> list[str]:
        """``text`` broken between words to fit a cell ``width`` wide (0: from the current x
        to the right margin), in the current font."""
        width = width or (self.w - self.r_margin - self.x)
        return wrap(text, width - 2 * self.c_margin - 0.01, self.get_string_width)

    def line_out(self, width: float, h: float, line: str, align="L") -> None:
        """One line already broken by ``lines``, in a cell ``width`` wide, from the current x.

        Before each line fpdf2 is told the font is not set on the page: when a line starts in
        a fallback font, fpdf2 sets the main font inside that line's saved graphics state and
        then believes it set for the page, so the next line was drawn in the font of before
        (Sarabun's regular glyphs through the bold font: garbage).
        """
        self.current_font_is_set_on_page = False
        self.cell(width, h, line, align=align)

    def text_block(self, text: str, h: float, align="L") -> None:
        """``text`` from the current x to the right margin, one line at a time."""
        x = self.x
        width = self.w - self.r_margin - x
        for line in self.lines(text, width):
            self.set_x(x)
            self.line_out(width, h, line, align)
            self.ln(h)

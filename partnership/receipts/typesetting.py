"""Setting Thai (and any script) on the receipt: lines break between words, and the PDF's text
layer copies back as the text that was written.

Thai has no spaces between words, and fpdf2 breaks a line only at spaces or, failing that, in
the middle of a word ("นักเรียนชั้ | นประถมศึกษา"). We find the words with PyThaiNLP's dictionary
segmenter (``newmm``, its bundled dictionary: nothing is downloaded) and break the lines
ourselves, measuring each run with the font, so fpdf2 only sees whole lines.

HarfBuzz draws SARA AM (ำ) as two glyphs, NIKHAHIT and SARA AA, in one cluster; fpdf2 gives the
cluster's text to the first (zero-width) glyph and leaves the second without any, so a reader
copied "ชำระ" as "ชำ ระ" (the unmapped glyph's width read as a space) or with a stray byte.
``ShapedFont`` gives a cluster's text to its widest glyph and maps the others to no text at all.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from types import SimpleNamespace

from fpdf.fonts import SubsetMap, TTFFont

_THAI = re.compile(r"[\u0e00-\u0e7f]")
#: Ideographs, kana and Hangul: a line may break between any two of them.
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]")
#: A glyph that draws part of a cluster whose text another glyph carries.
_HIDDEN_CLUSTER = 1 << 30


def _thai(char: str) -> bool:
    return bool(_THAI.match(char))


def _cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def _tokens(text: str) -> list[str]:
    # Read-only: PyThaiNLP would otherwise make ~/pythainlp-data on import (the server's user
    # may have no home); newmm needs nothing from there.
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
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


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The lines of ``text`` no wider than ``width`` (as ``measure`` says), broken only where
    ``segments`` allows; a segment wider than a line stands alone (the caller breaks it)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in segments(paragraph):
            if piece.isspace():
                if line:
                    line += piece
                continue
            if line and measure(line + piece) > width:
                lines.append(line.rstrip())
                line = piece
            else:
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

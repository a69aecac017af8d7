"""Reading a PDF's lines back (poppler's ``pdftotext -raw``, or pypdf run by run, in the order
drawn) and
checking that every line of a text ends where PyThaiNLP's dictionary segmenter ends a word."""

from __future__ import annotations

import os
import subprocess
import tempfile


def text_lines(body: bytes) -> list[str]:
    """The PDF's text lines, in the order drawn, stripped, empty ones left out."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(body)
        file.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", file.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    return [line.strip() for line in out.replace("\f", "\n").split("\n") if line.strip()]


def drawn_lines(body: bytes) -> list[str]:
    """Each text run as drawn (pypdf's visitor: one per line of a cell, so a table's cells
    side by side stay apart), stripped, in the order drawn."""
    import io

    from pypdf import PdfReader

    found: list[str] = []
    for page in PdfReader(io.BytesIO(body)).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: found.append(text.strip()))
    return [line for line in found if line]


def word_ends(text: str) -> set[int]:
    """Where the words of ``text`` end, per ``word_tokenize(engine="newmm")``, and every
    position inside or next to whitespace."""
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize

    ends, at = {0}, 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        at += len(token)
        ends.add(at)
    ends |= {i for i, char in enumerate(text) if char.isspace()}
    ends |= {i + 1 for i, char in enumerate(text) if char.isspace()}
    return ends


def lines_of(lines: list[str], source: str) -> list[str]:
    """The consecutive lines that, joined (spaces at the breaks dropped), are ``source``."""
    flat = source.split()
    compact = "".join(flat)
    for start, line in enumerate(lines):
        if not line or not compact.startswith(line.replace(" ", "")):
            continue
        found, rest = [], compact
        for candidate in lines[start:]:
            piece = candidate.replace(" ", "")
            if not rest.startswith(piece):
                break
            found.append(candidate)
            rest = rest[len(piece) :]
            if not rest:
                return found
    raise AssertionError(f"not in the PDF as consecutive lines: {source[:40]}")


def assert_breaks_between_words(lines: list[str], source: str) -> int:
    """Every break between the lines that print ``source`` falls where a word ends; returns
    how many lines it took."""
    found = lines_of(lines, source)
    allowed = word_ends(source)
    at = 0
    for line in found[:-1]:
        # the line's characters, skipping spaces the source has at the break
        for char in line:
            while source[at] != char:
                at += 1
            at += 1
        assert at in allowed, (
            f"a line ends inside a word: …{source[max(0, at - 8) : at]} | {source[at : at + 8]}…"
        )
    return len(found)

"""The shared typesetting (core/typesetting.py): Thai lines break only between words, checked on
the PDF's own text layer, where fpdf2's plain multi_cell breaks inside words."""

from __future__ import annotations

import pytest

from partnership.core.typesetting import FAMILY, ThaiPDF, clusters, wrap
from tests.pdf_lines import assert_breaks_between_words, text_lines

PARAGRAPH = (
    "โรงเรียนบ้านหนองแวงได้รับคอมพิวเตอร์สำหรับนักเรียนชั้นประถมศึกษาปีที่สี่ถึงหกจำนวนยี่สิบเครื่อง"
    "ครูประจำชั้นรายงานว่านักเรียนใช้เครื่องทุกวันในวิชาวิทยาการคำนวณและภาษาอังกฤษ "
    "ผู้ปกครองและชุมชนร่วมดูแลห้องคอมพิวเตอร์และช่วยซ่อมบำรุงเครื่องในช่วงปิดภาคเรียน"
) * 2


def _pdf(draw) -> bytes:
    pdf = ThaiPDF()
    pdf.add_page()
    pdf.set_font(FAMILY, "", 12)
    draw(pdf)
    return bytes(pdf.output())


def test_a_paragraph_breaks_between_words():
    body = _pdf(lambda pdf: pdf.text_block(PARAGRAPH, 6))
    assert assert_breaks_between_words(text_lines(body), PARAGRAPH) > 3


def test_the_check_fails_on_fpdf2s_own_line_breaking():
    """The same paragraph through fpdf2's multi_cell: it breaks where a line is full."""
    body = _pdf(lambda pdf: pdf.multi_cell(0, 6, PARAGRAPH))
    with pytest.raises(AssertionError, match="inside a word"):
        assert_breaks_between_words(text_lines(body), PARAGRAPH)


def test_a_word_wider_than_the_line_is_cut_between_clusters():
    """fpdf2 alone cuts น้ำ into น้ | ำ; a word cut by ``wrap`` keeps each cluster whole."""
    word = "ประชาสัมพันธ์น้ำดื่มชั้นที่"
    for width in range(1, 12):
        lines = wrap(word, width, len)
        assert "".join(lines) == word
        for line in lines:
            assert line and line[0] not in "ำั่้๊๋ิีึืุู็์"
    assert clusters("น้ำ") == ["น้ำ"]


def test_carriage_returns_end_lines():
    assert wrap("บ้าน\r\nเลขที่ 9\rหมู่ 2", 100, len) == ["บ้าน", "เลขที่ 9", "หมู่ 2"]

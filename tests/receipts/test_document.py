"""The receipt as a document: Thai set between words and copied back exactly, other scripts
printed, one page whatever the address, and what a tax receipt must name."""

from __future__ import annotations

import io
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from PIL import Image
from pypdf import PdfReader

from partnership.core.typesetting import segments, wrap
from partnership.extensions import db
from partnership.receipts.numbering import receipt_for
from partnership.receipts.pdf import ReceiptView, render_receipt
from tests.crowd import DONOR
from tests.pdf_lines import assert_breaks_between_words, text_lines

from .conftest import TAX_FIELDS, pdf_text, receipt_path

#: Words PyThaiNLP's dictionary keeps whole; the receipt may break a line only between them.
WORDS = ["นักเรียน", "ชั้น", "ประถมศึกษา", "โรงเรียน", "บ้าน", "ชำระเงิน", "แล้ว"]
LONG_THAI = "".join(WORDS * 6)


def lines_of(text: str, written: str) -> list[str]:
    """The text layer's lines that hold ``written`` (which starts a line of its own)."""
    start = text.index(written[:12])
    found, rest = [], written
    for line in text[start:].split("\n"):
        line = line.strip()
        assert rest.startswith(line), (line, rest[:40])
        found.append(line)
        rest = rest[len(line) :]
        if not rest:
            return found
    raise AssertionError(f"not all of it is there: {rest[:40]}")


def word_ends(words: list[str]) -> set[int]:
    ends, at = set(), 0
    for word in words:
        at += len(word)
        ends.add(at)
    return ends


def test_thai_lines_break_only_between_words(paid, client, in_language):
    in_language("en")  # English labels: the address starts after a Latin label
    donation, _ = paid(**(TAX_FIELDS | {"tax_address": LONG_THAI}))
    text = pdf_text(client.get(receipt_path(donation)).data)
    lines = lines_of(text, LONG_THAI)
    assert len(lines) > 1  # it did wrap
    allowed, at = word_ends(WORDS * 6), 0
    for line in lines[:-1]:
        at += len(line)
        assert at in allowed, f"a line ends inside a word: …{line[-8:]} | {LONG_THAI[at : at + 8]}…"
    assert "\u200b" not in text


#: An address written without spaces, numbers glued to words: one run too wide for a line.
GLUED = "ซอยน้ำคำ9ถนนน้ำใส9หมู่12ตำบลน้ำอ่าง" * 5


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="bash tests/setup.sh: poppler-utils")
def test_a_run_wider_than_the_line_breaks_between_words(paid, client, in_language):
    """Words glued to numbers make one run wider than the line, which fpdf2 cut wherever the
    line was full ("ถนนน้ำ | ใส"); it is cut between its words."""
    in_language("en")
    donation, _ = paid(**(TAX_FIELDS | {"tax_address": GLUED}))
    lines = text_lines(client.get(receipt_path(donation)).data)
    start = next(i for i, line in enumerate(lines) if GLUED[:10] in line)
    lines[start] = lines[start][lines[start].index(GLUED[:10]) :]  # after the label
    assert assert_breaks_between_words(lines, GLUED) > 1


SENTENCE = "ชำระค่าอาหารกลางวันให้นักเรียนทุกคนแล้ว น้ำดื่มสะอาด"


def test_thai_copies_back_exactly(paid, client):
    donation, _ = paid(**(TAX_FIELDS | {"tax_full_name": "นางน้ำทิพย์ ชำระสุข"}))
    donation.campaign.title = SENTENCE
    db.session.commit()
    text = pdf_text(client.get(receipt_path(donation)).data)
    assert "นางน้ำทิพย์ ชำระสุข" in text
    assert "ชำ ระ" not in text and "ชำระ" in text
    assert SENTENCE in text.replace("\n", "")
    # a whole Thai sentence of the receipt's own, over several lines
    assert "ใบเสร็จรับเงินบริจาค" in text
    assert all(ch >= " " or ch == "\n" for ch in text), "a glyph copied as a stray code"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="bash tests/setup.sh: poppler-utils")
def test_poppler_copies_thai_back_exactly(paid, client, tmp_path):
    """Poppler (pdftotext, and so evince and okular) reads glyph positions too: the second glyph
    of ำ, left without text, was read as a space ("ชำ ระ")."""
    donation, _ = paid(**(TAX_FIELDS | {"tax_full_name": "นางน้ำทิพย์ ชำระสุข"}))
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(client.get(receipt_path(donation)).data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "นางน้ำทิพย์ ชำระสุข" in text
    assert "ชำ ระ" not in text and "\u200b" not in text


def test_a_long_project_name_wraps_between_words():
    title = "โครงการ" + "".join(WORDS * 4)
    lines = wrap(title, 30, len)  # thirty characters a line, counted
    assert "".join(lines) == title and len(lines) > 2
    allowed = word_ends(["โครงการ", *WORDS * 4])
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in allowed
    assert all(len(line) <= 30 for line in lines)


def test_segments_keep_latin_words_and_punctuation_whole():
    assert segments("ABC-12, ถนน(มิตรภาพ)") == ["ABC-12,", " ", "ถนน(มิตรภาพ)"]
    assert "".join(segments("北京市东城区")) == "北京市东城区" and len(segments("北京市")) == 3


def fonts_of(body: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(body)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_other_scripts_print_from_the_fallback_fonts(paid, client):
    name = "王小明 محمد علي 😀"
    donation, _ = paid(**(TAX_FIELDS | {"tax_full_name": name, "tax_address": "北京市 东城区"}))
    body = client.get(receipt_path(donation)).data
    fonts = " ".join(fonts_of(body))
    assert "NotoSansCJK" in fonts and "NotoSansArabic" in fonts and "NotoEmoji" in fonts
    text = pdf_text(body)
    assert "王小明" in text and "北京市" in text and "😀" in text


def view_with_tax(donation, **tax) -> ReceiptView:
    info = SimpleNamespace(full_name="นายสมชาย ใจดี", address="", masked_tax_id="x-xxxx-xxxxx-12-1")
    for key, value in tax.items():
        setattr(info, key, value)
    return ReceiptView(donation, receipt_for(donation.id), info)


def test_a_long_address_keeps_the_receipt_on_one_page(paid, app):
    donation, _ = paid(custom_amount="1234.50")
    address = ("99/9 หมู่ 9 ถนนมิตรภาพ ตำบลในเมือง อำเภอเมืองขอนแก่น " * 30)[:1000]
    with app.test_request_context():
        body = render_receipt(view_with_tax(donation, address=address))
    pages = PdfReader(io.BytesIO(body)).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "฿1,234.50" in text and "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์" in text
    assert "ลงนาม" in text or "(" in text  # the signatory too


def test_the_receipt_names_the_charity_status_the_signatory_and_the_project(paid, client, app):
    donation, _ = paid(**TAX_FIELDS)
    config = app.config
    text = pdf_text(client.get(receipt_path(donation)).data).replace("\n", "")
    assert "47(7)(ข)" in text
    assert f"ฉบับที่ {config['RECEIPT_ORG_CHARITY_ANNOUNCEMENT']}" in text
    assert "1 ม.ค. 2563" in text  # the demo announcement's date, in the Buddhist Era
    assert config["RECEIPT_SIGNATORY_NAME"] in text and config["RECEIPT_SIGNATORY_TITLE"] in text
    campaign = donation.campaign
    assert config["RECEIPT_ORG_NAME"] in text
    assert campaign.title in text and campaign.school.name_th in text
    assert "ไม่ใช่หลักฐาน" not in text  # a tax receipt is one


def test_a_receipt_without_tax_details_says_it_is_not_for_a_tax_deduction(
    paid, client, in_language
):
    in_language("en")
    donation, _ = paid()
    text = pdf_text(client.get(receipt_path(donation)).data).replace("\n", " ")
    assert "not for a tax deduction" in text
    assert "47(7)(b)" in text and "Authorised signatory" in text


def test_a_thai_receipt_without_tax_details_says_so_in_thai(paid, client):
    donation, _ = paid()
    text = pdf_text(client.get(receipt_path(donation)).data).replace("\n", "")
    assert "ไม่ใช่หลักฐานเพื่อการลดหย่อนภาษี" in text


def test_the_signature_image_is_printed(paid, client, app, monkeypatch, tmp_path):
    image = tmp_path / "signature.png"
    Image.new("RGB", (200, 60), (255, 255, 255)).save(image)
    donation, _ = paid()
    plain = client.get(receipt_path(donation)).data
    monkeypatch.setitem(app.config, "RECEIPT_SIGNATURE_IMAGE", str(image))
    signed = client.get(receipt_path(donation)).data
    [page] = PdfReader(io.BytesIO(signed)).pages
    assert list(page.images) and b"/Subtype /Image" not in plain


@pytest.mark.parametrize("field", ["donor_name", "tax_full_name", "tax_address"])
@pytest.mark.parametrize("mark", ["\u202e", "\u2066", "\u200f", "\u202a"])
def test_bidi_controls_are_refused_at_the_form(
    make_campaign, client, stripe_app, fake_stripe, in_language, field, mark
):
    in_language("en")
    campaign = make_campaign()
    data = DONOR | TAX_FIELDS
    data[field] = "Somchai " + mark + "evil" + mark
    response = client.post(f"/campaigns/{campaign.id}/give", data=data)
    assert response.status_code == 422
    assert "text-direction characters" in response.text
    assert fake_stripe.sessions == {}

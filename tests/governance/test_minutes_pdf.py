"""The minutes as PDF: Thai text set in Sarabun, read back exactly, every line broken between
words (PyThaiNLP's segmentation, as the receipts and reports are tested), in Thai and English."""

from __future__ import annotations

import pytest

from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.governance.minutes import services as ms
from partnership.governance.minutes.models import MinutesState
from partnership.governance.minutes.pdf import minutes_pdf
from tests.pdf_lines import assert_breaks_between_words, text_lines

from .test_minutes import as_role, bring, world  # noqa: F401  (fixtures)

#: A long paragraph of Thai with no spaces for many words: it must take several lines.
LONG = (
    "ที่ประชุมรับทราบความคืบหน้าการดำเนินงานของโรงเรียนในเครือข่ายและมอบหมายให้ฝ่ายเลขานุการ"
    "ประสานงานกับสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่นเพื่อจัดทำแผนพัฒนาคุณภาพการศึกษา"
    "ของนักเรียนชั้นประถมศึกษาปีที่หกให้แล้วเสร็จภายในเดือนกันยายน"
)
SHORT = "มติที่ประชุม อนุมัติให้เปิดโครงการระดมทุนเพื่อจัดซื้อคอมพิวเตอร์ให้โรงเรียน"


@pytest.fixture()
def written(world):  # noqa: F811
    minutes = ms.start_minutes(world.first, world["secretary"])
    ms.edit_minutes(
        minutes,
        world["secretary"],
        text_th=f"{minutes.text_th}\n{LONG}\n{SHORT}",
        text_en="Minutes of meeting 1/2564\nThe meeting approved the fundraising programme.",
        revision=1,
    )
    db.session.commit()
    return minutes


def test_thai_pdf_breaks_lines_between_words_only(written):
    body = minutes_pdf(written, "th", utcnow())
    assert body.startswith(b"%PDF")
    lines = text_lines(body)
    assert assert_breaks_between_words(lines, LONG) >= 3
    assert_breaks_between_words(lines, SHORT)
    assert any("1/2564" in line for line in lines)
    assert any("เลขานุการทดสอบ" in line for line in lines)  # the attendance, from the draft
    assert any("ยังไม่ได้รับรอง" in line or "not yet approved" in line for line in lines)


def test_english_pdf_has_the_english_text(written):
    lines = text_lines(minutes_pdf(written, "en", utcnow()))
    assert "The meeting approved the fundraising programme." in lines
    assert any(line.startswith("Draft: not yet approved") for line in lines)


def test_published_pdf_says_where_it_was_approved(world, client, as_role):  # noqa: F811
    bring(world.first, MinutesState.LOCKED, world["secretary"])
    as_role(world, "visitor")
    response = client.get(f"/governance/meetings/{world.first.id}/minutes-en.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    lines = text_lines(response.data)
    assert any("Approved at meeting 2/2564" in line for line in lines)
    assert not any("not yet approved" in line for line in lines)
    thai = text_lines(client.get(f"/governance/meetings/{world.first.id}/minutes-th.pdf").data)
    assert any("เปิดโครงการระดมทุน" in line for line in thai)


def test_a_draft_pdf_is_not_kept_by_a_cache(written, client, as_role, world):  # noqa: F811
    as_role(world, "secretary")
    response = client.get(f"/governance/meetings/{world.first.id}/minutes-th.pdf")
    assert "no-store" in response.headers["Cache-Control"]


def test_the_meeting_day_is_printed(written):
    lines = text_lines(minutes_pdf(written, "th", utcnow()))
    assert any("28 มิ.ย. 2564" in line for line in lines)

"""School staff apply to the open programme from the browser: three budget lines with a live
total, a PDF attachment, submission and the state the automatic check gives."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfWriter

from partnership.applications.models import Application, ApplicationState
from partnership.extensions import db
from partnership.registry.models import School

from .conftest import SCHOOL_OF, choose_language, login_in_browser

pytestmark = pytest.mark.browser

#: (item, unit price as typed, quantity, line total shown)
LINES = (
    ("คอมพิวเตอร์โน้ตบุ๊ก", "14,990.50", "3", "฿44,971.50"),
    ("กระเป๋าใส่โน้ตบุ๊ก", "390", "3", "฿1,170.00"),
    ("ตู้ชาร์จและเก็บโน้ตบุ๊ก", "18500.25", "1", "฿18,500.25"),
)
TOTAL_SATANG = 3 * 1_499_050 + 3 * 39_000 + 1_850_025
TOTAL_SHOWN = "฿64,641.75"
TITLE = "โน้ตบุ๊กเพื่อห้องเรียน ป.4–6 (ทดสอบเบราว์เซอร์)"


def _quotation_pdf() -> bytes:
    """A real one-page PDF (uploads are parsed, not only sniffed)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _quotation_pdf()


def test_school_staff_fill_the_form_see_the_total_attach_a_pdf_and_submit(
    page, live_server, tmp_path
):
    assert TOTAL_SATANG == 6_464_175
    login_in_browser(page, live_server, "newcomer")
    page.goto(live_server(f"/programmes/{live_server.ids['open_programme_id']}"))
    choose_language(page, "en")
    page.locator("main a[href*='/apply']").click()
    page.wait_for_url(re.compile(r".*/programmes/\d+/apply\?school=\d+$"))

    page.locator("#title").fill(TITLE)
    page.locator("#summary").fill("โน้ตบุ๊กสำหรับนักเรียนชั้น ป.4–6 และครู")
    page.locator("#need").fill("นักเรียนสามคนใช้คอมพิวเตอร์หนึ่งเครื่อง")
    pupils = page.locator("#beneficiaries input[name^='pupils-']")
    assert pupils.count() == 3  # ป.4, ป.5 and ป.6
    for index, count in enumerate(("14", "12", "15")):
        pupils.nth(index).fill(count)
    page.locator("#teachers_benefiting").fill("3")
    page.locator("#delivery_plan").fill("ครูผู้รับผิดชอบรับมอบ ลงทะเบียน และเก็บในตู้ชาร์จ")

    total = page.locator("#budget-total")
    assert total.inner_text() == "฿0.00"
    rows = page.locator("#budget-table tbody tr[data-row]")
    shown = []
    for index, (item, price, quantity, line_total) in enumerate(LINES):
        page.locator(f"#budget-{index}-item").fill(item)
        page.locator(f"#budget-{index}-unit_price").fill(price)
        page.locator(f"#budget-{index}-quantity").fill(quantity)
        assert rows.nth(index).locator("[data-line-total]").inner_text() == line_total
        shown.append(total.inner_text())
    # The total follows each line as it is typed, before anything is saved.
    assert shown == ["฿44,971.50", "฿46,141.50", TOTAL_SHOWN]
    page.locator("#budget-1-quantity").fill("30")
    assert total.inner_text() == "฿75,171.75"  # 27 more bags at ฿390
    page.locator("#budget-1-quantity").fill("3")
    assert total.inner_text() == TOTAL_SHOWN

    page.locator("#save-draft").click()
    page.wait_for_url(re.compile(r".*/applications/\d+$"))
    application_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("#application-state [data-state]").get_attribute("data-state") == "draft"
    assert page.locator("#application-total").inner_text() == TOTAL_SHOWN

    pdf = tmp_path / "quotation.pdf"
    pdf.write_bytes(PDF)
    page.locator("#upload-form input[type=file]").set_input_files(str(pdf))
    page.locator("#upload-button").click()
    page.wait_for_url(re.compile(rf".*/applications/{application_id}#attachments$"))
    assert page.locator("#attachment-list li").count() == 1
    assert "quotation.pdf" in page.locator("#attachment-list").inner_text()

    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#submit-application").click()
    assert page.locator(".flash-success").count() == 1
    badge = page.locator("#application-state [data-state]")
    assert badge.get_attribute("data-state") == "eligible"
    assert page.locator("#eligibility-failures").count() == 0
    assert page.locator("#submit-application").count() == 0  # locked once submitted
    assert page.locator("#edit-application").count() == 0

    with live_server.app.app_context():
        application = db.session.get(Application, application_id)
        assert application.school.code == SCHOOL_OF["newcomer"]
        assert application.programme_id == live_server.ids["open_programme_id"]
        assert application.title == TITLE
        assert application.state == ApplicationState.ELIGIBLE
        assert application.requested_satang == TOTAL_SATANG
        assert [(line.unit_price_satang, line.quantity) for line in application.budget_lines] == [
            (1_499_050, 3),
            (39_000, 3),
            (1_850_025, 1),
        ]
        assert sorted(b.pupils for b in application.beneficiaries) == [12, 14, 15]
        assert [a.filename for a in application.attachments] == ["quotation.pdf"]
        assert application.submitted_at is not None
        assert (
            db.session.scalar(
                db.select(School.network_status).where(School.id == application.school_id)
            ).value
            == "member"
        )

"""The programme report and the sponsor report: the figures in the PDF and on the page equal the
hand-computed sums, who may open which, file names, and Thai broken only between words."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

from partnership.campaigns.figures import rebuild
from partnership.extensions import db
from partnership.reporting import report_data
from tests.crowd import counted_queries, page_text, reload
from tests.pdf_lines import assert_breaks_between_words, drawn_lines
from tests.reporting.test_figures import known  # noqa: F401  (the hand-computed dataset)
from tests.reporting.test_report_pdf import font_families

#: A school name long enough to wrap in the campaigns table's school column.
LONG_SCHOOL = "โรงเรียนบ้านหนองแวงวิทยาคารชุมชนพัฒนาศึกษาประชาสามัคคีราษฎร์บำรุง"


def pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture()
def one_programme(known):  # noqa: F811
    """The known dataset's two campaigns in one programme (Khon Kaen's): moved, then the
    dashboards' summary rows written again from the counters (``campaigns rebuild-figures``)."""
    khon_kaen, chiang_mai = known
    chiang_mai.programme_id = khon_kaen.programme_id
    khon_kaen.school.name_th = LONG_SCHOOL
    db.session.flush()
    rebuild()
    db.session.commit()
    return khon_kaen.programme


#: Khon Kaen ฿650 (online 500, matched 150, spent 300) + Chiang Mai ฿2,700 (online 2,000,
#: offline 700, funded): see ``known``.
PROGRAMME_FIGURES = {
    "Raised": "฿3,350.00",
    "Online gifts": "฿2,500.00",
    "Matched by sponsors": "฿150.00",
    "Offline gifts": "฿700.00",
    "Spent": "฿300.00",
    "Balance": "฿3,050.00",
}


def test_the_programme_pdf_has_the_hand_computed_figures(client, one_programme):
    response = client.get(f"/programmes/{one_programme.id}/report.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for label, value in PROGRAMME_FIGURES.items():
        assert f"{value}\n{label}" in text or (value in text and label in text), label
    assert "Khon Kaen" in text and "฿650.00" in text
    assert "Chiang Mai" in text and "฿2,700.00" in text
    assert "฿1,000.00" in text  # Chiang Mai's goal in the campaigns table
    assert "สมชาย" not in text  # no donor named
    assert font_families(response.data) == {"Sarabun"}


def test_the_programme_page_shows_the_same_figures(client, one_programme):
    response = client.get(f"/programmes/{one_programme.id}/report")
    assert response.status_code == 200
    html = page_text(response)
    for value in PROGRAMME_FIGURES.values():
        assert value in html
    assert f'href="/programmes/{one_programme.id}/report.pdf?lang=en"' in html


def test_a_period_without_campaigns_reports_zero(client, one_programme):
    response = client.get(
        f"/programmes/{one_programme.id}/report.pdf?lang=en&year_kind=fiscal&year=2565"
    )
    text = pdf_text(response.data)
    assert "Fiscal year 2022" in text and "฿3,350.00" not in text and "฿0.00" in text


def test_the_thai_programme_report_breaks_lines_between_words(client, one_programme):
    body = client.get(f"/programmes/{one_programme.id}/report.pdf?lang=th").data
    lines = drawn_lines(body)
    assert assert_breaks_between_words(lines, LONG_SCHOOL) > 1
    assert "หน้า 1 จาก 1" in pdf_text(body) or "หน้า 1 จาก" in pdf_text(body)


def test_the_programme_pdf_is_named_after_the_programme(client, one_programme):
    response = client.get(f"/programmes/{one_programme.id}/report.pdf?year_kind=academic")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="programme-report-')
    assert disposition.split('filename="')[1].split('"')[0].isascii()
    assert "Notebook" in unquote(disposition.split("filename*=UTF-8''")[1])


@pytest.mark.parametrize("path", ["/programmes/999999/report", "/programmes/999999/report.pdf",
                                  "/organisations/999999/report",
                                  "/organisations/999999/report.pdf"])  # fmt: skip
def test_unknown_ids_are_not_found(client, login_as, path):
    login_as("staff")
    assert client.get(path).status_code == 404


@pytest.fixture()
def sponsored(make_campaign, make_pledge, give, hooked, make_org):
    """A sponsor whose 1:1 pool (cap ฿1,000) matched two gifts, ฿500 and ฿300: it drew
    ฿800 and has ฿200 left; the campaign raised ฿1,600."""
    organisation = make_org(name="บริษัท ไทยสมทบ จำกัด (มหาชน)", name_en="Thai Match PCL")
    campaign = make_campaign(title="โน้ตบุ๊กเพื่อการเรียน")
    make_pledge(campaign, organisation=organisation, cap_satang=100_000)
    for amount in ("500", "300"):
        _, session_id = give(campaign, custom_amount=amount)
        hooked.pay(session_id)
    return organisation, reload(campaign)


def test_the_sponsor_pdf_has_its_pledges_and_matches(client, login_as, sponsored):
    organisation, campaign = sponsored
    login_as("sponsor", organisation=organisation)
    response = client.get(f"/organisations/{organisation.id}/report.pdf?lang=en")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert campaign.raised_satang == 160_000  # ฿800 given and ฿800 matched
    assert "Pledged" in text and "฿1,000.00" in text
    assert "Used" in text and "฿800.00" in text
    assert "Left" in text and "฿200.00" in text
    assert "฿1,600.00" in text  # the campaign raised, with the match
    assert "สมชาย" not in text
    disposition = response.headers["Content-Disposition"]
    assert 'filename="sponsor-report-thai-match-pcl-en.pdf"' in disposition
    assert "บริษัท ไทยสมทบ" in unquote(disposition)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert font_families(response.data) == {"Sarabun"}


def test_the_sponsor_page_in_thai(client, login_as, sponsored):
    organisation, _ = sponsored
    login_as("sponsor", organisation=organisation)
    html = page_text(client.get(f"/organisations/{organisation.id}/report"))
    assert "รายงานผู้สนับสนุน: บริษัท ไทยสมทบ จำกัด (มหาชน)" in html
    assert "฿800.00" in html and "฿200.00" in html and "฿1,600.00" in html
    assert "สมชาย" not in html


def test_the_thai_sponsor_report_breaks_lines_between_words(client, login_as, sponsored):
    organisation, campaign = sponsored
    campaign.school.name_th = LONG_SCHOOL
    db.session.commit()
    login_as("staff")
    body = client.get(f"/organisations/{organisation.id}/report.pdf?lang=th").data
    lines = drawn_lines(body)
    assert assert_breaks_between_words(lines, LONG_SCHOOL) > 1
    assert assert_breaks_between_words(lines, "ยอดสมทบเข้าแคมเปญ") == 1
    assert font_families(body) == {"Sarabun"}


@pytest.mark.parametrize(
    ("role", "page", "pdf"),
    [
        ("anonymous", 302, 302),
        ("donor", 403, 403),
        ("school", 403, 403),
        ("other sponsor", 403, 403),
        ("sponsor", 200, 200),
        ("staff", 200, 200),
    ],
)
def test_who_may_open_the_sponsor_report(client, login_as, make_org, role, page, pdf):
    organisation = make_org()
    if role == "sponsor":
        login_as("sponsor", organisation=organisation)
    elif role == "other sponsor":
        login_as("sponsor")
    elif role != "anonymous":
        login_as(role)
    assert client.get(f"/organisations/{organisation.id}/report").status_code == page
    assert client.get(f"/organisations/{organisation.id}/report.pdf").status_code == pdf


@pytest.mark.parametrize("role", ["anonymous", "donor", "sponsor", "staff"])
def test_the_programme_report_is_public(client, login_as, make_campaign, role):
    programme = make_campaign().programme
    if role != "anonymous":
        login_as(role)
    assert client.get(f"/programmes/{programme.id}/report").status_code == 200
    assert client.get(f"/programmes/{programme.id}/report.pdf").status_code == 200


def test_a_draft_programmes_report_is_for_staff(client, login_as, make_campaign):
    from partnership.programmes.models import ProgrammeState

    programme = make_campaign().programme
    programme.state = ProgrammeState.DRAFT
    db.session.commit()
    assert client.get(f"/programmes/{programme.id}/report").status_code == 302
    login_as("donor")
    assert client.get(f"/programmes/{programme.id}/report.pdf").status_code == 403


def _queries(client, path: str) -> int:
    with counted_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_reports_query_count_does_not_grow_with_campaigns(
    client, login_as, make_campaign, make_org, make_pledge, give, hooked
):
    organisation = make_org()

    def matched(campaign):
        make_pledge(campaign, organisation=organisation)
        hooked.pay(give(campaign)[1])

    first = make_campaign()
    matched(first)
    login_as("sponsor", organisation=organisation)
    programme = f"/programmes/{first.programme_id}/report"
    sponsor = f"/organisations/{organisation.id}/report"
    before = (_queries(client, programme), _queries(client, programme + ".pdf"),
              _queries(client, sponsor), _queries(client, sponsor + ".pdf"))  # fmt: skip
    for _ in range(3):
        other = make_campaign()
        other.programme_id = first.programme_id
        db.session.flush()
        rebuild()
        db.session.commit()
        matched(other)
    assert len(report_data.sponsor_report(organisation).campaigns) == 4
    after = (_queries(client, programme), _queries(client, programme + ".pdf"),
             _queries(client, sponsor), _queries(client, sponsor + ".pdf"))  # fmt: skip
    assert after == before

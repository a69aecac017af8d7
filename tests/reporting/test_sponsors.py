"""The sponsors' pages (/figures/sponsors and a sponsor's): what each matched (pools' cap less
remaining, per campaign its draws less what went back), its partner schools, its campaigns'
delivery; suppliers never appear, donors are never named; a fixed query count; the exports."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from partnership.devices.services import count_devices
from partnership.extensions import db
from partnership.matching.draws import give_back
from partnership.matching.models import MatchDraw, PledgeState
from partnership.matching.pledges import decide
from partnership.registry.models import OrganisationKind, PartnershipRole
from tests.crowd import build_campaign, counted_queries
from tests.paid_gifts import gift
from tests.reporting.pages import row_cells, shown

DONOR = "สมหญิง ผู้ใจบุญ"


@pytest.fixture()
def sponsored(make_school, make_org, make_partnership, make_pledge):
    """A company with a ฿1,000 pool on one campaign (1:1) and a ฿500 pool on a second that
    ended; gifts of ฿300 and ฿200 (anonymous) matched on the first, ฿50 of the first match
    given back (as a partial refund gives back pro rata), ฿100 matched on the second. It
    partners two schools (one more partnership ended). A supplier partners a school too, a
    district office gives a school government support, a foundation only asked to pledge.

    By hand: the first pool matched 300 + 200 − 50 = ฿450, the second ฿100: ฿550 of ฿1,500
    pledged, ฿950 left.
    """
    company = make_org(name="บริษัท ใจดี จำกัด", name_en="Jaidee Co., Ltd.")
    school_a, school_b, school_c = make_school(), make_school(province_code="50"), make_school()
    make_partnership(company, school_a)
    make_partnership(company, school_b)
    make_partnership(company, school_c, ended_on=date(2022, 1, 1))
    vendor = make_org(name="ร้านคอมพิวเตอร์", kind=OrganisationKind.VENDOR)
    make_partnership(vendor, school_a)
    office = make_org(name="สำนักงานเขตพื้นที่ทดสอบ", kind=OrganisationKind.GOVERNMENT)
    make_partnership(office, school_c, role=PartnershipRole.GOVERNMENT)
    first = build_campaign(school_a, title="โน้ตบุ๊กขอนแก่น")
    second = build_campaign(school_b, title="โน้ตบุ๊กเชียงใหม่")
    build_campaign(school_c, title="ไม่มีผู้สมทบ")
    pool = make_pledge(first, organisation=company, cap_satang=100_000)
    later = make_pledge(second, organisation=company, cap_satang=50_000)
    make_pledge(second, organisation=make_org(name="มูลนิธิรออนุมัติ"), state=PledgeState.PENDING)
    gift(first, name=DONOR, amount_satang=30_000)
    gift(first, name=DONOR, amount_satang=20_000, anonymous=True)
    gift(second, name=DONOR, amount_satang=10_000)
    draw = db.session.scalars(
        sa.select(MatchDraw).where(MatchDraw.pledge_id == pool.id).order_by(MatchDraw.id)
    ).first()
    give_back(draw, 5_000, ":test-refund")
    count_devices(first.id, recorded=4, confirmed=1)
    db.session.commit()
    decide(later, PledgeState.ENDED)
    db.session.commit()
    return company, vendor, first, second, office


def test_the_sponsors_table_equals_the_sums_by_hand(client, sponsored):
    company, vendor, _, _, office = sponsored
    response = client.get("/figures/sponsors")
    assert shown(response, "fig-matched") == "฿550.00"
    assert shown(response, "fig-pledged") == "฿1,500.00"
    rows = row_cells(response, "sponsor-table")
    assert rows[0] == ["บริษัท ใจดี จำกัด", "฿550.00", "฿1,500.00", "2", "2"]
    names = [row[0] for row in rows]
    assert "ร้านคอมพิวเตอร์" not in response.text  # a supplier never appears
    assert "มูลนิธิรออนุมัติ" not in names  # a pending pledge is not a sponsor yet
    assert DONOR not in response.text
    assert "สำนักงานเขตพื้นที่ทดสอบ" not in names  # a government partner is not a sponsor
    assert client.get(f"/figures/sponsors/{vendor.id}").status_code == 404
    assert client.get(f"/figures/sponsors/{office.id}").status_code == 404


def test_a_sponsors_page_equals_the_sums_by_hand(client, sponsored):
    company, _, first, second, _ = sponsored
    response = client.get(f"/figures/sponsors/{company.id}")
    assert shown(response, "fig-matched") == "฿550.00"
    assert shown(response, "fig-left") == "฿950.00"
    assert shown(response, "fig-campaigns") == "2"
    assert shown(response, "fig-schools") == "2"
    assert shown(response, "fig-devices") == "4"
    assert shown(response, "fig-confirmed") == "1"
    campaigns = {row[0].split(" ")[0]: row[1:] for row in row_cells(response, "sponsor-campaigns")}
    # Raised: gifts and the matches they drew (฿300 + ฿200 + ฿450 matched; ฿100 + ฿100).
    assert campaigns["โน้ตบุ๊กขอนแก่น"] == ["฿450.00", "฿950.00", "฿0.00", "4", "1", "0 จาก 0"]
    assert campaigns["โน้ตบุ๊กเชียงใหม่"] == ["฿100.00", "฿200.00", "฿0.00", "0", "0", "0 จาก 0"]
    assert "ไม่มีผู้สมทบ" not in response.text
    assert DONOR not in response.text and "donor@example.com" not in response.text
    pledges = row_cells(response, "sponsor-pledges")
    assert [row[2:4] for row in pledges] == [["฿500.00", "฿100.00"], ["฿1,000.00", "฿450.00"]]


@pytest.mark.parametrize("path", ["/figures/sponsors/999999", "/figures/sponsors/abc",
                                  "/figures/sponsors/999999/campaigns.csv",
                                  "/figures/sponsors.pdf"])  # fmt: skip
def test_an_unknown_sponsor_is_not_found(client, app, path):
    assert client.get(path).status_code == 404


def test_the_query_count_does_not_grow(client, sponsored, make_org, make_pledge, make_school):
    company, _, first, _, _ = sponsored
    client.get(f"/figures/sponsors/{company.id}")
    with counted_queries() as few_one:
        client.get(f"/figures/sponsors/{company.id}")
    with counted_queries() as few_all:
        client.get("/figures/sponsors")
    for n in range(3):
        campaign = build_campaign(make_school(), title=f"เพิ่ม {n}")
        make_pledge(campaign, organisation=company, cap_satang=10_000)
        make_pledge(campaign, organisation=make_org(), cap_satang=10_000)
        gift(campaign, amount_satang=5_000)
    with counted_queries() as many_one:
        one = client.get(f"/figures/sponsors/{company.id}")
    with counted_queries() as many_all:
        listing = client.get("/figures/sponsors")
    assert len(row_cells(one, "sponsor-campaigns")) == 5
    assert len(row_cells(listing, "sponsor-table")) == 4
    assert (len(many_one), len(many_all)) == (len(few_one), len(few_all))


def test_the_tables_download_escaped(client, sponsored):
    company, _, first, _, _ = sponsored
    company.name = "=cmd|' /C calc'!A0"
    first.title = "@SUM(1+1)"
    db.session.commit()
    text = client.get("/figures/sponsors.csv").get_data(as_text=True).lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[1] == ["'=cmd|' /C calc'!A0", "550.00", "1500.00", "2", "2"]
    text = client.get(f"/figures/sponsors/{company.id}/campaigns.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    titles = {line[0]: line for line in lines[1:]}
    assert titles["'@SUM(1+1)"][4:9] == ["450.00", "950.00", "0.00", "4", "1"]
    book = client.get(f"/figures/sponsors/{company.id}/campaigns.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert "'@SUM(1+1)" in [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    book = client.get("/figures/sponsors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert next(sheet.iter_rows(min_row=2, values_only=True))[0] == "'=cmd|' /C calc'!A0"


def test_the_pledges_and_schools_download_as_on_the_page(client, sponsored):
    company, _, first, second, _ = sponsored
    page = client.get(f"/figures/sponsors/{company.id}")
    text = client.get(f"/figures/sponsors/{company.id}/pledges.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    # newest first, as the page: for, ratio, pledged, matched, left, state
    shown = row_cells(page, "sponsor-pledges")
    assert [line[1:6] for line in lines[1:]] == [
        ["โน้ตบุ๊กเชียงใหม่", "1:1", "500.00", "100.00", "400.00"],
        ["โน้ตบุ๊กขอนแก่น", "1:1", "1000.00", "450.00", "550.00"],
    ]
    assert [row[0].split(": ")[1] for row in shown] == ["โน้ตบุ๊กเชียงใหม่", "โน้ตบุ๊กขอนแก่น"]
    assert [line[6] for line in lines[1:]] == [row[4] for row in shown]
    book = client.get(f"/figures/sponsors/{company.id}/pledges.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert [row[3:6] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (500, 100, 400),
        (1000, 450, 550),
    ]
    text = client.get(f"/figures/sponsors/{company.id}/schools.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    schools = [first.school, second.school]  # the ended partnership is not listed
    assert [line[:2] for line in lines[1:]] == [[s.name_th, s.code] for s in schools]
    html = page.get_data(as_text=True)
    assert all(s.name_th in html for s in schools)
    book = client.get(f"/figures/sponsors/{company.id}/schools.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        s.name_th for s in schools
    ]
    for path in ("pledges", "schools"):
        assert f'href="/figures/sponsors/{company.id}/{path}.csv"' in html
        assert DONOR not in client.get(f"/figures/sponsors/{company.id}/{path}.csv").text

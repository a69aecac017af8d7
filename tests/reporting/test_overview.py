"""The public overview (/figures): every figure equals the sum worked out by hand on the known
dataset (refunds, a reversed disbursement, a voided offline gift, matched money), the period
and programme selectors, bad query strings, a fixed query count, the exports and the cache."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.campaigns.services import launch
from partnership.db_types import utcnow
from partnership.devices.services import count_devices
from partnership.extensions import db
from partnership.ledger.models import LedgerKind
from partnership.programmes.models import Programme
from partnership.reporting import figures
from partnership.reporting.periods import YearKind, year_of
from tests.crowd import build_campaign, counted_queries
from tests.reporting.pages import row_cells, shown
from tests.reporting.test_figures import (
    known,  # noqa: F401 (the fixture)
    money,
)


@pytest.fixture()
def dataset(known):  # noqa: F811
    """The known dataset, with 3 devices delivered to Khon Kaen and 2 of them confirmed."""
    khon_kaen, chiang_mai = known
    count_devices(khon_kaen.id, recorded=3, confirmed=2)
    db.session.commit()
    return khon_kaen, chiang_mai


#: The known dataset by hand: Khon Kaen raised ฿650 (online 500, matched 150), spent ฿300;
#: Chiang Mai raised ฿2,700 (online 2,000, offline 700), funded; one donation each.
ALL_TIME = {
    "fig-raised": "฿3,350.00",
    "fig-spent": "฿300.00",
    "fig-balance": "฿3,050.00",
    "fig-online": "฿2,500.00",
    "fig-matched": "฿150.00",
    "fig-offline": "฿700.00",
    "fig-donations": "2",
    "fig-schools": "3",  # network members: Khon Kaen's two and Chiang Mai's
    "fig-funded": "1",
    "fig-pupils": "120",  # Chiang Mai's school in its newest year
    # grades 4–6 in 2025: Chiang Mai's 60 (funded) of 30 + 60 in the network schools
    "fig-p4-reached": "60",
    "fig-p4-share": "66.7%",
    "fig-devices": "3",
    "fig-confirmed": "2",
    "fig-campaigns": "2",  # the draft does not count
    "fig-live": "2",
}


def figures_of(response) -> dict[str, str]:
    return {key: shown(response, key) for key in ALL_TIME}


def test_every_figure_equals_the_sum_worked_out_by_hand(client, dataset):
    response = client.get("/figures")
    assert figures_of(response) == ALL_TIME
    rows = [row[1:] for row in row_cells(response, "programme-table")]
    # Each test campaign has its own programme (the same name): one row each, newest first.
    assert rows == [
        ["1", "฿2,700.00", "฿0.00", "฿0.00", "฿2,700.00", "1", "0"],
        ["1", "฿650.00", "฿150.00", "฿300.00", "฿350.00", "0", "3"],
    ]
    assert 'href="/figures/provinces"' in response.text
    assert 'href="/figures/sponsors"' in response.text
    assert "<svg" in response.text and 'id="programme-chart"' in response.text


def test_a_programme_counts_only_its_campaigns(client, dataset):
    khon_kaen, _ = dataset
    response = client.get(f"/figures?programme={khon_kaen.programme_id}")
    assert shown(response, "fig-raised") == "฿650.00"
    assert shown(response, "fig-spent") == "฿300.00"
    assert shown(response, "fig-devices") == "3"
    assert shown(response, "fig-funded") == "0"
    assert shown(response, "fig-live") == "1"
    assert shown(response, "fig-pupils") == "0"
    assert shown(response, "fig-p4-reached") == "0"
    assert shown(response, "fig-p4-share") == "0.0%"


def test_a_campaign_of_last_fiscal_year_is_not_counted_this_year(client, dataset, make_school):
    # A campaign that opened to gifts 400 days ago (set before its launch, which files it).
    old = build_campaign(make_school(), state="draft", title="ปีที่แล้ว")
    last_year_start = utcnow() - timedelta(days=400)
    db.session.execute(
        sa.update(Campaign).where(Campaign.id == old.id).values(starts_at=last_year_start)
    )
    db.session.commit()
    db.session.expire_all()
    launch(db.session.get(Campaign, old.id), None)
    db.session.commit()
    money(old, LedgerKind.DONATION_PAID, 1_000_000)
    db.session.commit()
    this_year = year_of(YearKind.FISCAL, utcnow())
    assert shown(client.get("/figures"), "fig-raised") == "฿13,350.00"
    now = client.get(f"/figures?year_kind=fiscal&year={this_year}")
    assert shown(now, "fig-raised") == "฿3,350.00"
    assert shown(now, "fig-campaigns") == "2"
    last_year = year_of(YearKind.FISCAL, last_year_start)
    before = client.get(f"/figures?year_kind=fiscal&year={last_year}")
    assert shown(before, "fig-raised") == "฿10,000.00"
    assert shown(before, "fig-campaigns") == "1"
    # The by-programme table lists the programmes with a campaign in the period.
    assert [row[2] for row in row_cells(before, "programme-table")] == ["฿10,000.00"]
    assert len(row_cells(now, "programme-table")) == 2


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year_kind=fiscal&year=abc",
        "year_kind=nonsense&year=2569",
        "year_kind=academic&year=1999",
        "year_kind=fiscal&year=99999999999999999999999",
        "programme=999999",
        "programme=abc",
        "programme=-1&year_kind=&year=",
    ],
)
def test_a_bad_query_string_shows_all_time(client, dataset, query):
    response = client.get(f"/figures?{query}")
    assert response.status_code == 200
    assert figures_of(response) == ALL_TIME


def test_the_query_count_does_not_grow_with_campaigns_or_programmes(client, known, make_school):  # noqa: F811
    client.get("/figures")
    with counted_queries() as few:
        client.get("/figures")
    for _ in range(4):
        build_campaign(make_school(province_code="10"))
    with counted_queries() as many:
        response = client.get("/figures")
    assert len(row_cells(response, "programme-table")) == 6
    assert len(many) == len(few)


def test_the_by_programme_table_downloads_escaped(client, dataset):
    khon_kaen, _ = dataset
    db.session.execute(
        sa.update(Programme)
        .where(Programme.id == khon_kaen.programme_id)
        .values(name_th='=HYPERLINK("http://evil.example/","x")')
    )
    db.session.commit()
    response = client.get("/figures/programmes.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    rows = {line[0]: line[1:] for line in lines[1:]}
    assert rows["'=HYPERLINK(\"http://evil.example/\",\"x\")"][:7] == [
        "1", "650.00", "500.00", "150.00", "0.00", "300.00", "350.00"
    ]  # fmt: skip
    workbook = client.get("/figures/programmes.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example/","x")' in names
    assert client.get("/figures/programmes.pdf").status_code == 404


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_key_figures_download_holds_the_pages_figures(client, dataset):
    khon_kaen, _ = dataset
    page = client.get("/figures")
    header, row = _csv(client.get("/figures/key-figures.csv"))
    assert len(header) == len(row) == 19
    # the page's figures (฿ and thousands separators aside), after the period and programme
    assert row[2:] == [
        "2", "3350.00", "2500.00", "150.00", "700.00", "300.00", "3050.00", "1", "3", "2",
        "2", "3", "120", "60", "90", "66.67", "2",
    ]  # fmt: skip
    for key in ("fig-raised", "fig-spent", "fig-balance", "fig-online", "fig-offline"):
        assert shown(page, key).lstrip("฿").replace(",", "") in row
    book = openpyxl.load_workbook(io.BytesIO(client.get("/figures/key-figures.xlsx").data))
    values = list(book.active.iter_rows(min_row=2, values_only=True))
    assert len(values) == 1 and values[0][2:] == (
        2, 3350, 2500, 150, 700, 300, 3050, 1, 3, 2, 2, 3, 120, 60, 90, 66.67, 2,
    )  # fmt: skip
    # a programme's: its money and its reach, the network's enrolled
    path = f"/figures/key-figures.csv?programme={khon_kaen.programme_id}"
    _, row = _csv(client.get(path))
    assert row[3] == "650.00" and row[-4:] == ["0", "90", "0.00", "1"]
    assert 'href="/figures/key-figures.csv"' in page.text


def test_the_page_is_kept_for_visitors_until_money_moves(client, app, dataset, monkeypatch):
    khon_kaen, _ = dataset
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    assert shown(client.get("/figures"), "fig-raised") == "฿3,350.00"
    with counted_queries() as kept:
        client.get("/figures")
    assert len(kept) == 1  # only figures.version()
    money(khon_kaen, LedgerKind.DONATION_PAID, 10_000)
    db.session.commit()
    assert shown(client.get("/figures"), "fig-raised") == "฿3,450.00"


def test_the_english_page(client, dataset):
    client.post("/language", data={"lang": "en"})
    response = client.get("/figures?year_kind=academic&year=2569")
    assert "Where the money went" in response.text


def test_live_campaigns_counts_those_taking_gifts_in_one_query(app, make_school):
    for state in ("live", "funded", "ended", "closed", "draft"):
        build_campaign(make_school(), state=state)
    with counted_queries() as queries:
        assert figures.live_campaigns() == 2
    assert len(queries) == 1

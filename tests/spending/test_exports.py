"""Disbursements as CSV and Excel: staff's file (every role shut out but staff, the filters,
hostile filters 400), the public file of "What the money bought" (no tax id, no invoice key),
formula escaping, one row per line, and a query count that does not grow with the rows."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from partnership.extensions import db
from tests.crowd import counted_queries
from tests.spending.test_permissions import world  # noqa: F401  (the fixture)

ROLES = ["visitor", "donor", "school", "other_school", "sponsor", "committee", "staff"]
EVIL = '=HYPERLINK("http://evil.example/","Click")'


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def sheet_of(response) -> list[tuple]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    return list(book.active.iter_rows(values_only=True))


def _shut_out(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403) or (
        response.status_code == 302 and "/login" in location
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_export_for_every_role(client, act_as, world, role):  # noqa: F811
    act_as(world["users"][role])
    c = world["campaign"].id
    for fmt in ("csv", "xlsx"):
        staff = client.get(f"/staff/spending/disbursements.{fmt}")
        if role == "staff":
            assert staff.status_code == 200
            assert "no-store" in staff.headers["Cache-Control"]
        else:
            assert _shut_out(staff), (role, staff.status_code)
        public = client.get(f"/campaigns/{c}/disbursements.{fmt}")
        assert public.status_code == 200, (role, fmt)


def test_the_staff_file_has_one_row_per_line_and_the_tax_id(
    client, login, two_staff, funded_campaign, make_disbursement
):
    campaign = funded_campaign()
    paid = make_disbursement(campaign, state="paid", lines=((0, 2, 1_500_000), (1, 3, 50_000)))
    login(two_staff[0])
    rows = rows_of(client.get("/staff/spending/disbursements.csv"))
    head, body = rows[0], rows[1:]
    assert head[:3] == ["Disbursement", "Campaign number", "Campaign"]
    assert len(body) == 2
    line = dict(zip(head, body[0], strict=True))
    assert line["Disbursement"] == str(paid.id)
    assert line["Payee tax id"] == "0105551234567"
    assert line["Paid to"] == "ร้านทดสอบ"
    assert line["State"] == "Paid"
    assert line["What was bought"] == "โน้ตบุ๊ก"
    assert (line["Quantity"], line["Unit price (baht)"]) == ("2", "15000.00")
    assert line["Line amount (baht)"] == "30000.00"
    assert line["Disbursement amount (baht)"] == "31500.00"
    assert line["Submitted by"] == "เจ้าหน้าที่หนึ่ง" and line["Approved by"] == "เจ้าหน้าที่สอง"
    assert line["Paid out by"] == "เจ้าหน้าที่สอง" and line["Paid at"]
    second = dict(zip(head, body[1], strict=True))
    assert (second["What was bought"], second["Line amount (baht)"]) == ("กระเป๋าโน้ตบุ๊ก", "1500.00")
    # Excel: money is a number, the same rows
    sheet = sheet_of(client.get("/staff/spending/disbursements.xlsx"))
    assert len(sheet) == 3
    amount = sheet[1][head.index("Line amount (baht)")]
    assert amount == 30000 and not isinstance(amount, str)


def test_the_staff_file_follows_the_filters(
    client, login, two_staff, funded_campaign, make_disbursement
):
    one, other = funded_campaign(), funded_campaign()
    paid = make_disbursement(one, state="paid", lines=((1, 1, 100),))
    draft = make_disbursement(other, state="draft", lines=((1, 1, 100),))
    login(two_staff[0])

    def ids(query: str) -> set[str]:
        return {r[0] for r in rows_of(client.get(f"/staff/spending/disbursements.csv?{query}"))[1:]}

    assert ids("") == {str(paid.id), str(draft.id)}
    assert ids("state=paid") == {str(paid.id)}
    assert ids(f"campaign={other.id}") == {str(draft.id)}
    assert ids(f"programme={one.programme_id}") == {str(paid.id)}
    today = paid.paid_on.isoformat()
    assert ids(f"paid_from={today}&paid_to={today}") == {str(paid.id), str(draft.id)}
    assert ids("paid_from=2199-01-01") == set()
    # the page links the file with the same filters
    page = client.get("/staff/spending/?state=paid").get_data(as_text=True)
    assert "/staff/spending/disbursements.csv?state=paid" in page


@pytest.mark.parametrize(
    "query",
    ["state=bogus", "campaign=abc", "campaign=99999999999", "programme=-1",
     "paid_from=yesterday", "paid_to=0001-01-01", "campaign=%00"],
)  # fmt: skip
def test_hostile_filters_are_refused_not_a_crash(client, login, two_staff, query):
    login(two_staff[0])
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/staff/spending/disbursements.{fmt}?{query}").status_code == 400
    assert client.get(f"/staff/spending/?{query}").status_code == 200


def test_a_payee_named_as_a_formula_is_escaped_in_both_files(
    client, login, two_staff, funded_campaign, make_disbursement
):
    campaign = funded_campaign()
    paid = make_disbursement(campaign, state="paid", lines=((1, 1, 100),))
    paid.payee_name = EVIL
    db.session.commit()
    login(two_staff[0])
    for url in (f"/campaigns/{campaign.id}/disbursements", "/staff/spending/disbursements"):
        rows = rows_of(client.get(url + ".csv"))
        head = rows[0]
        assert rows[1][head.index("Paid to")] == "'" + EVIL
        sheet = sheet_of(client.get(url + ".xlsx"))
        assert sheet[1][head.index("Paid to")] == "'" + EVIL


def test_the_public_file_shows_what_the_page_shows(client, funded_campaign, make_disbursement):
    campaign = funded_campaign()
    paid = make_disbursement(campaign, state="paid", lines=((0, 1, 1_500_000),))
    reversed_ = make_disbursement(campaign, state="reversed", lines=((1, 2, 50_000),))
    make_disbursement(campaign, state="approved", lines=((1, 1, 100),))
    make_disbursement(campaign, state="draft", lines=((1, 1, 100),))
    response = client.get(f"/campaigns/{campaign.id}/disbursements.csv")
    assert response.headers["Content-Disposition"].endswith(
        f'filename="campaign-{campaign.id}-disbursements.csv"'
    )
    rows = rows_of(response)
    head, body = rows[0], rows[1:]
    text = response.get_data(as_text=True)
    assert "0105551234567" not in text and "tax" not in " ".join(head).lower()
    assert "invoice_key" not in text and paid.invoice_key not in text
    assert [(r[0], r[head.index("State")]) for r in body] == [
        (str(paid.id), "Paid"),
        (str(reversed_.id), "Reversed"),
    ]
    assert body[1][head.index("Reversed because")] == "ราคาผิด"
    # linked from the campaign page's "What the money bought"
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"/campaigns/{campaign.id}/disbursements.csv" in page
    assert f"/campaigns/{campaign.id}/disbursements.xlsx" in page


def test_a_draft_campaign_has_no_public_file(client, make_school):
    from tests.crowd import build_campaign

    draft = build_campaign(make_school(), state="draft")
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/campaigns/{draft.id}/disbursements.{fmt}").status_code == 404
    assert client.get("/campaigns/99999999/disbursements.csv").status_code == 404


def _count(client, url) -> int:
    with counted_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_files_take_as_many_queries_for_many_rows(
    client, login, two_staff, funded_campaign, make_disbursement
):
    campaign = funded_campaign(extra_satang=10_000_000)
    make_disbursement(campaign, state="paid", lines=((1, 1, 100),))
    login(two_staff[0])
    urls = [
        f"/campaigns/{campaign.id}/disbursements.csv",
        f"/campaigns/{campaign.id}/disbursements.xlsx",
        "/staff/spending/disbursements.csv",
        "/staff/spending/disbursements.xlsx",
    ]
    [_count(client, url) for url in urls]  # the first request loads what is cached
    few = [_count(client, url) for url in urls]
    for _ in range(4):
        make_disbursement(campaign, state="reversed", lines=((0, 1, 100), (1, 2, 100)))
    assert [_count(client, url) for url in urls] == few

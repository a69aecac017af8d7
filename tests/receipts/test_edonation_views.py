"""The staff's monthly e-Donation worklist, its marks, its file (columns from the settings,
a worksheet until checked), the overdue warning, and nobody but staff."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership import create_app
from partnership.config import ConfigError
from partnership.extensions import db
from partnership.i18n import BUDDHIST_ERA_OFFSET
from partnership.receipts import edonation
from partnership.receipts.exports import WORKSHEET_TITLE, split_name
from partnership.receipts.models import EDonationRecord, TaxExport
from partnership.receipts.models import EDonationState as S
from partnership.receipts.numbering import receipt_for
from tests.crowd import reload

from .conftest import GOOD_ID, TAX_FIELDS

ROLES = ("anonymous", "donor", "school", "sponsor", "staff")


def month_of(record) -> str:
    return f"{record.opened_on:%Y-%m}"


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture()
def taxed(paid):
    """taxed(amount) -> the e-Donation record of a gift paid with tax details."""

    def make(amount="1000", **fields):
        donation, _ = paid(custom_amount=amount, **(TAX_FIELDS | fields))
        return edonation.record_for(donation.id)

    return make


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_see_mark_and_export(taxed, client, login_as, role):
    record = taxed()
    if role != "anonymous":
        login_as(role)
    month = month_of(record)
    page = client.get(f"/staff/e-donation/?month={month}")
    marked = client.post(
        "/staff/e-donation/mark",
        data={"records": [record.id], "action": "recorded", "reference": "RD-1", "month": month},
    )
    download = client.post("/staff/e-donation/export", data={"month": month})
    home = client.get("/staff")
    statuses = {page.status_code, download.status_code, home.status_code}
    if role == "staff":
        assert statuses == {200} and marked.status_code == 303
        assert reload(record).state == S.RECORDED
        return
    expected = 302 if role == "anonymous" else 403
    assert statuses | {marked.status_code} == {expected}
    assert reload(record).state == S.DUE
    assert GOOD_ID not in download.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(TaxExport.id))) == 0


def test_the_worklist_lists_the_month_by_section_with_masked_ids(taxed, hooked, client, login_as):
    new = taxed("500")
    recorded = taxed("1000")
    staff = login_as("staff")
    edonation.mark(recorded, S.RECORDED, actor=staff, reference="RD-55")
    db.session.commit()
    hooked.refund(recorded.donation.checkout_session_id, amount=20_000)
    page = client.get(f"/staff/e-donation/?month={month_of(new)}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    new_section = text[text.index('id="edonation-new"') : text.index('id="edonation-amend"')]
    amend_section = text[text.index('id="edonation-amend"') : text.index('id="edonation-cancel"')]
    assert f'id="record-{new.id}"' in new_section and "badge-pending" in new_section
    assert f'id="record-{recorded.id}"' in amend_section and "badge-waitlisted" in amend_section
    assert "x-xxxx-xxxx0-12-1" in text and GOOD_ID not in text
    assert "฿800.00" in amend_section and "฿1,000.00" in amend_section  # kept, and on record
    assert 'id="edonation-overdue"' not in text


@pytest.mark.parametrize("month", ["2026-13", "abc", "99999-01", "2026-1", "0000-00"])
def test_a_wrong_month_shows_this_month_with_a_message(taxed, client, login_as, month):
    taxed()
    login_as("staff")
    page = client.get(f"/staff/e-donation/?month={month}")
    assert page.status_code == 200
    assert 'id="month-error"' in page.get_data(as_text=True)


def test_rows_are_marked_one_by_one_or_ticked_together(taxed, client, login_as):
    first, second, third = taxed("100"), taxed("200"), taxed("300")
    staff = login_as("staff")
    month = month_of(first)
    missing = client.post(
        "/staff/e-donation/mark",
        data={"records": [first.id], "action": "recorded", "reference": " ", "month": month},
    )
    assert missing.status_code == 303 and reload(first).state == S.DUE
    bulk = client.post(
        "/staff/e-donation/mark",
        data={"records": [first.id, second.id], "action": "recorded", "reference": "RD-B"},
    )
    assert bulk.status_code == 303
    again = client.post(
        "/staff/e-donation/mark",
        data={"records": [second.id, third.id], "action": "recorded", "reference": "RD-C"},
    )
    assert again.status_code == 303
    states = [(reload(r).state, reload(r).rd_reference) for r in (first, second, third)]
    assert states == [(S.RECORDED, "RD-B"), (S.RECORDED, "RD-B"), (S.RECORDED, "RD-C")]
    assert reload(first).recorded_by_id == staff.id
    bad = client.post("/staff/e-donation/mark", data={"records": ["x"], "action": "recorded"})
    assert bad.status_code == 303
    wrong = client.post("/staff/e-donation/mark", data={"records": [first.id], "action": "due"})
    assert wrong.status_code == 303 and reload(first).state == S.RECORDED


def test_overdue_records_warn_on_the_worklist_and_the_staff_home(taxed, client, login_as):
    record = taxed()
    login_as("staff")
    assert '<p class="stat-value">0</p>' in client.get("/staff").get_data(as_text=True)
    db.session.execute(
        sa.update(EDonationRecord).values(due_on=edonation.bangkok_today() - timedelta(days=1))
    )
    db.session.commit()
    home = client.get("/staff").get_data(as_text=True)
    card = home[home.index('id="edonation-card"') :]
    assert '<p class="stat-value">1</p>' in card
    page = client.get("/staff/e-donation/?month=2020-01").get_data(as_text=True)
    assert 'id="edonation-overdue"' in page and f"month={month_of(record)}" in page


def test_the_file_follows_the_column_mapping_and_is_recorded(
    taxed, hooked, client, login_as, app, monkeypatch
):
    columns = ("title", "first_name", "surname", "date_be", "amount_baht", "tax_id", "action")
    monkeypatch.setitem(app.config, "EDONATION_COLUMNS", columns)
    new = taxed("1234.50")
    done = taxed("300")
    refunded = taxed("800")
    staff = login_as("staff")
    edonation.mark(done, S.RECORDED, actor=staff, reference="RD-1")
    edonation.mark(refunded, S.RECORDED, actor=staff, reference="RD-2")
    db.session.commit()
    hooked.refund(refunded.donation.checkout_session_id)
    month = month_of(new)
    response = client.post("/staff/e-donation/export", data={"month": month})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    year_be = new.gift_on.year + BUDDHIST_ERA_OFFSET
    disposition = response.headers["Content-Disposition"]
    assert f"e-donation-{year_be}-{new.gift_on:%m}-worksheet.csv" in disposition
    rows = rows_of(response)
    assert rows[0] == [WORKSHEET_TITLE]
    assert rows[1] == list(columns)
    gift_be = f"{new.gift_on:%d/%m}/{year_be}"
    assert rows[2:] == [
        ["นาย", "สมชาย", "ใจดี", gift_be, "1234.50", GOOD_ID, "new"],
        ["นาย", "สมชาย", "ใจดี", gift_be, "800.00", GOOD_ID, "cancel"],
    ]  # the recorded ฿300 is not sent again
    [export] = db.session.scalars(sa.select(TaxExport)).all()
    assert (export.exported_by_id, export.year, export.month, export.row_count) == (
        staff.id, year_be, new.gift_on.month, 2,
    )  # fmt: skip

    monkeypatch.setitem(app.config, "EDONATION_MAPPING_CHECKED", True)
    monkeypatch.setitem(app.config, "EDONATION_COLUMNS", ("receipt_no", "date_iso", "reference"))
    checked = client.post("/staff/e-donation/export", data={"month": month})
    assert "worksheet" not in checked.headers["Content-Disposition"]
    rows = rows_of(checked)
    assert rows[0] == ["receipt_no", "date_iso", "reference"]
    assert rows[1] == [receipt_for(new.donation_id).label, new.gift_on.isoformat(), ""]
    assert rows[2][2] == "RD-2"
    page = client.get("/staff/receipts").get_data(as_text=True)
    assert f"<td>{year_be}/{new.gift_on:%m}</td>" in page


@pytest.mark.parametrize("month", ["", "2026-13", "x"])
def test_a_wrong_month_exports_nothing(taxed, client, login_as, month):
    taxed()
    login_as("staff")
    response = client.post("/staff/e-donation/export", data={"month": month})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(TaxExport.id))) == 0


def test_export_cells_cannot_run_as_formulas(taxed, client, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "EDONATION_COLUMNS", ("full_name",))
    record = taxed(tax_full_name='=HYPERLINK("http://x")')
    login_as("staff")
    response = client.post("/staff/e-donation/export", data={"month": month_of(record)})
    assert rows_of(response)[2] == ['\'=HYPERLINK("http://x")']


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("นายสมชาย ใจดี", ("นาย", "สมชาย", "ใจดี")),
        ("นางสาว วราภรณ์  ศรีสุข", ("นางสาว", "วราภรณ์", "ศรีสุข")),
        ("นางมาลี มีสุข", ("นาง", "มาลี", "มีสุข")),
        ("Mr. John Smith Jr", ("Mr.", "John", "Smith Jr")),
        ("สมหญิง", ("", "สมหญิง", "")),
    ],
)
def test_names_are_split_for_the_template(name, parts):
    assert split_name(name) == parts


def test_an_unknown_column_stops_the_app(tmp_path):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
        "SECRET_KEY": "x",
        "EDONATION_COLUMNS": ("tax_id", "shoe_size"),
    }
    with pytest.raises(ConfigError, match="shoe_size"):
        create_app(config)


def test_simultaneous_marks_record_a_gift_once(taxed, make_user, app):
    """Six staff mark the same row at once (live server, threads): one move, one event, one
    reference; the others are told it was already marked."""
    from partnership.receipts.models import EDonationEvent
    from tests.live import all_at_once, live_server

    record = taxed()
    staff = [make_user(is_staff=True) for _ in range(6)]
    month = month_of(record)
    with live_server(app) as server:
        sessions = [server.session_for(user) for user in staff]
        url = f"{server.url}/staff/e-donation/mark"
        statuses = all_at_once(
            6,
            lambda i: sessions[i].post(
                url,
                data={"records": [record.id], "action": "recorded", "reference": f"RD-{i}",
                      "month": month},
                allow_redirects=False,
            ),
        )  # fmt: skip
    assert server.errors == [] and statuses == [303] * 6
    record = reload(record)
    marked = db.session.scalars(
        sa.select(EDonationEvent).where(
            EDonationEvent.record_id == record.id, EDonationEvent.to_state == S.RECORDED
        )
    ).all()
    assert len(marked) == 1
    assert record.rd_reference == marked[0].rd_reference
    assert record.recorded_by_id == marked[0].actor_id

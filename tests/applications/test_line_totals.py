"""A budget line's total has one definition: money.line_total_satang, on rows, in SQL, in forms."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.applications.forms import LineData
from partnership.applications.models import Application, BudgetLine
from partnership.money import line_total_satang

LINES = (("โน้ตบุ๊ก", 1_499_050, 3), ("กระเป๋า", 35_000, 20), ("ปลั๊กพ่วง", 45_075, 2))


def test_line_total_is_price_times_quantity_in_satang():
    assert line_total_satang(1_499_050, 3) == 4_497_150
    assert LineData("โน้ตบุ๊ก", 1_499_050, 3).total_satang == 4_497_150


def test_row_sql_and_requested_total_agree(db, make_programme, make_application):
    application = make_application(make_programme(), lines=LINES)
    expected = [line_total_satang(price, quantity) for _, price, quantity in LINES]
    assert [line.total_satang for line in application.budget_lines] == expected
    in_sql = db.session.scalars(
        sa.select(BudgetLine.total_satang)
        .where(BudgetLine.application_id == application.id)
        .order_by(BudgetLine.position)
    ).all()
    assert in_sql == expected
    db.session.expire_all()
    assert db.session.get(Application, application.id).requested_satang == sum(expected)

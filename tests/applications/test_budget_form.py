"""The proposal form: exact satang totals, the cap, bad numbers, rows without JavaScript."""

from __future__ import annotations

import pytest

from partnership.applications.models import Application, BudgetLine


def _form(**overrides) -> dict:
    data = {
        "title": "โน้ตบุ๊กเพื่อห้องเรียน ป.4–6",
        "summary": "โน้ตบุ๊กสำหรับนักเรียนและครู",
        "need": "เครื่องไม่พอ",
        "delivery_plan": "ครูรับมอบและดูแล",
        "teachers_benefiting": "3",
        "pupils-0": "18",
        "pupils-1": "16",
        "pupils-2": "",
        "budget-0-item": "คอมพิวเตอร์โน้ตบุ๊ก",
        "budget-0-unit_price": "14,990.50",
        "budget-0-quantity": "3",
        "budget-1-item": "",
        "budget-1-unit_price": "",
        "budget-1-quantity": "",
    }
    data.update(overrides)
    return data


def _counts(db) -> tuple[int, int]:
    return (
        db.session.scalar(db.select(db.func.count(Application.id))),
        db.session.scalar(db.select(db.func.count(BudgetLine.id))),
    )


@pytest.fixture()
def setup(client, make_programme, school_staff, login):
    programme = make_programme()
    user, school = school_staff(min_grade=0, max_grade=8)
    login(user)
    return programme, school


def test_new_form_offers_empty_rows_and_budget_table(client, setup):
    programme, school = setup
    page = client.get(f"/programmes/{programme.id}/apply?school={school.id}")
    assert page.status_code == 200
    assert "table data-budget" in page.text
    assert 'id="budget-4-unit_price"' in page.text  # five empty rows
    assert "data-unit-price" in page.text and "data-quantity" in page.text
    assert 'id="pupils-2"' in page.text  # ป.4, ป.5, ป.6


def test_totals_are_exact_in_satang(client, db, setup):
    programme, school = setup
    response = client.post(f"/programmes/{programme.id}/apply?school={school.id}", data=_form())
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert [
        (b.item, b.unit_price_satang, b.quantity, b.total_satang) for b in application.budget_lines
    ] == [("คอมพิวเตอร์โน้ตบุ๊ก", 1_499_050, 3, 4_497_150)]
    assert application.requested_satang == 4_497_150
    assert {b.grade: b.pupils for b in application.beneficiaries} == {6: 18, 7: 16}
    page = client.get(f"/applications/{application.id}")
    assert "฿44,971.50" in page.text


def test_several_lines_sum_exactly(client, db, setup):
    programme, school = setup
    data = _form(
        **{
            "budget-1-item": "กระเป๋า",
            "budget-1-unit_price": "0.10",
            "budget-1-quantity": "3",
            "budget-2-item": "ปลั๊ก",
            "budget-2-unit_price": "0.20",
            "budget-2-quantity": "1",
        }
    )
    client.post(f"/programmes/{programme.id}/apply?school={school.id}", data=data)
    application = db.session.scalar(db.select(Application))
    assert application.requested_satang == 4_497_150 + 30 + 20


def test_cap_is_enforced(client, db, setup):
    programme, school = setup  # cap ฿300,000
    response = client.post(
        f"/programmes/{programme.id}/apply?school={school.id}",
        data=_form(**{"budget-0-quantity": "21"}),  # 21 × 14,990.50 = 314,800.50
    )
    assert response.status_code == 200
    assert "more than the programme's cap" in response.text.replace("&#39;", "'")
    assert _counts(db) == (0, 0)
    # What was typed is kept.
    assert 'value="21"' in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_price", "0", "The price must be more than zero."),
        ("unit_price", "-14990.50", "The price must be more than zero."),
        ("unit_price", "abc", "Enter a price in baht"),
        ("unit_price", "14,990.505", "Enter a price in baht"),
        ("unit_price", "1e9", "Enter a price in baht"),
        ("unit_price", "10,000,000.01", "The price can be at most"),
        ("unit_price", "99999999999999", "The price can be at most"),
        ("unit_price", "NaN", "Enter a price in baht"),
        ("unit_price", "", "Enter the unit price."),
        ("quantity", "0", "Enter a whole number from 1 to 10,000."),
        ("quantity", "-3", "Enter a whole number from 1 to 10,000."),
        ("quantity", "1.5", "Enter a whole number from 1 to 10,000."),
        ("quantity", "abc", "Enter a whole number from 1 to 10,000."),
        ("quantity", "100001", "Enter a whole number from 1 to 10,000."),
        ("quantity", "๓", "Enter a whole number from 1 to 10,000."),
        ("quantity", "", "Enter the quantity."),
        ("item", "", "Describe the item."),
    ],
)
def test_bad_numbers_are_rejected_next_to_the_field(client, db, setup, field, value, message):
    programme, school = setup
    response = client.post(
        f"/programmes/{programme.id}/apply?school={school.id}",
        data=_form(**{f"budget-0-{field}": value}),
    )
    assert response.status_code == 200
    assert f'id="budget-0-{field}-error"' in response.text
    assert message in response.text.replace("&#39;", "'")
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("teachers_benefiting", "-1"),
        ("teachers_benefiting", "x"),
        ("pupils-0", "-5"),
        ("pupils-0", "99999"),
    ],
)
def test_bad_beneficiaries_rejected(client, db, setup, field, value):
    programme, school = setup
    response = client.post(
        f"/programmes/{programme.id}/apply?school={school.id}", data=_form(**{field: value})
    )
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.text
    assert _counts(db) == (0, 0)


def test_add_rows_rerenders_with_more_rows_and_saves_nothing(client, db, setup):
    programme, school = setup
    response = client.post(
        f"/programmes/{programme.id}/apply?school={school.id}", data=_form(add_rows="1")
    )
    assert response.status_code == 200
    assert 'id="budget-6-item"' in response.text
    assert 'value="14,990.50"' in response.text
    assert "฿44,971.50" in response.text  # server-side totals without JavaScript
    assert _counts(db) == (0, 0)


def test_edit_draft_updates_lines(client, db, setup, make_application):
    programme, school = setup
    application = make_application(programme, school)
    page = client.get(f"/applications/{application.id}/edit")
    assert 'value="14990.50"' in page.text
    response = client.post(
        f"/applications/{application.id}/edit",
        data=_form(
            **{
                "budget-0-quantity": "2",
                "budget-1-item": "ตู้ชาร์จ",
                "budget-1-unit_price": "18500",
                "budget-1-quantity": "1",
            }
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.requested_satang == 2 * 1_499_050 + 1_850_000
    assert [line.position for line in application.budget_lines] == [0, 1]

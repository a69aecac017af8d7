"""Baht amounts in satang, Thai dates in the Buddhist Era and Bangkok time, the language switch."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from partnership.accounts.models import User
from partnership.i18n import (
    academic_year_label,
    current_academic_year,
    format_date,
    format_datetime,
    to_bangkok,
)
from partnership.money import MoneyError, format_satang, parse_baht, satang_to_input


@pytest.mark.parametrize(
    "text, satang",
    [
        ("14,990.50", 1_499_050),
        ("฿1,000", 100_000),
        ("12", 1_200),
        ("0.5", 50),
        ("0.05", 5),
        (" 1,000,000.25 ", 100_000_025),
        ("1000 THB", 100_000),
        ("-20.10", -2_010),
        (15, 1_500),
    ],
)
def test_parse_baht(text, satang):
    assert parse_baht(text) == satang
    assert isinstance(parse_baht(text), int)


@pytest.mark.parametrize(
    "text",
    ["0.005", "abc", "", "   ", "1e3", "1e999999999", "NaN", "Infinity", "1,00", "12.3.4",
     "9" * 40, "฿", True],
)  # fmt: skip
def test_parse_baht_refuses(text):
    with pytest.raises(MoneyError):
        parse_baht(text)


@pytest.mark.parametrize(
    "satang, text",
    [
        (1_499_050, "฿14,990.50"),
        (0, "฿0.00"),
        (5, "฿0.05"),
        (100_000_000, "฿1,000,000.00"),
        (-2_010, "-฿20.10"),
        (-5, "-฿0.05"),
        (None, "—"),
    ],
)
def test_format_satang(satang, text):
    assert format_satang(satang) == text


def test_input_round_trip():
    for satang in (0, 5, 1_499_050, 100_000_025):
        assert parse_baht(satang_to_input(satang)) == satang
    assert satang_to_input(1_499_050) == "14990.50"


def test_thai_and_english_dates(app):
    assert format_date(date(2021, 6, 30), "th") == "30 มิ.ย. 2564"
    assert format_date(date(2021, 6, 30), "en") == "30 Jun 2021"
    assert format_date(None, "th") == "—"


def test_bangkok_day_boundary(app):
    evening_utc = datetime(2021, 6, 30, 17, 0, tzinfo=UTC)
    assert format_date(evening_utc, "th") == "1 ก.ค. 2564"
    assert format_date(datetime(2021, 6, 30, 16, 59, tzinfo=UTC), "th") == "30 มิ.ย. 2564"
    assert format_datetime(evening_utc, "th") == "1 ก.ค. 2564 00:00 น."
    assert format_datetime(evening_utc, "en") == "1 Jul 2021 00:00"
    # SQLite hands back naive values: they are UTC.
    assert to_bangkok(datetime(2021, 6, 30, 17, 0)).day == 1


def test_academic_year_starts_in_may(app):
    assert current_academic_year(date(2026, 4, 30)) == 2025
    assert current_academic_year(date(2026, 5, 1)) == 2026
    assert current_academic_year(date(2026, 12, 31)) == 2026
    assert academic_year_label(2025, "th") == "2568"
    assert academic_year_label(2025, "en") == "2025/26"
    assert academic_year_label(2099, "en") == "2099/00"


def test_language_switch_for_a_visitor(client):
    assert 'lang="th"' in client.get("/").text
    response = client.post("/language", data={"lang": "en"}, query_string={"next": "/schools"})
    assert response.status_code == 302 and response.location == "/schools"
    page = client.get("/schools")
    assert 'lang="en"' in page.text and "Schools" in page.text
    client.post("/language", data={"lang": "th"})
    assert 'lang="th"' in client.get("/").text
    client.post("/language", data={"lang": "fr"})
    assert 'lang="th"' in client.get("/").text


def test_language_switch_ignores_an_external_next(client):
    response = client.post("/language", data={"lang": "en"},
                           query_string={"next": "https://evil.example/"})  # fmt: skip
    assert response.location == "/"


def test_signed_in_choice_is_remembered_on_the_user(app, client, db, make_user, login):
    user = login(make_user())
    client.post("/language", data={"lang": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    elsewhere = app.test_client()  # another browser, no language in its session
    with elsewhere.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert 'lang="en"' in elsewhere.get("/").text
    assert 'lang="th"' in app.test_client().get("/").text  # an anonymous visitor still gets Thai


def test_the_baht_filter_makes_an_amount_one_unbroken_unit(app):
    from partnership.money import format_satang_html

    assert format_satang_html(30_000_000) == '<span class="amount">฿300,000.00</span>'
    assert format_satang_html(None) == '<span class="amount">—</span>'
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ _('Up to %(cap)s', cap=v|baht) }}")
        assert template.render(v=150) == 'Up to <span class="amount">฿1.50</span>'

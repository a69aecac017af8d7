"""Money out (issue 18, section 1): a payment to a supplier keeps the progress bar and lowers the
balance; a reversal gives it back; the campaign page, its ledger page and CSV show the same
raised, spent and balance; ``flask ledger verify`` catches a broken spent total, a broken
balance and a balance below zero; ``pay_out`` never pays more than the balance, also when two
race for the last baht."""

from __future__ import annotations

import csv
import io
import re
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.campaigns.services import NotEnoughMoney, below_zero, pay_out, record_money
from partnership.core.database import writing_transactions
from partnership.extensions import db
from partnership.ledger.models import LedgerEntry, LedgerKind
from partnership.ledger.services import totals_of, verify
from tests.crowd import counted_queries, page_text, reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)

pytestmark = pytest.mark.usefixtures("stripe_app")

SUPPLIER = "บริษัท ไอที ซัพพลาย จำกัด"


def paid_out(campaign, satang: int, n: int = 1) -> None:
    """A disbursement paid, as the spending feature pays it (committed)."""
    pay_out(campaign.id, amount_satang=satang, source=f"disbursement:{n}", public_label=SUPPLIER)
    db.session.commit()


def reversed_out(campaign, satang: int, n: int = 1) -> None:
    record_money(
        campaign.id,
        amount_satang=satang,
        kind=LedgerKind.DISBURSEMENT_REVERSED,
        source=f"disbursement:{n}",
        public_label=SUPPLIER,
    )
    db.session.commit()


@pytest.fixture()
def gifts(make_campaign, give, hooked):
    """A campaign with three paid gifts (฿500, ฿300, ฿200): raised ฿1,000. Returns the
    campaign and the checkout session ids."""
    campaign = make_campaign(title="Laptops for Ban Nong Bua", goal_satang=100_000)
    sessions = [
        give(campaign)[1],
        give(campaign, custom_amount="300", anonymous="y", donor_name="")[1],
        give(campaign, custom_amount="200", donor_name="Mali")[1],
    ]
    for session_id in sessions:
        hooked.pay(session_id)
    return reload(campaign), sessions


def figures(html: str, block_id: str) -> dict[str, str]:
    """The raised, spent and balance a ``money_summary`` block shows."""
    block = re.search(rf'<dl class="money-summary" id="{block_id}">(.*?)</dl>', html, re.S)
    assert block, f"no {block_id} on the page"
    return dict(re.findall(r'data-total="(\w+)">(.*?)</dd>', block.group(1)))


def csv_rows(client, campaign) -> list[list[str]]:
    response = client.get(f"/campaigns/{campaign.id}/ledger.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_money_out_keeps_the_progress_bar_and_lowers_the_balance(client, gifts):
    campaign, _ = gifts
    before = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert campaign.raised_satang == 100_000 and 'id="money-summary"' not in before
    paid_out(campaign, 60_000)
    campaign = reload(campaign)
    assert (campaign.raised_satang, campaign.spent_satang, campaign.balance_satang) == (
        100_000,
        60_000,
        40_000,
    )
    assert campaign.percent_funded == 100  # the bar shows what came in, not what is left
    html = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert 'value="100000" max="100000"' in html
    assert figures(html, "money-summary") == {
        "raised": "฿1,000.00",
        "spent": "฿600.00",
        "balance": "฿400.00",
    }
    assert totals_of(campaign.id).balance_satang == 40_000
    assert verify() == []


def test_a_reversal_gives_the_money_back_to_the_balance_not_to_raised(client, gifts):
    campaign, _ = gifts
    paid_out(campaign, 60_000)
    reversed_out(campaign, 60_000)
    campaign = reload(campaign)
    assert (campaign.raised_satang, campaign.spent_satang) == (100_000, 0)
    kinds = db.session.scalars(
        sa.select(LedgerEntry.kind).where(LedgerEntry.campaign_id == campaign.id)
    ).all()
    assert kinds[-2:] == [LedgerKind.DISBURSEMENT, LedgerKind.DISBURSEMENT_REVERSED]
    html = client.get(f"/campaigns/{campaign.id}/ledger").get_data(as_text=True)
    assert "Paid to a supplier" in html and "Payment to a supplier reversed" in html
    assert verify() == []


def test_page_ledger_and_csv_show_the_same_raised_spent_and_balance(client, gifts, hooked):
    campaign, sessions = gifts
    paid_out(campaign, 60_000, n=1)  # laptops
    reversed_out(campaign, 10_000, n=1)  # a wrong invoice line corrected
    paid_out(campaign, 5_000, n=2)  # bags
    hooked.refund(sessions[0], amount=10_000)  # ฿100 back to a donor after spending
    campaign = reload(campaign)
    raised, spent = 90_000, 55_000
    assert (campaign.raised_satang, campaign.spent_satang) == (raised, spent)
    expected = {"raised": "฿900.00", "spent": "฿550.00", "balance": "฿350.00"}

    page = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert figures(page, "money-summary") == expected

    ledger = page_text(client.get(f"/campaigns/{campaign.id}/ledger"))
    assert figures(ledger, "ledger-totals") == expected
    assert ledger.count(f">{SUPPLIER}</td>") == 3  # the payee on money out and its reversal
    assert "Paid to a supplier" in ledger and "Payment to a supplier reversed" in ledger
    # Each row's running balance; the last is the balance at the top.
    balances = re.findall(r'data-label="Balance">(.*?)</td>', ledger)
    assert balances == [
        "฿500.00",
        "฿800.00",
        "฿1,000.00",
        "฿400.00",
        "฿500.00",
        "฿450.00",
        "฿350.00",
    ]

    header, *rows = csv_rows(client, campaign)
    assert header == [
        "Entry",
        "Time",
        "Kind",
        "From",
        "Paid to",
        "In (baht)",
        "Out (baht)",
        "Balance (baht)",
    ]
    money_in = sum(Decimal(row[5]) for row in rows if row[5])
    money_out = sum(Decimal(row[6]) for row in rows if row[6])
    assert money_in == Decimal("900.00") and money_out == Decimal("550.00")
    assert Decimal(rows[-1][7]) == money_in - money_out == Decimal("350.00")
    out_rows = [row for row in rows if row[4]]
    assert [(row[2], row[3], row[5], row[6]) for row in out_rows] == [
        ("Paid to a supplier", "", "", "600.00"),
        ("Payment to a supplier reversed", "", "", "-100.00"),
        ("Paid to a supplier", "", "", "50.00"),
    ]
    assert all(row[4] == SUPPLIER for row in out_rows)
    assert verify() == []


def test_the_campaign_page_costs_no_more_queries_once_money_went_out(client, gifts):
    """The page reads spent from the campaign row it already loads: the same statements, and
    still no sum over the ledger."""
    campaign, _ = gifts
    url = f"/campaigns/{campaign.id}"
    client.get("/")  # the app's first request work (not the page's) is done
    with counted_queries() as before:
        assert client.get(url).status_code == 200  # a fresh render (nothing cached yet)
    paid_out(campaign, 60_000)
    with counted_queries() as after:
        html = client.get(url).get_data(as_text=True)  # money moved: rendered again
    assert 'id="money-summary"' in html
    assert len(before) == len(after), (before, after)
    assert not any("sum(" in statement.lower() for statement in after)


def test_ledger_page_queries_do_not_grow_with_rows(client, gifts):
    campaign, _ = gifts
    url = f"/campaigns/{campaign.id}/ledger"
    paid_out(campaign, 10_000, n=0)
    client.get(url)
    with counted_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(1, 31):
        paid_out(campaign, 1_000, n=n)
        reversed_out(campaign, 500, n=n)
    with counted_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert html.count("<tr>") == 1 + 20  # the header and a full page
    assert len(few) == len(many), (few, many)


def test_pay_out_never_pays_more_than_the_balance(gifts):
    campaign, _ = gifts
    paid_out(campaign, 99_900)
    with pytest.raises(NotEnoughMoney):
        pay_out(campaign.id, amount_satang=101, source="disbursement:2", public_label=SUPPLIER)
    db.session.rollback()
    campaign = reload(campaign)
    assert (campaign.spent_satang, campaign.balance_satang) == (99_900, 100)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(LedgerEntry.id)).where(
                LedgerEntry.kind == LedgerKind.DISBURSEMENT
            )
        )
        == 1
    )
    paid_out(campaign, 100, n=3)  # exactly the balance is allowed
    assert reload(campaign).balance_satang == 0 and verify() == []


def test_two_payments_racing_for_the_last_baht_pay_once(app, gifts):
    """Two ``pay_out`` calls for the same last ฿600, each in its own thread, app context and
    database session, released together: one pays, the other is refused."""
    campaign, _ = gifts
    paid_out(campaign, 40_000, n=0)
    campaign_id = campaign.id  # read here: the threads have their own sessions
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(n: int) -> None:
        with app.app_context(), writing_transactions():
            barrier.wait()
            try:
                pay_out(
                    campaign_id,
                    amount_satang=60_000,
                    source=f"disbursement:race-{n}",
                    public_label=SUPPLIER,
                )
                db.session.commit()
                outcomes.append("paid")
            except NotEnoughMoney:
                db.session.rollback()
                outcomes.append("refused")
            except BaseException as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["paid", "refused"]
    campaign = reload(campaign)
    assert (campaign.spent_satang, campaign.balance_satang) == (100_000, 0)
    rows = db.session.scalars(
        sa.select(LedgerEntry.source).where(LedgerEntry.kind == LedgerKind.DISBURSEMENT)
    ).all()
    assert len(rows) == 2 and verify() == []


def test_verify_catches_a_broken_spent_total(app, gifts):
    campaign, _ = gifts
    paid_out(campaign, 60_000)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    db.session.execute(
        sa.update(Campaign).where(Campaign.id == campaign.id).values(spent_satang=50_000)
    )
    db.session.commit()
    broken = runner.invoke(args=["ledger", "verify"])
    assert broken.exit_code == 1
    assert f"campaign {campaign.id} (Laptops for Ban Nong Bua)" in broken.output
    assert "satang spent: cached 50000, ledger 60000" in broken.output
    assert "satang balance: cached 50000, ledger 40000" in broken.output


def test_verify_catches_a_broken_balance(app, gifts):
    """Raised corrupted: spent is right but the balance (raised − spent) is not."""
    campaign, _ = gifts
    paid_out(campaign, 60_000)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(raised_satang=Campaign.raised_satang - 1, online_satang=Campaign.online_satang - 1)
    )
    db.session.commit()
    broken = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert broken.exit_code == 1
    assert f"campaign {campaign.id} (Laptops for Ban Nong Bua)" in broken.output
    assert "satang balance: cached 39999, ledger 40000" in broken.output
    assert "satang spent" not in broken.output


def test_a_dispute_after_spending_is_recorded_and_named_below_zero(
    app, client, login_as, gifts, hooked
):
    """The bank takes back ฿500 after ฿900 was paid out: the webhook records it (never
    refused), the balance is -฿400, verify names the campaign and staff see it listed."""
    campaign, sessions = gifts
    paid_out(campaign, 90_000)
    hooked.dispute(sessions[0])
    campaign = reload(campaign)
    assert (campaign.raised_satang, campaign.spent_satang) == (50_000, 90_000)
    assert campaign.balance_satang == -40_000
    assert (
        db.session.scalar(
            sa.select(sa.func.count(LedgerEntry.id)).where(LedgerEntry.kind == LedgerKind.DISPUTE)
        )
        == 1
    )
    assert [c.id for c in below_zero()] == [campaign.id]
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert (
        f"campaign {campaign.id} (Laptops for Ban Nong Bua): balance -40000 satang is below zero"
        in result.output
    )
    html = page_text(client.get(f"/campaigns/{campaign.id}/ledger"))
    assert figures(html, "ledger-totals")["balance"] == "-฿400.00"
    login_as("staff")
    listed = page_text(client.get("/staff/campaigns/below-zero"))
    assert "Laptops for Ban Nong Bua" in listed and "-฿400.00" in listed
    assert "offline gift from the foundation" in listed
    assert 'id="below-zero-link"' in client.get("/staff/campaigns/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/campaigns/{id}", "/campaigns/{id}/ledger"])
def test_pages_with_money_out_weigh_under_100_kb(client, app, gifts, path):
    """The HTML in Thai plus every stylesheet, script and font it can load, with a full page
    of ledger rows (donations, payments out and reversals)."""
    from pathlib import Path

    campaign, _ = gifts
    for n in range(1, 25):
        paid_out(campaign, 1_000, n=n)
        reversed_out(campaign, 500, n=n)
    with client.session_transaction() as session:
        session["locale"] = "th"
    html = client.get(path.format(id=campaign.id)).get_data()
    assert "money.css" in html.decode()
    static = Path(app.static_folder)
    assets = [
        static / "css" / "app.css",
        *(static / "css" / name for name in ("ledger.css", "money.css") if name in html.decode()),
        static / "js" / "app.js",
        *static.glob("fonts/*.woff2"),
    ]
    total = len(html) + sum(p.stat().st_size for p in assets)
    assert total <= 100_000, (len(html), total)

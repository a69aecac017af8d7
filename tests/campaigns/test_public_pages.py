"""The public list and campaign page: filters, donor wall, counters, weight, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.payments.models import Donation, DonationState
from tests.crowd import counted_queries, page_text


def add_paid_donations(campaign, count, start=0, **overrides):
    """Paid gifts written in bulk (the counters are set to match, as the webhook would)."""
    rows = [
        {
            "campaign_id": campaign.id,
            "token": f"t{campaign.id}-{start + n}",
            "idempotency_key": f"k{campaign.id}-{start + n}",
            "amount_satang": 10_000 + n,
            "donor_name": f"ผู้ให้ {start + n}",
            "email": "d@example.com",
            "anonymous": n % 3 == 0,
            "show_amount": n % 2 == 0,
            "message": "ขอให้น้อง ๆ ตั้งใจเรียน" if n % 5 == 0 else "",
            "state": DonationState.PAID,
            "paid_at": utcnow(),
        }
        | overrides
        for n in range(count)
    ]
    db.session.execute(sa.insert(Donation), rows)
    total = sum(r["amount_satang"] for r in rows)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(
            raised_satang=Campaign.raised_satang + total,
            online_satang=Campaign.online_satang + total,
            donor_count=Campaign.donor_count + count,
        )
    )
    db.session.commit()


def test_list_search_filters_and_drafts_hidden(client, make_campaign, make_school):
    khon_kaen = make_campaign(make_school(name_th="โรงเรียนบ้านหนองบัว"), title="โน้ตบุ๊ก ป.4")
    chiang_mai = make_campaign(
        make_school(name_th="โรงเรียนดอยสะเก็ด", province_code="50"), title="Laptops", days=3
    )
    hidden = make_campaign(title="Secret draft", state="draft")
    page = client.get("/campaigns").get_data(as_text=True)
    assert khon_kaen.title in page and chiang_mai.title in page and hidden.title not in page
    assert page.index("Laptops") < page.index("โน้ตบุ๊ก ป.4")  # ending soon first
    found = client.get("/campaigns", query_string={"q": "หนองบัว"}).get_data(as_text=True)
    assert khon_kaen.title in found and "Laptops" not in found
    province = client.get("/campaigns", query_string={"province": "50"}).get_data(as_text=True)
    assert "Laptops" in province and khon_kaen.title not in province
    programme = client.get(
        "/campaigns", query_string={"programme": str(khon_kaen.programme_id)}
    ).get_data(as_text=True)
    assert khon_kaen.title in programme and "Laptops" not in programme
    add_paid_donations(khon_kaen, 3)
    nearly = client.get("/campaigns", query_string={"sort": "nearly"}).get_data(as_text=True)
    assert nearly.index("โน้ตบุ๊ก ป.4") < nearly.index("Laptops")
    bad = client.get("/campaigns", query_string={"sort": "drop table", "province": "zz"})
    assert bad.status_code == 200


def test_list_paginates(client, make_campaign):
    for n in range(14):
        make_campaign(title=f"Campaign {n:02d}")
    first = client.get("/campaigns").get_data(as_text=True)
    second = client.get("/campaigns?page=2").get_data(as_text=True)
    assert first.count('class="card campaign-card"') == 12
    assert second.count('class="card campaign-card"') == 2


def test_campaign_page_shows_progress_wall_and_respects_donor_choices(client, make_campaign):
    campaign = make_campaign(goal_satang=100_000, days=12)
    add_paid_donations(campaign, 4)
    db.session.execute(
        sa.update(Donation).where(Donation.token == f"t{campaign.id}-1").values(message="<b>hi</b>")
    )
    db.session.commit()
    html = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert "฿400.06" in html and "raised of ฿1,000.00" in html and "4 donors" in html
    assert "12 days left" in html and "<progress" in html
    assert "Anonymous donor" in html  # donors 0 and 3
    assert "ผู้ให้ 1" in html and "ผู้ให้ 0" not in html
    assert "฿100.00" in html  # donor 0 allowed the amount
    assert "฿100.01" not in html  # donor 1 did not
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert "line.me" in html and "facebook.com/sharer" in html
    assert "<script" not in html.split("</head>")[1]  # nothing in the body needs JavaScript
    assert len(html.encode()) < 100_000


def test_thai_days_left(client, make_campaign):
    campaign = make_campaign(days=12)
    with client.session_transaction() as session:
        session["locale"] = "th"
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "เหลืออีก 12 วัน" in html


def test_donor_wall_paginates(client, make_campaign):
    campaign = make_campaign()
    add_paid_donations(campaign, 25, anonymous=False)
    first = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    third = client.get(f"/campaigns/{campaign.id}?page=3").get_data(as_text=True)
    assert first.count('class="donor"') == 10 and third.count('class="donor"') == 5
    assert "ผู้ให้ 24" in first and "ผู้ให้ 0" in third  # newest first


def test_without_stripe_keys_online_giving_is_not_configured(client, make_campaign, app):
    campaign = make_campaign()
    app.config.update(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Online giving is not configured" in html and 'id="give"' not in html
    form = client.get(f"/campaigns/{campaign.id}/give").get_data(as_text=True)
    assert "Online giving is not configured" in form


@pytest.mark.parametrize("path", ["/", "/campaigns", "/campaigns/{id}"])
def test_query_counts_do_not_grow_with_donations(client, make_campaign, path):
    campaign = make_campaign()
    others = [make_campaign() for _ in range(3)]
    url = path.format(id=campaign.id)
    add_paid_donations(campaign, 10)
    client.get(url)
    with counted_queries() as few:
        assert client.get(url).status_code == 200
    add_paid_donations(campaign, 990, start=10)
    for other in others:
        add_paid_donations(other, 50, start=0)
    with counted_queries() as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many), (few, many)
    # totals come from the counters (the home page sums the few summary rows, never the gifts)
    assert not any("sum(" in s.lower() and "figure_totals" not in s for s in many)


def test_ended_campaign_shows_ended(client, make_campaign):
    campaign = make_campaign(state="ended")
    db.session.execute(sa.update(Campaign).values(ends_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Ended" in html and 'id="give"' not in html


@pytest.mark.parametrize("path", ["/", "/campaigns", "/campaigns/{id}"])
def test_page_weighs_under_100_kb_without_photos(client, app, make_campaign, path):
    """The HTML plus every stylesheet, script and font it can load (all four Sarabun files)."""
    from pathlib import Path

    campaign = make_campaign(title="โน้ตบุ๊กเพื่อการเรียนรู้ " * 4)
    for _ in range(11):
        make_campaign()
    add_paid_donations(campaign, 10, anonymous=False, message="ขอให้น้อง ๆ ตั้งใจเรียน " * 5)
    with client.session_transaction() as session:
        session["locale"] = "th"
    html = client.get(path.format(id=campaign.id)).get_data()
    static = Path(app.static_folder)
    assets = [static / "css" / "app.css", static / "js" / "app.js", *static.glob("fonts/*.woff2")]
    total = len(html) + sum(p.stat().st_size for p in assets)
    assert total <= 100_000, (len(html), total)


def test_the_donor_wall_is_read_in_order_from_its_own_index(app, make_campaign):
    """The wall's ten newest gifts come from the end of ``ix_donations_wall``: no sort of all a
    campaign's gifts (the plan the database would choose once a campaign has thousands)."""
    from partnership.payments.views import donor_wall_query

    campaign = make_campaign()
    add_paid_donations(campaign, 12)
    statement = donor_wall_query().limit(10).params(campaign_id=campaign.id)
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        # A table this small is read whole by choice; forbid that and any sort, and the plan
        # that remains must be the index's, read backwards.
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_sort = off"))
        db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        plan = "\n".join(db.session.scalars(sa.text("EXPLAIN " + sql)))
        assert "Index Scan Backward using ix_donations_wall" in plan, plan
        assert "Sort" not in plan, plan
    else:
        rows = db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))
        plan = "\n".join(row[-1] for row in rows)
        assert "ix_donations_wall" in plan and "TEMP B-TREE" not in plan, plan
    db.session.rollback()

"""Public campaign pages kept whole for visitors without a session (core.pagecache).

Money and state are part of the key (read by one query every request), so a gift shows at once;
other edits show when the entry expires; anyone with a session (logged in, a flash message, a
chosen language) gets a page rendered for them.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.core import pagecache
from partnership.extensions import db
from tests.campaigns.test_public_pages import add_paid_donations
from tests.crowd import counted_queries, page_text


@pytest.fixture()
def cached(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    yield app
    pagecache.store().clear()


@pytest.fixture()
def visitor(app):
    """A browser that has never been here: no cookie at all."""
    return app.test_client()


@pytest.mark.parametrize("path", ["/campaigns", "/campaigns/{id}"])
def test_a_repeat_visit_costs_one_query(cached, visitor, make_campaign, path):
    campaign = make_campaign(title="โน้ตบุ๊ก ป.4")
    url = path.format(id=campaign.id)
    first = visitor.get(url)
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    with counted_queries() as statements:
        again = visitor.get(url)
    assert again.get_data() == first.get_data()
    assert len(statements) == 1, statements  # the version: counters and state, nothing else


@pytest.mark.parametrize("path", ["/campaigns", "/campaigns/{id}"])
def test_a_gift_shows_at_once(cached, visitor, make_campaign, path):
    campaign = make_campaign(goal_satang=1_000_000)
    url = path.format(id=campaign.id)
    assert "฿0.00" in page_text(visitor.get(url))
    add_paid_donations(campaign, 1)  # ฿100.00, and a ledger row's worth of change in the counters
    # The list's version is the newest ledger row and campaign event: write one, as a gift does.
    from partnership.ledger.models import LedgerKind
    from partnership.ledger.services import append_entry

    append_entry(
        campaign_id=campaign.id,
        amount_satang=10_000,
        kind=LedgerKind.DONATION_PAID,
        source="evt_cache_test",
        public_label="",
    )
    db.session.commit()
    assert "฿100.00" in page_text(visitor.get(url))


def test_other_edits_show_when_the_entry_expires(cached, visitor, make_campaign, monkeypatch):
    campaign = make_campaign()
    url = f"/campaigns/{campaign.id}"
    visitor.get(url)
    db.session.execute(
        sa.update(Campaign).where(Campaign.id == campaign.id).values(story="เรื่องใหม่ของโรงเรียน")
    )
    db.session.commit()
    assert "เรื่องใหม่ของโรงเรียน" not in visitor.get(url).get_data(as_text=True)
    now = pagecache.time.monotonic()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now + 61)
    assert "เรื่องใหม่ของโรงเรียน" in visitor.get(url).get_data(as_text=True)


def test_a_visitor_with_a_session_gets_their_own_page(cached, visitor, client, make_campaign):
    campaign = make_campaign()
    url = f"/campaigns/{campaign.id}"
    thai = visitor.get(url).get_data(as_text=True)
    assert 'lang="th"' in thai
    # The autouse ``english`` fixture gave ``client`` a session choosing English.
    english = client.get(url).get_data(as_text=True)
    assert 'lang="en"' in english
    assert 'lang="th"' in visitor.get(url).get_data(as_text=True)


def test_staff_never_see_a_kept_page(cached, visitor, client, login_as, make_campaign):
    campaign = make_campaign()
    url = f"/campaigns/{campaign.id}"
    assert "Manage" not in visitor.get(url).get_data(as_text=True)
    login_as("staff")
    assert "Manage" in client.get(url).get_data(as_text=True)


def test_a_draft_stays_not_found(cached, visitor, make_campaign):
    draft = make_campaign(state="draft")
    assert visitor.get(f"/campaigns/{draft.id}").status_code == 404
    assert visitor.get(f"/campaigns/{draft.id}").status_code == 404
    assert visitor.get("/campaigns/2147483000").status_code == 404


def test_the_store_keeps_at_most_its_limit(cached, visitor, make_campaign):
    cached.config["PAGE_CACHE_ENTRIES"] = 2
    campaigns = [make_campaign() for _ in range(3)]
    for campaign in campaigns:
        visitor.get(f"/campaigns/{campaign.id}")
    assert len(pagecache.store()._entries) == 2

"""Public campaign pages kept whole for visitors without a session (core.pagecache).

Money and state are part of the key (read by one query every request), so a gift shows at once;
other edits show when the entry expires; anyone with a session (logged in, a flash message, a
chosen language) gets a page rendered for them.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.core import pagecache
from partnership.db_types import utcnow
from partnership.extensions import db
from tests.campaigns.test_public_pages import add_paid_donations
from tests.crowd import counted_queries, page_text
from tests.services import redis_up


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


def test_a_list_counts_its_campaigns_once_per_version(
    cached, visitor, client, make_campaign, login_as
):
    """The list's total (and its programme filter) is read once for all its pages, until a
    campaign changes state; a signed-in visitor's list counts afresh."""
    from partnership.campaigns.models import CampaignState
    from partnership.campaigns.workflow import transition

    for _ in range(13):
        make_campaign()
    draft = make_campaign(state="draft")
    db.session.commit()
    assert "13" in page_text(visitor.get("/campaigns"))
    with counted_queries() as statements:
        second = visitor.get("/campaigns?page=2")
    assert second.status_code == 200
    assert not [s for s in statements if "count(" in s.lower()], statements
    assert not [s for s in statements if "FROM programmes" in s], statements

    launched = db.session.get(Campaign, draft.id)
    transition(launched, CampaignState.LIVE, launched_at=utcnow())  # a 14th joins the list
    db.session.commit()
    with counted_queries() as statements:
        text = page_text(visitor.get("/campaigns?page=2"))
    assert [s for s in statements if "count(" in s.lower()] and "14" in text

    login_as("staff")  # signs ``client`` in
    with counted_queries() as statements:
        assert client.get("/campaigns?page=2").status_code == 200
    assert [s for s in statements if "count(" in s.lower()]


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


def test_the_store_keeps_at_most_its_limit(cached, visitor, make_campaign, monkeypatch):
    monkeypatch.setitem(cached.config, "PAGE_CACHE_ENTRIES", 2)  # the app outlives the test
    campaigns = [make_campaign() for _ in range(3)]
    for campaign in campaigns:
        visitor.get(f"/campaigns/{campaign.id}")
    assert len(pagecache.store()._entries) == 2


def test_the_store_keeps_at_most_its_bytes(cached, visitor, make_campaign, monkeypatch):
    """A worker's memory is bounded in bytes: the oldest pages leave for a new one."""
    campaigns = [make_campaign() for _ in range(3)]
    first = visitor.get(f"/campaigns/{campaigns[0].id}").get_data()
    room_for_two = len(first) * 2 + len(first) // 2
    monkeypatch.setitem(cached.config, "PAGE_CACHE_BYTES", room_for_two)
    for campaign in campaigns[1:]:
        visitor.get(f"/campaigns/{campaign.id}")
    store = pagecache.store()
    assert len(store._entries) == 2
    assert store.size_in_bytes == sum(len(entry.body) for entry in store._entries.values())
    assert store.size_in_bytes <= cached.config["PAGE_CACHE_BYTES"]
    store.clear()
    assert store.size_in_bytes == 0


REDIS_PAGES = "redis://127.0.0.1:6379/14"


@pytest.mark.skipif(not redis_up(REDIS_PAGES), reason="no Redis at 127.0.0.1:6379")
def test_workers_share_pages_through_redis_and_a_gift_still_shows_at_once(
    app, monkeypatch, visitor, make_campaign
):
    """A page one worker rendered is served by another (a second store, its own connection, as
    in another process), and money stays part of the key."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.config, "PAGE_CACHE_URL", REDIS_PAGES)
    monkeypatch.delitem(app.extensions, "page_cache", raising=False)
    pagecache.store().clear()
    try:
        campaign = make_campaign(goal_satang=1_000_000)
        url = f"/campaigns/{campaign.id}"
        first = visitor.get(url)
        assert isinstance(pagecache.store(), pagecache.RedisPageStore)
        app.extensions["page_cache"] = pagecache.RedisPageStore(REDIS_PAGES)  # "worker B"
        with counted_queries() as statements:
            again = visitor.get(url)
        assert again.get_data() == first.get_data()
        assert again.mimetype == "text/html"
        assert len(statements) == 1, statements
        add_paid_donations(campaign, 1)
        assert "฿100.00" in page_text(visitor.get(url))
    finally:
        pagecache.store().clear()
        app.extensions.pop("page_cache", None)


@pytest.mark.skipif(not redis_up(REDIS_PAGES), reason="no Redis at 127.0.0.1:6379")
def test_a_worker_keeps_what_redis_gave_it_no_longer_than_redis_does(
    app, monkeypatch, visitor, make_campaign
):
    """A page from Redis is served again from the worker's own copy (no round trip), until the
    moment Redis drops it (a matching offer ending shortens it, ``keep_until``); a gift is
    still a different page at once."""
    from redis import Redis

    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.config, "PAGE_CACHE_URL", REDIS_PAGES)
    monkeypatch.delitem(app.extensions, "page_cache", raising=False)
    shared = Redis.from_url(REDIS_PAGES)
    pagecache.store().clear()
    try:
        campaign = make_campaign(goal_satang=1_000_000)
        url = f"/campaigns/{campaign.id}"
        first = visitor.get(url).get_data()
        [name] = shared.keys(pagecache.RedisPageStore.PREFIX + "*")
        shared.pexpire(name, 1500)  # as if the page had to go sooner
        app.extensions["page_cache"] = worker_b = pagecache.RedisPageStore(REDIS_PAGES)
        assert visitor.get(url).get_data() == first  # from Redis, now kept by B as well
        shared.delete(name)
        with counted_queries() as statements:
            assert visitor.get(url).get_data() == first  # B's own copy: nothing rendered
        assert len(statements) == 1 and shared.keys(pagecache.RedisPageStore.PREFIX + "*") == []
        [kept] = worker_b.near._entries.values()
        assert kept.expires - time.monotonic() <= 1.5
        time.sleep(1.6)
        assert visitor.get(url).get_data() == first  # rendered again, and shared again
        assert shared.exists(name)
        add_paid_donations(campaign, 1)
        assert "฿100.00" in page_text(visitor.get(url))
    finally:
        pagecache.store().clear()
        app.extensions.pop("page_cache", None)


def test_a_redis_that_does_not_answer_costs_the_cache_not_the_page(
    app, monkeypatch, visitor, make_campaign, caplog
):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.config, "PAGE_CACHE_URL", "redis://127.0.0.1:1/0")  # nothing there
    monkeypatch.delitem(app.extensions, "page_cache", raising=False)
    try:
        campaign = make_campaign(title="โน้ตบุ๊ก ป.5")
        for _ in range(2):
            response = visitor.get(f"/campaigns/{campaign.id}")
            assert response.status_code == 200 and "โน้ตบุ๊ก ป.5" in page_text(response)
        assert "Redis does not answer" in caplog.text
    finally:
        app.extensions.pop("page_cache", None)

"""A kept public page (PAGE_CACHE_SECONDS > 0) changes at once when what it shows changes, not
only its money and state: a donor's erasure, a pledge ended, a campaign edit, an update posted;
and a page that changes by itself at a known time (an offer ending) is kept no longer."""

from __future__ import annotations

import pytest

from partnership.campaigns.services import update_campaign
from partnership.core import pagecache
from partnership.donors.privacy import erase_donor
from partnership.donors.updates import post_update
from partnership.extensions import db
from partnership.matching.models import PledgeState
from partnership.matching.pledges import decide
from tests.crowd import page_text, reload
from tests.paid_gifts import gift


@pytest.fixture()
def cached(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 60)
    yield app
    pagecache.store().clear()


@pytest.fixture()
def visitor(app):
    """A browser that has never been here: no cookie at all."""
    return app.test_client()


def test_an_erased_donor_leaves_the_kept_page_at_once(cached, visitor, make_campaign):
    campaign = make_campaign()
    donation = gift(campaign, name="สมชาย ใจดี", message="สู้ ๆ นะน้อง")
    url = f"/campaigns/{campaign.id}"
    text = page_text(visitor.get(url))
    assert "สมชาย ใจดี" in text and "สู้ ๆ นะน้อง" in text
    assert page_text(visitor.get(url)) == text  # kept
    assert erase_donor(donation) is not None
    db.session.commit()
    text = page_text(visitor.get(url))
    assert "สมชาย" not in text and "สู้ ๆ นะน้อง" not in text


def test_an_ended_pledge_is_not_advertised(cached, visitor, make_campaign, make_pledge):
    campaign = make_campaign()
    pledge = make_pledge(campaign)
    url = f"/campaigns/{campaign.id}"
    assert f'id="match-offer-{pledge.id}"' in visitor.get(url).get_data(as_text=True)
    decide(reload(pledge), PledgeState.ENDED)
    db.session.commit()
    assert f'id="match-offer-{pledge.id}"' not in visitor.get(url).get_data(as_text=True)


def test_a_page_is_kept_no_longer_than_its_offer_lasts(
    cached, visitor, make_campaign, make_pledge, monkeypatch
):
    campaign = make_campaign()
    make_pledge(campaign, days=30 / 86400)  # ends in 30 seconds
    kept = []
    put = pagecache.PageStore.put
    monkeypatch.setattr(
        pagecache.PageStore,
        "put",
        lambda self, key, body, mimetype, seconds: (
            kept.append(seconds) or put(self, key, body, mimetype, seconds)
        ),
    )
    visitor.get(f"/campaigns/{campaign.id}")
    [seconds] = kept
    assert 1 <= seconds <= 30
    other = make_campaign()
    visitor.get(f"/campaigns/{other.id}")
    assert kept[-1] == 60  # no offer: the usual time


def test_a_campaign_edit_and_an_update_show_at_once(cached, visitor, make_campaign):
    campaign = make_campaign(title="โน้ตบุ๊ก ป.4")
    url = f"/campaigns/{campaign.id}"
    assert "โน้ตบุ๊ก ป.4" in page_text(visitor.get(url))
    assert "โน้ตบุ๊ก ป.4" in page_text(visitor.get("/campaigns"))
    campaign = reload(campaign)
    update_campaign(
        campaign,
        title="แท็บเล็ต ป.4",
        story=campaign.story,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
    )
    db.session.commit()
    assert "แท็บเล็ต ป.4" in page_text(visitor.get(url))
    assert "แท็บเล็ต ป.4" in page_text(visitor.get("/campaigns"))
    post_update(reload(campaign), title="ได้รับของแล้ว", body="ขอบคุณทุกท่าน", author=None)
    db.session.commit()
    assert "ได้รับของแล้ว" in page_text(visitor.get(url))

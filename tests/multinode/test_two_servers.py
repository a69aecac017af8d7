"""Two app servers share one PostgreSQL, one Redis and the RQ mail workers: what one of them
did, the other sees, and nothing is counted or sent per server."""

from __future__ import annotations

import pytest
from redis import Redis

from partnership.core.pagecache import RedisPageStore
from partnership.money import format_satang
from tests.fake_stripe.events import post
from tests.payments.test_concurrency import events_for

from .servers import wait_for
from .storm import (
    Storm,
    assert_applied_once,
    deliver,
    deliveries,
    make_campaigns,
    pending_donations,
    settle,
)

pytestmark = pytest.mark.multinode


def test_a_rate_limit_counts_requests_to_both_servers(cluster):
    """RECEIPT_RATE_LIMIT is 6 per minute: three openings on A and three on B use it up."""
    path = "/receipts/not-a-receipt-link"
    answers = [cluster.get(server, path).status_code for server in (cluster.a, cluster.b) * 3]
    assert 429 not in answers, answers
    assert cluster.get(cluster.a, path).status_code == 429
    assert cluster.get(cluster.b, path).status_code == 429


def test_a_page_kept_by_b_shows_the_gift_a_recorded_at_once(cluster):
    (campaign,) = make_campaigns(1)
    (donation,) = pending_donations([campaign, campaign], 1, "kept")
    path = f"/campaigns/{campaign.id}"
    first = cluster.get(cluster.b, path)
    assert first.status_code == 200
    pages = Redis.from_url(cluster.redis.url).keys(RedisPageStore.PREFIX + "*")
    assert pages, "B kept no page in the shared Redis"
    amount = format_satang(donation.amount_satang, symbol=False)
    assert amount not in first.text

    (event,) = events_for(cluster.stripe, donation, 1)  # a card gift, paid at once
    answer = post(event, cluster.stripe.sign(event.payload),
                  url=cluster.a.url + "/webhooks/stripe", transport=None)  # fmt: skip
    assert answer.status == 200, answer

    after = cluster.get(cluster.b, path)
    assert after.status_code == 200
    assert amount in after.text


def test_a_mail_queued_on_a_is_sent_once_by_the_workers_beside_both(cluster):
    (campaign,) = make_campaigns(1)
    (donation,) = pending_donations([campaign, campaign], 1, "mailonce")
    (event,) = events_for(cluster.stripe, donation, 1)
    answer = post(event, cluster.stripe.sign(event.payload),
                  url=cluster.a.url + "/webhooks/stripe", transport=None)  # fmt: skip
    assert answer.status == 200, answer
    # The same event again through B: a duplicate, no second mail.
    again = post(event, cluster.stripe.sign(event.payload),
                 url=cluster.b.url + "/webhooks/stripe", transport=None)  # fmt: skip
    assert again.status == 200, again

    wait_for(lambda: cluster.smtp.bodies_to(donation.email), "the thank-you mail", timeout=90)
    settle(cluster)
    assert len(cluster.smtp.bodies_to(donation.email)) == 1


def test_a_webhook_storm_split_between_a_and_b_is_applied_once(cluster):
    campaigns = make_campaigns(4)
    donations = pending_donations(campaigns, 150, "split")
    events, sent = deliveries(cluster.stripe, donations)
    assert len(sent) >= 200
    storm = Storm()

    deliver(cluster.stripe, sent, lambda: [cluster.a.url, cluster.b.url], storm)

    servers = {url for _e, url, _s in storm.answers}
    assert servers == {cluster.a.url, cluster.b.url}
    assert storm.statuses() == {200: len(sent)}, cluster.logs()
    assert_applied_once(campaigns, donations, events)
    # Every gift's thank-you mail, once each.
    wait_for(
        lambda: all(cluster.smtp.bodies_to(d.email) for d in donations),
        "every thank-you mail",
        timeout=150,
    )
    settle(cluster)
    assert {d.email: len(cluster.smtp.bodies_to(d.email)) for d in donations} == {
        d.email: 1 for d in donations
    }

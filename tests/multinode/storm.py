"""A webhook storm split between app servers, delivered as Stripe delivers: a delivery that got
no answer or a non-2xx answer is sent again (to whichever server the proxy picks next), until
each event has had its 200."""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import sqlalchemy as sa

from partnership.campaigns.models import Campaign
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.payments.models import Donation, DonationState, StripeEvent
from tests.crowd import build_campaign
from tests.fake_stripe.events import post
from tests.payments.test_concurrency import events_for

from .servers import wait_for

THREADS = 8


def make_school():
    from partnership.registry.models import Affiliation, NetworkStatus, School

    n = random.randrange(10**9)
    school = School(
        code=f"9{n:09d}"[:10],
        name_th=f"โรงเรียนหลายเครื่อง {n}",
        province_code="40",
        district="เมืองขอนแก่น",
        affiliation=Affiliation.OBEC,
        min_grade=0,
        max_grade=8,
        network_status=NetworkStatus.MEMBER,
    )
    db.session.add(school)
    db.session.commit()
    return school


def make_campaigns(count: int) -> list[Campaign]:
    return [build_campaign(make_school(), goal_satang=100_000_000) for _ in range(count)]


def pending_donations(campaigns, count: int, tag: str) -> list[Donation]:
    """Half the gifts to the first campaign, the rest spread over the others; one e-mail
    address per gift, so each thank-you mail is counted on its own."""
    rows = []
    for n in range(count):
        campaign = campaigns[0] if n % 2 == 0 else campaigns[1 + n % (len(campaigns) - 1)]
        rows.append(
            Donation(
                campaign_id=campaign.id,
                token=secrets.token_hex(8),
                idempotency_key=f"{tag}-{n}",
                checkout_session_id=f"cs_test_{tag}_{n}",
                amount_satang=2_000 + 137 * n,
                donor_name=f"ผู้ให้ {n}",
                email=f"{tag}-{n}@example.com",
            )
        )
    db.session.add_all(rows)
    db.session.commit()
    return rows


@dataclass
class Storm:
    """Who answered what: every answer per event, and every request with no answer at all."""

    answers: list[tuple[str, str, int | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def statuses(self) -> Counter:
        return Counter(status for _e, _s, status in self.answers)

    def server_errors(self) -> list[tuple[str, str, int | None]]:
        return [a for a in self.answers if a[2] is not None and a[2] >= 500 and a[2] != 503]


def deliveries(fake, donations, seed: int = 8):
    """Every event of the gifts, a quarter more sent twice, shuffled."""
    events = [e for n, d in enumerate(donations) for e in events_for(fake, d, n)]
    rng = random.Random(seed)
    sent = events + rng.sample(events, len(events) // 3)
    rng.shuffle(sent)
    return events, sent


def deliver(fake, sent, urls, storm: Storm, *, patience: float = 240.0, on_progress=None):
    """Send each event to the servers in turn (event n starts at server n % len); retry on no
    answer or any non-2xx after a short pause, as Stripe does, until a 200."""

    def one(item):
        n, event = item
        deadline = time.monotonic() + patience
        attempt = 0
        while True:
            url = urls()[(n + attempt) % len(urls())]
            delivery = post(event, fake.sign(event.payload), url=url + "/webhooks/stripe",
                            transport=None)  # fmt: skip
            with storm.lock:
                storm.answers.append((event.id, url, delivery.status))
            if on_progress:
                on_progress()
            if delivery.status == 200:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{event.id} never got a 200: {delivery}")
            attempt += 1
            time.sleep(min(0.2 * attempt, 2.0))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, enumerate(sent)))


def assert_applied_once(campaigns, donations, events) -> None:
    """Totals exact, each event stored once, every gift paid, ``ledger verify`` clean."""
    # A fresh transaction (the last one's connection may have died with a PostgreSQL restart;
    # this test process's engine has pool_pre_ping, which replaces it).
    db.session.rollback()
    ids = [e.id for e in events]
    stored = db.session.scalars(sa.select(StripeEvent.event_id).where(
        StripeEvent.event_id.in_(ids))).all()  # fmt: skip
    assert sorted(stored) == sorted(ids)
    states = set(db.session.scalars(
        sa.select(Donation.state).where(Donation.id.in_([d.id for d in donations]))))  # fmt: skip
    assert states == {DonationState.PAID}
    for campaign in campaigns:
        mine = [d for d in donations if d.campaign_id == campaign.id]
        row = db.session.get(Campaign, campaign.id)
        assert row.raised_satang == sum(d.amount_satang for d in mine)
        assert row.donor_count == len(mine)
    assert verify() == []


def settle(cluster) -> None:
    """Wait until the RQ mail queue is empty and no job is running, then a moment more (a
    second sending of a mail would show by then)."""
    from redis import Redis
    from rq import Queue
    from rq.registry import StartedJobRegistry

    connection = Redis.from_url(cluster.redis.url)
    queue = Queue("mail", connection=connection)

    def idle() -> bool:
        return queue.count == 0 and StartedJobRegistry(queue=queue).count == 0

    wait_for(idle, "the mail queue emptied", timeout=150)
    time.sleep(2)

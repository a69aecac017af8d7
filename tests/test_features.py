"""Features register themselves: the factory calls each feature's ``init_app``, which connects
its signal receivers, so money moved outside a request (a worker, a command) is matched and
receipted as a webhook's is (docs/architecture/features.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import sqlalchemy as sa

import partnership
from partnership import create_app
from partnership.accounts.mfa.policy import factor_required
from partnership.applications.signals import may_view_application, school_dashboard
from partnership.campaigns.hooks import (
    after_campaign_closed,
    after_close_due,
    campaign_funded,
    campaign_page,
)
from partnership.core.signals import decided_by
from partnership.core.unit_of_work import work_committed
from partnership.extensions import db
from partnership.gifts.signals import gift_recorded, gift_reversed
from partnership.governance.signals import minutes_published
from partnership.ledger.services import CACHES, CHECKS
from partnership.matching.models import MatchDraw
from partnership.notifications.models import OutgoingMail
from partnership.notifications.services import mail_footer
from partnership.notifications.worker import worker_pass
from partnership.payments.hooks import give_page, thanks_page
from partnership.payments.models import Donation
from partnership.payments.signals import donation_paid, donation_returned
from partnership.programmes.signals import programme_page, rubric_in_use
from partnership.receipts.models import Receipt
from partnership.registry.hooks import organisation_page, school_page
from tests.matching.conftest import pending_donation

ROOT = Path(partnership.__file__).parent.parent

#: Every named signal and the receivers the app must have connected to it. The money signals
#: come first: without their receivers a paid gift is neither matched nor receipted.
EXPECTED = {
    donation_paid: [
        "partnership.receipts.claims.claim_on_payment",
        "partnership.matching.receivers.match_paid_donation",
    ],
    donation_returned: [
        "partnership.receipts.edonation.follow_returned",
        "partnership.receipts.numbering.follow_returned_donation",
        "partnership.matching.receivers.follow_returned_donation",
    ],
    gift_recorded: ["partnership.matching.receivers.match_offline_gift"],
    gift_reversed: ["partnership.matching.receivers.release_offline_gift"],
    after_close_due: [
        "partnership.payments.sessions.expire_sessions_of_stopped_campaigns",
        "partnership.settlement.late.refund_late_payments",
        "partnership.settlement.receivers.refund_failed_campaigns",
    ],
    after_campaign_closed: ["partnership.payments.sessions.expire_sessions_of_closed_campaign"],
    campaign_page: [
        "partnership.payments.views.donor_wall_section",
        "partnership.matching.hooks.match_offers",
        "partnership.donors.views.updates_section",
        "partnership.spending.views.spent_section",
        "partnership.milestones.views.milestones_section",
        "partnership.devices.views.campaign_section",
    ],
    give_page: ["partnership.matching.hooks.give_form_matching"],
    thanks_page: [
        "partnership.matching.hooks.gift_matched",
        "partnership.devices.views.thanks_section",
    ],
    organisation_page: [
        "partnership.matching.hooks.sponsor_pledges",
        "partnership.site.views.dashboard_link",
    ],
    school_page: ["partnership.devices.views.school_page_section"],
    may_view_application: ["partnership.review.access.reviewer_may_view"],
    rubric_in_use: ["partnership.review.reviews.review_submitted_for"],
    programme_page: ["partnership.outcomes.receivers.programme_outcomes"],
    factor_required: ["partnership.review.access.committee_members_need_a_second_factor"],
    mail_footer: ["partnership.donors.privacy.donor_topic_footer"],
    work_committed: [
        "partnership.notifications.services.deliver_committed",
        "partnership.receipts.claims.claim_after_commit",
    ],
    worker_pass: [
        "partnership.receipts.claims.sweep_on_worker_pass",
        "partnership.milestones.reminders.remind_on_worker_pass",
        "partnership.devices.reminders.remind_on_worker_pass",
        "partnership.library.sources.collect_on_worker_pass",
        "partnership.governance.actions.reminders.remind_on_worker_pass",
    ],
    campaign_funded: ["partnership.milestones.services.milestones_for_funded_campaign"],
    school_dashboard: [
        "partnership.registry.school_data.views.school_dashboard_section",
        "partnership.milestones.views.school_dashboard_section",
        "partnership.devices.views_school.school_dashboard_section",
    ],
    decided_by: ["partnership.governance.citations.cite"],
    minutes_published: ["partnership.library.sources.minutes_published"],
}


def _receivers(signal) -> list[str]:
    """The receivers connected for any sender, sorted (blinker calls them in no set order)."""
    found = []
    for ref in signal.receivers.values():
        receiver = ref() if isinstance(ref, weakref.ref) else ref
        found.append(f"{receiver.__module__}.{receiver.__qualname__}")
    return sorted(found)


def _every_named_signal() -> set[str]:
    """The names of all signals the package defines (``Namespace().signal(name)``)."""
    from blinker import NamedSignal

    names = set()
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("partnership"):
            continue
        for value in vars(module).values():
            if isinstance(value, NamedSignal):
                names.add(value.name)
    return names


def test_every_signal_has_its_receivers(app):
    for signal, receivers in EXPECTED.items():
        assert _receivers(signal) == sorted(receivers), signal.name


def test_no_signal_is_left_out_of_the_table(app):
    """A new signal gets its receivers here, so none can be forgotten (flask's own aside)."""
    from flask import signals as flask_signals

    flask_names = {
        value.name for value in vars(flask_signals).values() if hasattr(value, "receivers")
    }
    assert _every_named_signal() - flask_names == {signal.name for signal in EXPECTED}


def test_building_more_apps_neither_doubles_nor_drops_a_receiver(app, database_url, tmp_path):
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"}
    for _ in range(2):
        create_app({**config, "UPLOAD_FOLDER": str(tmp_path)})
    for signal, receivers in EXPECTED.items():
        assert _receivers(signal) == sorted(receivers), signal.name
    assert list(CHECKS) == ["figures by province, programme and year", "match pools", "devices"]
    assert list(CACHES) == ["campaign"]


def test_each_feature_brings_its_commands(app):
    commands = {"campaigns", "ledger", "worker", "donors", "devices", "seed-demo", "create-staff"}
    assert commands <= set(app.cli.commands)


#: Run in a fresh interpreter: import every module of the package (views included) and show
#: that no receiver is connected by an import; then build the app as a worker does and take the
#: money of a pending donation through the payments rule the webhook uses.
WORKER = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    import partnership
    from partnership.payments.signals import donation_paid

    for module in pkgutil.walk_packages(partnership.__path__, "partnership."):
        importlib.import_module(module.name)
    assert not donation_paid.receivers, "a receiver was connected by an import"

    from partnership import create_app
    from partnership.extensions import db
    from partnership.payments.donations import mark_paid
    from partnership.payments.models import Donation

    config, donation_id = json.loads(sys.argv[1]), int(sys.argv[2])
    app = create_app(config)
    with app.app_context():
        assert mark_paid(db.session.get(Donation, donation_id), "evt_worker_paid")
        db.session.commit()
        # the receipt number follows the commit: the worker's next pass claims it
        from partnership.notifications.worker import worker_pass

        worker_pass.send(app)
    """
)


def test_a_worker_that_imports_no_view_still_matches_and_receipts(
    app, make_campaign, make_pledge, tmp_path
):
    campaign = make_campaign()
    pledge_id = make_pledge(campaign, cap_satang=100_000).id
    donation = pending_donation(campaign, 30_000)
    donation_id = donation.id
    db.session.commit()
    db.session.remove()  # nothing of this process holds the database while the worker writes
    config = {
        key: app.config[key]
        for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "SERVER_NAME")
    }
    config["UPLOAD_FOLDER"] = str(tmp_path)
    env = {**os.environ, "PARTNERSHIP_ENV": "testing", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(config), str(donation_id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    assert db.session.get(Donation, donation_id).is_paid
    draw = db.session.scalar(sa.select(MatchDraw).where(MatchDraw.donation_id == donation_id))
    assert (draw.pledge_id, draw.drawn_satang) == (pledge_id, 30_000)
    receipt = db.session.scalar(sa.select(Receipt).where(Receipt.donation_id == donation_id))
    assert receipt is not None and receipt.number >= 1
    thanks = db.session.scalars(
        sa.select(OutgoingMail.topic).where(OutgoingMail.to_address == "donor@example.com")
    ).all()
    assert thanks == ["donation-thanks"]

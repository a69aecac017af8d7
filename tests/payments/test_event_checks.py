"""Signed events that must not move money: another API version, a session that is not the
donation's own, a malformed object. Each is answered 200, kept for staff, and changes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.ledger.models import LedgerEntry
from partnership.payments.client import STRIPE_API_VERSION
from partnership.payments.event_checks import Malformed, parse_donation_id
from partnership.payments.models import DonationState, EventOutcome, StripeEvent
from partnership.receipts.models import Receipt
from tests.crowd import reload
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.fake_stripe import Event

pytestmark = pytest.mark.usefixtures("stripe_app")


def nothing_moved(campaign) -> bool:
    campaign = reload(campaign)
    return (
        campaign.raised_satang == 0
        and campaign.donor_count == 0
        and db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == 0
        and db.session.scalar(sa.select(sa.func.count(Receipt.id))) == 0
    )


def only_event() -> StripeEvent:
    db.session.expire_all()
    [row] = db.session.scalars(sa.select(StripeEvent)).all()
    return row


def paid(session: dict) -> dict:
    return session | {"status": "complete", "payment_status": "paid", "payment_intent": "pi_3x"}


# A1: the API version -------------------------------------------------------------------------


def test_the_donor_reaches_checkout_with_the_pinned_versions_parameters(
    client, make_campaign, give, fake_stripe
):
    """The fake refuses what the pinned version does not know (``payment_method_types``)."""
    campaign = make_campaign()
    donation, session_id = give(campaign)
    [request] = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert request.headers["Stripe-Version"] == STRIPE_API_VERSION
    assert request.params["allowed_payment_method_types"] == ["card", "promptpay"]
    assert "payment_method_types" not in request.params
    assert fake_stripe.sessions[session_id]["payment_method_types"] == ["card", "promptpay"]


def test_a_refused_checkout_says_the_payment_could_not_be_started(
    client, make_campaign, fake_stripe
):
    from tests.crowd import DONOR

    campaign = make_campaign()
    fake_stripe.refuse_next("parameter_unknown", "Received unknown parameter: x")
    response = client.post(f"/campaigns/{campaign.id}/give", data=DONOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "The payment could not be started" in html and "did not answer" not in html
    assert DONOR["message"] in html  # what the donor typed is kept
    from partnership.payments.models import Donation

    donation = db.session.scalar(sa.select(Donation))
    assert donation.state == DonationState.FAILED
    assert donation.failure_reason == "PaymentRequestRefused"
    assert len(fake_stripe.requests) == 1  # a refusal is never retried


def test_an_event_of_another_api_version_is_kept_and_not_applied(
    make_campaign, give, hooked, client, login_as
):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.endpoint_api_version = "2025-03-31.basil"
    [event] = hooked.pay(session_id)
    assert [d.status for d in hooked.deliveries] == [200]
    assert event.data["api_version"] == "2025-03-31.basil"
    row = only_event()
    assert row.outcome == EventOutcome.WRONG_VERSION
    assert json.loads(row.payload)["id"] == event.id and "2025-03-31.basil" in row.reason
    assert reload(donation).state == DonationState.PENDING and nothing_moved(campaign)
    login_as("staff")
    page = client.get("/staff/payments/events").get_data(as_text=True)
    assert event.id in page and "Other API version" in page and "2025-03-31.basil" in page
    assert "Apply it now" not in page  # never applied blindly


def test_an_unhandled_event_of_another_version_is_only_ignored(make_campaign, hooked):
    hooked.endpoint_api_version = "2025-03-31.basil"
    hooked.send(hooked.build_event("customer.created", {"id": "cus_1", "object": "customer"}))
    row = only_event()
    assert row.outcome == EventOutcome.IGNORED and row.payload == ""


# A6: the session must be the donation's own ---------------------------------------------------


@pytest.mark.parametrize(
    "event_type",
    ["checkout.session.completed", "checkout.session.async_payment_succeeded"],
)
@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        # A ฿10 Payment Link of the same account naming a ฿999,999.99 pending gift.
        ({"id": "cs_test_payment_link", "amount_total": 1_000}, "amount_total 1000"),
        ({"amount_total": 1_000}, "amount_total 1000 is not 99999999"),
        ({"id": "cs_test_another_session"}, "cs_test_another_session is not the donation's"),
        ({"currency": "usd"}, "currency usd is not thb"),
        ({"livemode": True}, "livemode True is not False"),
    ],
)
def test_a_session_that_is_not_the_donations_own_credits_nothing(
    make_campaign, give, hooked, event_type, overrides, reason
):
    campaign = make_campaign(goal_satang=200_000_000)
    donation, session_id = give(campaign, custom_amount="999999.99")
    session = paid(hooked.sessions[session_id]) | overrides
    event = hooked.build_event(event_type, session)
    assert [d.status for d in hooked.send(event)] == [200]
    row = only_event()
    assert row.outcome == EventOutcome.MISMATCH and reason in row.reason
    assert row.donation_id == donation.id and json.loads(row.payload)["id"] == event.id
    assert reload(donation).state == DonationState.PENDING and nothing_moved(campaign)
    # The real payment still counts.
    hooked.pay(session_id)
    assert reload(donation).state == DonationState.PAID
    assert reload(campaign).raised_satang == 99_999_999


def test_a_donation_without_a_session_is_never_paid_by_a_session(make_campaign, give, hooked):
    """Stripe never answered its Checkout Session: no session can be its own."""
    campaign = make_campaign()
    donation, session_id = give(campaign)
    db.session.execute(
        sa.update(donation.__class__)
        .where(donation.__class__.id == donation.id)
        .values(checkout_session_id=None)
    )
    db.session.commit()
    hooked.pay(session_id)
    assert only_event().outcome == EventOutcome.MISMATCH
    assert reload(donation).state == DonationState.PENDING and nothing_moved(campaign)


def test_the_matching_session_pays(make_campaign, give, hooked):
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id, method="promptpay")
    assert reload(donation).state == DonationState.PAID
    assert {r.outcome for r in db.session.scalars(sa.select(StripeEvent))} == {EventOutcome.APPLIED}


# A7: signed but malformed --------------------------------------------------------------------


def without(obj: dict, *names: str) -> dict:
    return {k: v for k, v in obj.items() if k not in names}


def named(obj: dict, donation_id: str) -> dict:
    return obj | {"metadata": {"donation_id": donation_id}, "client_reference_id": donation_id}


def thai(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def fullwidth(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _session(ctx, **fields):
    return ("checkout.session.completed", paid(ctx["session"]) | fields)


MALFORMED = {
    "thai digits": lambda c: (
        "checkout.session.completed",
        named(paid(c["session"]), thai(c["id"])),
    ),
    "fullwidth digits": lambda c: (
        "checkout.session.completed",
        named(paid(c["session"]), fullwidth(c["id"])),
    ),
    "beyond bigint": lambda c: (
        "checkout.session.completed",
        named(paid(c["session"]), "99999999999999999999"),
    ),
    "beyond integer": lambda c: (
        "checkout.session.completed",
        named(paid(c["session"]), "2147483648"),
    ),
    "donation id zero": lambda c: ("checkout.session.completed", named(paid(c["session"]), "0")),
    "refund without amount": lambda c: ("refund.created", without(c["refund"], "amount")),
    "refund amount as text": lambda c: ("refund.updated", c["refund"] | {"amount": "100"}),
    "amount_refunded abc": lambda c: ("charge.refunded", c["charge"] | {"amount_refunded": "abc"}),
    "data.object a list": lambda c: ("charge.refunded", [c["charge"]]),
    "expanded payment_intent": lambda c: (
        "refund.created",
        c["refund"] | {"payment_intent": c["intent"]},
    ),
    "metadata a string": lambda c: ("refund.created", c["refund"] | {"metadata": "donation 1"}),
    "amount_total a float": lambda c: _session(c, amount_total=50_000.0),
    "refund id too long": lambda c: ("refund.created", c["refund"] | {"id": "re_" + "x" * 200}),
    "dispute amount true": lambda c: ("charge.dispute.created", c["dispute"] | {"amount": True}),
    "a charge as a refund": lambda c: ("refund.created", c["charge"]),
}


def signed(fake, event_type, obj, *, drop=()) -> Event:
    event = fake.build_event(event_type, obj)
    data = json.loads(event.payload)
    for name in drop:
        data.pop(name)
    return Event(event.id, event_type, json.dumps(data, indent=2).encode())


@pytest.fixture()
def paid_gift(make_campaign, give, hooked):
    """A paid card gift, and Stripe's objects about it (unsent) to break."""
    campaign = make_campaign()
    donation, session_id = give(campaign)
    hooked.pay(session_id)
    refund_created, charge_refunded = hooked.refund(session_id, amount=10_000, send=False)
    disputed = hooked.dispute(session_id, send=False)[0]  # charge.dispute.created
    intent = hooked.payment_intents[hooked.sessions[session_id]["payment_intent"]]
    db.session.execute(sa.delete(StripeEvent))
    db.session.commit()
    return (
        campaign,
        donation,
        {
            "id": donation.id,
            "session": hooked.sessions[session_id],
            "refund": refund_created.object,
            "charge": charge_refunded.object,
            "dispute": disputed.object,
            "intent": intent,
        },
    )


def state_of(donation, campaign):
    donation, campaign = reload(donation), reload(campaign)
    entries = db.session.scalar(sa.select(sa.func.count(LedgerEntry.id)))
    return (
        donation.state,
        donation.refunded_satang,
        donation.disputed,
        campaign.raised_satang,
        entries,
    )


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_signed_malformed_event_is_kept_and_answered_200(paid_gift, hooked, case):
    campaign, donation, ctx = paid_gift
    before = state_of(donation, campaign)
    event_type, obj = MALFORMED[case](ctx)
    event = signed(hooked, event_type, obj)
    deliveries = hooked.send(event, duplicate=True)
    assert [d.status for d in deliveries] == [200, 200]
    assert json.loads(deliveries[1].body).get("duplicate") is True
    row = only_event()
    assert row.outcome == EventOutcome.MALFORMED and row.reason
    assert json.loads(row.payload) == json.loads(event.payload)
    assert state_of(donation, campaign) == before


@pytest.mark.parametrize("drop", [("type",), ("id",), ("id", "type")])
def test_an_event_without_its_type_or_id_is_kept_once(paid_gift, hooked, drop):
    campaign, donation, ctx = paid_gift
    before = state_of(donation, campaign)
    event = signed(hooked, "checkout.session.completed", paid(ctx["session"]), drop=drop)
    assert [d.status for d in hooked.send(event, duplicate=True)] == [200, 200]
    row = only_event()
    assert row.outcome == EventOutcome.MALFORMED
    assert json.loads(row.payload) == json.loads(event.payload)
    assert state_of(donation, campaign) == before


def test_staff_see_why_a_malformed_event_was_kept_and_mark_it_handled(
    paid_gift, hooked, client, login_as
):
    _campaign, _donation, ctx = paid_gift
    hooked.send(signed(hooked, "refund.created", without(ctx["refund"], "amount")))
    row = only_event()
    login_as("staff")
    page = client.get("/staff/payments/events").get_data(as_text=True)
    assert row.event_id in page and "Malformed" in page and "amount is missing" in page
    assert "Apply it now" not in page
    client.post(f"/staff/payments/events/{row.id}/reapply")
    assert reload(row).outcome == EventOutcome.MALFORMED
    client.post(f"/staff/payments/events/{row.id}/handled", data={"h-note": "Checked in Stripe"})
    assert "Checked in Stripe" in client.get("/staff/payments/events").get_data(as_text=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("2147483647", 2147483647),
        (None, None),
        ("", None),
        ("order-5", None),  # another integration's reference: names no donation of ours
        ("-3", None),
    ],
)
def test_donation_ids(raw, expected):
    assert parse_donation_id(raw) == expected


@pytest.mark.parametrize("raw", ["๑๒", "１２", "²", "0", "2147483648", "9" * 20, 12])
def test_donation_ids_that_are_malformed(raw):
    with pytest.raises(Malformed):
        parse_donation_id(raw)


@pytest.mark.parametrize(
    ("key", "livemode", "matches"),
    [
        ("sk_live_x", True, True),
        ("sk_live_x", False, False),
        ("rk_live_x", True, True),
        ("sk_test_x", True, False),
        ("sk_test_x", False, True),
    ],
)
def test_live_or_test_mode_follows_the_secret_key(stripe_app, key, livemode, matches):
    from partnership.payments.event_checks import session_mismatch
    from partnership.payments.models import Donation

    donation = Donation(checkout_session_id="cs_live_1", amount_satang=50_000)
    session = {"id": "cs_live_1", "amount_total": 50_000, "currency": "thb", "livemode": livemode}
    saved = stripe_app.config["STRIPE_SECRET_KEY"]
    stripe_app.config["STRIPE_SECRET_KEY"] = key
    try:
        assert (session_mismatch(donation, session) is None) == matches
    finally:
        stripe_app.config["STRIPE_SECRET_KEY"] = saved

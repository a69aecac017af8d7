"""Campaign rules: made from an approved application, the state machine, close-due, staff pages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from partnership.applications.models import ApplicationState
from partnership.campaigns.models import Campaign, CampaignEvent, CampaignState, FundingRule
from partnership.campaigns.services import (
    CampaignRuleError,
    close_due,
    create_campaign,
    funding_rule_of,
)
from partnership.campaigns.workflow import TRANSITIONS, IllegalCampaignTransition, transition
from partnership.db_types import utcnow
from partnership.extensions import db
from tests.crowd import reload

C = CampaignState


@pytest.mark.parametrize("from_state", list(C))
@pytest.mark.parametrize("to_state", list(C))
def test_every_transition(make_campaign, from_state, to_state):
    campaign = make_campaign(state=from_state.value)
    if to_state in TRANSITIONS[from_state]:
        values = {"launched_at": utcnow()} if to_state == C.LIVE else {}
        transition(campaign, to_state, reason="test", **values)
        db.session.commit()
        assert reload(campaign).state == to_state
        assert reload(campaign).events[-1].to_state == to_state.value
    else:
        with pytest.raises(IllegalCampaignTransition):
            transition(campaign, to_state)


def test_a_stale_copy_cannot_move_twice(make_campaign):
    """Another request ended the campaign after we read it: our move is refused, not applied."""
    stale = make_campaign()
    db.session.execute(
        sa.update(Campaign).where(Campaign.id == stale.id).values(state=C.ENDED, listing_group=1),
        execution_options={"synchronize_session": False},
    )
    assert stale.state == C.LIVE
    with pytest.raises(IllegalCampaignTransition):
        transition(stale, C.FUNDED)
    assert stale.state == C.ENDED


def test_created_from_an_approved_application_only(make_programme, make_application):
    programme = make_programme()
    draft = make_application(
        programme,
        lines=(("โน้ตบุ๊ก", 1_499_050, 3), ("เมาส์", 25_000, 3)),
        state=ApplicationState.WAITLISTED,
    )
    now = utcnow()
    with pytest.raises(CampaignRuleError):
        create_campaign(draft, starts_at=now, ends_at=now + timedelta(days=5), actor=None)
    draft.state = ApplicationState.APPROVED
    db.session.commit()
    campaign = create_campaign(draft, starts_at=now, ends_at=now + timedelta(days=5), actor=None)
    assert campaign.goal_satang == 1_499_050 * 3 + 25_000 * 3
    assert [(line.item, line.quantity) for line in campaign.budget_lines] == [
        ("โน้ตบุ๊ก", 3),
        ("เมาส์", 3),
    ]
    assert campaign.state == C.DRAFT and campaign.funding_rule == FundingRule.KEEP_WHAT_YOU_RAISE
    with pytest.raises(CampaignRuleError):
        create_campaign(draft, starts_at=now, ends_at=now + timedelta(days=5), actor=None)


def test_close_due_is_idempotent_from_the_command_line(app, make_campaign):
    due = make_campaign(days=1)
    running = make_campaign(days=30)
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == due.id)
        .values(ends_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["campaigns", "close-due"])
    second = runner.invoke(args=["campaigns", "close-due"])
    assert first.exit_code == 0 and "Ended 1" in first.output
    assert second.exit_code == 0 and "Ended 0" in second.output
    assert reload(due).state == C.ENDED and reload(running).state == C.LIVE
    events = db.session.scalars(
        sa.select(CampaignEvent).where(
            CampaignEvent.campaign_id == due.id, CampaignEvent.to_state == "ended"
        )
    ).all()
    assert len(events) == 1
    assert close_due() == []


def png(width=1600, height=1200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_staff_create_edit_photo_and_launch(
    client, store, login_as, make_programme, make_application
):
    login_as("staff")
    programme = make_programme()
    application = make_application(programme, state=ApplicationState.APPROVED, title="Notebooks")
    from partnership.applications.models import Attachment
    from partnership.core.storage import get_storage

    for key, data, kind in (
        ("a" * 32 + ".png", png(800, 600), "image/png"),
        ("b" * 32 + ".pdf", b"%PDF-1.4", "application/pdf"),
    ):
        get_storage().save(key, data, kind)
        db.session.add(
            Attachment(
                application_id=application.id,
                filename=key,
                content_type=kind,
                size_bytes=len(data),
                storage_key=key,
                sha256="0" * 64,
            )
        )
    db.session.commit()
    page = client.get(f"/staff/campaigns/new/{application.id}")
    assert page.status_code == 200
    today = (utcnow() + timedelta(hours=7)).date()
    response = client.post(
        f"/staff/campaigns/new/{application.id}",
        data={
            "title": "Laptops for Ban Nong Bua",
            "story": "Our pupils share one computer.",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign.title == "Laptops for Ban Nong Bua" and campaign.state == C.DRAFT
    assert client.get(f"/campaigns/{campaign.id}").status_code == 200  # staff see drafts
    client.post(
        f"/staff/campaigns/{campaign.id}/photos",
        data={"photo": (io.BytesIO(png()), "school.png"), "caption": "Our class"},
        content_type="multipart/form-data",
    )
    client.post(
        f"/staff/campaigns/{campaign.id}/photos",
        data={"photo": (io.BytesIO(b"%PDF-1.4 not a photo"), "x.png")},
        content_type="multipart/form-data",
    )
    campaign = reload(campaign)
    # The application's photo (800 px wide, so never enlarged) and the upload; not the PDF.
    assert [p.width for p in campaign.photos] == [800, 960]
    assert client.post(f"/staff/campaigns/{campaign.id}/launch").status_code == 302
    assert reload(campaign).state == C.LIVE and reload(campaign).launched_at is not None
    again = client.post(f"/staff/campaigns/{campaign.id}/launch", follow_redirects=True)
    assert "cannot be launched" in again.get_data(as_text=True)
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'loading="lazy"' in html and "-480.jpg" in html and "-960.jpg 960w" in html
    key = campaign.photos[1].storage_key
    with client.get(f"/campaigns/photos/{key}-480.jpg") as image:
        assert image.status_code == 200 and Image.open(io.BytesIO(image.data)).width == 480


def test_staff_pages_refuse_others(client, login_as, make_campaign):
    campaign = make_campaign(state="draft")
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    assert client.get(f"/campaigns/{campaign.id}/give").status_code == 404
    login_as("school")
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    assert client.get(f"/staff/campaigns/{campaign.id}").status_code == 403
    assert client.post(f"/staff/campaigns/{campaign.id}/launch").status_code == 403
    assert reload(campaign).state == C.DRAFT


def test_funding_rule_is_stored_for_the_programme(client, login_as, make_campaign):
    campaign = make_campaign(state="draft")
    login_as("staff")
    client.post(
        f"/staff/campaigns/programmes/{campaign.programme_id}/funding-rule",
        data={"rule": "all_or_nothing"},
    )
    assert funding_rule_of(campaign.programme_id) == FundingRule.ALL_OR_NOTHING
    assert reload(campaign).funding_rule == FundingRule.ALL_OR_NOTHING


def test_seed_demo_campaigns_verify_and_stay_idempotent(app):
    from partnership.ledger.services import verify
    from partnership.payments.models import Donation, DonationState

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    states = sorted(c.state.value for c in db.session.scalars(sa.select(Campaign)))
    # one all-or-nothing, refunded; the after-funding demo's funded laptop campaign; the
    # dashboards demo's stalled and ending-soon campaigns (live)
    assert states == ["ended", "ended", "funded", "funded", "live", "live", "live"]
    donations = db.session.scalars(sa.select(Donation)).all()
    assert any(d.anonymous for d in donations)
    assert [d.state for d in donations].count(DonationState.REFUNDED) >= 1
    assert verify() == []
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0


def test_staff_reorder_and_remove_photos(client, app, store, login_as, make_campaign):
    from partnership.campaigns.photos import WIDTHS, add_photo, variant_key
    from partnership.core.storage import MissingFile, get_storage

    campaign = make_campaign()
    for caption in ("ห้องเรียน", "สนาม", "ห้องสมุด"):
        add_photo(campaign, png(), caption)
    db.session.commit()
    other = make_campaign()
    add_photo(other, png(), "อื่น")
    db.session.commit()
    foreign = other.photos[0].id
    ids = [p.id for p in reload(campaign).photos]
    url = f"/staff/campaigns/{campaign.id}/photos"

    login_as("school")
    assert client.post(f"{url}/{ids[2]}/remove").status_code == 403
    login_as("staff")
    client.post(f"{url}/{ids[2]}/move", data={"direction": "up"})
    assert [p.caption for p in reload(campaign).photos] == ["ห้องเรียน", "ห้องสมุด", "สนาม"]
    client.post(f"{url}/{ids[0]}/move", data={"direction": "up"})  # already first: stays
    assert [p.caption for p in reload(campaign).photos] == ["ห้องเรียน", "ห้องสมุด", "สนาม"]
    key = reload(campaign).photos[0].storage_key
    done = client.post(f"{url}/{ids[0]}/remove", follow_redirects=True)
    assert "The photo is removed." in done.get_data(as_text=True)
    assert [(p.caption, p.position) for p in reload(campaign).photos] == [
        ("ห้องสมุด", 0),
        ("สนาม", 1),
    ]
    for width in WIDTHS:  # every stored size is gone from the store
        with pytest.raises(MissingFile):
            get_storage().fetch(variant_key(key, width))
    assert client.get(f"/campaigns/photos/{key}-480.jpg").status_code == 404
    # Another campaign's photo is refused, and stays.
    refused = client.post(f"{url}/{foreign}/remove", follow_redirects=True)
    assert "not part of the campaign" in refused.get_data(as_text=True)
    assert len(reload(other).photos) == 1

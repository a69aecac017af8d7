"""The public campaign page shows the delivery progress and the updates' public photos, in a
number of queries that does not grow with the milestones; photos without the PDPA tick stay
off the page and out of the donors' mail."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from partnership.extensions import db
from partnership.milestones.models import MilestoneState
from partnership.milestones.services import milestones_of, move_milestone
from partnership.notifications.models import OutgoingMail
from tests.crowd import counted_queries

from .conftest import TEMPLATE, png


def _page(client, campaign) -> str:
    response = client.get(f"/campaigns/{campaign.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_progress_done_pending_and_overdue(client, funded, roles):
    campaign = funded(school=roles.school, days_ago=50)
    ordered, *_ = milestones_of(campaign.id)
    move_milestone(ordered, MilestoneState.DONE, actor=roles["school"], note="สั่งแล้ว")
    db.session.commit()
    html = _page(client, campaign)
    section = html[html.index('id="milestones"') :]
    assert "1 of 4 milestones done" in section
    assert section.count("milestone-done") == 1
    assert section.count("milestone-overdue") == 1  # delivered (45 days)
    assert section.count("milestone-pending") == 2
    assert "Delivered to the school" in section and "days overdue" in section
    assert "Mark milestones" not in section


def test_query_count_does_not_grow_with_milestones(client, funded, roles):
    few = funded(steps=TEMPLATE[:1])
    many_steps = [(f"ขั้น {n}", f"Step {n}", n * 10) for n in range(12)]
    many = funded(steps=many_steps)
    for milestone in milestones_of(many.id)[:6]:
        move_milestone(
            milestone, MilestoneState.DONE, actor=roles["staff"], photos=[png()], public_photos=True
        )
    db.session.commit()
    _page(client, few), _page(client, many)  # warm
    with counted_queries() as one:
        _page(client, few)
    with counted_queries() as twelve:
        html = _page(client, many)
    assert len(twelve) == len(one), (len(one), len(twelve))
    assert html.count("/milestones/photos/") >= 6


def test_private_photos_stay_off_the_public_page(client, funded, roles, as_role):
    campaign = funded(school=roles.school)
    first, second, *_ = milestones_of(campaign.id)
    move_milestone(
        first, MilestoneState.DONE, actor=roles["school"], photos=[png()], public_photos=True
    )
    move_milestone(second, MilestoneState.DONE, actor=roles["school"], photos=[png((1, 2, 3))])
    db.session.commit()
    public_key, private_key = (p.storage_key for p in (first.photos[0], second.photos[0]))
    html = _page(client, campaign)
    assert public_key in html and private_key not in html
    as_role("school")
    html = _page(client, campaign)
    assert public_key in html and private_key in html and "Not public" in html


def test_an_update_with_photos_mails_only_the_public_ones(client, funded, roles, as_role):
    from tests.paid_gifts import gift

    campaign = funded(school=roles.school)
    gift(campaign, email="fan@example.com", wants_updates=True)
    db.session.commit()
    as_role("school")
    for consent in ("y", None):
        data = {
            "title": f"ภาพ {consent}",
            "body": "ห้องเรียน",
            "photos": [(io.BytesIO(png()), "a.png"), (io.BytesIO(png()), "b.png")],
        }
        if consent:
            data["consent"] = consent
        response = client.post(
            f"/campaigns/{campaign.id}/updates/new", data=data, content_type="multipart/form-data"
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    mails = db.session.scalars(
        sa.select(OutgoingMail)
        .where(OutgoingMail.topic == "campaign_update")
        .order_by(OutgoingMail.id)
    ).all()
    assert len(mails) == 2
    assert mails[0].body.count("/campaigns/updates/photos/") == 2
    assert "/campaigns/updates/photos/" not in mails[1].body
    as_role("visitor")
    html = _page(client, campaign)
    assert len(set(re.findall(r"/campaigns/updates/photos/([0-9a-f]{32})-", html))) == 2


def test_a_bad_photo_is_a_form_error_and_nothing_is_kept(client, funded, roles, as_role):
    campaign = funded(school=roles.school)
    pending = milestones_of(campaign.id)[0]
    as_role("school")
    response = client.post(
        f"/milestones/{pending.id}",
        data={"to": "done", "photos": (io.BytesIO(b"%PDF-1.4 not a photo"), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "JPEG and PNG" in response.get_data(as_text=True)
    db.session.expire_all()
    assert milestones_of(campaign.id)[0].state == MilestoneState.PENDING


def test_the_school_dashboard_lists_overdue_milestones(client, funded, roles, as_role):
    funded(school=roles.school, days_ago=20)
    as_role("school")
    html = client.get("/my/applications").get_data(as_text=True)
    assert 'id="school-milestones"' in html and "1 milestone is overdue." in html
    as_role("other school")
    assert 'id="school-milestones"' not in client.get("/my/applications").get_data(as_text=True)
    as_role("staff")
    html = client.get("/staff").get_data(as_text=True)
    assert 'id="milestones-card"' in html
    assert "Ordered" in client.get("/staff/milestones/overdue").get_data(as_text=True)

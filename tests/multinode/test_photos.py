"""A campaign photo uploaded through app server A is served by app server B: both keep their
files in the one S3 bucket (moto in server mode), not on their own disks."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from partnership.campaigns.models import CampaignPhoto
from partnership.campaigns.photos import WIDTHS
from partnership.extensions import db
from tests.live import LiveServer

from .storm import make_campaigns

pytestmark = pytest.mark.multinode


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_uploaded_through_a_is_served_by_b(cluster):
    from partnership.accounts.services import create_user

    (campaign,) = make_campaigns(1)
    staff = create_user("multinode-staff@example.test", "เจ้าหน้าที่", "correct horse 9",
                        is_staff=True)  # fmt: skip
    db.session.commit()
    http = LiveServer(cluster.app, cluster.a.url).session_for(staff)

    form = http.get(f"{cluster.a.url}/staff/campaigns/{campaign.id}", timeout=30)
    assert form.status_code == 200, form.text[:500]
    # The page put the form's token into the session: from now on that session cookie alone.
    session_cookie = form.cookies["session"]
    http.cookies.clear()
    http.cookies.set("session", session_cookie)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    upload = http.post(
        f"{cluster.a.url}/staff/campaigns/{campaign.id}/photos",
        data={"csrf_token": token, "caption": "ห้องเรียน"},
        files={"photo": ("school.png", _png(), "image/png")},
        allow_redirects=False,
        timeout=60,
    )
    assert upload.status_code == 302, upload.text[:1000]

    db.session.rollback()
    (photo,) = db.session.scalars(
        sa.select(CampaignPhoto).where(CampaignPhoto.campaign_id == campaign.id)
    )
    stored = cluster.s3.client().list_objects_v2(Bucket=cluster.bucket)
    assert {item["Key"] for item in stored.get("Contents", [])} >= {
        f"campaign-photos/{photo.storage_key}-{w}.jpg" for w in WIDTHS
    }
    for width in WIDTHS:
        served = cluster.get(cluster.b, f"/campaigns/photos/{photo.storage_key}-{width}.jpg")
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(served.content)).width == width
    page = cluster.get(cluster.b, f"/campaigns/{campaign.id}")
    assert f"/campaigns/photos/{photo.storage_key}-" in page.text

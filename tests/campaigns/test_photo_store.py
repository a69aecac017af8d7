"""Campaign photos through the file store, on a local folder and on moto's S3 server: the upload
stores every size as an object, the public photo URL serves it from the store with cache
headers, removing a photo deletes every size, and a store that fails leaves nothing behind."""

from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from partnership.campaigns.models import CampaignPhoto
from partnership.campaigns.photos import MAX_AGE, WIDTHS, variant_key
from partnership.extensions import db


def png(width=1600, height=1200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 140, 90)).save(out, "PNG")
    return out.getvalue()


def upload(client, campaign, data: bytes, name: str = "school.png"):
    return client.post(
        f"/staff/campaigns/{campaign.id}/photos",
        data={"photo": (io.BytesIO(data), name), "caption": "ห้องเรียน"},
        content_type="multipart/form-data",
    )


def photos() -> list[CampaignPhoto]:
    return list(db.session.scalars(sa.select(CampaignPhoto).order_by(CampaignPhoto.id)))


def test_a_photo_is_uploaded_stored_and_served_from_the_store(
    client, store, login_as, make_campaign
):
    campaign = make_campaign()
    login_as("staff")
    assert upload(client, campaign, png()).status_code == 302
    [photo] = photos()
    assert store.keys() == sorted(variant_key(photo.storage_key, w) for w in WIDTHS)

    html = client.get(f"/campaigns/{campaign.id}").text
    assert f"/campaigns/photos/{photo.storage_key}-960.jpg 960w" in html
    for width in WIDTHS:
        served = client.get(f"/campaigns/photos/{photo.storage_key}-{width}.jpg")
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(served.data)).width == width
        assert served.cache_control.public and served.cache_control.max_age == MAX_AGE
        assert served.headers["ETag"] == f'"{hashlib.md5(served.data).hexdigest()}"'
        assert served.headers["Last-Modified"]
        again = client.get(
            f"/campaigns/photos/{photo.storage_key}-{width}.jpg",
            headers={"If-None-Match": served.headers["ETag"]},
        )
        assert again.status_code == 304 and again.data == b""


def test_removing_a_photo_deletes_every_size(client, store, login_as, make_campaign):
    campaign = make_campaign()
    login_as("staff")
    upload(client, campaign, png())
    [photo] = photos()
    key = photo.storage_key
    client.post(f"/staff/campaigns/{campaign.id}/photos/{photo.id}/remove")
    assert photos() == []
    assert store.keys() == []
    assert client.get(f"/campaigns/photos/{key}-480.jpg").status_code == 404


def test_a_size_missing_from_the_store_is_a_404(client, store, login_as, make_campaign):
    campaign = make_campaign()
    login_as("staff")
    upload(client, campaign, png())
    [photo] = photos()
    store.remove(variant_key(photo.storage_key, 960))
    assert client.get(f"/campaigns/photos/{photo.storage_key}-960.jpg").status_code == 404
    assert client.get(f"/campaigns/photos/{photo.storage_key}-480.jpg").status_code == 200


@pytest.mark.parametrize(
    "path", ["../../etc/passwd-480.jpg", "ABCDEF" + "0" * 26 + "-480.jpg", "0" * 32 + "-100.jpg"]
)
def test_only_photo_keys_and_sizes_are_looked_up(client, store, path):
    assert client.get(f"/campaigns/photos/{path}").status_code == 404


def test_an_unreachable_store_refuses_the_photo_and_saves_nothing(
    client, store, login_as, make_campaign
):
    campaign = make_campaign()
    login_as("staff")
    store.go_down()
    response = upload(client, campaign, png())
    assert response.status_code == 503
    assert "The file store does not answer, so nothing was saved." in response.text
    assert photos() == []
    assert store.keys() == []


def test_a_store_failing_on_the_second_size_keeps_neither(
    client, store, login_as, make_campaign, monkeypatch
):
    from partnership.core.storage import StoreUnavailable, get_storage

    storage = get_storage()
    real_save = storage.save

    def fails_on_the_large_size(key, data, content_type):
        if key.endswith("-960.jpg"):
            raise StoreUnavailable("the connection broke")
        real_save(key, data, content_type)

    monkeypatch.setattr(storage, "save", fails_on_the_large_size)
    campaign = make_campaign()
    login_as("staff")
    assert upload(client, campaign, png()).status_code == 503
    assert photos() == []
    assert store.keys() == []  # the 480 px size was stored, then removed with the rollback


def test_serving_when_the_store_is_down_is_a_503(client, store, login_as, make_campaign):
    campaign = make_campaign()
    login_as("staff")
    upload(client, campaign, png())
    [photo] = photos()
    store.go_down()
    served = client.get(f"/campaigns/photos/{photo.storage_key}-480.jpg")
    assert served.status_code == 503
    assert "The file cannot be opened right now" in served.text
    assert served.headers["Cache-Control"] == "no-store"  # no proxy keeps the error for 30 days


def test_a_photo_stored_before_the_file_store_still_shows(app, client, make_campaign):
    """Photos written by the old code, straight into UPLOAD_FOLDER/campaign-photos, keep their
    rows and their files: the local store's keys are those paths."""
    from pathlib import Path

    campaign = make_campaign()
    key = "0123456789abcdef" * 2
    folder = Path(app.config["UPLOAD_FOLDER"]) / "campaign-photos"
    folder.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        out = io.BytesIO()
        Image.new("RGB", (width, width // 2), (1, 2, 3)).save(out, "JPEG")
        (folder / f"{key}-{width}.jpg").write_bytes(out.getvalue())
    db.session.add(CampaignPhoto(campaign_id=campaign.id, storage_key=key, width=960, height=480))
    db.session.commit()
    try:
        for width in WIDTHS:
            served = client.get(f"/campaigns/photos/{key}-{width}.jpg")
            assert served.status_code == 200
            assert served.data == (folder / f"{key}-{width}.jpg").read_bytes()
    finally:
        for width in WIDTHS:
            (folder / f"{key}-{width}.jpg").unlink()

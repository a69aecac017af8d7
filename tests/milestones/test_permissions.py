"""Every milestone route, and the photos of updates, for each kind of visitor: the visitor,
a donor (signed in, no role), the school's staff, another school's staff, a sponsor, a
committee member and programme staff."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from partnership.donors.updates import post_update
from partnership.extensions import db
from partnership.milestones.models import MilestonePhoto, MilestoneState
from partnership.milestones.services import add_step, milestones_of, move_milestone

from .conftest import png

ROLES = ("visitor", "donor", "school", "other school", "sponsor", "committee", "staff")
OK = "ok"  # the page, the file or the redirect after a successful post
LOGIN = "login"
NO = 403


@pytest.fixture()
def world(app, funded, roles):
    """A funded campaign of ``roles.school`` with a done milestone (one public and one private
    photo), a pending one, an unused template step, and an update with both kinds of photo."""
    campaign = funded(school=roles.school)
    done, pending, *_ = milestones_of(campaign.id)
    school_user = roles["school"]
    move_milestone(done, MilestoneState.DONE, actor=school_user, photos=[png()], public_photos=True)
    move_milestone(done, MilestoneState.REOPENED, actor=roles["staff"], note="again")
    move_milestone(done, MilestoneState.DONE, actor=school_user, photos=[png()])
    public, private = db.session.scalars(
        sa.select(MilestonePhoto).order_by(MilestonePhoto.id)
    ).all()
    spare = add_step(campaign.programme_id, name_th="ขั้นที่ไม่ใช้", name_en="", due_days=5)
    update = post_update(
        campaign, title="ข่าว", body="เนื้อหา", author=school_user, photos=[png()], public_photos=True
    )
    hidden = post_update(
        campaign,
        title="ข่าว 2",
        body="เนื้อหา",
        author=school_user,
        photos=[png()],
        public_photos=False,
    )
    ids = {
        "c": campaign.id,
        "p": campaign.programme_id,
        "done": done.id,
        "pending": pending.id,
        "step": done.step_id,
        "spare": spare.id,
        "public": public.storage_key,
        "private": private.storage_key,
        "update_public": update.photos[0].storage_key,
        "update_private": hidden.photos[0].storage_key,
    }
    db.session.commit()
    return ids


STAFF_ONLY = {r: (OK if r == "staff" else LOGIN if r == "visitor" else NO) for r in ROLES}
SCHOOL_OR_STAFF = {
    r: (OK if r in ("school", "staff") else LOGIN if r == "visitor" else NO) for r in ROLES
}
EVERYONE = dict.fromkeys(ROLES, OK)

#: (name, method, url template, form data, expected answer per role)
ROUTES = [
    ("campaign milestones", "GET", "/campaigns/{c}/milestones", None, SCHOOL_OR_STAFF),
    ("milestone page", "GET", "/milestones/{pending}", None, SCHOOL_OR_STAFF),
    ("mark done", "POST", "/milestones/{pending}", {"to": "done", "note": "ok"}, SCHOOL_OR_STAFF),
    ("reopen", "POST", "/milestones/{done}", {"to": "reopened", "note": "no"}, STAFF_ONLY),
    (
        "my milestones",
        "GET",
        "/my/milestones",
        None,
        {
            r: (OK if r in ("school", "other school") else LOGIN if r == "visitor" else NO)
            for r in ROLES
        },
    ),
    ("overdue list", "GET", "/staff/milestones/overdue", None, STAFF_ONLY),
    ("template", "GET", "/staff/milestones/programmes/{p}", None, STAFF_ONLY),
    (
        "add a step",
        "POST",
        "/staff/milestones/programmes/{p}",
        {"name_th": "ติดตาม", "name_en": "Follow-up", "due_days": "300"},
        STAFF_ONLY,
    ),
    ("step page", "GET", "/staff/milestones/steps/{step}", None, STAFF_ONLY),
    (
        "edit a step",
        "POST",
        "/staff/milestones/steps/{step}",
        {"name_th": "สั่งซื้อแล้ว", "name_en": "Ordered", "due_days": "15", "position": "0"},
        STAFF_ONLY,
    ),
    ("delete a step", "POST", "/staff/milestones/steps/{spare}/delete", {}, STAFF_ONLY),
    ("public photo", "GET", "/milestones/photos/{public}-480.jpg", None, EVERYONE),
    ("private photo", "GET", "/milestones/photos/{private}-480.jpg", None, SCHOOL_OR_STAFF),
    (
        "public update photo",
        "GET",
        "/campaigns/updates/photos/{update_public}-960.jpg",
        None,
        EVERYONE,
    ),
    (
        "private update photo",
        "GET",
        "/campaigns/updates/photos/{update_private}-960.jpg",
        None,
        SCHOOL_OR_STAFF,
    ),
    (
        "update with a photo",
        "POST",
        "/campaigns/{c}/updates/new",
        {"title": "ส่งมอบแล้ว", "body": "ครบ", "consent": "y", "photos": "PNG"},
        SCHOOL_OR_STAFF,
    ),
]


def _answer(client, method, url, data):
    if method == "GET":
        return client.get(url)
    form = dict(data)
    if form.get("photos") == "PNG":
        form["photos"] = (io.BytesIO(png()), "photo.png")
    return client.post(url, data=form, content_type="multipart/form-data")


def _check(client, response, method, want):
    if want == OK:
        assert response.status_code in ((200,) if method == "GET" else (302, 303)), (
            response.status_code,
            response.get_data(as_text=True)[:500],
        )
        if method == "POST":
            assert "/login" not in response.headers["Location"]
            after = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "flash-error" not in after
    elif want == LOGIN:
        assert response.status_code in (302, 401)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == want, response.status_code


#: A GET route is asked by every role in turn; a POST route by every refused role and then by
#: one allowed role (its success changes the state), once per allowed role.
CASES = [
    (route, winner)
    for route in ROUTES
    for winner in ([None] if route[1] == "GET" else [r for r in ROLES if route[4][r] == OK])
]


@pytest.mark.parametrize(("route", "winner"), CASES, ids=[f"{r[0]}-{w or 'all'}" for r, w in CASES])
def test_matrix(client, world, as_role, route, winner):
    _name, method, template, data, expected = route
    url = template.format(**world)
    for role in ROLES:
        if method == "POST" and expected[role] == OK and role != winner:
            continue
        if method == "POST" and role == winner:
            continue  # last, below
        as_role(role)
        _check(client, _answer(client, method, url, data), method, expected[role])
    if winner is not None:
        as_role(winner)
        _check(client, _answer(client, method, url, data), method, OK)


def test_private_photos_are_never_kept_by_a_cache(client, world, as_role):
    as_role("school")
    private = client.get("/milestones/photos/{private}-480.jpg".format(**world))
    assert "no-store" in private.headers["Cache-Control"]
    public = client.get("/milestones/photos/{public}-480.jpg".format(**world))
    assert "public" in public.headers["Cache-Control"]


def test_a_step_in_use_is_not_deleted(client, world, as_role):
    as_role("staff")
    response = client.post("/staff/milestones/steps/{step}/delete".format(**world))
    assert response.status_code == 303
    assert "cannot be deleted" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MilestonePhoto)) == 2


def test_a_draft_campaigns_milestone_pages_are_not_found(client, make_campaign, roles, as_role):
    campaign = make_campaign(roles.school, state="draft")
    as_role("school")
    assert client.get(f"/campaigns/{campaign.id}/milestones").status_code == 404


def test_an_unknown_photo_is_not_found(client, world, as_role):
    as_role("staff")
    assert client.get("/milestones/photos/" + "0" * 32 + "-480.jpg").status_code == 404
    assert client.get("/milestones/photos/{public}-123.jpg".format(**world)).status_code == 404

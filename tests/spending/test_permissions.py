"""Every spending route × visitor, donor, this school's staff, another school's staff, sponsor,
committee member and staff: only staff move money; the invoice is for staff and the school."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.registry.models import Sector
from partnership.review.models import CommitteeMember
from partnership.spending import services, suppliers
from partnership.spending.models import Disbursement
from tests.factories import build_programme
from tests.hostile import digest
from tests.spending.conftest import pdf_bytes

ROLES = ["visitor", "donor", "school", "other_school", "sponsor", "committee", "staff"]


@pytest.fixture()
def world(
    funded_campaign, make_disbursement, make_user, make_school, make_org, add_membership,
    two_staff,
):  # fmt: skip
    school = make_school()
    campaign = funded_campaign(school=school)
    paid = make_disbursement(campaign, state="paid", lines=((1, 1, 100),))
    services.set_public_copy(
        paid, suppliers.store_invoice(pdf_bytes(), "copy.pdf")[::2], two_staff[1]
    )
    draft = make_disbursement(campaign, state="draft", lines=((1, 1, 100),))
    submitted = make_disbursement(campaign, state="submitted", lines=((1, 1, 100),))
    db.session.commit()
    users = {"visitor": None, "donor": make_user(), "staff": two_staff[1]}
    users["school"] = make_user()
    add_membership(users["school"], school=school)
    users["other_school"] = make_user()
    add_membership(users["other_school"], school=make_school())
    users["sponsor"] = make_user()
    add_membership(users["sponsor"], organisation=make_org())
    users["committee"] = make_user()
    organisation = make_org(sector=Sector.PUBLIC)
    add_membership(users["committee"], organisation=organisation)
    programme = build_programme()
    db.session.add(programme)
    db.session.add(
        CommitteeMember(
            programme=programme,
            user=users["committee"],
            organisation=organisation,
            sector=Sector.PUBLIC,
        )  # fmt: skip
    )
    db.session.commit()
    return {"campaign": campaign, "paid": paid, "draft": draft, "submitted": submitted,
            "users": users}  # fmt: skip


def _gets(w):
    c, p, d = w["campaign"].id, w["paid"].id, w["draft"].id
    staff = [
        "/staff/spending/",
        "/staff/spending/?state=submitted",
        f"/staff/spending/campaigns/{c}",
        f"/staff/spending/{p}",
        f"/staff/spending/{d}/edit",
        "/staff/spending/vendors",
    ]
    return staff, [f"/disbursements/{p}/invoice"], [f"/disbursements/{p}/public-invoice"]


def _posts(w):
    c, p, d, s = w["campaign"].id, w["paid"].id, w["draft"].id, w["submitted"].id
    return [
        (f"/staff/spending/campaigns/{c}", {"paid_on": "2026-11-01"}),
        (f"/staff/spending/{d}/edit", {"paid_on": "2026-11-01"}),
        (f"/staff/spending/{d}/submit", {}),
        (f"/staff/spending/{s}/send-back", {"reason": "x"}),
        (f"/staff/spending/{s}/approve", {"reason": ""}),
        (f"/staff/spending/{s}/pay", {}),
        (f"/staff/spending/{p}/reverse", {"reason": "x"}),
        (f"/staff/spending/{d}/cancel", {"reason": "x"}),
        (f"/staff/spending/{p}/enter-again", {}),
        (f"/staff/spending/{p}/public-copy", {"public": "y"}),
        ("/staff/spending/vendors", {"name": "ร้าน", "tax_id": "0105551234567"}),
    ]


def _shut_out(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403) or (
        response.status_code == 302 and "/login" in location
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(client, act_as, world, role):
    user = world["users"][role]
    act_as(user)
    staff_pages, invoice, public = _gets(world)
    for url in staff_pages:
        response = client.get(url)
        if role == "staff":
            assert response.status_code == 200, url
        else:
            assert _shut_out(response), (url, response.status_code)
    for url in invoice:
        response = client.get(url)
        if role in ("staff", "school"):
            assert response.status_code == 200 and response.data.startswith(b"%PDF")
            assert "no-store" in response.headers.get("Cache-Control", "")
        else:
            assert _shut_out(response), (url, response.status_code)
    for url in public:
        assert client.get(url).status_code == 200
    if role == "staff":
        return  # staff's moves are tested one by one in test_states and test_pages
    before = digest()
    for url, data in _posts(world):
        response = client.post(url, data=data)
        assert _shut_out(response), (url, response.status_code)
    assert digest() == before


def test_an_unpublished_copy_and_a_draft_are_never_public(client, world):
    draft = world["draft"]
    assert client.get(f"/disbursements/{draft.id}/public-invoice").status_code == 404
    assert client.get("/disbursements/999999/invoice").status_code == 404
    unpublished = db.session.scalar(
        sa.select(Disbursement).where(Disbursement.public_invoice_key.is_(None))
    )
    assert client.get(f"/disbursements/{unpublished.id}/public-invoice").status_code == 404


def test_an_upload_to_a_public_copy_needs_the_tick(client, act_as, world):
    act_as(world["users"]["staff"])
    paid = world["paid"]
    old = paid.public_invoice_key
    response = client.post(
        f"/staff/spending/{paid.id}/public-copy",
        data={"copy": (io.BytesIO(pdf_bytes()), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Disbursement, paid.id).public_invoice_key == old
    # No file and no tick: withdrawn.
    client.post(f"/staff/spending/{paid.id}/public-copy", data={})
    db.session.expire_all()
    assert db.session.get(Disbursement, paid.id).public_invoice_key is None

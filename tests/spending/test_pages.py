"""The staff pages record and move disbursements; the public sees what the money bought; the
invoice stays with staff and the school; vendors are never sponsors."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.registry.models import Organisation
from partnership.spending.models import Disbursement, DisbursementState
from tests.crowd import counted_queries, page_text, reload
from tests.spending.conftest import pdf_bytes

D = DisbursementState


def _form(campaign, **extra) -> dict:
    budget = campaign.budget_lines
    return {
        "paid_on": "2026-11-20",
        "payee_organisation_id": "0",
        "payee_name": "บริษัท ทดสอบ จำกัด",
        "payee_tax_id": "0105551234567",
        "lines-0-budget_line_id": str(budget[0].id),
        "lines-0-quantity": "24",
        "lines-0-unit_price": "15,000",
        "lines-1-budget_line_id": str(budget[1].id),
        "lines-1-quantity": "24",
        "lines-1-unit_price": "500",
        "invoice": (io.BytesIO(pdf_bytes()), "ใบกำกับภาษี.pdf"),
    } | extra


def test_staff_record_submit_and_a_second_member_approves_and_pays(
    client, act_as, funded_campaign, two_staff
):
    submitter, approver = two_staff
    campaign = funded_campaign()
    act_as(submitter)
    page = client.get(f"/staff/spending/campaigns/{campaign.id}")
    assert page.status_code == 200 and "Record a disbursement" in page.get_data(as_text=True)
    response = client.post(
        f"/staff/spending/campaigns/{campaign.id}",
        data=_form(campaign),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    d = db.session.scalar(sa.select(Disbursement))
    assert d.amount_satang == 37_200_000 and d.state == D.DRAFT and d.invoice_key
    text = page_text(client.get(f"/staff/spending/{d.id}"))
    assert "฿372,000.00" in text
    assert client.post(f"/staff/spending/{d.id}/submit").status_code == 303
    # The submitter's page says four eyes; a hand-made approval is refused.
    assert "four eyes" in client.get(f"/staff/spending/{d.id}").get_data(as_text=True)
    refused = client.post(
        f"/staff/spending/{d.id}/approve",
        data={"reason": "", "approved_by_id": str(approver.id), "submitted_by_id": ""},
    )
    assert refused.status_code == 303
    assert reload(d).state == D.SUBMITTED and reload(d).approved_by_id is None
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    assert any("another member of staff" in message for _c, message in flashes)
    act_as(approver)
    assert client.post(f"/staff/spending/{d.id}/approve", data={"reason": "ok"}).status_code == 303
    assert client.post(f"/staff/spending/{d.id}/pay").status_code == 303
    d = reload(d)
    assert d.state == D.PAID and d.approved_by_id == approver.id
    assert d.submitted_by_id == submitter.id


def test_a_new_vendor_is_registered_from_the_form_and_never_listed_as_a_sponsor(
    client, act_as, funded_campaign, two_staff, make_partnership
):
    act_as(two_staff[0])
    campaign = funded_campaign()
    response = client.post(
        f"/staff/spending/campaigns/{campaign.id}",
        data=_form(campaign, register_vendor="y", payee_name="บริษัท ไอทีทดสอบ จำกัด"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    vendor = db.session.scalar(sa.select(Organisation).where(Organisation.kind == "vendor"))
    assert vendor.name == "บริษัท ไอทีทดสอบ จำกัด" and vendor.tax_id == "0105551234567"
    assert db.session.scalar(sa.select(Disbursement)).payee_organisation_id == vendor.id
    assert "บริษัท ไอทีทดสอบ" not in client.get("/organisations").get_data(as_text=True)
    assert "บริษัท ไอทีทดสอบ" not in client.get("/partnerships/new").get_data(as_text=True)
    listed = client.get("/staff/spending/vendors").get_data(as_text=True)
    assert "บริษัท ไอทีทดสอบ" in listed


@pytest.mark.parametrize(
    "change, field",
    [
        ({"payee_tax_id": "0105551234568"}, "payee_tax_id-error"),
        ({"payee_name": "", "payee_tax_id": ""}, "payee_name-error"),
        ({"lines-0-quantity": "0"}, "lines-0-quantity-error"),
        ({"lines-0-unit_price": "abc"}, "lines-0-unit_price-error"),
        ({"paid_on": "2001-01-01"}, "paid_on-error"),
    ],
)
def test_bad_input_is_a_form_error_and_keeps_what_was_typed(
    client, act_as, funded_campaign, two_staff, change, field
):
    act_as(two_staff[0])
    campaign = funded_campaign()
    response = client.post(
        f"/staff/spending/campaigns/{campaign.id}",
        data=_form(campaign, **change),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert f'id="{field}"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Disbursement.id))) == 0


def test_a_file_that_is_not_an_invoice_is_refused(client, act_as, funded_campaign, two_staff):
    act_as(two_staff[0])
    campaign = funded_campaign()
    response = client.post(
        f"/staff/spending/campaigns/{campaign.id}",
        data=_form(campaign, invoice=(io.BytesIO(b"%PDF-1.4 broken"), "x.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Disbursement.id))) == 0


def test_the_public_sees_what_was_bought_never_the_invoice(
    client, act_as, funded_campaign, make_disbursement, school_staff, two_staff
):
    user, school = school_staff()
    campaign = funded_campaign(school=school)
    paid = make_disbursement(campaign, state="paid")
    reversed_ = make_disbursement(campaign, state="reversed", lines=((1, 24, 50_000),))
    act_as(None)
    html = page_text(client.get(f"/campaigns/{campaign.id}"))
    assert "What the money bought" in html
    assert "โน้ตบุ๊ก × 24" in html and "฿360,000.00" in html and "ร้านทดสอบ" in html
    assert "<del>" in html and "ราคาผิด" in html  # the reversal, struck through with its reason
    assert "เจ้าหน้าที่" not in html  # no staff names
    assert f"/disbursements/{paid.id}/invoice" not in html
    assert client.get(f"/disbursements/{paid.id}/invoice").status_code in (302, 401)
    assert client.get(f"/disbursements/{paid.id}/public-invoice").status_code == 404
    # The school's staff see and download the invoice.
    act_as(user)
    assert f"/disbursements/{paid.id}/invoice" in client.get(f"/campaigns/{campaign.id}").text
    download = client.get(f"/disbursements/{paid.id}/invoice")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # Staff publish a redacted copy: then the public gets that copy, not the invoice.
    act_as(two_staff[0])
    response = client.post(
        f"/staff/spending/{reversed_.id}/public-copy",
        data={"copy": (io.BytesIO(pdf_bytes()), "redacted.pdf"), "public": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    act_as(None)
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"/disbursements/{reversed_.id}/public-invoice" in html
    assert client.get(f"/disbursements/{reversed_.id}/public-invoice").status_code == 200
    assert client.get(f"/disbursements/{reversed_.id}/invoice").status_code in (302, 401)


def test_campaign_page_queries_do_not_grow_with_disbursements(
    client, act_as, funded_campaign, make_disbursement
):
    campaign = funded_campaign(extra_satang=10_000_000)
    act_as(None)
    make_disbursement(campaign, state="paid", lines=((1, 1, 100),))
    client.get(f"/campaigns/{campaign.id}")
    with counted_queries() as one:
        assert client.get(f"/campaigns/{campaign.id}?x=1").status_code == 200
    for _ in range(6):
        make_disbursement(campaign, state="paid", lines=((1, 1, 100), (0, 1, 100)))
    with counted_queries() as seven:
        assert client.get(f"/campaigns/{campaign.id}?x=1").status_code == 200
    assert len(seven) == len(one), (len(one), len(seven))


def test_staff_lists_put_what_awaits_approval_first(
    client, act_as, funded_campaign, make_disbursement, two_staff
):
    campaign = funded_campaign()
    paid = make_disbursement(campaign, state="paid", lines=((1, 1, 100),))
    waiting = make_disbursement(campaign, state="submitted", lines=((1, 1, 100),))
    act_as(two_staff[0])
    html = client.get("/staff/spending/").get_data(as_text=True)
    first, second = f'/staff/spending/{waiting.id}"', f'/staff/spending/{paid.id}"'
    assert html.index(first) < html.index(second)
    only = client.get("/staff/spending/?state=paid").get_data(as_text=True)
    assert f'/staff/spending/{waiting.id}"' not in only
    assert "Campaigns below zero" in html
    assert "/staff/campaigns/below-zero" in html
    assert client.get(f"/staff/spending/campaigns/{campaign.id}").status_code == 200


def test_reverse_and_enter_again_through_the_pages(
    client, act_as, funded_campaign, make_disbursement, two_staff
):
    campaign = funded_campaign()
    d = make_disbursement(campaign, state="paid")
    act_as(two_staff[1])
    assert client.post(f"/staff/spending/{d.id}/reverse", data={"reason": ""}).status_code == 303
    assert reload(d).state == D.PAID
    client.post(f"/staff/spending/{d.id}/reverse", data={"reason": "ราคาผิด"})
    assert reload(d).state == D.REVERSED
    response = client.post(f"/staff/spending/{d.id}/enter-again")
    new = db.session.scalar(sa.select(Disbursement).where(Disbursement.replaces_id == d.id))
    assert response.headers["Location"].endswith(f"/staff/spending/{new.id}/edit")
    edit = client.get(f"/staff/spending/{new.id}/edit")
    assert edit.status_code == 200 and 'value="24"' in edit.get_data(as_text=True)
    form = _form(campaign, **{"lines-0-unit_price": "14,500", "lines-1-quantity": ""})
    form.pop("invoice")
    form.update({"lines-1-budget_line_id": "0", "lines-1-unit_price": ""})
    assert client.post(f"/staff/spending/{new.id}/edit", data=form).status_code == 303
    assert reload(new).amount_satang == 24 * 1_450_000


def test_step_up_guards_approve_and_pay(
    client, act_as, funded_campaign, make_disbursement, two_staff, add_totp, step_up_age
):
    d = make_disbursement(funded_campaign(), state="submitted")
    add_totp(two_staff[1])
    act_as(two_staff[1])
    step_up_age(10_000)
    response = client.post(f"/staff/spending/{d.id}/approve", data={"reason": ""})
    assert response.status_code == 303 and "/verify" in response.headers["Location"]
    assert reload(d).state == D.SUBMITTED
    services_guarded = ("approve", "pay", "reverse")
    from partnership.spending import views_staff

    for name in services_guarded:
        assert getattr(getattr(views_staff, name), "step_up", False)

"""The school's dashboard and the whole flow through the pages."""

from __future__ import annotations

import io

from partnership.applications.models import Application, ApplicationState
from partnership.notifications.models import OutgoingMail

PDF = b"%PDF-1.4\n%%EOF\n"


def test_school_applies_attaches_and_submits(client, db, make_programme, school_staff, login):
    programme = make_programme()
    user, school = school_staff(contact_email="office@school.example")
    login(user)
    dashboard = client.get("/my/applications")
    assert programme.name_th in dashboard.text
    response = client.post(
        f"/programmes/{programme.id}/apply?school={school.id}",
        data={
            "title": "โน้ตบุ๊กเพื่อน้อง",
            "summary": "s",
            "need": "n",
            "delivery_plan": "d",
            "teachers_benefiting": "2",
            "pupils-0": "10",
            "budget-0-item": "คอมพิวเตอร์โน้ตบุ๊ก",
            "budget-0-unit_price": "14,990.50",
            "budget-0-quantity": "3",
            "budget-1-item": "กระเป๋า",
            "budget-1-unit_price": "390",
            "budget-1-quantity": "3",
            "budget-2-item": "ตู้ชาร์จ",
            "budget-2-unit_price": "18,500",
            "budget-2-quantity": "1",
        },
    )
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.requested_satang == 4_497_150 + 117_000 + 1_850_000
    client.post(
        f"/applications/{application.id}/attachments",
        data={"files": [(io.BytesIO(PDF), "แผน.pdf")]},
        content_type="multipart/form-data",
    )
    page = client.post(f"/applications/{application.id}/submit", follow_redirects=True)
    assert page.status_code == 200
    assert 'data-state="eligible"' in page.text
    assert "แผน.pdf" in page.text
    db.session.expire_all()
    assert application.state == ApplicationState.ELIGIBLE
    subjects = [m.subject for m in db.session.scalars(db.select(OutgoingMail))]
    assert len(subjects) == 2  # the receipt, to the teacher and to the school's address
    dashboard = client.get("/my/applications")
    assert 'data-state="eligible"' in dashboard.text
    assert "The committee will review the proposal" in dashboard.text


def test_dashboard_without_school(client, login_as):
    login_as("donor")
    response = client.get("/my/applications")
    assert response.status_code == 200
    assert "You are not staff of a school yet." in response.text

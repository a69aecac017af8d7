"""Staff screening: filters, CSV export and eligibility overrides."""

from __future__ import annotations

import csv
import io

import pytest

from partnership.applications.models import ApplicationState
from partnership.notifications.models import OutgoingMail

A = ApplicationState


@pytest.fixture()
def screened(make_programme, make_school, make_application):
    programme = make_programme()
    khon_kaen = make_school(
        province_code="40", name_th="โรงเรียนบ้านโนนสวรรค์", contact_email="kk@school.example"
    )
    korat = make_school(province_code="30")
    phayao = make_school(province_code="56")
    good = make_application(programme, khon_kaen, state=A.ELIGIBLE, title="=HYPERLINK(1)")
    bad = make_application(
        programme, korat, state=A.INELIGIBLE, eligibility_failures="province,over_cap"
    )
    overridden = make_application(
        programme,
        phayao,
        state=A.ELIGIBLE,
        eligibility_failures="grades",
        eligibility_override="ตกลง",
    )
    draft = make_application(programme, make_school(), title="ร่างที่ไม่ควรเห็น")
    return programme, {"good": good, "bad": bad, "overridden": overridden, "draft": draft}


def _titles(response) -> set[str]:
    return {t for t in ("HYPERLINK", "ร่างที่ไม่ควรเห็น") if t in response.text}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"good", "bad", "overridden"}),
        ("?state=ineligible", {"bad"}),
        ("?province=40", {"good"}),
        ("?eligibility=passed", {"good"}),
        ("?eligibility=failed", {"bad", "overridden"}),
        ("?eligibility=overridden", {"overridden"}),
        ("?eligibility=over_cap", {"bad"}),
        ("?eligibility=grades&state=eligible", {"overridden"}),
        ("?state=nonsense", {"good", "bad", "overridden"}),
    ],
)
def test_filters(client, screened, login_as, query, expected):
    programme, apps = screened
    login_as("staff")
    response = client.get(f"/programmes/{programme.id}/applications{query}")
    assert response.status_code == 200
    shown = {key for key, app in apps.items() if f'href="/applications/{app.id}"' in response.text}
    assert shown == expected


def test_csv_export(client, screened, login_as):
    programme, apps = screened
    login_as("staff")
    response = client.get(f"/programmes/{programme.id}/applications.csv?state=eligible")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Application", "School code", "School", "Province", "Title", "State"]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert set(by_id) == {apps["good"].id, apps["overridden"].id}
    good = by_id[apps["good"].id]
    assert good[2] == "โรงเรียนบ้านโนนสวรรค์"
    assert good[4] == "'=HYPERLINK(1)"  # no formula injection in Excel
    assert good[7] == "44971.50"
    assert by_id[apps["overridden"].id][10] == "grades"
    assert by_id[apps["overridden"].id][12] == "ตกลง"


@pytest.mark.parametrize("role", ["school", "sponsor", "donor"])
def test_screening_is_staff_only(client, screened, login_as, role):
    programme, apps = screened
    login_as(role)
    assert client.get(f"/programmes/{programme.id}/applications").status_code == 403
    assert client.get(f"/programmes/{programme.id}/applications.csv").status_code == 403
    response = client.post(
        f"/applications/{apps['bad'].id}/eligibility", data={"decision": "eligible", "reason": "x"}
    )
    assert response.status_code == 403


def test_override_with_reason(client, db, screened, login_as):
    _, apps = screened
    login_as("staff")
    url = f"/applications/{apps['good'].id}/eligibility"
    response = client.post(url, data={"decision": "ineligible", "reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert apps["good"].state == A.ELIGIBLE  # no reason, no change
    response = client.post(url, data={"decision": "ineligible", "reason": "ไม่มีหนังสือรับรอง"})
    assert response.status_code == 302
    db.session.expire_all()
    assert apps["good"].state == A.INELIGIBLE
    assert apps["good"].eligibility_override == "ไม่มีหนังสือรับรอง"
    assert apps["good"].events[-1].reason == "ไม่มีหนังสือรับรอง"
    mails = db.session.scalars(db.select(OutgoingMail)).all()
    assert [m.to_address for m in mails] == ["kk@school.example"]


def test_application_page_shows_screening_form_to_staff(client, screened, login_as):
    _, apps = screened
    login_as("staff")
    page = client.get(f"/applications/{apps['bad'].id}")
    assert 'id="override-eligibility"' in page.text
    assert 'data-rule="province"' in page.text
    assert 'class="timeline"' in page.text


def test_csv_export_escapes_formulas_behind_white_space(
    client, make_programme, make_application, login_as
):
    programme = make_programme()
    make_application(programme, state=A.ELIGIBLE, title=" @SUM(1)")
    login_as("staff")
    response = client.get(f"/programmes/{programme.id}/applications.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][4] == "' @SUM(1)"
    assert rows[1][8].isdigit()  # pupils: a number stays a number


def test_programme_page_shows_staff_the_counts_per_state(client, screened, login_as):
    programme, _ = screened
    login_as("staff")
    page = client.get(f"/programmes/{programme.id}").text
    assert "<li>Eligible: 2</li>" in page and "<li>Ineligible: 1</li>" in page
    assert "<li>Draft: 1</li>" in page
    login_as("school")
    assert "<li>Eligible: 2</li>" not in client.get(f"/programmes/{programme.id}").text

"""Registry behaviour: search, filters, pagination, partner lists, yearly figures, admission."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.accounts.models import Membership, MembershipState, User
from partnership.extensions import db
from partnership.notifications.models import OutgoingMail
from partnership.registry.models import NetworkStatus, School, SchoolYearStat, Sector
from partnership.registry.services import today
from tests.crowd import counted_queries

CODE_RE = re.compile(r'<span class="muted">(\d{8,10})</span>')


def listed(html: str) -> set[str]:
    """The school codes a list page shows."""
    return set(CODE_RE.findall(html))


@pytest.fixture()
def schools(make_school):
    return {
        "kk": make_school(code="1040000001", name_th="โรงเรียนบ้านโนนสวรรค์", district="ชุมแพ"),
        "cm": make_school(code="1050000002", name_th="โรงเรียนบ้านแม่ตื่น", province_code="50",
                          district="อมก๋อย", name_en="Ban Mae Tuen School"),
        "sk": make_school(code="1090000003", name_th="โรงเรียนบ้านคลองแงะ", province_code="90",
                          district="สะเดา", network_status=NetworkStatus.APPLICANT),
        "left": make_school(code="1040000004", name_th="โรงเรียนวัดหนองคล้า",
                            network_status=NetworkStatus.LEFT),
    }  # fmt: skip


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, {"kk", "cm", "sk", "left"}),
        ({"q": "แม่ตื่น"}, {"cm"}),
        ({"q": "mae tuen"}, {"cm"}),
        ({"q": "1090000003"}, {"sk"}),
        ({"q": "ชุมแพ"}, {"kk"}),
        ({"q": "ไม่มีโรงเรียนนี้"}, set()),
        ({"province": "40"}, {"kk", "left"}),
        ({"region": "north"}, {"cm"}),
        ({"region": "south"}, {"sk"}),
        ({"region": "northeast", "status": "member"}, {"kk"}),
        ({"status": "applicant"}, {"sk"}),
        ({"status": "left"}, {"left"}),
        ({"status": "bogus", "region": "bogus"}, set()),
        ({"status": "bogus"}, {"kk", "cm", "sk", "left"}),
        ({"q": "%"}, set()),
    ],
)
def test_search_and_filters(client, schools, query, expected):
    response = client.get("/schools", query_string=query)
    assert response.status_code == 200
    assert listed(response.text) == {schools[k].code for k in expected}


def test_partner_filters(client, schools, make_org, make_partnership):
    make_partnership(make_org(sector=Sector.PRIVATE), schools["kk"])
    make_partnership(make_org(sector=Sector.PUBLIC), schools["cm"])
    private = listed(client.get("/schools", query_string={"partner": "private"}).text)
    none = listed(client.get("/schools", query_string={"partner": "none"}).text)
    assert private == {schools["kk"].code}
    assert none == {schools[k].code for k in ("cm", "sk", "left")}


def test_pagination(client, make_school):
    codes = [make_school(name_th=f"โรงเรียนลำดับ {n:02d}").code for n in range(25)]
    first = client.get("/schools")
    second = client.get("/schools", query_string={"page": 2})
    assert len(listed(first.text)) == 20
    assert len(listed(second.text)) == 5
    assert listed(first.text) | listed(second.text) == set(codes)
    assert 'rel="next"' in first.text and "page=2" in first.text
    assert listed(client.get("/schools", query_string={"page": "abc"}).text) == listed(first.text)
    beyond = client.get("/schools", query_string={"page": 99})
    assert beyond.status_code == 200 and listed(beyond.text) == set()


def test_schools_without_private_partner(client, make_school, make_org, make_partnership):
    day = today()
    private, public = make_org(sector=Sector.PRIVATE), make_org(sector=Sector.PUBLIC)
    academic = make_org(sector=Sector.ACADEMIC)
    adopted = make_school()
    make_partnership(private, adopted, started_on=day - timedelta(days=400))
    ended = make_school()
    make_partnership(private, ended, started_on=day - timedelta(days=400),
                     ended_on=day - timedelta(days=1))  # fmt: skip
    public_only = make_school()
    make_partnership(public, public_only)
    make_partnership(academic, public_only)
    future = make_school()
    make_partnership(private, future, started_on=day + timedelta(days=10))
    ends_today = make_school()
    make_partnership(private, ends_today, started_on=day - timedelta(days=30), ended_on=day)
    no_partner = make_school()
    applicant = make_school(network_status=NetworkStatus.APPLICANT)
    response = client.get("/schools/without-private-partner")
    assert response.status_code == 200
    shown = listed(response.text)
    assert shown == {s.code for s in (ended, public_only, future, no_partner)}
    assert adopted.code not in shown and ends_today.code not in shown
    assert applicant.code not in shown


def stats_of(school_id: int) -> dict[int, tuple[int, int]]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(SchoolYearStat).where(SchoolYearStat.school_id == school_id)
    )
    return {r.academic_year: (r.pupils, r.teachers) for r in rows}


def test_year_figures_are_kept_per_academic_year(client, login_as, make_school):
    school = make_school()
    login_as("staff")  # staff enter any year; a school only its open collection's
    post = client.post
    url = f"/schools/{school.id}/stats"
    assert (
        post(url, data={"academic_year": "2567", "pupils": "100", "teachers": "6"}).status_code
        == 302
    )
    assert (
        post(url, data={"academic_year": "2568", "pupils": "110", "teachers": "7"}).status_code
        == 302
    )
    assert stats_of(school.id) == {2024: (100, 6), 2025: (110, 7)}
    assert (
        post(url, data={"academic_year": "2568", "pupils": "120", "teachers": "8"}).status_code
        == 302
    )
    assert stats_of(school.id) == {2024: (100, 6), 2025: (120, 8)}
    page = client.get(f"/schools/{school.id}")
    assert "2024/25" in page.text and "2025/26" in page.text  # English labels of both years


def application(**overrides) -> dict:
    data = {
        "code": "1040077701", "name_th": "โรงเรียนบ้านหนองแสง", "name_en": "",
        "province_code": "40", "district": "น้ำพอง", "address": "", "affiliation": "obec",
        "min_grade": "0", "max_grade": "8", "position": "ครูใหญ่", "pupils": "154",
        "teachers": "9", "contact_name": "ครูใหญ่", "contact_email": "",
        "contact_phone": "", "motivation": "อยากให้นักเรียนได้เรียนคอมพิวเตอร์",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture()
def applied(client, make_user, login):
    """A new user applies for a new school through /network/apply."""
    applicant = login(make_user(email="principal@example.test"))
    response = client.post("/network/apply", data=application())
    assert response.status_code == 302
    school = db.session.scalar(sa.select(School).where(School.code == "1040077701"))
    return applicant, school


def memberships_of(school_id: int) -> list[Membership]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Membership).where(Membership.school_id == school_id)))


def mails_to(address: str) -> list[OutgoingMail]:
    return list(
        db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.to_address == address))
    )


def test_network_application_then_accept(client, applied, login_as):
    applicant, school = applied
    assert school.network_status == NetworkStatus.APPLICANT
    assert school.network_applied_at is not None
    [membership] = memberships_of(school.id)
    assert membership.user_id == applicant.id and membership.state == MembershipState.PENDING
    assert len(stats_of(school.id)) == 1
    assert len(mails_to("principal@example.test")) == 1  # the acknowledgement
    # A pending applicant cannot edit the school yet.
    assert client.get(f"/schools/{school.id}/edit").status_code == 403

    staff = login_as("staff")
    queue = client.get("/staff/network")
    assert school.code in queue.text
    response = client.post(f"/schools/{school.id}/network/accept",
                           data={"note": "ยินดีต้อนรับสู่เครือข่าย", "back": "queue"})  # fmt: skip
    assert response.status_code == 302 and response.location.endswith("/staff/network")
    db.session.expire_all()
    school = db.session.get(School, school.id)
    assert school.network_status == NetworkStatus.MEMBER
    assert school.network_joined_on == today()
    [membership] = memberships_of(school.id)
    assert membership.state == MembershipState.ACTIVE and membership.decided_by_id == staff.id
    [_, decision] = mails_to("principal@example.test")
    assert decision.topic == "network" and "ยินดีต้อนรับสู่เครือข่าย" in decision.body
    # Accepting twice is refused without a change.
    client.post(f"/schools/{school.id}/network/accept", data={"note": ""})
    assert len(mails_to("principal@example.test")) == 2


def test_network_application_then_decline(client, applied, login_as):
    _, school = applied
    login_as("staff")
    response = client.post(f"/schools/{school.id}/network/decline", data={"note": "ไม่ผ่าน"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(School, school.id).network_status == NetworkStatus.DECLINED
    [membership] = memberships_of(school.id)
    assert membership.state == MembershipState.DECLINED
    assert "ไม่ผ่าน" in mails_to("principal@example.test")[-1].body


def test_leaving_the_network(client, make_school, make_user, add_membership, login_as):
    school = make_school(contact_email="office@school.example.com")
    active = make_user(email="active@example.test")
    declined = make_user(email="declined@example.test")
    add_membership(active, school=school)
    add_membership(declined, school=school, state=MembershipState.DECLINED)
    login_as("staff")
    response = client.post(f"/schools/{school.id}/network/leave", data={"note": ""})
    assert response.status_code == 302
    db.session.expire_all()
    school = db.session.get(School, school.id)
    assert school.network_status == NetworkStatus.LEFT and school.network_left_on == today()
    assert len(mails_to("active@example.test")) == 1
    assert len(mails_to("office@school.example.com")) == 1
    assert mails_to("declined@example.test") == []  # not one of the school's people


def test_duplicate_application_code_is_refused(client, applied, make_user, login):
    login(make_user())
    before = db.session.scalar(sa.select(sa.func.count(School.id)))
    response = client.post("/network/apply", data=application())
    assert response.status_code == 200
    assert "Another school already has this code." in response.text
    assert db.session.scalar(sa.select(sa.func.count(School.id))) == before
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_organisation_list_counts_active_schools(client, make_org, make_school, make_partnership):
    day = today()
    busy, idle = make_org(), make_org()
    first, second, third = make_school(), make_school(), make_school()
    make_partnership(busy, first)
    make_partnership(busy, first, started_on=day - timedelta(days=3))  # same school twice
    make_partnership(busy, second)
    make_partnership(busy, third, ended_on=day - timedelta(days=1))  # ended
    make_partnership(idle, third, started_on=day + timedelta(days=5))  # not started
    html = client.get("/organisations").text

    def count_for(name: str) -> int:
        match = re.search(re.escape(name) + r'</a></td>.*?<td class="num">(\d+)</td>', html, re.S)
        return int(match.group(1))

    assert count_for(busy.name) == 2
    assert count_for(idle.name) == 0


@pytest.mark.parametrize(
    "url",
    ["/schools", "/schools?partner=none", "/schools/without-private-partner", "/organisations",
     "/staff/network", "/"],
)  # fmt: skip
def test_list_queries_do_not_grow_with_rows(client, login_as, make_school, make_org,
                                            make_partnership, url):  # fmt: skip
    login_as("staff")

    def add_rows(n: int) -> None:
        for _ in range(n):
            status = NetworkStatus.APPLICANT if url == "/staff/network" else NetworkStatus.MEMBER
            school = make_school(network_status=status)
            db.session.add(SchoolYearStat(school=school, academic_year=2025, pupils=90,
                                          teachers=6))  # fmt: skip
            make_partnership(make_org(), school)

    def measure() -> int:
        client.get(url)  # warm caches (translations, templates)
        db.session.expire_all()
        with counted_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    add_rows(3)
    with_three = measure()
    add_rows(27)
    assert measure() == with_three


def test_a_broad_school_list_is_counted_only_so_far(client, make_school, monkeypatch):
    """A filter matching thousands of schools counts at most SCHOOLS_COUNTED of them (an exact
    count grew with the registry) and says so; a narrower one is counted exactly."""
    from partnership.registry import views

    monkeypatch.setattr(views, "SCHOOLS_COUNTED", 3)
    monkeypatch.setattr(views, "SEARCH_COUNTED", 4)
    for n in range(5):
        make_school(province_code="40" if n < 2 else "10", name_th=f"โรงเรียนบ้านหนองบัว {n}")
    for url in ("/schools", "/schools/without-private-partner", "/schools?status=member"):
        html = client.get(url).text
        assert "More than 3: narrow the list with a filter or a search" in html, url
        assert "in all" not in html
    assert "More than 4: narrow" in client.get("/schools?q=หนองบัว").text  # a search: its own cap
    html = client.get("/schools?province=40").text
    assert "2 in all" in html and "More than" not in html


def test_organisation_search_and_filters(client, make_org):
    from partnership.registry.models import OrganisationKind

    mitr = make_org(name_en="Mitr Phol Group")
    kku = make_org(sector=Sector.ACADEMIC, kind=OrganisationKind.UNIVERSITY)
    mitr.name, kku.name = "กลุ่มมิตรผล", "มหาวิทยาลัยขอนแก่น"
    db.session.commit()

    def shown(**query) -> set[str]:
        html = client.get("/organisations", query_string=query).text
        return {o.name for o in (mitr, kku) if f">{o.display_name('en')}</a>" in html}

    assert shown() == {mitr.name, kku.name}
    assert shown(q="mitr phol") == {mitr.name}
    assert shown(q="ขอนแก่น") == {kku.name}
    assert shown(sector="academic") == {kku.name}
    assert shown(kind="company") == {mitr.name}
    assert shown(q="%") == set()

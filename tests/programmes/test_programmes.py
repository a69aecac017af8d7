"""Programme CRUD, Bangkok times, the rubric and its lock, the public pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from partnership.programmes import services
from partnership.programmes.models import Programme, ProgrammeState
from partnership.programmes.signals import rubric_in_use


def _form(**overrides) -> dict:
    data = {
        "name_th": "โครงการ Notebook for Education 2564",
        "name_en": "Notebook for Education 2564",
        "description_th": "โน้ตบุ๊กสำหรับนักเรียน ป.4–6",
        "opens_at": "2021-05-17T08:30",
        "closes_at": "2021-06-30T23:59",
        "budget_total": "3,000,000",
        "cap": "300,000.00",
        "members_only": "y",
        "min_grade": "6",
        "max_grade": "8",
        "provinces": ["40", "30"],
        "reviews_per_application": "3",
        "require_sector_balance": "y",
        "max_applications_per_school": "1",
        "tie_break": "earlier_submission",
        "criteria-0-label_th": "ความจำเป็นและความพร้อมของโรงเรียน",
        "criteria-0-guidance": "อุปกรณ์ที่มีอยู่",
        "criteria-0-max_score": "10",
        "criteria-0-weight": "3",
        "criteria-1-label_th": "",
        "criteria-2-label_th": "ความเหมาะสมของงบประมาณ",
        "criteria-2-label_en": "Value for money",
        "criteria-2-max_score": "5",
        "criteria-2-weight": "1",
    }
    data.update(overrides)
    return data


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count(Programme.id)))


def test_staff_create_programme_with_rubric_and_bangkok_times(client, db, login_as):
    login_as("staff")
    response = client.post("/programmes/new", data=_form())
    assert response.status_code == 302
    programme = db.session.scalar(db.select(Programme))
    assert programme.state == ProgrammeState.DRAFT
    # 23:59 in Bangkok (UTC+7) is 16:59 UTC.
    assert programme.closes_at == datetime(2021, 6, 30, 16, 59, tzinfo=UTC)
    assert programme.opens_at == datetime(2021, 5, 17, 1, 30, tzinfo=UTC)
    assert programme.budget_total_satang == 300_000_000
    assert programme.cap_satang == 30_000_000
    assert programme.province_codes == "30,40"
    assert (programme.min_grade, programme.max_grade) == (6, 8)
    assert [(c.position, c.label_th, c.max_score, c.weight) for c in programme.criteria] == [
        (0, "ความจำเป็นและความพร้อมของโรงเรียน", 10, 3),
        (1, "ความเหมาะสมของงบประมาณ", 5, 1),
    ]
    edit = client.get(f"/programmes/{programme.id}/edit")
    assert 'value="2021-06-30T23:59"' in edit.text


def test_add_criterion_button_rerenders_without_saving(client, db, login_as):
    login_as("staff")
    response = client.post("/programmes/new", data=_form(add_criterion="1"))
    assert response.status_code == 200
    assert 'id="criteria-3-label_th"' in response.text
    assert _count(db) == 0


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"criteria-0-max_score": ""}, "Enter the maximum score."),
        ({"criteria-0-max_score": "0"}, "Enter 1 to 100."),
        ({"criteria-0-label_th": "", "criteria-0-guidance": "x"}, "Enter the criterion in Thai."),
        (
            {
                "criteria-0-label_th": "",
                "criteria-0-guidance": "",
                "criteria-0-max_score": "",
                "criteria-0-weight": "",
                "criteria-2-label_th": "",
                "criteria-2-label_en": "",
                "criteria-2-max_score": "",
                "criteria-2-weight": "",
            },
            "Add at least one rubric criterion.",
        ),
        ({"closes_at": "2021-05-01T00:00"}, "The closing time must be after the opening time."),
        ({"cap": "0"}, "The amount must be more than zero."),
        ({"cap": "abc"}, "Enter an amount in baht"),
        ({"cap": "5,000,000"}, "The cap cannot be more than the total budget."),
        ({"min_grade": "-1"}, "Choose both grades"),
    ],
)
def test_invalid_programme_is_not_saved(client, db, login_as, overrides, fragment):
    login_as("staff")
    response = client.post("/programmes/new", data=_form(**overrides))
    assert response.status_code == 200
    assert fragment in response.text
    assert _count(db) == 0


@pytest.mark.parametrize("role", ["school", "sponsor", "donor"])
def test_only_staff_create_programmes(client, db, login_as, role):
    login_as(role)
    assert client.get("/programmes/new").status_code == 403
    assert client.post("/programmes/new", data=_form()).status_code == 403
    assert _count(db) == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get("/programmes/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_edit_replaces_rubric_in_place(client, db, login_as, make_programme):
    programme = make_programme(criteria=3)
    first_id = programme.criteria[0].id
    login_as("staff")
    response = client.post(f"/programmes/{programme.id}/edit", data=_form())
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.label_th for c in programme.criteria] == [
        "ความจำเป็นและความพร้อมของโรงเรียน",
        "ความเหมาะสมของงบประมาณ",
    ]
    assert programme.criteria[0].id == first_id


def test_locked_rubric_cannot_change(client, db, login_as, make_programme):
    programme = make_programme(criteria=2)
    with rubric_in_use.connected_to(lambda sender, **_: sender.id == programme.id):
        assert services.rubric_locked(programme)
        with pytest.raises(services.RubricLocked):
            services.replace_rubric(programme, [])
        db.session.rollback()
        login_as("staff")
        page = client.get(f"/programmes/{programme.id}/edit")
        assert "The rubric cannot change once the first review is submitted." in page.text
        assert 'id="criteria-0-label_th"' not in page.text
        response = client.post(f"/programmes/{programme.id}/edit", data=_form(name_th="ชื่อใหม่"))
        assert response.status_code == 302
    db.session.expire_all()
    assert programme.name_th == "ชื่อใหม่"
    assert [c.label_th for c in programme.criteria] == ["เกณฑ์ 1", "เกณฑ์ 2"]
    assert not services.rubric_locked(programme)  # the receiver is gone


def test_rubric_unlocked_without_hooks(make_programme):
    assert services.rubric_locked(make_programme()) is False


S = ProgrammeState
ALL_MOVES = [(a, b) for a in S for b in S]


@pytest.mark.parametrize(("from_state", "to_state"), ALL_MOVES)
def test_programme_state_machine(db, make_programme, login_as, from_state, to_state):
    """Every manual move is in the table and recorded once; "decided" is never a manual move."""
    from partnership.programmes.models import ProgrammeEvent

    staff = login_as("staff")
    programme = make_programme(state=from_state)
    allowed = to_state in services.MANUAL_TRANSITIONS[from_state]
    assert S.DECIDED not in services.MANUAL_TRANSITIONS[from_state]
    before = db.session.scalar(sa.select(sa.func.count(ProgrammeEvent.id)))
    if allowed:
        services.change_state(programme, to_state, staff, "why")
        db.session.commit()
        db.session.expire_all()
        assert programme.state == to_state
        last = programme.events[-1]
        assert (last.from_state, last.to_state, last.actor_id, last.reason) == (
            from_state, to_state, staff.id, "why",
        )  # fmt: skip
    else:
        with pytest.raises(services.IllegalProgrammeTransition):
            services.change_state(programme, to_state, staff)
        db.session.rollback()
        assert programme.state == from_state
    after = db.session.scalar(sa.select(sa.func.count(ProgrammeEvent.id)))
    assert after - before == (1 if allowed else 0)


def test_only_publishing_marks_a_programme_decided(db, make_programme, login_as):
    staff = login_as("staff")
    programme = make_programme(state=S.REVIEWING)
    with pytest.raises(services.IllegalProgrammeTransition):
        services.change_state(programme, S.DECIDED, staff)
    services.mark_decided(programme, staff)
    assert programme.state == S.DECIDED
    with pytest.raises(services.IllegalProgrammeTransition):  # once
        services.mark_decided(programme, staff)


def test_programme_page_offers_no_mark_as_decided(client, db, login_as, make_programme):
    login_as("staff")
    programme = make_programme(state=S.REVIEWING)
    page = client.get(f"/programmes/{programme.id}")
    assert 'id="move-decided"' not in page.text
    assert 'id="publish-hint"' in page.text
    refused = client.post(f"/programmes/{programme.id}/state", data={"to_state": "decided"})
    assert refused.status_code == 303  # the refusal, sent back to the programme's page
    assert refused.location == f"/programmes/{programme.id}"
    db.session.expire_all()
    assert programme.state == S.REVIEWING


def test_programme_cannot_open_without_rubric(db, make_programme):
    programme = make_programme(criteria=0, state=S.DRAFT)
    with pytest.raises(services.IllegalProgrammeTransition):
        services.change_state(programme, S.OPEN)
    assert programme.state == S.DRAFT


def test_state_change_view(client, db, login_as, make_programme):
    programme = make_programme(state=S.OPEN)
    login_as("staff")
    response = client.post(f"/programmes/{programme.id}/state", data={"to_state": "closed"})
    assert response.status_code == 302
    db.session.expire_all()
    assert programme.state == S.CLOSED
    client.post(f"/programmes/{programme.id}/state", data={"to_state": "archived"})
    db.session.expire_all()
    assert programme.state == S.CLOSED


def test_public_page_shows_deadline_countdown_and_rubric(client, make_programme):
    programme = make_programme()
    response = client.get(f"/programmes/{programme.id}")
    assert response.status_code == 200
    assert "data-countdown=" in response.text
    assert 'id="rubric-table"' in response.text
    assert "เกณฑ์ 2" in response.text
    listing = client.get("/programmes")
    assert programme.name_th in listing.text


def test_draft_programme_is_hidden_from_the_public(client, make_programme):
    programme = make_programme(state=S.DRAFT, name_th="ร่างลับ")
    assert "ร่างลับ" not in client.get("/programmes").text
    assert client.get(f"/programmes/{programme.id}").status_code in (302, 401)

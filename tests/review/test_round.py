"""A review round through the services and pages: assignment, ranking, decisions, exports."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from partnership.applications.models import ApplicationEvent, ApplicationState
from partnership.notifications.models import OutgoingMail
from partnership.programmes.models import ProgrammeState
from partnership.programmes.services import rubric_locked
from partnership.registry.models import Sector
from partnership.review.committee import run_automatic_assignment
from partnership.review.models import ConflictOfInterest, ReviewAssignment
from partnership.review.ranking import build_ranking, load_programme_reviews


def test_automatic_assignment_respects_conflicts_and_is_idempotent(
    db, make_programme, make_application, make_member, make_partnership, make_user, write_review
):
    staff = make_user(is_staff=True)
    programme = make_programme(reviews_per_application=2)
    apps = [make_application(programme) for _ in range(3)]
    public = [make_member(programme, Sector.PUBLIC) for _ in range(2)]
    private = [make_member(programme, Sector.PRIVATE) for _ in range(2)]
    make_partnership(private[0].organisation, apps[0].school)  # conflict

    state = run_automatic_assignment(programme, staff)
    db.session.commit()
    assert state.plan.problems == []
    pairs = set(
        db.session.execute(
            sa.select(ReviewAssignment.member_id, ReviewAssignment.application_id)
        ).all()
    )
    assert (private[0].id, apps[0].id) not in pairs
    assert len(pairs) == 6
    for app in apps:
        sectors = {m.sector for m in public + private if (m.id, app.id) in pairs}
        assert sectors == {Sector.PUBLIC, Sector.PRIVATE}
        assert app.state == ApplicationState.IN_REVIEW
    assert db.session.scalar(sa.select(sa.func.count(ApplicationEvent.id))) == 3
    automatic = db.session.scalars(sa.select(ConflictOfInterest)).all()
    assert [(c.member_id, c.application_id, c.source.value) for c in automatic] == [
        (private[0].id, apps[0].id, "automatic")
    ]
    loads = [sum(1 for m, _ in pairs if m == member.id) for member in public + private]
    assert max(loads) - min(loads) <= 1

    first = db.session.scalar(sa.select(ReviewAssignment).order_by(ReviewAssignment.id))
    write_review(first, [5, 5])
    again = run_automatic_assignment(programme, staff)
    db.session.commit()
    assert again.plan.add == [] and again.plan.remove == []
    assert db.session.scalar(sa.select(sa.func.count(ReviewAssignment.id))) == 6
    assert first.review.is_submitted


def test_assignment_page_names_unmet_requirements(
    client, login_as, make_programme, make_application, make_member
):
    programme = make_programme(reviews_per_application=2)
    app = make_application(programme, title="โครงการขาดกรรมการ")
    make_member(programme, Sector.PUBLIC)
    login_as("staff")
    response = client.post(f"/review/programmes/{programme.id}/assignments/auto")
    assert response.status_code == 302
    page = client.get(f"/review/programmes/{programme.id}/assignments")
    assert page.status_code == 200
    assert "โครงการขาดกรรมการ" in page.text
    assert "no non-conflicted private-sector member is available" in page.text
    assert "only 1 of the 2 reviewers needed" in page.text
    assert app.state == ApplicationState.IN_REVIEW


def test_hand_assignment_refuses_a_conflicted_member(
    client, db, login_as, make_programme, make_application, make_member, make_partnership
):
    programme = make_programme()
    app = make_application(programme)
    member = make_member(programme, Sector.PRIVATE)
    make_partnership(member.organisation, app.school)
    free = make_member(programme, Sector.PRIVATE)
    login_as("staff")
    client.post(
        f"/review/programmes/{programme.id}/assignments/add",
        data={"member_id": member.id, "application_id": app.id},
    )
    assert db.session.scalar(sa.select(sa.func.count(ReviewAssignment.id))) == 0
    # The same request for a member without a conflict is accepted: the refusal is the rule.
    client.post(
        f"/review/programmes/{programme.id}/assignments/add",
        data={"member_id": free.id, "application_id": app.id},
    )
    assert db.session.scalars(sa.select(ReviewAssignment.member_id)).all() == [free.id]


def test_conflicted_and_draft_reviews_never_count(
    db, make_programme, make_application, make_member, assign, write_review, make_partnership
):
    programme = make_programme()
    app = make_application(programme, state=ApplicationState.IN_REVIEW)
    counted, conflicted, drafting = (
        make_member(programme, s) for s in (Sector.PUBLIC, Sector.PRIVATE, Sector.PRIVATE)
    )
    write_review(assign(counted, app), [8, 4])  # 80
    write_review(assign(conflicted, app), [0, 0])  # 0, but conflicted
    write_review(assign(drafting, app), [1, 1], submitted=False)
    make_partnership(conflicted.organisation, app.school)
    [row] = build_ranking(load_programme_reviews(programme))
    assert row.score.mean == 80
    assert row.reviews_done == 1
    assert row.score.sector_means == {"public": 80}


def test_ranking_budget_line_decisions_and_publication(
    client,
    db,
    login_as,
    make_programme,
    make_application,
    make_member,
    assign,
    write_review,
    make_user,
    add_membership,
):
    programme = make_programme(budget_total_satang=50_000_00)
    public, private = make_member(programme, Sector.PUBLIC), make_member(programme, Sector.PRIVATE)
    top = make_application(
        programme, state=ApplicationState.IN_REVIEW, requested=30_000_00, title="อันดับหนึ่ง"
    )
    second = make_application(
        programme, state=ApplicationState.IN_REVIEW, requested=30_000_00, title="อันดับสอง"
    )
    third = make_application(
        programme, state=ApplicationState.IN_REVIEW, requested=10_000_00, title="อันดับสาม"
    )
    for app, scores in ((top, [9, 5]), (second, [7, 3]), (third, [5, 1])):
        write_review(assign(public, app), scores)
        write_review(assign(private, app), scores)
    rows = build_ranking(load_programme_reviews(programme))
    assert [(r.application.id, r.within_budget) for r in rows] == [
        (top.id, True),
        (second.id, False),
        (third.id, False),
    ]
    assert rubric_locked(programme)

    login_as("staff")
    page = client.get(f"/review/programmes/{programme.id}/ranking")
    assert page.status_code == 200
    assert "Budget line" in page.text and "How these numbers are computed" in page.text
    assert client.post(f"/review/programmes/{programme.id}/cut").status_code == 302
    db.session.expire_all()
    assert [a.state for a in (top, second, third)] == [
        ApplicationState.APPROVED,
        ApplicationState.WAITLISTED,
        ApplicationState.WAITLISTED,
    ]
    response = client.post(
        f"/review/programmes/{programme.id}/applications/{third.id}/decide",
        data={"decision": "rejected", "reason": "งบประมาณไม่สอดคล้องกับจำนวนนักเรียน"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert third.state == ApplicationState.REJECTED
    assert third.decision_reason == "งบประมาณไม่สอดคล้องกับจำนวนนักเรียน"
    teacher = make_user()
    add_membership(teacher, school=third.school)
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0  # not yet
    assert client.post(f"/review/programmes/{programme.id}/publish").status_code == 302
    db.session.expire_all()
    assert programme.state == ProgrammeState.DECIDED
    [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
    assert mail.to_address == teacher.email
    assert "งบประมาณไม่สอดคล้องกับจำนวนนักเรียน" in mail.body

    response = client.post(
        f"/review/programmes/{programme.id}/applications/{third.id}/decide",
        data={"decision": "approved", "reason": "เปลี่ยนใจ"},
    )
    db.session.expire_all()
    assert third.state == ApplicationState.REJECTED  # published decisions stay


def test_decision_without_reason_is_refused(client, db, login_as, make_programme, make_application):
    programme = make_programme()
    app = make_application(programme, state=ApplicationState.IN_REVIEW)
    login_as("staff")
    client.post(
        f"/review/programmes/{programme.id}/applications/{app.id}/decide",
        data={"decision": "approved", "reason": ""},
    )
    db.session.expire_all()
    assert app.state == ApplicationState.IN_REVIEW


def test_exports_csv_and_xlsx(
    client, db, login_as, make_programme, make_application, make_member, assign, write_review
):
    programme = make_programme()
    member = make_member(programme, Sector.PUBLIC, name='=HYPERLINK("x")')
    app = make_application(programme, state=ApplicationState.IN_REVIEW, title="โน้ตบุ๊ก ป.6")
    write_review(assign(member, app), [8, 4])
    login_as("staff")
    for kind in ("ranking", "scores", "progress"):
        response = client.get(f"/review/programmes/{programme.id}/export/{kind}.csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert len(rows) == 2
        xlsx = client.get(f"/review/programmes/{programme.id}/export/{kind}.xlsx")
        assert xlsx.status_code == 200
        for download in (response, xlsx):  # reviewers' names: no cache keeps a copy
            assert download.headers["Cache-Control"] == "private, no-store"
        sheet = load_workbook(io.BytesIO(xlsx.data)).active
        assert [c.value for c in sheet[1]] == rows[0]
    ranking = client.get(f"/review/programmes/{programme.id}/export/ranking.csv")
    header, line = list(csv.reader(io.StringIO(ranking.data.decode("utf-8-sig"))))
    assert line[header.index("Title")] == "โน้ตบุ๊ก ป.6"
    assert line[header.index("Score")] == "80.00"  # two places, from the exact mean
    scores = client.get(f"/review/programmes/{programme.id}/export/scores.csv")
    assert "'=HYPERLINK" in scores.data.decode("utf-8-sig")  # never a live formula
    assert client.get(f"/review/programmes/{programme.id}/export/other.csv").status_code == 404


def test_the_suggested_cut_moves_in_batches_and_keeps_a_decision_taken_meanwhile(
    db, monkeypatch, make_programme, make_application, make_member, assign, write_review,
    make_user,
):  # fmt: skip
    """Five applications in batches of two: every move has its audit event with who and why;
    one that another staff member rejected after the ranking was built keeps that decision."""
    from partnership.review import decisions
    from partnership.review.ranking import rank_programme

    monkeypatch.setattr(decisions, "CUT_BATCH", 2)
    staff = make_user(is_staff=True)
    programme = make_programme(budget_total_satang=30_000_00)
    member = make_member(programme, Sector.PUBLIC)
    apps = [
        make_application(programme, state=ApplicationState.IN_REVIEW, requested=10_000_00)
        for _ in range(5)
    ]
    for n, app in enumerate(apps):
        write_review(assign(member, app), [10 - n, 5])
    rows = rank_programme(programme)
    assert [r.application.id for r in rows if r.within_budget] == [a.id for a in apps[:3]]
    # Someone rejects the fourth between the page and the cut (rows are now stale for it).
    db.session.execute(
        sa.update(type(apps[3]))
        .where(type(apps[3]).id == apps[3].id)
        .values(state=ApplicationState.REJECTED)
    )
    changed = decisions.apply_suggested_cut(programme, rows, "อนุมัติ", "สำรอง", staff)
    db.session.commit()
    assert changed == 4
    db.session.expire_all()
    assert [a.state for a in apps] == [ApplicationState.APPROVED] * 3 + [
        ApplicationState.REJECTED, ApplicationState.WAITLISTED,
    ]  # fmt: skip
    assert [a.decision_reason for a in apps] == ["อนุมัติ"] * 3 + ["", "สำรอง"]
    events = db.session.execute(
        sa.select(ApplicationEvent.application_id, ApplicationEvent.from_state,
                  ApplicationEvent.to_state, ApplicationEvent.actor_id, ApplicationEvent.reason)
        .where(ApplicationEvent.to_state.in_(("approved", "waitlisted")))
        .order_by(ApplicationEvent.application_id)
    ).all()  # fmt: skip
    assert events == [(a.id, "in_review", "approved", staff.id, "อนุมัติ") for a in apps[:3]] + [
        (apps[4].id, "in_review", "waitlisted", staff.id, "สำรอง")
    ]
    # Once published, the cut refuses and changes nothing.
    programme.state = ProgrammeState.DECIDED
    db.session.commit()
    with pytest.raises(decisions.DecisionError):
        decisions.apply_suggested_cut(programme, rows, "อนุมัติ", "สำรอง", staff)


def test_publishing_reads_the_same_number_of_times_for_two_or_six_applications(
    db, make_programme, make_application, make_user, add_membership
):
    """Publishing mails every school's people: the schools, memberships and accounts are loaded
    together (the writes are one outbox row per mail)."""
    from partnership.review.decisions import publish_decisions
    from tests.crowd import counted_queries

    staff = make_user(is_staff=True)

    def publish(count: int) -> tuple[int, int]:
        programme = make_programme()
        programme.state = ProgrammeState.REVIEWING
        for _ in range(count):
            app = make_application(programme, state=ApplicationState.APPROVED)
            add_membership(make_user(), school=app.school)
        db.session.commit()
        db.session.expire_all()
        before = db.session.scalar(sa.select(sa.func.count(OutgoingMail.id)))
        with counted_queries() as statements:
            publish_decisions(programme, staff, "ทดสอบ: ไม่มีรีวิว")
        db.session.commit()
        reads = sum(s.lstrip().upper().startswith("SELECT") for s in statements)
        return reads, db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) - before

    (reads_two, mails_two), (reads_six, mails_six) = publish(2), publish(6)
    assert reads_two == reads_six
    assert mails_two >= 2 and mails_six == 3 * mails_two  # every school's people are mailed

"""The school is mailed a week before a milestone is due and once it is overdue, each at most
once: by the command, by the worker's pass, and by two workers at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from partnership.extensions import db
from partnership.milestones.models import Milestone, MilestoneState
from partnership.milestones.reminders import remind
from partnership.milestones.services import bangkok_today, milestones_of, move_milestone
from partnership.notifications.models import OutgoingMail


def _mails() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutgoingMail)
            .where(OutgoingMail.topic == "milestone_reminder")
            .order_by(OutgoingMail.id)
        )
    )


def _school_with_two_staff(make_user, make_school, add_membership):
    school = make_school()
    for _ in range(2):
        add_membership(make_user(), school=school)
    return school


def test_due_soon_and_overdue_once_each(
    app, funded, make_user, make_school, add_membership, make_campaign
):
    school = _school_with_two_staff(make_user, make_school, add_membership)
    # Funded 55 days ago: ordered (14) done, delivered (45) overdue, in use (60) due within the
    # week, report (210) later.
    campaign = funded(school=school, days_ago=55)
    ordered, delivered, in_use, report = milestones_of(campaign.id)
    move_milestone(ordered, MilestoneState.DONE, actor=make_user(is_staff=True))
    db.session.commit()

    assert remind() == {"soon": 1, "overdue": 1}
    mails = _mails()
    assert len(mails) == 4  # two staff accounts × (in use soon, delivered overdue)
    subjects = sorted(m.subject for m in mails)
    assert sum("Overdue" in s or "เลยกำหนด" in s for s in subjects) == 2
    assert all("/milestones/" in m.body for m in mails)
    assert remind() == {"soon": 0, "overdue": 0}
    assert len(_mails()) == 4
    db.session.expire_all()
    assert db.session.get(Milestone, in_use.id).reminded_soon_at is not None
    assert db.session.get(Milestone, delivered.id).reminded_overdue_at is not None
    assert db.session.get(Milestone, report.id).reminded_soon_at is None


def test_the_command_and_the_worker_pass(app, funded, make_user, make_school, add_membership):
    school = _school_with_two_staff(make_user, make_school, add_membership)
    funded(school=school, days_ago=20)  # ordered overdue
    result = app.test_cli_runner().invoke(args=["milestones", "remind"])
    assert result.exit_code == 0 and "overdue: 1" in result.output
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0
    assert len(_mails()) == 2


def test_the_worker_pass_reminds(app, funded, make_user, make_school, add_membership, monkeypatch):
    from partnership.notifications.worker import worker_pass

    school = _school_with_two_staff(make_user, make_school, add_membership)
    funded(school=school, days_ago=20)
    worker_pass.send(app)
    assert len(_mails()) == 2


def test_done_milestones_are_not_reminded(app, funded, make_user, make_school, add_membership):
    school = _school_with_two_staff(make_user, make_school, add_membership)
    campaign = funded(school=school, days_ago=20)
    move_milestone(
        milestones_of(campaign.id)[0], MilestoneState.DONE, actor=make_user(is_staff=True)
    )
    db.session.commit()
    assert remind() == {"soon": 0, "overdue": 0}
    assert remind(bangkok_today() + timedelta(days=35)) == {"soon": 1, "overdue": 1}


def test_two_workers_at_once_mail_each_reminder_once(
    app, funded, make_user, make_school, add_membership
):
    """Both workers see the same candidates; the conditional UPDATE gives each to one."""
    schools = [_school_with_two_staff(make_user, make_school, add_membership) for _ in range(3)]
    for school in schools:
        funded(school=school, days_ago=55)  # per campaign: 2 overdue, 1 due soon
    db.session.remove()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work() -> None:
        try:
            with app.app_context():
                barrier.wait()
                results.append(remind())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["overdue"] for r in results) == 6
    assert sum(r["soon"] for r in results) == 3
    mails = _mails()
    assert len(mails) == 9 * 2  # each reminder to the two staff of its school, once
    assert len({(m.to_address, m.subject) for m in mails}) == len(mails)

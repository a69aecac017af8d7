"""The owner of an action item is mailed 3 days before it is due and once it is overdue, each
at most once per item: by the worker's pass run twice, and by two workers at the same moment."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from partnership.extensions import db
from partnership.governance.actions.models import ActionItem, ActionStatus
from partnership.governance.actions.reminders import TOPIC, remind
from partnership.governance.actions.services import add_action_item, move_action
from partnership.notifications.models import OutgoingMail

from . import action_fixtures as fx
from .action_fixtures import days_from_today

#: The fixture of this module (pytest finds it by this name).
world = fx.world


def _mails() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutgoingMail).where(OutgoingMail.topic == TOPIC).order_by(OutgoingMail.id)
        )
    )


def _items(world, make_user, make_org, add_membership, tag=""):
    """Due in 2 days (the owner), overdue (an organisation of two people), due in 10 days, and
    an overdue one already done."""
    organisation = make_org()
    people = [make_user(), make_user()]
    for person in people:
        add_membership(person, organisation=organisation)
    sec = world["secretary"]
    soon = add_action_item(
        world.resolution, title_th="ใกล้ครบกำหนด" + tag, due_on=days_from_today(2), actor=sec,
        owner_user=world["owner"],
    )  # fmt: skip
    late = add_action_item(
        world.resolution, title_th="เลยกำหนด" + tag, due_on=days_from_today(-4), actor=sec,
        owner_organisation=organisation,
    )  # fmt: skip
    done = add_action_item(
        world.resolution, title_th="เสร็จแล้ว" + tag, due_on=days_from_today(-4), actor=sec,
        owner_member=world.member_seat,
    )  # fmt: skip
    move_action(done, ActionStatus.DONE, actor=sec)
    db.session.commit()
    return soon, late, done, people


def test_due_and_overdue_once_each(app, world, make_user, make_org, add_membership):
    soon, late, done, people = _items(world, make_user, make_org, add_membership)
    assert remind() == {"due": 1, "overdue": 1}
    mails = _mails()
    assert sorted(m.to_address for m in mails) == sorted(
        [world["owner"].email] + [p.email for p in people]
    )
    assert all("/governance/actions/" in m.body for m in mails)
    assert remind() == {"due": 0, "overdue": 0}
    assert len(_mails()) == 3
    db.session.expire_all()
    assert db.session.get(ActionItem, soon.id).reminded_due_at is not None
    assert db.session.get(ActionItem, late.id).reminded_overdue_at is not None
    assert db.session.get(ActionItem, world.item.id).reminded_due_at is None  # due in 10 days
    assert db.session.get(ActionItem, done.id).reminded_overdue_at is None
    # The item due soon turns overdue: its second (and last) mail.
    assert remind(days_from_today(3)) == {"due": 0, "overdue": 1}
    assert remind(days_from_today(3)) == {"due": 0, "overdue": 0}


def test_a_members_seat_without_account_is_mailed_at_its_address(app, world):
    seat = world.member_seat
    seat.user_id = None
    seat.email = "seat@example.test"
    add_action_item(
        world.resolution, title_th="ที่นั่ง", due_on=days_from_today(-1), actor=world["secretary"],
        owner_member=seat,
    )  # fmt: skip
    db.session.commit()
    assert remind() == {"due": 0, "overdue": 1}
    assert [m.to_address for m in _mails()] == ["seat@example.test"]


def test_the_worker_pass_reminds_once(app, world, make_user, make_org, add_membership):
    from partnership.notifications.worker import worker_pass

    _items(world, make_user, make_org, add_membership)
    worker_pass.send(app)
    worker_pass.send(app)
    assert len(_mails()) == 3
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0
    assert len(_mails()) == 3


def test_two_workers_at_once_mail_each_reminder_once(
    app, world, make_user, make_org, add_membership
):
    """Both workers see the same candidates; the conditional UPDATE gives each to one."""
    for n in range(3):
        _items(world, make_user, make_org, add_membership, tag=f" {n}")
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
    assert sum(r["due"] for r in results) == 3
    assert sum(r["overdue"] for r in results) == 3
    mails = _mails()
    assert len(mails) == 3 * 3  # per round: the owner (due), two people of the organisation
    assert len({(m.to_address, m.subject) for m in mails}) == len(mails)

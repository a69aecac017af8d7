"""Action items from a resolution: the machine (every transition), who owns and sees them, the
overdue lists (staff's and the owner's, an organisation's items seen by its people), the pages
and every route for every role, and hostile input."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from partnership.core.history import HistoryIsAppendOnly
from partnership.extensions import db
from partnership.governance.actions.models import ActionItem, ActionItemEvent, ActionStatus
from partnership.governance.actions.services import (
    OWNER_MOVES,
    TRANSITIONS,
    IllegalActionMove,
    add_action_item,
    add_note,
    bangkok_today,
    mine_query,
    move_action,
    overdue_query,
)
from partnership.governance.models import Visibility
from partnership.governance.services import GovernanceRefused

from . import action_fixtures as fx
from .action_fixtures import ROLES, days_from_today, make_world

#: The fixtures of this module (pytest finds them by these names).
world, as_role = fx.world, fx.as_role

S = ActionStatus


def _fresh(item) -> ActionItem:
    db.session.expire_all()
    return db.session.get(ActionItem, item.id)


def _force(item, status: ActionStatus) -> None:
    """Put the item in ``status`` by the shortest legal path (as the secretary)."""
    paths = {
        S.OPEN: [],
        S.IN_PROGRESS: [S.IN_PROGRESS],
        S.DONE: [S.DONE],
        S.CANCELLED: [S.CANCELLED],
    }
    for step in paths[status]:
        move_action(item, step, actor=_secretary(item))


def _secretary(item):
    from partnership.accounts.models import User
    from partnership.governance.models import BodyMember, MemberRole

    seat = db.session.scalar(
        sa.select(BodyMember).where(BodyMember.role == MemberRole.SECRETARY).limit(1)
    )
    return db.session.get(User, seat.user_id)


# The machine -------------------------------------------------------------------------------------

PAIRS = [(a, b) for a in ActionStatus for b in ActionStatus if a is not b]


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS, ids=lambda s: s.value)
def test_every_transition(world, from_state, to_state):
    """The secretary makes every move of the table and no other; the owner only theirs."""
    item = world.item
    _force(item, from_state)
    db.session.commit()
    owner_may = (from_state, to_state) in OWNER_MOVES
    if not owner_may:
        with pytest.raises(IllegalActionMove):
            move_action(item, to_state, actor=world["owner"])
        db.session.rollback()
        item = _fresh(item)
    legal = to_state in TRANSITIONS[from_state]
    actor = world["owner"] if owner_may else world["secretary"]
    if legal:
        move_action(item, to_state, actor=actor, note="ok")
        db.session.commit()
        item = _fresh(item)
        assert item.status is to_state
        assert (item.done_at is not None) == (to_state is S.DONE)
        last = item.events[-1]
        assert (last.from_state, last.to_state, last.reason) == (from_state, to_state, "ok")
        assert last.actor_id == actor.id
    else:
        with pytest.raises(IllegalActionMove):
            move_action(item, to_state, actor=world["secretary"])
        db.session.rollback()
        assert _fresh(item).status is from_state


def test_a_body_member_who_does_not_own_it_cannot_move_it(world):
    with pytest.raises(IllegalActionMove):
        move_action(world.item, S.DONE, actor=world["member"])


def test_history_keeps_creation_moves_and_notes_and_is_append_only(world):
    item = world.item
    add_note(item, actor=world["owner"], note="ร่างแล้วครึ่งหนึ่ง")
    move_action(item, S.IN_PROGRESS, actor=world["owner"])
    move_action(item, S.DONE, actor=world["owner"], note="ส่งแล้ว")
    db.session.commit()
    events = _fresh(item).events
    assert [(e.kind, e.to_state) for e in events] == [
        ("created", "open"), ("note", None), ("moved", "in_progress"), ("moved", "done"),
    ]  # fmt: skip
    events[1].reason = "changed"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_exactly_one_owner(world):
    with pytest.raises(GovernanceRefused):
        add_action_item(
            world.resolution, title_th="x", due_on=bangkok_today(), actor=world["secretary"]
        )
    with pytest.raises(GovernanceRefused):
        add_action_item(
            world.resolution, title_th="x", due_on=bangkok_today(), actor=world["secretary"],
            owner_user=world["owner"], owner_member=world.member_seat,
        )  # fmt: skip


def test_the_database_refuses_two_owners_or_none(world):
    for values in (
        {},
        {"owner_user_id": world["owner"].id, "owner_member_id": world.member_seat.id},
    ):
        db.session.add(
            ActionItem(
                resolution_id=world.resolution.id, title_th="x", due_on=bangkok_today(), **values
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_member_of_another_body_cannot_own_it(
    world, make_user, make_school, make_org, add_membership
):
    other = make_world(make_user, make_school, make_org, add_membership)
    with pytest.raises(GovernanceRefused):
        add_action_item(
            world.resolution, title_th="x", due_on=bangkok_today(), actor=world["secretary"],
            owner_member=other.member_seat,
        )  # fmt: skip


def test_two_moves_at_once_happen_once(app, world):
    """Two requests mark the same item done at the same moment: one move, one event."""
    item_id, owner_id = world.item.id, world["owner"].id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def work():
        try:
            with app.app_context():
                from partnership.accounts.models import User
                from partnership.core.database import writing_transactions

                barrier.wait()
                with writing_transactions():
                    item = db.session.get(ActionItem, item_id)
                    owner = db.session.get(User, owner_id)
                    try:
                        move_action(item, S.DONE, actor=owner)
                        db.session.commit()
                        outcomes.append("moved")
                    except IllegalActionMove:
                        db.session.rollback()
                        outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["moved", "refused"]
    moves = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ActionItemEvent)
        .where(ActionItemEvent.action_item_id == item_id, ActionItemEvent.to_state == "done")
    )
    assert moves == 1


# Overdue lists -----------------------------------------------------------------------------------


def _items(query) -> list[int]:
    return [a.id for a in db.session.scalars(query).unique()]


def test_overdue_lists_for_staff_and_for_owners(world, make_user, make_org, add_membership):
    sec = world["secretary"]
    organisation = make_org()
    colleague = make_user()
    add_membership(colleague, organisation=organisation)
    late_org = add_action_item(
        world.resolution, title_th="องค์กร", due_on=days_from_today(-5), actor=sec,
        owner_organisation=organisation,
    )  # fmt: skip
    late_seat = add_action_item(
        world.resolution, title_th="ที่นั่ง", due_on=days_from_today(-1), actor=sec,
        owner_member=world.member_seat,
    )  # fmt: skip
    late_done = add_action_item(
        world.resolution, title_th="เสร็จ", due_on=days_from_today(-9), actor=sec,
        owner_user=world["owner"],
    )  # fmt: skip
    move_action(late_done, S.DONE, actor=world["owner"])
    today_item = add_action_item(
        world.resolution, title_th="วันนี้", due_on=days_from_today(0), actor=sec,
        owner_user=world["owner"],
    )  # fmt: skip
    db.session.commit()

    assert _items(overdue_query(bangkok_today())) == [late_org.id, late_seat.id]
    # The owner's list: items of the user, of their seat, of their organisation.
    assert set(_items(mine_query(colleague))) == {late_org.id}
    assert set(_items(mine_query(world["member"]))) == {late_seat.id}
    assert _items(mine_query(world["owner"])) == [world.item.id, today_item.id, late_done.id][
        :0
    ] or (set(_items(mine_query(world["owner"]))) == {world.item.id, today_item.id, late_done.id})
    assert _items(mine_query(world["sponsor"])) == []


def test_an_ended_organisation_membership_no_longer_sees_its_items(
    world, make_user, make_org, add_membership
):
    from partnership.accounts.models import MembershipState

    organisation = make_org()
    former = make_user()
    add_membership(former, organisation=organisation, state=MembershipState.ENDED)
    add_action_item(
        world.resolution, title_th="องค์กร", due_on=days_from_today(-5), actor=world["secretary"],
        owner_organisation=organisation,
    )  # fmt: skip
    db.session.commit()
    assert _items(mine_query(former)) == []


def test_pages_show_the_lists(client, world, as_role, make_org, add_membership):
    organisation = make_org(name="บริษัทตัวอย่าง จำกัด")
    late = add_action_item(
        world.resolution, title_th="ส่งข้อมูล", title_en="Send the data",
        due_on=days_from_today(-3), actor=world["secretary"], owner_organisation=organisation,
    )  # fmt: skip
    add_membership(world["sponsor"], organisation=organisation)
    db.session.commit()
    as_role("sponsor")
    mine = client.get("/my/actions").get_data(as_text=True)
    assert "Send the data" in mine and "Write the report" not in mine
    assert "3 days overdue" in mine
    assert client.get(f"/governance/actions/{late.id}").status_code == 200
    as_role("staff")
    staff = client.get("/staff/governance/actions/overdue").get_data(as_text=True)
    assert "Send the data" in staff and "Write the report" not in staff
    dashboard = client.get("/staff/dashboard").get_data(as_text=True)
    assert "/staff/governance/actions/overdue" in dashboard and "Send the data" in dashboard
    as_role("visitor")
    page = client.get(f"/governance/resolutions/{world.resolution.id}").get_data(as_text=True)
    assert "Send the data" in page and "Write the report" in page
    assert f"/governance/actions/{late.id}" not in page  # a visitor sees the list, not the notes
    assert "add-action" not in page


def test_the_owner_marks_progress_and_done_through_the_page(client, world, as_role):
    as_role("owner")
    url = f"/governance/actions/{world.item.id}"
    page = client.get(url).get_data(as_text=True)
    assert "move-in_progress" in page and "move-done" in page and "move-cancelled" not in page
    response = client.post(url + "/move", data={"to": "in_progress", "note": "เริ่มแล้ว"})
    assert response.status_code == 302
    response = client.post(url + "/note", data={"text": "ครึ่งทาง"})
    assert response.status_code == 302
    response = client.post(url + "/move", data={"to": "done", "note": "เสร็จ"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "เริ่มแล้ว" in page and "ครึ่งทาง" in page and "เสร็จ" in page
    # A second "done" (a stale page, a double click) changes nothing and says so.
    response = client.post(url + "/move", data={"to": "done", "note": "อีกครั้ง"})
    assert response.status_code in (302, 303, 409)
    assert _fresh(world.item).events[-1].reason == "เสร็จ"


def test_the_secretary_adds_one_from_the_resolution_page(client, world, as_role):
    as_role("secretary")
    url = f"/governance/resolutions/{world.resolution.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="add-action"' in page and f"m:{world.member_seat.id}" in page
    response = client.post(
        url + "/actions/new",
        data={
            "title_th": "นัดประชุมย่อย", "title_en": "Call a working meeting",
            "owner": f"m:{world.member_seat.id}", "due_on": str(days_from_today(14)),
        },
    )  # fmt: skip
    assert response.status_code == 302
    item = db.session.scalar(sa.select(ActionItem).where(ActionItem.title_th == "นัดประชุมย่อย"))
    assert (
        item.owner_member_id == world.member_seat.id and item.created_by_id == world["secretary"].id
    )
    assert "Call a working meeting" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"owner": ""}, "owner"),
        ({"owner": "m:999999"}, "owner"),
        ({"owner": "x:1"}, "owner"),
        ({"owner": "", "owner_email": "nobody@example.test"}, "owner_email"),
        ({"owner_email": "OWNER"}, "owner"),  # both an owner and an e-mail
        ({"due_on": "31/02/2024"}, "due_on"),
        ({"due_on": "0001-01-01"}, "due_on"),
        ({"title_th": ""}, "title_th"),
        ({"title_th": "a\x00b"}, "title_th"),
    ],
)
def test_the_add_form_refuses_bad_input_and_writes_nothing(client, world, as_role, data, field):
    as_role("secretary")
    form = {
        "title_th": "งาน",
        "owner": f"m:{world.member_seat.id}",
        "due_on": str(days_from_today(3)),
    }
    form.update(data)
    if form.get("owner_email") == "OWNER":
        form["owner_email"] = world["owner"].email
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem))
    response = client.post(f"/governance/resolutions/{world.resolution.id}/actions/new", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == before


def test_owner_by_email_and_hostile_text_is_escaped(client, world, as_role):
    as_role("secretary")
    hostile = "<script>alert(1)</script>\"'&"
    response = client.post(
        f"/governance/resolutions/{world.resolution.id}/actions/new",
        data={"title_th": hostile, "owner_email": world["owner"].email.upper(),
              "due_on": str(days_from_today(3))},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True).split("field-error")[1:]
    item = db.session.scalar(sa.select(ActionItem).where(ActionItem.title_th == hostile))
    assert item.owner_user_id == world["owner"].id
    page = client.get(f"/governance/actions/{item.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("to", ["", "deleted", "done'; DROP TABLE action_items;--", "x" * 5000])
def test_a_crafted_move_is_refused(client, world, as_role, to):
    as_role("secretary")
    response = client.post(f"/governance/actions/{world.item.id}/move", data={"to": to})
    assert response.status_code == 422
    assert _fresh(world.item).status is S.OPEN


def test_a_members_only_meetings_items_are_hidden(
    client, make_user, make_school, make_org, add_membership, login
):
    hidden = make_world(make_user, make_school, make_org, add_membership, Visibility.MEMBERS)
    login(hidden["donor"])
    assert client.get(f"/governance/actions/{hidden.item.id}").status_code == 404
    assert (
        client.get(f"/governance/resolutions/{hidden.resolution.id}/actions/new").status_code == 404
    )
    login(hidden["owner"])  # not a member, but the owner: their list names it, its page opens
    assert f"/governance/actions/{hidden.item.id}" in client.get("/my/actions").get_data(
        as_text=True
    )
    assert client.get(f"/governance/actions/{hidden.item.id}").status_code == 200


# Permissions -------------------------------------------------------------------------------------

OK, LOGIN, NO = "ok", "login", 403


def _only(*allowed):
    return {r: (OK if r in allowed else LOGIN if r == "visitor" else NO) for r in ROLES}


#: (name, method, url template, form data, expected answer per role)
RECORDERS = _only("secretary", "staff")
ACTORS = _only("owner", "secretary", "staff")
READERS = _only("member", "owner", "secretary", "staff")
SIGNED_IN = {r: (LOGIN if r == "visitor" else OK) for r in ROLES}
NEW = "/governance/resolutions/{r}/actions/new"
ITEM = "/governance/actions/{a}"
ROUTES = [
    ("resolution page", "GET", "/governance/resolutions/{r}", None, dict.fromkeys(ROLES, OK)),
    ("add form", "GET", NEW, None, RECORDERS),
    ("add", "POST", NEW, {"title_th": "งาน", "owner": "m:{m}", "due_on": "2030-01-31"}, RECORDERS),
    ("item page", "GET", ITEM, None, READERS),
    ("mark in progress", "POST", ITEM + "/move", {"to": "in_progress", "note": "x"}, ACTORS),
    ("cancel", "POST", ITEM + "/move", {"to": "cancelled"}, RECORDERS),
    ("note", "POST", ITEM + "/note", {"text": "ความคืบหน้า"}, ACTORS),
    ("my action items", "GET", "/my/actions", None, SIGNED_IN),
    ("overdue list", "GET", "/staff/governance/actions/overdue", None, _only("staff")),
]

CASES = [
    (route, winner)
    for route in ROUTES
    for winner in ([None] if route[1] == "GET" else [r for r in ROLES if route[4][r] == OK])
]


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


@pytest.mark.parametrize(("route", "winner"), CASES, ids=[f"{r[0]}-{w or 'all'}" for r, w in CASES])
def test_matrix(client, world, as_role, route, winner):
    _name, method, template, data, expected = route
    ids = {"r": world.resolution.id, "a": world.item.id, "m": world.member_seat.id}
    url = template.format(**ids)
    data = {k: v.format(**ids) for k, v in (data or {}).items()}
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ActionItemEvent))
    for role in ROLES:
        if method == "POST" and expected[role] == OK:
            continue  # only the winner, last, below
        as_role(role)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        _check(client, response, method, expected[role])
    if method == "POST":  # the refused roles wrote nothing
        db.session.expire_all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItemEvent)) == before
    if winner is not None:
        as_role(winner)
        _check(client, client.post(url, data=data), method, OK)


def test_an_item_not_found(client, world, as_role):
    as_role("staff")
    assert client.get("/governance/actions/999999").status_code == 404
    assert client.get("/governance/resolutions/999999/actions/new").status_code == 404


def test_query_counts_do_not_grow_with_rows(client, world, as_role, app):
    from partnership.governance.actions.models import ActionItem as _A  # noqa: F401

    def count(url):
        statements = []

        def record(*_args, **_kw):
            statements.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    def more(n):
        for i in range(n):
            add_action_item(
                world.resolution, title_th=f"งาน {i}", due_on=days_from_today(-1 - i),
                actor=world["secretary"], owner_user=world["owner"],
            )  # fmt: skip
        db.session.commit()

    as_role("owner")
    more(2)
    pages = ["/my/actions", f"/governance/resolutions/{world.resolution.id}"]
    few = [count(u) for u in pages]
    as_role("staff")
    few_staff = count("/staff/governance/actions/overdue")
    more(8)
    assert count("/staff/governance/actions/overdue") == few_staff
    as_role("owner")
    assert [count(u) for u in pages] == few

"""Milestones are made once per funded campaign and step, and move through their machine with
who, when and the note."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from partnership.campaigns.models import CampaignState
from partnership.campaigns.workflow import transition
from partnership.core.history import HistoryIsAppendOnly
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.i18n import BANGKOK
from partnership.milestones.models import Milestone, MilestoneEvent, MilestoneState
from partnership.milestones.services import (
    IllegalMilestoneMove,
    add_step,
    create_for,
    create_missing,
    milestones_of,
    move_milestone,
)
from tests.crowd import build_campaign

from .conftest import TEMPLATE


def _count(campaign_id=None) -> int:
    query = sa.select(sa.func.count(Milestone.id))
    if campaign_id is not None:
        query = query.where(Milestone.campaign_id == campaign_id)
    return db.session.scalar(query)


def test_funding_makes_the_milestones_due_from_the_funding_day(app, funded):
    campaign = funded(days_ago=20)
    milestones = milestones_of(campaign.id)
    assert [m.step.name_en for m in milestones] == [name for _th, name, _d in TEMPLATE]
    funded_day = campaign.funded_at.astimezone(BANGKOK).date()
    assert [(m.due_on - funded_day).days for m in milestones] == [14, 45, 60, 210]
    assert {m.state for m in milestones} == {MilestoneState.PENDING}


def test_making_them_again_adds_nothing(app, funded):
    campaign = funded()
    assert create_for(campaign) == 0
    assert create_missing() == 0
    db.session.commit()
    assert _count(campaign.id) == len(TEMPLATE)


def test_a_campaign_funded_before_its_template_gets_them_from_the_command(app, make_school):
    campaign = build_campaign(make_school(), state="live")
    transition(campaign, CampaignState.FUNDED, funded_at=utcnow() - timedelta(days=3))
    db.session.commit()
    assert _count(campaign.id) == 0
    add_step(campaign.programme_id, name_th="สั่งซื้อ", name_en="Ordered", due_days=14)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["milestones", "create-missing"])
    assert result.exit_code == 0 and "milestones made: 1" in result.output
    result = app.test_cli_runner().invoke(args=["milestones", "create-missing"])
    assert "milestones made: 0" in result.output
    db.session.expire_all()
    assert _count(campaign.id) == 1


def test_a_live_campaign_gets_none(app, make_school):
    campaign = build_campaign(make_school(), state="live")
    add_step(campaign.programme_id, name_th="สั่งซื้อ", name_en="", due_days=14)
    assert create_for(campaign) == 0


@pytest.mark.parametrize(
    ("moves", "who", "allowed"),
    [
        (["done"], "school", True),
        (["done"], "staff", True),
        (["done"], "other school", False),
        (["done"], "sponsor", False),
        (["done", "reopened"], "staff", True),
        (["done", "reopened"], "school", False),
        (["done", "reopened", "done"], "staff", True),
        (["reopened"], "staff", False),
        (["done", "done"], "staff", False),
    ],
)
def test_the_machine(app, funded, roles, moves, who, allowed):
    campaign = funded(school=roles.school)
    milestone = milestones_of(campaign.id)[0]
    staff = roles["staff"]
    *before, last = moves
    for state in before:
        move_milestone(milestone, MilestoneState(state), actor=staff, note="ok")
    if allowed:
        move_milestone(milestone, MilestoneState(last), actor=roles[who], note="the note")
        assert milestone.state == MilestoneState(last)
        assert (milestone.done_at is not None) == (last == "done")
        event = milestone.events[-1]
        assert (event.actor_id, event.to_state, event.reason) == (roles[who].id, last, "the note")
        assert len(milestone.events) == len(moves)
    else:
        with pytest.raises(IllegalMilestoneMove):
            move_milestone(milestone, MilestoneState(last), actor=roles[who], note="x")


def test_history_is_append_only(app, funded, roles):
    campaign = funded(school=roles.school)
    milestone = milestones_of(campaign.id)[0]
    event = move_milestone(milestone, MilestoneState.DONE, actor=roles["school"], note="ok")
    db.session.commit()
    event.reason = "changed"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(MilestoneEvent.reason)) == "ok"


def test_the_database_refuses_a_second_milestone_for_a_step(app, funded):
    campaign = funded()
    first = milestones_of(campaign.id)[0]
    db.session.add(Milestone(campaign_id=campaign.id, step_id=first.step_id, due_on=first.due_on))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()

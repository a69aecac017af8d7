"""The governance demo tells seed 004's story, and the issue's "Done when" walk works in it:
meeting 1/2564 of 28 June 2564 with its six items and their resolutions, each linked to what
it decided (the schools it admitted cite it in their network history, on that day), its action
items, the September meeting, Khon Kaen's assembly on its province page; and a visitor goes
from the Notebook for Education programme to the resolution, the meeting and its minutes."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from partnership.demo import seed_demo
from partnership.demo.governance import (
    PAST_PROGRAMME_EN,
    PR_GROUP_TH,
    RESOLUTIONS_EN,
    WORKING_GROUP_TH,
)
from partnership.demo.governance_sessions import ASSEMBLY_TH, POLICY_ITEMS
from partnership.demo.registry import ADMITTED_AT_MEETING
from partnership.extensions import db
from partnership.governance.actions.models import ActionItem
from partnership.governance.minutes.models import Minutes, MinutesState
from partnership.governance.models import (
    AgendaItem,
    AgendaKind,
    Body,
    LinkKind,
    Meeting,
    MeetingState,
    Outcome,
    Resolution,
    ResolutionLink,
    Visibility,
)
from partnership.i18n import to_bangkok
from partnership.programmes.models import Programme
from partnership.registry.models import NetworkEvent, NetworkStatus, School
from tests.factories import english  # noqa: F401  (autouse: pages in English)

MEETING_DAY = date(2021, 6, 28)


def _links(resolution: Resolution, kind: LinkKind) -> set[int]:
    return {row.subject_id for row in resolution.links if row.kind is kind}


def _href(page: str, pattern: str) -> str:
    found = re.search(rf'href="({pattern})"', page)
    assert found, pattern
    return found.group(1)


def test_meeting_1_2564_and_what_it_decided(app, client):
    seed_demo()
    db.session.commit()
    group = db.session.scalar(sa.select(Body).where(Body.name_th == WORKING_GROUP_TH))
    first, second = db.session.scalars(
        sa.select(Meeting).where(Meeting.body_id == group.id, Meeting.year_be == 2564)
        .order_by(Meeting.number)
    ).all()[:2]  # fmt: skip
    assert first.number_label == "1/2564" and to_bangkok(first.starts_at).date() == MEETING_DAY
    assert first.state is MeetingState.HELD and first.is_public
    # the September meeting, held, approving 1/2564's minutes
    assert second.number_label == "2/2564" and to_bangkok(second.starts_at).month == 9
    assert second.state is MeetingState.HELD

    items = [i for i in first.agenda if i.kind is AgendaKind.CONSIDERATION]
    assert [i.label for i in items] == ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"]
    resolutions = [i.resolution for i in items]
    assert all(r is not None and r.outcome is Outcome.APPROVED for r in resolutions)
    assert [r.text_en for r in resolutions] == list(RESOLUTIONS_EN)
    _, _, crowdfunding, schools, pr_group, more_members = resolutions

    # 4.3: Notebook for Education opened (closing 30 June 2564), its scoring committee named
    programme = db.session.scalar(
        sa.select(Programme).where(Programme.name_en == PAST_PROGRAMME_EN)
    )
    assert to_bangkok(programme.closes_at).date() == date(2021, 6, 30)
    assert _links(crowdfunding, LinkKind.PROGRAMME_OPENED) == {programme.id}
    assert _links(crowdfunding, LinkKind.COMMITTEE_NAMED) == {programme.id}

    # 4.4: the schools admitted through the registry's decision, on the meeting's day
    admitted = db.session.scalars(
        sa.select(School).where(School.code.in_(ADMITTED_AT_MEETING))
    ).all()
    assert len(admitted) == 4
    assert _links(schools, LinkKind.SCHOOL_ADMITTED) == {s.id for s in admitted}
    for school in admitted:
        assert school.network_status is NetworkStatus.MEMBER
        assert school.network_joined_on == MEETING_DAY
        event = db.session.scalar(
            sa.select(NetworkEvent)
            .where(NetworkEvent.school_id == school.id, NetworkEvent.to_state == "member")
        )  # fmt: skip
        assert to_bangkok(event.at).date() == MEETING_DAY
        assert "1/2564" in event.reason and "4.4" in event.reason
        assert event.actor_id is not None
    # no school was linked as admitted that it had joined before
    assert db.session.scalar(
        sa.select(sa.func.count(ResolutionLink.id)).where(
            ResolutionLink.kind == LinkKind.SCHOOL_ADMITTED
        )
    ) == 4  # fmt: skip

    # 4.5: the PR working group appointed; 4.6: six more members of the working group
    pr = db.session.scalar(sa.select(Body).where(Body.name_th == PR_GROUP_TH))
    assert pr.parent_id == group.id
    appointed = _links(pr_group, LinkKind.MEMBER_APPOINTED)
    assert len(appointed) == 4 and appointed <= {m.id for m in pr.members}
    added = _links(more_members, LinkKind.MEMBER_APPOINTED)
    assert len(added) == 6
    # appointed by that meeting: not on its list, invited to the next one
    invited_first = {row.member_id for row in first.attendance}
    invited_second = {row.member_id for row in second.attendance}
    assert not added & invited_first and added <= invited_second

    # its action items
    actions = db.session.scalars(
        sa.select(ActionItem)
        .join(Resolution, Resolution.id == ActionItem.resolution_id)
        .join(AgendaItem, AgendaItem.id == Resolution.agenda_item_id)
        .where(AgendaItem.meeting_id == first.id)
    ).all()
    assert actions

    # Khon Kaen's assembly and its four policy items, on the province page
    assembly = db.session.scalar(sa.select(Body).where(Body.name_th == ASSEMBLY_TH))
    assert assembly.province_code == "40"
    sitting = db.session.scalar(
        sa.select(Meeting).where(
            Meeting.body_id == assembly.id, Meeting.visibility == Visibility.PUBLIC
        )
    )
    assert [i.title_th for i in sitting.agenda if i.resolution][-4:] == [
        title_th for title_th, *_ in POLICY_ITEMS
    ]
    province = client.get("/figures/provinces/40")
    assert province.status_code == 200
    page = province.get_data(as_text=True)
    section = re.search(r'<section[^>]*id="province-assemblies".*?</section>', page, re.S)[0]
    assert f'href="/governance/bodies/{assembly.id}"' in section
    assert f'href="/governance/meetings/{sitting.id}"' in section
    sitting_page = client.get(f"/governance/meetings/{sitting.id}").get_data(as_text=True)
    for _th, title_en, *_ in POLICY_ITEMS:
        assert title_en in sitting_page

    # the "Done when" walk, as a visitor
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    card = re.search(r'<div class="card" id="decided-by">.*?</div>', page, re.S)[0]
    assert "Decided by" in card
    url = _href(card, rf"/governance/resolutions/{crowdfunding.id}")
    page = client.get(url).get_data(as_text=True)
    assert RESOLUTIONS_EN[2] in page
    url = _href(page, rf"/governance/meetings/{first.id}")
    page = client.get(url).get_data(as_text=True)
    assert "1/2564" in page
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == first.id))
    assert minutes.state is MinutesState.LOCKED
    url = _href(page, rf"/governance/meetings/{first.id}/minutes")
    response = client.get(url)
    assert response.status_code == 200
    assert "Notebook for Education" in response.get_data(as_text=True)

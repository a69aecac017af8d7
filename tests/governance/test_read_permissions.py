"""Who reads the governance pages, role by role: the list of bodies and meetings, a body's page
and a meeting's page, public and members-only. A members-only meeting is hidden (404, never
listed) from everyone but its body's members and staff: a member of another body is a stranger
here."""

from __future__ import annotations

import pytest

from partnership.extensions import db
from partnership.governance.models import MemberRole, Visibility
from tests.factories import english  # noqa: F401  (autouse: pages in English)

from . import meeting_world
from .meeting_world import body, meeting, seat, user

ROLES = ("visitor", "donor", "other_member", "member", "secretary", "staff")
SEES_PRIVATE = {"member", "secretary", "staff"}


@pytest.fixture()
def world(app):
    people = meeting_world.world()
    people["other_member"] = user()
    other = body("คณะทำงานอื่น")
    seat(other, MemberRole.MEMBER, account=people["other_member"])
    other_private = meeting(other, visibility=Visibility.MEMBERS)
    db.session.commit()
    people.ids |= {"other_body": other.id, "other_private": other_private.id}
    return people


@pytest.fixture()
def as_role(switch_user, world):
    """as_role(name): that role's person signed in (the visitor: signed out), in English."""
    return lambda name: switch_user(world[name])


def _links_to(page: str, meeting_id: int) -> bool:
    return f'href="/governance/meetings/{meeting_id}"' in page


@pytest.mark.parametrize("role", ROLES)
def test_the_list_of_bodies_and_meetings(client, world, as_role, role):
    as_role(role)
    response = client.get("/governance/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ids = world.ids
    assert _links_to(page, ids["public"])
    assert _links_to(page, ids["private"]) is (role in SEES_PRIVATE)
    assert _links_to(page, ids["other_private"]) is (role in ("other_member", "staff"))
    assert f'href="/governance/bodies/{ids["body"]}"' in page  # bodies are public


@pytest.mark.parametrize("role", ROLES)
def test_a_body_page(client, world, as_role, role):
    as_role(role)
    response = client.get(f"/governance/bodies/{world.ids['body']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _links_to(page, world.ids["public"])
    assert _links_to(page, world.ids["private"]) is (role in SEES_PRIVATE)
    assert client.get("/governance/bodies/999999").status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["public", "private", "past", "other_private"])
def test_a_meeting_page(client, world, as_role, role, which):
    as_role(role)
    response = client.get(f"/governance/meetings/{world.ids[which]}")
    if which == "public":
        allowed = True
    elif which == "other_private":
        allowed = role in ("other_member", "staff")
    else:
        allowed = role in SEES_PRIVATE
    assert response.status_code == (200 if allowed else 404), (role, which)
    if allowed:
        assert "members only" in response.get_data(as_text=True).lower() or which == "public"

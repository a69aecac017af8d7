"""Who may see and do what with bodies and meetings (STYLE.md 5).

Staff create and manage bodies and meetings; the secretary of a body records its meetings'
attendance, resolutions and minutes; members see their bodies' members-only meetings; everyone
sees public meetings."""

from __future__ import annotations

from .models import Body, Meeting, MemberRole, Visibility
from .services import member_of


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def can_manage(user) -> bool:
    """Create bodies, appoint members, schedule meetings: programme staff."""
    return is_staff(user)


def is_member(user, body: Body) -> bool:
    return member_of(user, body.id) is not None


def is_secretary(user, body: Body) -> bool:
    member = member_of(user, body.id)
    return member is not None and member.role is MemberRole.SECRETARY


def can_record(user, body: Body) -> bool:
    """Record a meeting's attendance, agenda, resolutions and draft its minutes."""
    return is_staff(user) or is_secretary(user, body)


def can_view_meeting(user, meeting: Meeting) -> bool:
    """A public meeting: everyone; a members-only one: its body's members and staff."""
    if meeting.visibility is Visibility.PUBLIC:
        return True
    return is_staff(user) or is_member(user, meeting.body)

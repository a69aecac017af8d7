"""The vocabulary of governance: the kinds of body, roles, visibility, the states of a
meeting and of an attendance, the kinds of agenda item, the outcomes of a resolution and what
a resolution can decide, each with its label for forms and pages. The tables that use them are
in ``models``, which re-exports them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..db_types import LABELS, LabelledEnum


class BodyKind(LabelledEnum):
    #: คณะทำงาน: a working group (the public–private working group, the PR working group).
    WORKING_GROUP = "working_group"
    #: คณะกรรมการ: a committee or board.
    COMMITTEE = "committee"
    #: สมัชชา of one province (Khon Kaen's assembly for equity in education).
    PROVINCIAL_ASSEMBLY = "provincial_assembly"
    #: สมัชชา at national level.
    NATIONAL_ASSEMBLY = "national_assembly"


class MemberRole(LabelledEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"
    MEMBER = "member"


class Visibility(LabelledEnum):
    #: Anyone sees the meeting, its agenda, resolutions and published minutes.
    PUBLIC = "public"
    #: Only the body's members (and staff) see it.
    MEMBERS = "members"


class MeetingState(LabelledEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class AttendanceStatus(LabelledEnum):
    #: Invited; nobody has said yet whether they came.
    INVITED = "invited"
    PRESENT = "present"
    ABSENT = "absent"
    #: Sent apologies (ลาประชุม).
    EXCUSED = "excused"
    #: Not a member: attends without a vote (ผู้เข้าร่วมประชุม).
    OBSERVER = "observer"


class AgendaKind(LabelledEnum):
    #: เรื่องแจ้งเพื่อทราบ
    INFORMATION = "information"
    #: เรื่องเพื่อพิจารณา
    CONSIDERATION = "consideration"
    #: เรื่องสืบเนื่อง
    FOLLOW_UP = "follow_up"


class Outcome(LabelledEnum):
    APPROVED = "approved"
    APPROVED_WITH_CHANGES = "approved_with_changes"
    NOT_APPROVED = "not_approved"
    DEFERRED = "deferred"


class LinkKind(LabelledEnum):
    """What in the app a resolution decided (``ResolutionLink.subject_id`` is its id)."""

    #: A school admitted to the network (``schools.id``).
    SCHOOL_ADMITTED = "school_admitted"
    #: A programme opened for applications (``programmes.id``).
    PROGRAMME_OPENED = "programme_opened"
    #: A programme's scoring committee named (``programmes.id``).
    COMMITTEE_NAMED = "committee_named"
    #: A member appointed to a body (``body_members.id``).
    MEMBER_APPOINTED = "member_appointed"
    #: A member's term ended (``body_members.id``).
    MEMBER_REMOVED = "member_removed"
    #: A meeting's minutes approved at a later meeting (``meetings.id`` of the minuted one).
    MINUTES_APPROVED = "minutes_approved"


LABELS.update(
    {
        BodyKind: {
            BodyKind.WORKING_GROUP: _l("Working group"),
            BodyKind.COMMITTEE: _l("Committee"),
            BodyKind.PROVINCIAL_ASSEMBLY: _l("Provincial assembly"),
            BodyKind.NATIONAL_ASSEMBLY: _l("National assembly"),
        },
        MemberRole: {
            MemberRole.CHAIR: _l("Chair"),
            MemberRole.VICE_CHAIR: lazy_pgettext("member role", "Vice-chair"),
            MemberRole.SECRETARY: lazy_pgettext("member role", "Secretary"),
            MemberRole.MEMBER: _l("Member"),
        },
        Visibility: {
            Visibility.PUBLIC: lazy_pgettext("meeting visibility", "Public"),
            Visibility.MEMBERS: lazy_pgettext("meeting visibility", "Members only"),
        },
        MeetingState: {
            MeetingState.SCHEDULED: lazy_pgettext("meeting state", "Scheduled"),
            MeetingState.HELD: lazy_pgettext("meeting state", "Held"),
            MeetingState.CANCELLED: _l("Cancelled"),
        },
        AttendanceStatus: {
            AttendanceStatus.INVITED: lazy_pgettext("attendance", "Invited"),
            AttendanceStatus.PRESENT: lazy_pgettext("attendance", "Present"),
            AttendanceStatus.ABSENT: lazy_pgettext("attendance", "Absent"),
            AttendanceStatus.EXCUSED: lazy_pgettext("attendance", "Sent apologies"),
            AttendanceStatus.OBSERVER: lazy_pgettext("attendance", "Observer"),
        },
        AgendaKind: {
            AgendaKind.INFORMATION: lazy_pgettext("agenda item", "For information"),
            AgendaKind.CONSIDERATION: lazy_pgettext("agenda item", "For consideration"),
            AgendaKind.FOLLOW_UP: lazy_pgettext("agenda item", "For follow-up"),
        },
        Outcome: {
            Outcome.APPROVED: _l("Approved"),
            Outcome.APPROVED_WITH_CHANGES: lazy_pgettext("resolution", "Approved with changes"),
            Outcome.NOT_APPROVED: lazy_pgettext("resolution", "Not approved"),
            Outcome.DEFERRED: lazy_pgettext("resolution", "Deferred"),
        },
        LinkKind: {
            LinkKind.SCHOOL_ADMITTED: _l("School admitted to the network"),
            LinkKind.PROGRAMME_OPENED: _l("Programme opened"),
            LinkKind.COMMITTEE_NAMED: _l("Scoring committee named"),
            LinkKind.MEMBER_APPOINTED: _l("Member appointed"),
            LinkKind.MEMBER_REMOVED: _l("Member's term ended"),
            LinkKind.MINUTES_APPROVED: _l("Minutes approved"),
        },
    }
)

ASSEMBLY_KINDS = (BodyKind.PROVINCIAL_ASSEMBLY, BodyKind.NATIONAL_ASSEMBLY)

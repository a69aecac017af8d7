"""Registry rules: schools, yearly figures, network admission, organisations, partnerships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import Membership, MembershipState, User
from ..accounts.services import decide_membership
from ..core.transitions import move
from ..core.unit_of_work import Refused
from ..db_types import utcnow
from ..extensions import db
from ..i18n import BANGKOK
from .models import (
    NetworkEvent,
    NetworkStatus,
    Organisation,
    Partnership,
    School,
    SchoolYearStat,
    Sector,
)
from .provinces import PROVINCES
from .school_data import services as school_data

SCHOOL_FIELDS = (
    "code", "name_th", "name_en", "province_code", "district", "address", "affiliation",
    "min_grade", "max_grade", "contact_name", "contact_email", "contact_phone",
)  # fmt: skip
#: What school staff may change on their own school's profile (code and status are staff's).
SCHOOL_SELF_FIELDS = tuple(f for f in SCHOOL_FIELDS if f != "code")
ORGANISATION_FIELDS = (
    "name", "name_en", "kind", "sector", "website", "description",
    "contact_name", "contact_email", "contact_phone",
)  # fmt: skip


class RegistryError(Refused):
    """A registry change that is not allowed in the current state."""


N = NetworkStatus
#: Network admission as a state machine: apply, then accepted or declined; members may leave,
#: and a declined or former school may apply again.
NETWORK_TRANSITIONS: dict[NetworkStatus, frozenset[NetworkStatus]] = {
    N.NONE: frozenset({N.APPLICANT}),
    N.APPLICANT: frozenset({N.MEMBER, N.DECLINED}),
    N.MEMBER: frozenset({N.LEFT}),
    N.DECLINED: frozenset({N.APPLICANT}),
    N.LEFT: frozenset({N.APPLICANT}),
}


def _network_refused(from_state: NetworkStatus, to_state: NetworkStatus) -> RegistryError:
    if to_state == N.APPLICANT:
        return RegistryError(_l("This school is already a member or has applied."))
    return RegistryError(_l("The school's network status has changed meanwhile; nothing was done."))


def _move_network(
    school: School,
    to_state: NetworkStatus,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
    **values,
) -> None:
    """Move the school's ``network_status`` once and append the move to its network history."""
    from_state = move(
        school,
        to_state,
        allowed=NETWORK_TRANSITIONS,
        illegal=_network_refused,
        values=values,
        attr="network_status",
    )
    _record_network(school, from_state, to_state, actor, reason, at)


def _record_network(
    school: School,
    from_state: NetworkStatus | None,
    to_state: NetworkStatus,
    actor,
    reason: str,
    at: datetime | None = None,
) -> None:
    db.session.add(
        NetworkEvent(
            school_id=school.id,
            from_state=from_state,
            to_state=to_state,
            actor_id=actor.id if actor is not None else None,
            reason=reason,
            at=at or utcnow(),
        )
    )
    db.session.flush()


def today() -> date:
    return utcnow().astimezone(BANGKOK).date()


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _assign(obj, data: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, _clean(data[name]) if data[name] is not None else "")


def create_school(
    data: dict,
    *,
    network_status: NetworkStatus = NetworkStatus.NONE,
    actor: User | None = None,
    reason: str = "",
) -> School:
    """A new school; one that starts inside the network process has that as its first event."""
    school = School(network_status=network_status)
    _assign(school, data, SCHOOL_FIELDS)
    db.session.add(school)
    db.session.flush()
    if network_status != NetworkStatus.NONE:
        _record_network(school, None, network_status, actor, reason)
    return school


def update_school(school: School, data: dict, actor: User) -> None:
    """Staff change everything; school staff change their profile but not the code."""
    _assign(school, data, SCHOOL_FIELDS if actor.is_staff else SCHOOL_SELF_FIELDS)
    db.session.flush()


def record_year_stat(
    school: School, academic_year: int, pupils: int, teachers: int, actor: User
) -> SchoolYearStat:
    """Set one academic year's total of pupils and teachers (a new school's application, the
    totals-only form); other years are left as they are, the change goes into the history.

    A year entered per grade keeps its grades when its total stays; a new total for it is
    refused (the grades are corrected on the school data form)."""
    stat = school_data.stat_for(school.id, academic_year)
    grades = None
    if stat is not None and stat.has_grades:
        if stat.pupils != pupils:
            raise RegistryError(
                _l("This year has pupils per grade: correct them on the school data form.")
            )
        grades = tuple(stat.grades)
    figures = school_data.Figures(
        grades=grades,
        teachers=teachers,
        devices_on_hand=stat.devices_on_hand if stat is not None else None,
        pupils=pupils,
    )
    return school_data.record_figures(school, academic_year, figures, actor, stat=stat, known=True)


def apply_to_network(data: dict, applicant: User, position: str) -> School:
    """A new school asks to join; the applicant becomes its (pending) staff member."""
    motivation = _clean(data.get("motivation") or "")
    school = create_school(
        data, network_status=NetworkStatus.APPLICANT, actor=applicant, reason=motivation
    )
    school.network_applied_at = utcnow()
    school.network_applicant_id = applicant.id
    school.network_note = motivation
    db.session.add(
        Membership(user=applicant, school=school, position=position, message=school.network_note)
    )
    db.session.flush()
    return school


def request_network_admission(school: School, applicant: User) -> None:
    """An existing (non-member) school applies to join, asked by one of its staff."""
    _move_network(
        school,
        N.APPLICANT,
        applicant,
        network_applied_at=utcnow(),
        network_applicant_id=applicant.id,
    )


def decide_network(
    school: School, accept: bool, staff: User, note: str = "", at: datetime | None = None
) -> None:
    """Accept or decline a school's application (``at``: when it was decided, if not now; the
    demo replays the admissions of 2564).

    Deciding also decides the applicant's own pending request to join the school (the person
    who applied for a new school), and nobody else's: other requests to join stay pending in
    Staff → Memberships, where staff check each person.
    """
    values = {"network_note": note} if note else {}
    if accept:
        joined = at.astimezone(BANGKOK).date() if at is not None else today()
        values |= {"network_joined_on": joined, "network_left_on": None}
    _move_network(school, N.MEMBER if accept else N.DECLINED, staff, note, at, **values)
    if school.network_applicant_id is None:
        return
    own = db.session.scalar(
        sa.select(Membership).where(
            Membership.school_id == school.id,
            Membership.user_id == school.network_applicant_id,
            Membership.state == MembershipState.PENDING,
        )
    )
    if own is not None:
        decide_membership(own, accept, staff, note)


def leave_network(school: School, note: str = "", staff: User | None = None) -> None:
    """The school leaves the network (staff record it)."""
    values = {"network_note": note} if note else {}
    _move_network(school, N.LEFT, staff, note, network_left_on=today(), **values)


def create_organisation(data: dict) -> Organisation:
    organisation = Organisation()
    _assign(organisation, data, ORGANISATION_FIELDS)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(organisation: Organisation, data: dict) -> None:
    _assign(organisation, data, ORGANISATION_FIELDS)
    db.session.flush()


def create_partnership(
    organisation: Organisation, school: School, role, started_on: date, ended_on, note: str
) -> Partnership:
    partnership = Partnership(
        organisation=organisation,
        school=school,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
        note=_clean(note or ""),
    )
    db.session.add(partnership)
    db.session.flush()
    return partnership


def end_partnership(partnership: Partnership, on: date | None = None) -> None:
    on = on or today()
    if partnership.ended_on is not None and partnership.ended_on <= on:
        raise RegistryError(_l("This partnership has already ended."))
    partnership.ended_on = max(on, partnership.started_on)
    db.session.flush()


# Queries ------------------------------------------------------------------------------------


def active_partnership_clause(day: date):
    return sa.and_(
        Partnership.started_on <= day,
        sa.or_(Partnership.ended_on.is_(None), Partnership.ended_on >= day),
    )


def has_private_partner_clause(day: date):
    """SQL: the school has an active partnership with a private-sector organisation."""
    return sa.exists(
        sa.select(Partnership.id)
        .join(Organisation, Organisation.id == Partnership.organisation_id)
        .where(
            Partnership.school_id == School.id,
            Organisation.sector == Sector.PRIVATE,
            active_partnership_clause(day),
        )
    )


def like_escape(term: str) -> str:
    """The term with LIKE's wildcards (and the escape character "/") escaped by "/"."""
    return term.replace("/", "//").replace("%", "/%").replace("_", "/_")


@dataclass
class SchoolFilters:
    q: str = ""
    province: str = ""
    region: str = ""
    status: str = ""
    partner: str = ""  # "", "private", "none"


def school_query(filters: SchoolFilters):
    """The school list as a SELECT, filtered; ordered by province and Thai name."""
    query = sa.select(School)
    if filters.q.strip():
        # ILIKE with the whole pattern as one value, so PostgreSQL's trigram index serves it;
        # a typed % or _ is escaped: searched for, not a wildcard matching every school.
        pattern = "%" + like_escape(filters.q.strip()) + "%"
        # Thai script has no letter case and codes are digits: LIKE there, ILIKE only on the
        # English name. On PostgreSQL ILIKE costs 4-5× LIKE on Thai text (it folds the case of
        # every character), which a broad term at 30,000 schools pays on thousands of rows.
        query = query.where(
            sa.or_(
                School.name_th.like(pattern, escape="/"),
                School.name_en.ilike(pattern, escape="/"),
                School.code.like(pattern, escape="/"),
                School.district.like(pattern, escape="/"),
            )
        )
    if filters.province:
        query = query.where(School.province_code == filters.province)
    if filters.region:
        codes = [p.code for p in PROVINCES if p.region == filters.region]
        query = query.where(School.province_code.in_(codes))
    if filters.status in NetworkStatus._value2member_map_:
        query = query.where(School.network_status == NetworkStatus(filters.status))
    if filters.partner == "private":
        query = query.where(has_private_partner_clause(today()))
    elif filters.partner == "none":
        query = query.where(~has_private_partner_clause(today()))
    return query.order_by(School.province_code, School.name_th, School.id)


def schools_without_private_partner_query():
    """Network members with no active private-sector partner: the list sponsors ask for."""
    return (
        sa.select(School)
        .where(School.network_status == NetworkStatus.MEMBER)
        .where(~has_private_partner_clause(today()))
        .order_by(School.province_code, School.name_th, School.id)
    )


def organisation_query(q: str = "", sector: str = "", kind: str = ""):
    """Sponsors and partners; suppliers (vendors) only when that kind is asked for."""
    from .models import OrganisationKind

    query = sa.select(Organisation)
    if kind != OrganisationKind.VENDOR.value:
        query = query.where(Organisation.kind != OrganisationKind.VENDOR)
    if q.strip():
        term = q.strip()
        query = query.where(
            sa.or_(
                Organisation.name.icontains(term, autoescape=True),
                Organisation.name_en.icontains(term, autoescape=True),
            )
        )
    if sector in Sector._value2member_map_:
        query = query.where(Organisation.sector == Sector(sector))
    if kind in OrganisationKind._value2member_map_:
        query = query.where(Organisation.kind == OrganisationKind(kind))
    return query.order_by(Organisation.sector, Organisation.name)


def active_school_counts(organisation_ids: list[int]) -> dict[int, int]:
    """How many schools each organisation supports today, in one aggregate query."""
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        sa.select(Partnership.organisation_id, sa.func.count(sa.distinct(Partnership.school_id)))
        .where(Partnership.organisation_id.in_(organisation_ids))
        .where(active_partnership_clause(today()))
        .group_by(Partnership.organisation_id)
    )
    return {org_id: count for org_id, count in rows}

"""A resolution decides records in the app: the secretary (or staff) links them from the
resolution's page. Admitting a school goes through the registry's own decision, so its network
history says who admitted it and cites the resolution; a link is added once, never removed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..i18n import current_language
from ..programmes.models import Programme
from ..registry import services as registry
from ..registry.models import NetworkStatus, School
from .bodies import DECIDING
from .citations import label
from .models import LinkKind, Resolution, ResolutionLink
from .services import GovernanceRefused, link

PROGRAMME_KINDS = (LinkKind.PROGRAMME_OPENED, LinkKind.COMMITTEE_NAMED)


def _check_decides(resolution: Resolution) -> None:
    if resolution.outcome not in DECIDING:
        raise GovernanceRefused(_l("Only an approved resolution can decide a record."))


def admission_note(resolution: Resolution) -> str:
    """What the school's network history says: admitted by this resolution (in the language
    of the person who links it; the school's page links to the resolution itself)."""
    return _("Admitted by the %(resolution)s", resolution=label(resolution, current_language()))


def linked_ids(resolution: Resolution, kind: LinkKind) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ResolutionLink.subject_id).where(
                ResolutionLink.resolution_id == resolution.id, ResolutionLink.kind == kind
            )
        )
    )


def admit_schools(
    resolution: Resolution, schools: Iterable[School], actor, *, at: datetime | None = None
) -> list[School]:
    """Admit each applicant school by the resolution (through the registry's decision) and
    link it; an already admitted school is only linked. Returns the schools newly admitted.
    (``at``: when, if not now: the demo replays the admissions of meeting 1/2564.)"""
    _check_decides(resolution)
    admitted = []
    note = admission_note(resolution)
    for school in schools:
        if school.network_status is NetworkStatus.APPLICANT:
            registry.decide_network(school, accept=True, staff=actor, note=note, at=at)
            admitted.append(school)
        elif school.network_status is not NetworkStatus.MEMBER:
            raise GovernanceRefused(
                _l("Only a school that applied to the network or is a member can be linked.")
            )
        link(resolution, LinkKind.SCHOOL_ADMITTED, school.id, actor)
    return admitted


def link_programme(resolution: Resolution, programme: Programme, kind: LinkKind, actor) -> bool:
    """The resolution opened the programme, or named its scoring committee; False if it was
    already linked so."""
    if kind not in PROGRAMME_KINDS:
        raise GovernanceRefused(_l("Choose what the resolution decided about the programme."))
    _check_decides(resolution)
    return link(resolution, kind, programme.id, actor)


def applicant_schools() -> list[School]:
    """Schools waiting for the network's decision, oldest application first."""
    return list(
        db.session.scalars(
            sa.select(School)
            .where(School.network_status == NetworkStatus.APPLICANT)
            .order_by(School.network_applied_at, School.id)
        )
    )

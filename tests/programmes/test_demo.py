"""The programme demo data: both calls, a dozen applications, idempotent."""

from __future__ import annotations

from partnership.applications.models import Application, ApplicationEvent, ApplicationState
from partnership.db_types import utcnow
from partnership.demo.programmes import seed_programmes
from partnership.demo.registry import seed_registry
from partnership.programmes.models import Programme, ProgrammeState


def _counts(db):
    return tuple(
        db.session.scalar(db.select(db.func.count(model.id)))
        for model in (Programme, Application, ApplicationEvent)
    )


def test_seed_is_idempotent_and_realistic(app, db):
    seed_registry()
    seed_programmes()
    db.session.commit()
    first = _counts(db)
    seed_programmes()
    db.session.commit()
    assert _counts(db) == first
    programmes = {p.state: p for p in db.session.scalars(db.select(Programme))}
    assert set(programmes) == {ProgrammeState.OPEN, ProgrammeState.REVIEWING}
    assert programmes[ProgrammeState.OPEN].is_open_at(utcnow())
    assert len(programmes[ProgrammeState.REVIEWING].criteria) == 5
    states = {a.state for a in db.session.scalars(db.select(Application))}
    assert {
        ApplicationState.DRAFT,
        ApplicationState.ELIGIBLE,
        ApplicationState.INELIGIBLE,
        ApplicationState.WITHDRAWN,
    } <= states
    assert first[1] >= 12
    for application in db.session.scalars(db.select(Application)):
        assert application.requested_satang > 0
        if application.state == ApplicationState.ELIGIBLE and not application.eligibility_override:
            assert application.requested_satang <= application.programme.cap_satang

"""One history shape (``core.history``): every event table has it, no row is ever changed or
deleted through the ORM, and deleting what a history is about leaves the history in place."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from partnership.accounts.models import AccessEvent
from partnership.applications.models import ApplicationEvent
from partnership.campaigns.models import CampaignEvent
from partnership.core.history import AppendOnly, HistoryIsAppendOnly, HistoryMixin
from partnership.devices.models import DeviceEvent
from partnership.donors.models import DonorErasure, ErasureReason
from partnership.extensions import db
from partnership.governance.actions.models import ActionItemEvent
from partnership.governance.minutes.models import MinutesEvent
from partnership.governance.models import ResolutionLink  # noqa: F401  (append-only, below)
from partnership.library.models import LibraryEntryEvent
from partnership.milestones.models import MilestoneEvent
from partnership.outcomes.models import OutcomeReportEvent
from partnership.programmes.models import Programme, ProgrammeEvent, ProgrammeState
from partnership.receipts.models import EDonationEvent
from partnership.registry import services as registry
from partnership.registry.models import NetworkEvent, NetworkStatus, School
from partnership.registry.school_data.models import SchoolDataEvent
from partnership.review.models import ReviewEvent
from partnership.spending.models import DisbursementEvent

HISTORIES = (
    AccessEvent,
    ActionItemEvent,
    ApplicationEvent,
    CampaignEvent,
    DeviceEvent,
    DisbursementEvent,
    EDonationEvent,
    LibraryEntryEvent,
    MilestoneEvent,
    MinutesEvent,
    NetworkEvent,
    OutcomeReportEvent,
    ProgrammeEvent,
    ReviewEvent,
    SchoolDataEvent,
)
SHAPE = {"id", "actor_id", "at", "kind", "from_state", "to_state", "reason"}


def test_every_event_table_is_a_history():
    assert {m for m in HistoryMixin.__subclasses__()} == set(HISTORIES)
    assert {m.__tablename__ for m in HISTORIES} == {
        "access_events", "application_events", "campaign_events", "edonation_events",
        "network_events", "programme_events", "review_events",
        # after funding: money out, milestones, devices, outcome reports
        "disbursement_events", "milestone_events", "device_events", "outcome_report_events",
        "school_data_events",  # school data: each entry and correction of a year's figures
        "minutes_events",  # governance: each move and edit of a meeting's minutes
        "library_entry_events",  # the library: added, edited, withdrawn, published again
        "action_item_events",  # governance: each action item given out, moved or noted
    }  # fmt: skip
    assert AppendOnly.append_only_tables() == {m.__tablename__ for m in HISTORIES} | {
        "donor_erasures",
        "resolution_links",  # governance: what a resolution decided, added once, never changed
    }


@pytest.mark.parametrize("model", HISTORIES, ids=lambda m: m.__tablename__)
def test_each_history_has_the_one_shape(app, model):
    table = model.__table__
    assert set(table.c.keys()) >= SHAPE
    assert table.c.actor_id.nullable  # empty: the system did it
    assert not table.c.at.nullable and not table.c.kind.nullable
    assert not table.c.reason.nullable and table.c.from_state.nullable
    (actor_fk,) = table.c.actor_id.foreign_keys
    assert actor_fk.column.table.name == "users"
    # exactly one other foreign key not to users: the subject
    subjects = {fk.column.table.name for c in table.c for fk in c.foreign_keys} - {"users"}
    assert len(subjects) == 1 or model is AccessEvent  # an access event may name a membership
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns(table.name)}
    assert columns >= SHAPE


def _persistent_row(model):
    """A row the session believes is in the database (the guard runs before any SQL)."""
    row = model(id=10_001, reason="as written")
    make_transient_to_detached(row)
    for relation in sa.inspect(model).relationships:  # nothing to load when it goes
        set_committed_value(row, relation.key, None)
    db.session.add(row)
    return row


@pytest.mark.parametrize("model", (*HISTORIES, DonorErasure), ids=lambda m: m.__tablename__)
def test_the_orm_refuses_to_change_a_history_row(app, model):
    row = _persistent_row(model)
    if model is DonorErasure:
        row.reason = ErasureReason.RETENTION
    else:
        row.reason = "rewritten"
    with pytest.raises(HistoryIsAppendOnly, match="never changed or deleted"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("model", (*HISTORIES, DonorErasure), ids=lambda m: m.__tablename__)
def test_the_orm_refuses_to_delete_a_history_row(app, model):
    db.session.delete(_persistent_row(model))
    with pytest.raises(HistoryIsAppendOnly, match="never changed or deleted"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("model", (*HISTORIES, DonorErasure), ids=lambda m: m.__tablename__)
def test_a_bulk_update_or_delete_through_the_session_is_refused(app, model):
    for statement in (
        sa.update(model).values(id=model.id),
        sa.delete(model),
        sa.update(model.__table__).values(id=model.__table__.c.id),  # Core table, same refusal
        sa.delete(model.__table__),
    ):
        with pytest.raises(HistoryIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()


def test_a_history_row_is_still_added_and_read(app, make_school, make_user):
    school = make_school(network_status=NetworkStatus.NONE)
    staff = make_user(is_staff=True)
    registry.request_network_admission(school, staff)
    db.session.commit()
    db.session.expire_all()
    [event] = db.session.get(School, school.id).network_events
    assert (event.kind, event.from_state, event.to_state, event.actor) == (
        "moved", NetworkStatus.NONE, NetworkStatus.APPLICANT, staff
    )  # fmt: skip


# Deleting what a history is about ------------------------------------------------------------


def _refused_delete(obj) -> None:
    db.session.delete(obj)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_deleting_a_school_with_network_history_is_refused_and_the_history_stays(
    app, make_school, make_user
):
    school = make_school(network_status=NetworkStatus.NONE)
    staff = make_user(is_staff=True)
    registry.request_network_admission(school, staff)
    registry.decide_network(school, True, staff, "ยินดีต้อนรับ")
    db.session.commit()
    _refused_delete(db.session.get(School, school.id))
    moves = [
        (e.from_state, e.to_state, e.reason) for e in db.session.scalars(sa.select(NetworkEvent))
    ]
    assert moves == [
        (NetworkStatus.NONE, NetworkStatus.APPLICANT, ""),
        (NetworkStatus.APPLICANT, NetworkStatus.MEMBER, "ยินดีต้อนรับ"),
    ]


def test_deleting_a_programme_with_history_is_refused_and_the_history_stays(
    app, make_programme, make_user
):
    programme = make_programme()
    db.session.add(
        ProgrammeEvent(programme_id=programme.id, to_state=ProgrammeState.DRAFT, actor=make_user())
    )
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count(ProgrammeEvent.id)))
    _refused_delete(db.session.get(Programme, programme.id))
    assert db.session.scalar(sa.select(sa.func.count(ProgrammeEvent.id))) == before >= 1


def test_deleting_a_campaign_with_history_is_refused_and_the_history_stays(app, make_campaign):
    campaign = make_campaign()
    db.session.add(
        CampaignEvent(campaign_id=campaign.id, from_state="live", to_state="ended", reason="จบ")
    )
    db.session.commit()
    before = db.session.execute(sa.select(CampaignEvent.id, CampaignEvent.reason)).all()
    _refused_delete(campaign)
    after = db.session.execute(sa.select(CampaignEvent.id, CampaignEvent.reason)).all()
    assert after == before and ("จบ" in [r.reason for r in after])


def test_a_parent_is_saved_with_its_new_history_and_not_emptied_by_removing_it(app, make_school):
    school = make_school(network_status=NetworkStatus.NONE)
    school.network_events.append(NetworkEvent(to_state=NetworkStatus.MEMBER, reason="x"))
    db.session.commit()
    school.network_events.clear()  # no delete-orphan: the row is not deleted ...
    with pytest.raises(HistoryIsAppendOnly):  # ... nor orphaned (that would be an UPDATE)
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(NetworkEvent.id))) == 1


def test_the_first_event_of_a_school_created_inside_the_network_process(app, make_user):
    applicant = make_user()
    school = registry.apply_to_network(
        {
            "code": "1040077799", "name_th": "โรงเรียนทดสอบ", "province_code": "10",
            "district": "เขต", "affiliation": "obec", "min_grade": 3, "max_grade": 8,
            "motivation": "อยากร่วมเครือข่าย",
        },
        applicant,
        "ครู",
    )  # fmt: skip
    db.session.commit()
    [event] = school.network_events
    assert (event.from_state, event.to_state, event.actor_id, event.reason) == (
        None, NetworkStatus.APPLICANT, applicant.id, "อยากร่วมเครือข่าย"
    )  # fmt: skip
    assert school.network_applied_at is not None and school.network_joined_on is None
    assert isinstance(registry.today(), date)

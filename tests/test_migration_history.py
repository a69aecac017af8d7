"""Revision 0020_history moves every event table to the one history shape and keeps every row.

The database is taken down to 0017, rows are written in the old shapes (``created_at``, no
``kind``, e-Donation events without a reason, review events without states, access events whose
actor was required), and the upgrade must show each of them intact in the new shape; the rows
written at the head before going down make the round trip too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from partnership.accounts.models import AccessEvent
from partnership.applications.models import ApplicationEvent
from partnership.campaigns.models import CampaignEvent
from partnership.db_types import UTCDateTime
from partnership.extensions import db
from partnership.programmes.models import ProgrammeEvent, ProgrammeState
from partnership.receipts.models import EDonationEvent, EDonationRecord, EDonationState
from partnership.registry.models import NetworkEvent, NetworkStatus
from partnership.review.models import ReviewEvent, ReviewEventKind, ReviewState
from tests.receipts import conftest as receipts
from tests.review import conftest as review_fixtures

HISTORIES = (
    AccessEvent, ApplicationEvent, CampaignEvent, EDonationEvent, ProgrammeEvent, ReviewEvent,
)  # fmt: skip
# The creators of the receipts and review tests, lent to this test.
paid, TAX_FIELDS = receipts.paid, receipts.TAX_FIELDS
make_member, assign = review_fixtures.make_member, review_fixtures.assign
write_review = review_fixtures.write_review
WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _old(name: str, *columns: str, at: str = "created_at") -> sa.TableClause:
    """A table as 0017 had it: plain columns and its timestamp."""
    return sa.table(name, *(sa.column(c) for c in columns), sa.column(at, UTCDateTime()))


def _all(model) -> list:
    return list(db.session.scalars(sa.select(model).order_by(model.id)))


def _shape(row) -> tuple:
    return (row.id, row.actor_id, row.at, row.kind, row.from_state, row.to_state, row.reason)


def test_the_history_migration_keeps_every_row_in_the_new_shape(
    app, make_user, make_school, make_programme, make_application, make_campaign,
    make_member, assign, write_review, paid, add_membership,
):  # fmt: skip
    from flask_migrate import downgrade, upgrade

    staff, person = make_user(is_staff=True), make_user()
    school = make_school(network_status=NetworkStatus.NONE)
    joined = make_school(network_status=NetworkStatus.NONE)
    waiting = make_school(network_status=NetworkStatus.NONE)
    programme = make_programme()
    application = make_application(programme, school)
    campaign = make_campaign(school)
    review = write_review(assign(make_member(programme), application), (3, 4))
    donation, _ = paid(campaign, custom_amount="1000", **TAX_FIELDS)
    record = db.session.scalar(
        sa.select(EDonationRecord).where(EDonationRecord.donation_id == donation.id)
    )
    membership = add_membership(person, school=school)
    ids = {
        "staff": staff.id, "person": person.id, "programme": programme.id,
        "application": application.id, "campaign": campaign.id, "review": review.id,
        "record": record.id, "membership": membership.id, "joined": joined.id,
        "waiting": waiting.id, "school": school.id,
    }  # fmt: skip
    # Rows written at the head, in the new shape, before going down.
    head_rows = {model: [_shape(r) for r in _all(model)] for model in HISTORIES}
    assert head_rows[EDonationEvent]  # the record opened with its first event
    db.session.commit()
    db.session.close()

    downgrade(revision="0017_ui_thai")
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(_old("review_events", "review_id", "kind", "actor_id", "reason")),
            [
                {"review_id": ids["review"], "kind": "submitted", "actor_id": ids["person"],
                 "reason": "", "created_at": WHEN},
                {"review_id": ids["review"], "kind": "reopened", "actor_id": ids["staff"],
                 "reason": "คะแนนข้อ 2 ผิด", "created_at": WHEN},
            ],
        )  # fmt: skip
        for name, subject, from_state, to_state in (
            ("programme_events", ids["programme"], "draft", "open"),
            ("application_events", ids["application"], "submitted", "eligible"),
            ("campaign_events", ids["campaign"], "live", "ended"),
        ):
            column = {"programme_events": "programme_id", "application_events": "application_id",
                      "campaign_events": "campaign_id"}[name]  # fmt: skip
            conn.execute(
                sa.insert(_old(name, column, "from_state", "to_state", "actor_id", "reason")),
                [
                    {column: subject, "from_state": None, "to_state": from_state,
                     "actor_id": None, "reason": "", "created_at": WHEN},
                    {column: subject, "from_state": from_state, "to_state": to_state,
                     "actor_id": ids["staff"], "reason": "ตามกำหนด", "created_at": WHEN},
                ],
            )  # fmt: skip
        conn.execute(
            sa.insert(
                _old("access_events", "user_id", "membership_id", "kind", "actor_id", "reason")
            ),
            [
                {"user_id": ids["person"], "membership_id": ids["membership"],
                 "kind": "membership_ended", "actor_id": ids["staff"], "reason": "ย้ายโรงเรียน",
                 "created_at": WHEN},
            ],
        )  # fmt: skip
        conn.execute(
            sa.insert(
                _old("edonation_events", "record_id", "from_state", "to_state", "actor_id",
                     "rd_reference", "kept_satang", "source", at="at")
            ),
            [
                {"record_id": ids["record"], "from_state": "due", "to_state": "recorded",
                 "actor_id": ids["staff"], "rd_reference": "RD-123", "kept_satang": 100_000,
                 "source": "staff", "at": WHEN},
            ],
        )  # fmt: skip
        schools = sa.table(
            "schools",
            sa.column("id"),
            sa.column("network_status"),
            sa.column("network_note"),
            sa.column("network_joined_on", sa.Date()),
            sa.column("network_applied_at", UTCDateTime()),
        )
        conn.execute(
            sa.update(schools)
            .where(schools.c.id == ids["joined"])
            .values(
                network_status="member",
                network_note="ยินดีต้อนรับ",
                network_applied_at=datetime(2025, 1, 2, 3, 0, tzinfo=UTC),
                network_joined_on=date(2025, 2, 1),
            )
        )
        conn.execute(
            sa.update(schools)
            .where(schools.c.id == ids["waiting"])
            .values(network_status="applicant", network_applied_at=WHEN)
        )
    upgrade()
    db.session.expire_all()

    # Every row written at the head came back as it was.
    for model, rows in head_rows.items():
        assert [_shape(r) for r in _all(model)][: len(rows)] == rows, model.__tablename__

    reviews = _all(ReviewEvent)[len(head_rows[ReviewEvent]) :]
    assert [(e.kind, e.from_state, e.to_state, e.actor_id, e.reason, e.at) for e in reviews] == [
        (ReviewEventKind.SUBMITTED, ReviewState.DRAFT, ReviewState.SUBMITTED, ids["person"], "",
         WHEN),
        (ReviewEventKind.REOPENED, ReviewState.SUBMITTED, ReviewState.DRAFT, ids["staff"],
         "คะแนนข้อ 2 ผิด", WHEN),
    ]  # fmt: skip
    for model, subject, first, second in (
        (ProgrammeEvent, "programme_id", ProgrammeState.DRAFT, ProgrammeState.OPEN),
        (ApplicationEvent, "application_id", "submitted", "eligible"),
        (CampaignEvent, "campaign_id", "live", "ended"),
    ):
        rows = _all(model)[len(head_rows[model]) :]
        assert [
            (getattr(e, subject), e.kind, e.from_state, e.to_state, e.actor_id, e.reason, e.at)
            for e in rows
        ] == [
            (ids[subject[:-3]], "moved", None, first, None, "", WHEN),
            (ids[subject[:-3]], "moved", first, second, ids["staff"], "ตามกำหนด", WHEN),
        ], model.__tablename__
    [access] = _all(AccessEvent)[len(head_rows[AccessEvent]) :]
    assert (access.user_id, access.membership_id, access.kind, access.actor_id) == (
        ids["person"], ids["membership"], "membership_ended", ids["staff"],
    )  # fmt: skip
    assert (access.reason, access.at, access.from_state, access.to_state) == (
        "ย้ายโรงเรียน", WHEN, None, None,
    )  # fmt: skip
    [marked] = _all(EDonationEvent)[len(head_rows[EDonationEvent]) :]
    assert (marked.record_id, marked.kind, marked.from_state, marked.to_state) == (
        ids["record"], "moved", EDonationState.DUE, EDonationState.RECORDED,
    )  # fmt: skip
    assert (marked.actor_id, marked.reason, marked.at) == (ids["staff"], "", WHEN)
    assert (marked.rd_reference, marked.kept_satang, marked.source) == ("RD-123", 100_000, "staff")

    # Each school in the network process starts its history where it stands.
    network = {
        e.school_id: (e.kind, e.from_state, e.to_state, e.actor_id, e.reason, e.at)
        for e in _all(NetworkEvent)
    }
    assert network == {
        ids["joined"]: ("moved", None, NetworkStatus.MEMBER, None, "ยินดีต้อนรับ",
                        datetime(2025, 1, 31, 17, 0, tzinfo=UTC)),  # 1 Feb in Bangkok
        ids["waiting"]: ("moved", None, NetworkStatus.APPLICANT, None, "", WHEN),
    }  # fmt: skip

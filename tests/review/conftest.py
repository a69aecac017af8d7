"""Creators for committee review tests: programmes with a rubric, applications, members."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings

from partnership.applications.models import ApplicationState
from partnership.extensions import db as _db
from partnership.programmes.models import ProgrammeState

settings.register_profile(
    "review",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
REVIEW_SETTINGS = settings.get_profile("review")

_n = iter(range(1, 10_000_000))


@pytest.fixture()
def make_programme(make_programme):
    """The suite's creator with review defaults: closed a month ago, under review, rubric
    0–10 weight 2 and 0–5 weight 1, two reviewers, sector balance, any grade."""

    def make(**overrides):
        now = datetime.now(UTC)
        values = {
            "name_th": f"โครงการทดสอบ {next(_n)}",
            "description_th": "",
            "opens_at": now - timedelta(days=60),
            "closes_at": now - timedelta(days=30),
            "state": ProgrammeState.REVIEWING,
            "budget_total_satang": 100_000_00,
            "cap_satang": 60_000_00,
            "reviews_per_application": 2,
            "require_sector_balance": True,
            "min_grade": None,
            "max_grade": None,
            "criteria": ((10, 2), (5, 1)),
            "english_labels": True,
        }
        return make_programme(**(values | overrides))

    return make


@pytest.fixture()
def make_application(make_application):
    """The suite's creator with review defaults: eligible, submitted 1 June 2025, one line of
    ``requested`` satang, ``pupils`` in grade 6."""

    def make(
        programme,
        school=None,
        state=ApplicationState.ELIGIBLE,
        requested=10_000_00,
        submitted_at=None,
        pupils=30,
        title=None,
    ):
        return make_application(
            programme,
            school,
            lines=(("โน้ตบุ๊ก", requested, 1),),
            state=state,
            beneficiaries=((6, pupils),),
            submitted_at=submitted_at or datetime(2025, 6, 1, tzinfo=UTC),
            title=title or f"โครงการโน้ตบุ๊ก {next(_n)}",
        )

    return make


@pytest.fixture()
def make_member(app, make_user, make_org, add_membership):
    from partnership.registry.models import Sector
    from partnership.review.models import CommitteeMember

    def make(programme, sector=Sector.PUBLIC, *, user=None, organisation=None, name=None):
        user = user or make_user(name=name or f"กรรมการ {next(_n)}")
        organisation = organisation or make_org(sector=sector)
        add_membership(user, organisation=organisation)
        member = CommitteeMember(
            programme=programme, user=user, organisation=organisation, sector=sector
        )
        _db.session.add(member)
        _db.session.commit()
        return member

    return make


@pytest.fixture()
def assign(app):
    from partnership.review.models import ReviewAssignment

    def make(member, application):
        assignment = ReviewAssignment(member=member, application=application)
        _db.session.add(assignment)
        _db.session.commit()
        return assignment

    return make


@pytest.fixture()
def write_review(app):
    """A review with the given scores (criterion position → score), submitted by default."""
    from partnership.review.models import Rating, Review, ReviewState
    from partnership.review.reviews import weighted_total

    def make(assignment, scores, *, submitted=True, comment="", criterion_comment=""):
        criteria = assignment.application.programme.criteria
        review = Review(
            assignment=assignment,
            state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
            submitted_at=datetime.now(UTC) if submitted else None,
            overall_comment=comment,
        )
        for position, score in enumerate(scores):
            review.ratings.append(
                Rating(criterion_id=criteria[position].id, score=score, comment=criterion_comment)
            )
        _db.session.add(review)
        if submitted:
            with _db.session.no_autoflush:
                review.weighted_total = weighted_total(review)
        _db.session.commit()
        return review

    return make


@pytest.fixture(autouse=True)
def english_pages(client):
    """Read the pages in English, so assertions match the message ids, not the Thai catalogue."""
    with client.session_transaction() as session:
        session["locale"] = "en"

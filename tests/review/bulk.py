"""Seeding a large review round with bulk inserts (tests and tests/bench/ranking_scale.py)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from partnership.applications.models import Application, ApplicationState, Beneficiaries, BudgetLine
from partnership.extensions import db
from partnership.programmes.models import Programme, ProgrammeState, RubricCriterion
from partnership.review.models import Rating, Review, ReviewAssignment, ReviewState

START = datetime(2025, 6, 1, tzinfo=UTC)


def national_programme(name_th: str, size: int, **overrides):
    """A programme in review for a round of ``size`` applications: 3 reviews each, 8 criteria
    (maximum 10, weights 1–3), a budget of ฿15,000 an application (so a line falls midway)."""
    now = datetime.now(UTC)
    values = {
        "name_th": name_th, "opens_at": now - timedelta(days=60),
        "closes_at": now - timedelta(days=30), "state": ProgrammeState.REVIEWING,
        "budget_total_satang": size * 15_000_00, "cap_satang": 60_000_00,
        "reviews_per_application": 3, **overrides,
    }  # fmt: skip
    programme = Programme(**values)
    for position in range(8):
        programme.criteria.append(RubricCriterion(
            position=position, label_th=f"เกณฑ์ {position + 1}",
            label_en=f"Criterion {position + 1}", max_score=10, weight=1 + position % 3,
        ))  # fmt: skip
    return programme


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert many rows in a few statements; their ids in the order given."""
    if not rows:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def seed_round(
    programme, school_ids: list[int], member_ids: list[int], count: int, *,
    reviews_each: int = 2, seed: int = 1, text: str = "",
) -> list[int]:  # fmt: skip
    """``count`` applications under review, each with ``reviews_each`` submitted reviews by
    members taken in turn, scored at random (reproducibly); returns the application ids."""
    rng = random.Random(seed)
    criteria = [(c.id, c.max_score, c.weight) for c in programme.criteria]
    app_ids = _insert(Application, [
        {
            "programme_id": programme.id, "school_id": school_ids[n % len(school_ids)],
            "title": f"โครงการที่ {n + 1}", "summary": text, "need": text,
            "state": ApplicationState.IN_REVIEW, "submitted_at": START + timedelta(minutes=n),
        }
        for n in range(count)
    ])  # fmt: skip
    db.session.execute(sa.insert(BudgetLine), [
        {"application_id": a, "position": 0, "item": "โน้ตบุ๊ก",
         "unit_price_satang": rng.randrange(5_000_00, 60_000_00, 100), "quantity": 1}
        for a in app_ids
    ])  # fmt: skip
    db.session.execute(sa.insert(Beneficiaries), [
        {"application_id": a, "grade": 6, "pupils": rng.randrange(10, 200)} for a in app_ids
    ])  # fmt: skip
    pairs = [
        (member_ids[(n + k) % len(member_ids)], a)
        for n, a in enumerate(app_ids)
        for k in range(min(reviews_each, len(member_ids)))
    ]
    assignment_ids = _insert(ReviewAssignment, [
        {"member_id": m, "application_id": a, "assigned_at": START} for m, a in pairs
    ])  # fmt: skip
    sheets = [[rng.randint(max(0, top - 4), top) for _, top, _ in criteria] for _ in pairs]
    review_ids = _insert(Review, [
        {"assignment_id": a, "state": ReviewState.SUBMITTED, "submitted_at": START,
         "weighted_total": sum(s * w for s, (_, _, w) in zip(sheet, criteria, strict=True))}
        for a, sheet in zip(assignment_ids, sheets, strict=True)
    ])  # fmt: skip
    ratings = [
        {"review_id": r, "criterion_id": c, "score": score}
        for r, sheet in zip(review_ids, sheets, strict=True)
        for (c, _, _), score in zip(criteria, sheet, strict=True)
    ]
    for start in range(0, len(ratings), 20_000):
        db.session.execute(sa.insert(Rating), ratings[start : start + 20_000])
    db.session.commit()
    return app_ids

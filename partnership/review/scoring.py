"""Aggregation as pure functions: weighted totals, means, spread, calibration, ranking order.

Every review total is 100 × g / top where g = Σ(score × weight) and top = Σ(maximum × weight)
is the same for the whole round. So the aggregation works on the integers g and the common
denominator: means stay exact (a ``Fraction`` is made only when a mean is read), equal scores
tie exactly, and the floats (standard deviation, calibrated score) are single correctly
rounded integer divisions, the same numbers as exact rational arithmetic followed by ``float``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

#: Reviews whose normalised totals have a population standard deviation above this many points
#: (on the 0–100 scale) are flagged as a strong disagreement.
DISAGREEMENT_THRESHOLD = 15


@dataclass(frozen=True)
class Criterion:
    id: int
    max_score: int
    weight: int


@dataclass(frozen=True)
class ReviewScores:
    """One submitted, non-conflicted review: who, of what, and the score per criterion."""

    reviewer_id: int
    application_id: int
    sector: str
    scores: dict[int, int]


class WeightedReview(NamedTuple):
    """One submitted, non-conflicted review reduced to its weighted sum Σ(score × weight) (a
    tuple: 21,000 of them are made for a national round)."""

    reviewer_id: int
    application_id: int
    sector: str
    weighted: int


@dataclass
class ApplicationScore:
    """An application's figures; exact means are built from integer sums when read."""

    application_id: int
    #: Σ(maximum × weight) of the round: every review total is 100 × weighted ÷ top.
    top: int = 1
    weighted: list[int] = field(default_factory=list)
    sector_weighted: dict[str, list[int]] = field(default_factory=dict)
    std_dev: float | None = None
    disagreement: bool = False
    calibrated: float | None = None
    criterion_means: dict[int, Fraction] = field(default_factory=dict)

    @property
    def reviews_done(self) -> int:
        return len(self.weighted)

    @property
    def totals(self) -> list[Fraction]:
        return [Fraction(100 * g, self.top) for g in self.weighted]

    @property
    def mean(self) -> Fraction | None:
        return _exact_mean(self.weighted, self.top)

    @property
    def sector_means(self) -> dict[str, Fraction]:
        return {s: _exact_mean(v, self.top) for s, v in sorted(self.sector_weighted.items())}


def _exact_mean(weighted: Sequence[int], top: int) -> Fraction | None:
    return Fraction(100 * sum(weighted), top * len(weighted)) if weighted else None


def _spread(weighted: Sequence[int], top: int) -> float:
    """Population standard deviation of 100 × g / top, from one integer division."""
    n, total = len(weighted), sum(weighted)
    squares = sum((n * g - total) ** 2 for g in weighted)
    return math.sqrt(10_000 * squares / (top * top * n * n * n))


def normalised_total(scores: dict[int, int], criteria: Sequence[Criterion]) -> Fraction:
    """100 × Σ(score × weight) / Σ(max × weight); a criterion without a score counts 0."""
    top = sum(c.max_score * c.weight for c in criteria)
    if top == 0:
        return Fraction(0)
    return Fraction(100 * weighted_sum(scores, criteria), top)


def weighted_sum(scores: dict[int, int], criteria: Sequence[Criterion]) -> int:
    return sum(scores.get(c.id, 0) * c.weight for c in criteria)


def mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def population_std_dev(values: Sequence[Fraction]) -> float | None:
    """√(Σ(x − mean)² / n); None without values."""
    if not values:
        return None
    centre = mean(values)
    return math.sqrt(float(sum(((v - centre) ** 2 for v in values), Fraction(0)) / len(values)))


def _z_scores(reviews: Sequence[WeightedReview], top: int) -> dict[tuple[int, int], float]:
    """z = (total − the reviewer's mean) / the reviewer's population standard deviation, for
    (reviewer, application); a reviewer whose totals are all equal gets z = 0 everywhere."""
    by_reviewer: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for r in reviews:
        by_reviewer[r.reviewer_id].append((r.application_id, r.weighted))
    z: dict[tuple[int, int], float] = {}
    for reviewer, items in by_reviewer.items():
        values = [g for _, g in items]
        spread = _spread(values, top)
        n, total = len(values), sum(values)
        for app, g in items:
            # total − centre = 100 × (n·g − Σg) ÷ (top · n), rounded once.
            z[(reviewer, app)] = 100 * (n * g - total) / (top * n) / spread if spread else 0.0
    return z


def aggregate_weighted(
    top: int,
    reviews: Sequence[WeightedReview],
    application_ids: Iterable[int],
    calibrate: bool = True,
) -> dict[int, ApplicationScore]:
    """Every number of the ranking page for each application; the calibrated score only when
    ``calibrate`` (it needs every reviewer's z-scores)."""
    if top == 0:  # no criteria: every total is 0
        top, reviews = 1, [WeightedReview(r.reviewer_id, r.application_id, r.sector, 0)
                           for r in reviews]  # fmt: skip
    result = {a: ApplicationScore(a, top) for a in application_ids}
    counted = [r for r in reviews if r.application_id in result]
    for r in counted:
        score = result[r.application_id]
        score.weighted.append(r.weighted)
        score.sector_weighted.setdefault(r.sector, []).append(r.weighted)
    z_by_app: dict[int, list[float]] = defaultdict(list)
    grand_mean = grand_sd = 0.0
    if calibrate and counted:
        for (_, app), value in _z_scores(counted, top).items():
            z_by_app[app].append(value)
        grand = [r.weighted for r in counted]
        grand_mean = 100 * sum(grand) / (top * len(grand))
        grand_sd = _spread(grand, top)
    for app, score in result.items():
        if not score.weighted:
            continue
        score.std_dev = _spread(score.weighted, top)
        score.disagreement = len(score.weighted) > 1 and score.std_dev > DISAGREEMENT_THRESHOLD
        if calibrate:
            mean_z = sum(z_by_app[app]) / len(z_by_app[app])
            score.calibrated = grand_mean + grand_sd * mean_z
    return result


def aggregate(
    criteria: Sequence[Criterion],
    reviews: Sequence[ReviewScores],
    application_ids: Iterable[int],
    calibrate: bool = True,
) -> dict[int, ApplicationScore]:
    """As :func:`aggregate_weighted`, from per-criterion scores, with the criterion means."""
    top = sum(c.max_score * c.weight for c in criteria)
    weighted = [
        WeightedReview(r.reviewer_id, r.application_id, r.sector, weighted_sum(r.scores, criteria))
        for r in reviews
    ]
    result = aggregate_weighted(top, weighted, application_ids, calibrate)
    by_criterion: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for review in reviews:
        if review.application_id in result:
            for criterion_id, score in review.scores.items():
                by_criterion[review.application_id][criterion_id].append(score)
    for app, per_criterion in by_criterion.items():
        result[app].criterion_means = {
            c: Fraction(sum(v), len(v)) for c, v in per_criterion.items()
        }
    return result


class RankInput(NamedTuple):
    application_id: int
    #: The exact mean (a Fraction, or an integer of :func:`mean_sort_keys` in the same order)
    #: or the calibrated score (a float); None without a counted review.
    score: Fraction | int | float | None
    submitted_at_key: float  # seconds since epoch of submission
    requested_satang: int
    pupils: int


TIE_KEYS = {
    "earlier_submission": lambda r: r.submitted_at_key,
    "smaller_budget": lambda r: r.requested_satang,
    "more_pupils": lambda r: -r.pupils,
}


def mean_sort_keys(scores: Iterable[ApplicationScore]) -> dict[int, int]:
    """application id → an integer in the order of the exact means: Σg × (L ÷ n) with L the
    least common multiple of the review counts (the common denominator top × L cancels)."""
    scores = [s for s in scores if s.weighted]
    common = math.lcm(*{len(s.weighted) for s in scores}) if scores else 1
    return {s.application_id: sum(s.weighted) * (common // len(s.weighted)) for s in scores}


def rank(rows: Sequence[RankInput], tie_break: str) -> list[RankInput]:
    """Highest score first; ties by the programme's rule, then by application number;
    applications without a submitted review come last."""
    tie = TIE_KEYS[tie_break]

    def key(r: RankInput):
        if r.score is None:
            return (1, 0, tie(r), r.application_id)
        value = r.score if isinstance(r.score, Fraction | int) else round(r.score, 9)
        return (0, -value, tie(r), r.application_id)

    return sorted(rows, key=key)


def budget_line(ranked: Sequence[tuple[int, int, bool]], budget_satang: int) -> dict[int, bool]:
    """Walk down the ranking (application id, requested satang, scored?) adding requests while
    they fit the budget; the line falls at the first scored application that does not fit.
    Returns application id → within budget."""
    used, open_line, within = 0, True, {}
    for app_id, requested, scored in ranked:
        fits = open_line and scored and used + requested <= budget_satang
        if fits:
            used += requested
        elif scored:
            open_line = False
        within[app_id] = fits
    return within

"""Aggregation as pure functions: weighted totals, means, spread, calibration, ranking order.

Totals and means are exact fractions so equal scores tie exactly; the standard deviation and
the calibrated score need square roots and are floats.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

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


@dataclass
class ApplicationScore:
    application_id: int
    totals: list[Fraction] = field(default_factory=list)
    mean: Fraction | None = None
    sector_means: dict[str, Fraction] = field(default_factory=dict)
    std_dev: float | None = None
    disagreement: bool = False
    calibrated: float | None = None
    criterion_means: dict[int, Fraction] = field(default_factory=dict)

    @property
    def reviews_done(self) -> int:
        return len(self.totals)


def normalised_total(scores: dict[int, int], criteria: Sequence[Criterion]) -> Fraction:
    """100 × Σ(score × weight) / Σ(max × weight); a criterion without a score counts 0."""
    top = sum(c.max_score * c.weight for c in criteria)
    if top == 0:
        return Fraction(0)
    got = sum(scores.get(c.id, 0) * c.weight for c in criteria)
    return Fraction(100 * got, top)


def mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def population_std_dev(values: Sequence[Fraction]) -> float | None:
    """√(Σ(x − mean)² / n); None without values."""
    if not values:
        return None
    centre = mean(values)
    return math.sqrt(float(sum(((v - centre) ** 2 for v in values), Fraction(0)) / len(values)))


def reviewer_z_scores(reviews: Iterable[tuple[int, int, Fraction]]) -> dict[tuple[int, int], float]:
    """z = (total − the reviewer's mean) / the reviewer's population standard deviation, for
    (reviewer, application); a reviewer whose totals are all equal gets z = 0 everywhere."""
    by_reviewer: dict[int, list[tuple[int, Fraction]]] = defaultdict(list)
    for reviewer, app, total in reviews:
        by_reviewer[reviewer].append((app, total))
    z: dict[tuple[int, int], float] = {}
    for reviewer, items in by_reviewer.items():
        totals = [t for _, t in items]
        centre, spread = mean(totals), population_std_dev(totals)
        for app, total in items:
            z[(reviewer, app)] = float(total - centre) / spread if spread else 0.0
    return z


def aggregate(
    criteria: Sequence[Criterion], reviews: Sequence[ReviewScores], application_ids: Iterable[int]
) -> dict[int, ApplicationScore]:
    """Every number of the ranking page for each application (submitted reviews only)."""
    result = {a: ApplicationScore(a) for a in application_ids}
    totals: list[tuple[int, int, Fraction]] = []
    by_sector: dict[int, dict[str, list[Fraction]]] = defaultdict(lambda: defaultdict(list))
    by_criterion: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for review in reviews:
        if review.application_id not in result:
            continue
        total = normalised_total(review.scores, criteria)
        result[review.application_id].totals.append(total)
        totals.append((review.reviewer_id, review.application_id, total))
        by_sector[review.application_id][review.sector].append(total)
        for criterion_id, score in review.scores.items():
            by_criterion[review.application_id][criterion_id].append(score)
    z = reviewer_z_scores(totals)
    grand = [t for _, _, t in totals]
    grand_mean, grand_sd = mean(grand), population_std_dev(grand)
    z_by_app: dict[int, list[float]] = defaultdict(list)
    for (_, app), value in z.items():
        z_by_app[app].append(value)
    for app, score in result.items():
        if not score.totals:
            continue
        score.mean = mean(score.totals)
        score.std_dev = population_std_dev(score.totals)
        score.disagreement = len(score.totals) > 1 and score.std_dev > DISAGREEMENT_THRESHOLD
        score.sector_means = {s: mean(v) for s, v in sorted(by_sector[app].items())}
        score.criterion_means = {c: Fraction(sum(v), len(v)) for c, v in by_criterion[app].items()}
        mean_z = sum(z_by_app[app]) / len(z_by_app[app])
        score.calibrated = float(grand_mean) + (grand_sd or 0.0) * mean_z
    return result


@dataclass(frozen=True)
class RankInput:
    application_id: int
    score: Fraction | float | None
    submitted_at_key: float  # seconds since epoch of submission
    requested_satang: int
    pupils: int


TIE_KEYS = {
    "earlier_submission": lambda r: r.submitted_at_key,
    "smaller_budget": lambda r: r.requested_satang,
    "more_pupils": lambda r: -r.pupils,
}


def rank(rows: Sequence[RankInput], tie_break: str) -> list[RankInput]:
    """Highest score first; ties by the programme's rule, then by application number;
    applications without a submitted review come last."""
    tie = TIE_KEYS[tie_break]

    def key(r: RankInput):
        if r.score is None:
            return (1, 0, tie(r), r.application_id)
        value = r.score if isinstance(r.score, Fraction) else round(r.score, 9)
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

"""The integer aggregation gives exactly the numbers of the former ``Fraction`` one.

The reference below is the aggregation as it was before integer arithmetic (kept here as the
oracle, not in the package): equal means, sector means, spreads, calibrated scores and order
on random rounds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from partnership.review.scoring import (
    Criterion,
    RankInput,
    ReviewScores,
    aggregate,
    mean_sort_keys,
    rank,
)
from tests.review.conftest import REVIEW_SETTINGS

# The reference oracle: the Fraction implementation as it was.


def ref_normalised_total(scores, criteria):
    top = sum(c.max_score * c.weight for c in criteria)
    if top == 0:
        return Fraction(0)
    return Fraction(100 * sum(scores.get(c.id, 0) * c.weight for c in criteria), top)


def ref_mean(values):
    return sum(values, Fraction(0)) / len(values) if values else None


def ref_std_dev(values):
    if not values:
        return None
    centre = ref_mean(values)
    return math.sqrt(float(sum(((v - centre) ** 2 for v in values), Fraction(0)) / len(values)))


def ref_z_scores(reviews):
    by_reviewer = defaultdict(list)
    for reviewer, app, total in reviews:
        by_reviewer[reviewer].append((app, total))
    z = {}
    for reviewer, items in by_reviewer.items():
        totals = [t for _, t in items]
        centre, spread = ref_mean(totals), ref_std_dev(totals)
        for app, total in items:
            z[(reviewer, app)] = float(total - centre) / spread if spread else 0.0
    return z


def ref_aggregate(criteria, reviews, application_ids):
    result = {a: {"totals": [], "by_sector": defaultdict(list)} for a in application_ids}
    totals = []
    for review in reviews:
        if review.application_id not in result:
            continue
        total = ref_normalised_total(review.scores, criteria)
        result[review.application_id]["totals"].append(total)
        totals.append((review.reviewer_id, review.application_id, total))
        result[review.application_id]["by_sector"][review.sector].append(total)
    z = ref_z_scores(totals)
    grand = [t for _, _, t in totals]
    grand_mean, grand_sd = ref_mean(grand), ref_std_dev(grand)
    z_by_app = defaultdict(list)
    for (_, app), value in z.items():
        z_by_app[app].append(value)
    out = {}
    for app, score in result.items():
        if not score["totals"]:
            out[app] = (None, {}, None, None)
            continue
        mean_z = sum(z_by_app[app]) / len(z_by_app[app])
        out[app] = (
            ref_mean(score["totals"]),
            {s: ref_mean(v) for s, v in sorted(score["by_sector"].items())},
            ref_std_dev(score["totals"]),
            float(grand_mean) + (grand_sd or 0.0) * mean_z,
        )
    return out


def ref_order(reference, tie_break, submitted):
    rows = [RankInput(a, v[0], submitted[a], 100, 1) for a, v in reference.items()]
    return [r.application_id for r in rank(rows, tie_break)]


# Random rounds: a rubric, applications, and each reviewer's reviews of some of them.

rubrics = st.lists(st.tuples(st.integers(1, 10), st.integers(1, 5)), min_size=1, max_size=8).map(
    lambda pairs: [Criterion(i + 1, m, w) for i, (m, w) in enumerate(pairs)]
)


@st.composite
def rounds(draw):
    criteria = draw(rubrics)
    app_ids = list(range(1, draw(st.integers(1, 25)) + 1))
    reviewers = draw(st.integers(1, 8))
    reviews = []
    for reviewer in range(1, reviewers + 1):
        sector = draw(st.sampled_from(["public", "private"]))
        for app in draw(st.lists(st.sampled_from(app_ids), unique=True, max_size=len(app_ids))):
            scores = {c.id: draw(st.integers(0, c.max_score)) for c in criteria}
            if draw(st.booleans()) and len(scores) > 1:
                scores.pop(criteria[0].id)  # a criterion left without a score counts 0
            reviews.append(ReviewScores(reviewer, app, sector, scores))
    submitted = {a: draw(st.sampled_from([1.0, 2.0, 3.0])) for a in app_ids}
    return criteria, reviews, app_ids, submitted


@REVIEW_SETTINGS
@given(rounds(), st.sampled_from(["earlier_submission", "smaller_budget", "more_pupils"]))
def test_integer_aggregation_equals_the_fraction_reference(round_, tie_break):
    criteria, reviews, app_ids, submitted = round_
    reference = ref_aggregate(criteria, reviews, app_ids)
    scores = aggregate(criteria, reviews, app_ids)
    for app in app_ids:
        mean, sector_means, spread, calibrated = reference[app]
        got = scores[app]
        assert got.mean == mean
        assert got.sector_means == sector_means
        assert got.std_dev == spread  # the same float, bit for bit
        assert got.calibrated == calibrated
    # The order: exact integer keys (what build_ranking sorts by) sort as the fractions did.
    keys = mean_sort_keys(scores.values())
    rows = [RankInput(a, keys.get(a), submitted[a], 100, 1) for a in app_ids]
    assert [r.application_id for r in rank(rows, tie_break)] == ref_order(
        reference, tie_break, submitted
    )


@REVIEW_SETTINGS
@given(rounds())
def test_calibration_off_keeps_every_other_number(round_):
    criteria, reviews, app_ids, _ = round_
    on, off = aggregate(criteria, reviews, app_ids), aggregate(criteria, reviews, app_ids, False)
    for app in app_ids:
        assert off[app].calibrated is None
        assert (off[app].mean, off[app].sector_means, off[app].std_dev) == (
            on[app].mean, on[app].sector_means, on[app].std_dev,
        )  # fmt: skip

"""Aggregation on hand-computed examples (pure functions, no database)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from partnership.review.scoring import (
    Criterion,
    RankInput,
    ReviewScores,
    aggregate,
    budget_line,
    normalised_total,
    population_std_dev,
    rank,
)

# Criterion 1: 0–10, weight 2; criterion 2: 0–5, weight 1 → Σ(max × weight) = 25.
RUBRIC = [Criterion(1, 10, 2), Criterion(2, 5, 1)]


def test_weighted_total_normalised_to_100():
    assert normalised_total({1: 8, 2: 4}, RUBRIC) == 80  # 100 × (16 + 4) / 25
    assert normalised_total({1: 5, 2: 0}, RUBRIC) == 40  # 100 × 10 / 25
    assert normalised_total({1: 10, 2: 5}, RUBRIC) == 100
    assert normalised_total({1: 3, 2: 1}, RUBRIC) == 28  # 100 × 7 / 25
    assert normalised_total({1: 1, 2: 0}, [Criterion(1, 3, 1)]) == Fraction(100, 3)


def test_mean_sector_means_spread_and_disagreement():
    reviews = [
        ReviewScores(1, 7, "public", {1: 8, 2: 4}),  # 80
        ReviewScores(2, 7, "private", {1: 5, 2: 0}),  # 40
    ]
    score = aggregate(RUBRIC, reviews, [7, 8])[7]
    assert score.mean == 60
    assert score.sector_means == {"private": 40, "public": 80}
    assert score.std_dev == pytest.approx(20.0)  # √(((80−60)² + (40−60)²) / 2)
    assert score.disagreement  # 20 > 15
    assert score.criterion_means == {1: Fraction(13, 2), 2: 2}
    assert score.reviews_done == 2


def test_close_scores_are_not_flagged_and_unreviewed_have_no_score():
    reviews = [
        ReviewScores(1, 7, "public", {1: 8, 2: 4}),  # 80
        ReviewScores(2, 7, "private", {1: 7, 2: 2}),  # 64 → sd 8
        ReviewScores(3, 7, "private", {1: 8, 2: 4}),  # 80
    ]
    scores = aggregate(RUBRIC, reviews, [7, 8])
    assert scores[7].mean == Fraction(224, 3)
    assert scores[7].std_dev == pytest.approx(math.sqrt(((16 / 3) ** 2 * 2 + (32 / 3) ** 2) / 3))
    assert not scores[7].disagreement
    assert scores[8].mean is None and scores[8].reviews_done == 0


def test_population_std_dev_of_one_value_is_zero():
    assert population_std_dev([Fraction(50)]) == 0
    assert population_std_dev([]) is None


def test_calibration_corrects_a_harsh_and_a_lenient_reviewer():
    rubric = [Criterion(1, 10, 1)]
    reviews = [
        ReviewScores(1, 101, "public", {1: 5}),  # harsh reviewer: 50 and 30 (mean 40, sd 10)
        ReviewScores(1, 103, "public", {1: 3}),
        ReviewScores(2, 102, "private", {1: 7}),  # lenient: 70 and 90 (mean 80, sd 10)
        ReviewScores(2, 103, "private", {1: 9}),
    ]
    scores = aggregate(rubric, reviews, [101, 102, 103])
    # Raw means: 102 (70) > 103 (60) > 101 (50).
    assert [scores[a].mean for a in (101, 102, 103)] == [50, 70, 60]
    # z: 101 → +1, 102 → −1, 103 → (−1 + 1) / 2 = 0. Overall mean 60, sd √500.
    sd = math.sqrt(500)
    assert scores[101].calibrated == pytest.approx(60 + sd)
    assert scores[102].calibrated == pytest.approx(60 - sd)
    assert scores[103].calibrated == pytest.approx(60)
    ranked = rank(
        [RankInput(a, scores[a].calibrated, 0, 0, 0) for a in (101, 102, 103)],
        "earlier_submission",
    )
    assert [r.application_id for r in ranked] == [101, 103, 102]


def test_reviewer_with_equal_totals_gets_zero_z():
    rubric = [Criterion(1, 10, 1)]
    reviews = [ReviewScores(1, 1, "public", {1: 6}), ReviewScores(1, 2, "public", {1: 6})]
    scores = aggregate(rubric, reviews, [1, 2])
    assert scores[1].calibrated == pytest.approx(60) and scores[2].calibrated == pytest.approx(60)


@pytest.mark.parametrize(
    ("tie_break", "expected"),
    [
        ("earlier_submission", [3, 2, 1, 4]),
        ("smaller_budget", [3, 1, 2, 4]),
        ("more_pupils", [3, 2, 1, 4]),
    ],
)
def test_ties_follow_the_programme_rule(tie_break, expected):
    rows = [
        RankInput(1, Fraction(60), submitted_at_key=200, requested_satang=100, pupils=10),
        RankInput(2, Fraction(60), submitted_at_key=100, requested_satang=300, pupils=40),
        RankInput(3, Fraction(90), submitted_at_key=300, requested_satang=900, pupils=1),
        RankInput(4, None, submitted_at_key=0, requested_satang=1, pupils=99),
    ]
    assert [r.application_id for r in rank(rows, tie_break)] == expected


def test_exact_ties_need_no_float_luck():
    # 1/3 + 1/3 + 1/3 against 1: equal as fractions, ranked by the rule (earlier first).
    rows = [
        RankInput(1, Fraction(1, 3) * 3, submitted_at_key=2, requested_satang=0, pupils=0),
        RankInput(2, Fraction(1), submitted_at_key=1, requested_satang=0, pupils=0),
    ]
    assert [r.application_id for r in rank(rows, "earlier_submission")] == [2, 1]


def test_budget_line_is_drawn_at_the_first_application_that_does_not_fit():
    ranked = [(1, 400, True), (2, 300, True), (3, 200, True), (4, 50, True), (5, 10, False)]
    assert budget_line(ranked, 800) == {1: True, 2: True, 3: False, 4: False, 5: False}
    assert budget_line(ranked, 950) == {1: True, 2: True, 3: True, 4: True, 5: False}
    assert budget_line(ranked, 0) == dict.fromkeys(range(1, 6), False)

"""The scoring rules on cases small enough to compute by hand."""

from __future__ import annotations

import pytest

from clientbase.questionnaires.models import Dimension, QuestionKind, Tier
from clientbase.questionnaires.scoring import (
    MetricsRow,
    QuestionMeta,
    TierSettings,
    answer_scores,
    blend,
    indicators,
    percentile,
    tier_of,
)

QUESTIONS = {
    1: QuestionMeta(Dimension.NEED, QuestionKind.SCALE, 2.0, 1.0, 5.0, False),
    2: QuestionMeta(Dimension.NEED, QuestionKind.NUMBER, 1.0, 0.0, 100.0, True),
    3: QuestionMeta(Dimension.VALUE, QuestionKind.YES_NO, 1.0, 0.0, 1.0, False),
}


def test_a_dimension_is_the_weighted_mean_of_its_normalised_answers() -> None:
    # Account 7: scale 4 -> 0.75 (weight 2); wallet share 20% reversed -> 0.8 (weight 1).
    scores = answer_scores([7, 7, 7, 8], [1, 2, 3, 3], [4, 20, 1, 0], QUESTIONS)

    assert scores[7][Dimension.NEED] == pytest.approx((2 * 0.75 + 0.8) / 3)
    assert scores[7][Dimension.VALUE] == 1.0
    assert scores[8] == {Dimension.VALUE: 0.0}


def test_percentiles_share_ties_and_skip_unknowns() -> None:
    assert percentile([10.0, None, 30.0, 10.0, 20.0]) == [0.25, None, 0.875, 0.25, 0.625]


def test_indicators_read_revenue_margin_strategic_lines_and_variability() -> None:
    rows = [
        MetricsRow(
            1, revenue_ltm=100.0, margin_ltm=50.0, strategic_share=0.4, demand_variability=0.1
        ),
        MetricsRow(
            2, revenue_ltm=0.0, margin_ltm=0.0, strategic_share=None, demand_variability=None
        ),
    ]
    found = indicators(rows)

    # Revenue percentile 0.75, margin-rate percentile 0.75 (0.5 against 0).
    assert found[1][Dimension.VALUE] == pytest.approx(0.8 * 0.75 + 0.2 * 0.75)
    assert found[1][Dimension.NEED] == 0.5
    assert found[1][Dimension.BEHAVIOUR] == 0.5
    assert found[2][Dimension.NEED] is None
    assert found[2][Dimension.VALUE] == pytest.approx(0.8 * 0.25 + 0.2 * 0.25)


def test_blending_counts_missing_answers_as_neutral() -> None:
    assert blend(0.9, 0.5, 0.2) == pytest.approx(0.82)
    assert blend(None, 1.0, 0.4) == pytest.approx(0.7)
    assert blend(0.3, None, 0.4) == 0.3
    assert blend(None, None, 0.4) is None


@pytest.mark.parametrize(
    ("need", "value", "behaviour", "tier"),
    [
        (0.8, 0.9, 0.7, Tier.T1A),
        (0.8, 0.9, 0.3, Tier.T1B),
        (0.7, 0.7, 0.52, Tier.T1A),  # between the thresholds, nearer 0.6
        (0.7, 0.7, 0.45, Tier.T1B),  # nearer 0.4
        (0.9, 0.9, None, Tier.T1B),
        (0.9, 0.2, 0.9, Tier.T2),
        (None, 0.75, 0.9, Tier.T2),
        (0.69, 0.69, 1.0, Tier.T3),
    ],
)
def test_tiers_follow_need_value_and_behaviour(
    need: float | None, value: float | None, behaviour: float | None, tier: Tier
) -> None:
    assert tier_of(need, value, behaviour, TierSettings()) == tier

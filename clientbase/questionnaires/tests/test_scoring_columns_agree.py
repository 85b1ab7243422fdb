"""The whole-base (column) scoring gives exactly what the per-account rules give."""

from __future__ import annotations

import numpy as np
import pytest

from clientbase.questionnaires.models import Dimension, QuestionKind
from clientbase.questionnaires.scoring import (
    DIMENSIONS,
    MetricsRow,
    QuestionMeta,
    TierSettings,
    answer_score_columns,
    answer_scores,
    blend,
    blend_many,
    indicator_columns,
    indicators,
    tier_of,
    tiers_many,
)

RNG = np.random.default_rng(11)
N = 400
QUESTIONS = {
    1: QuestionMeta(Dimension.NEED, QuestionKind.SCALE, 2.0, 1.0, 5.0, False),
    2: QuestionMeta(Dimension.NEED, QuestionKind.NUMBER, 1.0, 0.0, 100.0, True),
    3: QuestionMeta(Dimension.VALUE, QuestionKind.YES_NO, 1.0, 0.0, 1.0, False),
    4: QuestionMeta(Dimension.BEHAVIOUR, QuestionKind.SCALE, 0.0, 1.0, 5.0, False),
}


def _with_gaps(values: np.ndarray, share: float = 0.2) -> np.ndarray:
    out = values.astype(np.float64).copy()
    out[RNG.random(values.size) < share] = np.nan
    return out


def _none(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def test_indicator_columns_match_the_per_account_indicators() -> None:
    revenue = np.round(RNG.gamma(1.0, 1000.0, N), -1) * (RNG.random(N) > 0.1)
    margin = revenue * RNG.uniform(-0.1, 0.4, N)
    strategic, variability = _with_gaps(RNG.random(N)), _with_gaps(RNG.random(N) * 2)
    rows = [
        MetricsRow(i, revenue[i], margin[i], _none(strategic[i]), _none(variability[i]))
        for i in range(N)
    ]
    expected = indicators(rows)
    found = indicator_columns(revenue, margin, strategic, variability)
    for dimension in DIMENSIONS:
        for i in range(N):
            want = expected[i][dimension]
            got = _none(found[dimension][i])
            assert got == (None if want is None else pytest.approx(want)), (dimension, i)


def test_answer_columns_match_the_per_account_scores() -> None:
    accounts = np.arange(10, 10 + N, dtype=np.int64)
    answer_accounts = RNG.choice(accounts, 900)
    questions = RNG.integers(1, 5, 900).astype(np.int64)
    values = RNG.integers(0, 6, 900).astype(np.float64)
    expected = answer_scores(
        answer_accounts.tolist(), questions.tolist(), values.tolist(), QUESTIONS
    )
    found = answer_score_columns(answer_accounts, questions, values, QUESTIONS, accounts)
    for dimension in DIMENSIONS:
        for i, account in enumerate(accounts.tolist()):
            want = expected.get(account, {}).get(dimension)
            got = _none(found[dimension][i])
            assert got == (None if want is None else pytest.approx(want)), (dimension, account)


@pytest.mark.parametrize("weight", [0.0, 0.4, 1.0])
def test_blend_and_tiers_match_the_per_account_rules(weight: float) -> None:
    settings = TierSettings()
    # Values on and around the thresholds as well as random ones.
    edges = np.array([0.4, 0.5, 0.6, 0.7, 0.69999, 0.3, 0.9])
    answered = _with_gaps(np.concatenate([RNG.random(N), edges]))
    indicator = _with_gaps(np.concatenate([RNG.random(N), edges[::-1]]))
    blended = blend_many(answered, indicator, weight)
    for a, i, got in zip(answered, indicator, blended, strict=True):
        want = blend(_none(a), _none(i), weight)
        assert _none(got) == (None if want is None else pytest.approx(want))

    need, value, behaviour = (_with_gaps(np.concatenate([RNG.random(N), edges])) for _ in "nvb")
    tiers = tiers_many(need, value, behaviour, settings)
    for n, v, b, got in zip(need, value, behaviour, tiers, strict=True):
        assert got == str(tier_of(_none(n), _none(v), _none(b), settings))

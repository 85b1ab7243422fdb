"""Pure scoring: answers and indicators to need/value/behaviour in [0, 1], scores to a tier.

No database here, so every rule is tested on hand-computed cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clientbase.questionnaires.models import Dimension, QuestionKind, Questionnaire, Tier

DIMENSIONS = (Dimension.NEED, Dimension.VALUE, Dimension.BEHAVIOUR)
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TierSettings:
    """How much the computed indicators weigh against the answers, and the tier thresholds."""

    need_indicator_weight: float = 0.15
    value_indicator_weight: float = 0.4
    behaviour_indicator_weight: float = 0.1
    top_threshold: float = 0.7
    behaviour_high: float = 0.6
    behaviour_low: float = 0.4

    @classmethod
    def of(cls, questionnaire: Questionnaire | None) -> TierSettings:
        if questionnaire is None:
            return cls()
        return cls(**{name: getattr(questionnaire, name) for name in cls.__dataclass_fields__})

    def indicator_weight(self, dimension: str) -> float:
        return float(getattr(self, f"{dimension}_indicator_weight"))


@dataclass(frozen=True)
class QuestionMeta:
    """What scoring needs to know of a question."""

    dimension: str
    kind: str
    weight: float
    lo: float
    hi: float
    reverse: bool


def answer_scores(
    account_ids: Sequence[int],
    question_ids: Sequence[int],
    values: Sequence[float],
    questions: dict[int, QuestionMeta],
) -> dict[int, dict[str, float]]:
    """Per account and dimension, the weighted mean of the normalised answers (dimensions
    without an answer are absent; answers to unknown or zero-weight questions are ignored).

    Vectorised: a whole base's answers are scored in one pass."""
    acc = np.asarray(account_ids, dtype=np.int64)
    qid = np.asarray(question_ids, dtype=np.int64)
    val = np.asarray(values, dtype=np.float64)
    out: dict[int, dict[str, float]] = {}
    for dimension in DIMENSIONS:
        score, weight = _weighted(qid, val, questions, dimension)
        used = weight > 0
        if not used.any():
            continue
        keys, inverse = np.unique(acc[used], return_inverse=True)
        sums = np.bincount(inverse, weights=weight[used] * score[used])
        totals = np.bincount(inverse, weights=weight[used])
        for account, s, w in zip(keys.tolist(), sums.tolist(), totals.tolist(), strict=True):
            out.setdefault(account, {})[dimension] = s / w
    return out


def _weighted(
    question_ids: npt.NDArray[np.int64],
    values: F64,
    questions: dict[int, QuestionMeta],
    dimension: str,
) -> tuple[F64, F64]:
    """Each answer's normalised score and weight in one dimension (weight 0: not counted)."""
    score = np.zeros(len(values))
    weight = np.zeros(len(values))
    for q, meta in questions.items():
        if meta.dimension != dimension or meta.weight <= 0:
            continue
        sel = question_ids == q
        if sel.any():
            score[sel] = _normalise_many(meta, values[sel])
            weight[sel] = meta.weight
    return score, weight


def _normalise_many(meta: QuestionMeta, values: F64) -> F64:
    if meta.kind == QuestionKind.YES_NO:
        x = (values >= 0.5).astype(np.float64)
    elif meta.hi > meta.lo:
        x = np.clip((values - meta.lo) / (meta.hi - meta.lo), 0.0, 1.0)
    else:
        x = np.zeros(len(values))
    result: F64 = 1.0 - x if meta.reverse else x
    return result


def percentile(values: Sequence[float | None]) -> list[float | None]:
    """Mid-rank percentile in [0, 1] of each value among the known ones (ties share one)."""
    known = np.asarray([v for v in values if v is not None], dtype=np.float64)
    if known.size == 0:
        return [None] * len(values)
    ordered = np.sort(known)
    raw = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
    left = np.searchsorted(ordered, raw, side="left")
    right = np.searchsorted(ordered, raw, side="right")
    pct: F64 = (left + right) / 2.0 / known.size
    return [None if v is None else float(p) for v, p in zip(values, pct.tolist(), strict=True)]


@dataclass(frozen=True)
class MetricsRow:
    """The metrics the indicators read, for one account of one run."""

    account_id: int
    revenue_ltm: float
    margin_ltm: float
    strategic_share: float | None
    demand_variability: float | None


def indicators(rows: Sequence[MetricsRow]) -> dict[int, dict[str, float | None]]:
    """The computed side of each dimension, relative to the run's other accounts.

    value: 0.8 × percentile of revenue in the last 12 months + 0.2 × percentile of the margin
    rate (business today and high-margin buying); need: percentile of the share of strategic
    (growth) lines; behaviour: 1 − percentile of demand variability (orderly buying)."""
    revenue = percentile([r.revenue_ltm for r in rows])
    rate = percentile([r.margin_ltm / r.revenue_ltm if r.revenue_ltm > 0 else 0.0 for r in rows])
    strategic = percentile([r.strategic_share for r in rows])
    variability = percentile([r.demand_variability for r in rows])
    out: dict[int, dict[str, float | None]] = {}
    for i, r in enumerate(rows):
        rev, mr, var = revenue[i], rate[i], variability[i]
        out[r.account_id] = {
            Dimension.NEED: strategic[i],
            Dimension.VALUE: None if rev is None or mr is None else 0.8 * rev + 0.2 * mr,
            Dimension.BEHAVIOUR: None if var is None else 1.0 - var,
        }
    return out


NEUTRAL = 0.5  # stands in for the answers when a dimension has none


def blend(answered: float | None, indicator: float | None, indicator_weight: float) -> float | None:
    """The answers and the indicator mixed by weight. Missing answers count as neutral, so an
    indicator alone moves a dimension only part of the way (tier 1 needs the reps' word);
    a missing indicator leaves the answers alone; neither gives None."""
    if answered is None and indicator is None:
        return None
    if indicator is None:
        return answered
    w = min(1.0, max(0.0, indicator_weight))
    return (1.0 - w) * (NEUTRAL if answered is None else answered) + w * indicator


def tier_of(
    need: float | None, value: float | None, behaviour: float | None, settings: TierSettings
) -> Tier:
    """Tier 1 is high on need AND value, split by behaviour (between the two thresholds the
    nearer one decides; unknown behaviour goes to 1b, the consultative side); tier 2 is high
    on one of them; tier 3 the rest."""
    top = settings.top_threshold
    high_need = need is not None and need >= top
    high_value = value is not None and value >= top
    if high_need and high_value:
        if behaviour is None or behaviour < settings.behaviour_low:
            return Tier.T1B
        if behaviour >= settings.behaviour_high:
            return Tier.T1A
        nearer_high = settings.behaviour_high - behaviour <= behaviour - settings.behaviour_low
        return Tier.T1A if nearer_high else Tier.T1B
    if high_need or high_value:
        return Tier.T2
    return Tier.T3


# Whole-base versions of the rules above, over numpy columns with NaN for "unknown": a base of
# a million accounts is scored in a few array passes, not a Python call per account. Tested
# against the per-account rules on random inputs.


def percentile_many(values: F64) -> F64:
    """`percentile` over a column: NaN stays NaN."""
    known = np.sort(values[~np.isnan(values)])
    if known.size == 0:
        return np.full(values.shape, np.nan)
    left = np.searchsorted(known, values, side="left")
    right = np.searchsorted(known, values, side="right")
    out: F64 = np.where(np.isnan(values), np.nan, (left + right) / 2.0 / known.size)
    return out


def indicator_columns(
    revenue_ltm: F64, margin_ltm: F64, strategic_share: F64, demand_variability: F64
) -> dict[str, F64]:
    """`indicators` over columns: need, value and behaviour per account, NaN where unknown."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(revenue_ltm > 0, margin_ltm / revenue_ltm, 0.0)
    return {
        Dimension.NEED: percentile_many(strategic_share),
        Dimension.VALUE: 0.8 * percentile_many(revenue_ltm) + 0.2 * percentile_many(rate),
        Dimension.BEHAVIOUR: 1.0 - percentile_many(demand_variability),
    }


def answer_score_columns(
    account_ids: npt.NDArray[np.int64],
    question_ids: npt.NDArray[np.int64],
    values: F64,
    questions: dict[int, QuestionMeta],
    accounts: npt.NDArray[np.int64],
) -> dict[str, F64]:
    """`answer_scores` aligned to `accounts` (sorted ids): NaN where a dimension has no answer."""
    out: dict[str, F64] = {}
    for dimension in DIMENSIONS:
        score, weight = _weighted(question_ids, values, questions, dimension)
        column = np.full(accounts.shape, np.nan)
        used = weight > 0
        if used.any():
            at = np.searchsorted(accounts, account_ids[used])
            sums = np.bincount(at, weights=weight[used] * score[used], minlength=accounts.size)
            totals = np.bincount(at, weights=weight[used], minlength=accounts.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                column = np.where(totals > 0, sums / totals, np.nan)
        out[dimension] = column
    return out


def blend_many(answered: F64, indicator: F64, indicator_weight: float) -> F64:
    """`blend` over columns."""
    w = min(1.0, max(0.0, indicator_weight))
    mixed = (1.0 - w) * np.where(np.isnan(answered), NEUTRAL, answered) + w * indicator
    out: F64 = np.where(np.isnan(indicator), answered, mixed)
    return out


def tiers_many(need: F64, value: F64, behaviour: F64, settings: TierSettings) -> list[str]:
    """`tier_of` over columns."""
    top = settings.top_threshold
    high_need = need >= top  # NaN compares False: unknown is not high
    high_value = value >= top
    high, low = settings.behaviour_high, settings.behaviour_low
    with np.errstate(invalid="ignore"):
        one_a = (behaviour >= high) | ((behaviour >= low) & (high - behaviour <= behaviour - low))
    tiers = np.where(
        high_need & high_value,
        np.where(one_a, str(Tier.T1A), str(Tier.T1B)),
        np.where(high_need | high_value, str(Tier.T2), str(Tier.T3)),
    )
    return [str(t) for t in tiers.tolist()]

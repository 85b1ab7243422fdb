"""How well the tiers recover the demo company's planted growth hotspots and their 1a/1b split.

Used by the planted-truth test (scale XS) and bench/bench_tiers.py (the figures at scale S in
docs/benchmarks.md). Only this module reads the truth file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clientbase.analytics.quality import Recovery, recovery
from clientbase.questionnaires.models import AccountTier, Tier


def run_tiers(run_id: int) -> dict[int, str]:
    return dict(AccountTier.objects.filter(run_id=run_id).values_list("account_id", "tier"))


def tier_recovery(tiers: Mapping[int, str], truth: Mapping[str, Any]) -> dict[str, Recovery]:
    """tier_1: the planted hotspots against tier 1 (1a or 1b); 1a and 1b: each planted half
    against the accounts put there."""
    planted = truth["growth_hotspots"]
    found_1a = {a for a, t in tiers.items() if t == Tier.T1A}
    found_1b = {a for a, t in tiers.items() if t == Tier.T1B}
    return {
        "tier_1": recovery(set(planted["ids"]), found_1a | found_1b),
        "1a": recovery(set(planted["tier_1a_ids"]), found_1a),
        "1b": recovery(set(planted["tier_1b_ids"]), found_1b),
    }

"""A regression guard on the demo company's planted duplicates (scale XS, a few seconds).

The floors are below the benchmark's goals (precision 0.98, recall 0.95 at scale S and M) so
that only a real regression fails here.
"""

from __future__ import annotations

import pathlib

import pytest

from clientbase.accounts.models import Account
from clientbase.demo.generator import generate
from clientbase.identity.matching import DEFAULT_THRESHOLD, find_duplicates
from clientbase.identity.quality import measure, planted_pairs


@pytest.mark.django_db(transaction=True)
def test_planted_duplicates_are_found_with_few_false_alarms(tmp_path: pathlib.Path) -> None:
    truth = tmp_path / "truth.json"
    generate(scale="XS", seed=7, truth_path=truth)

    result = find_duplicates()
    found = [(p.left_id, p.right_id) for p in result.above(DEFAULT_THRESHOLD)]
    names = dict(Account.objects.values_list("id", "legal_name"))
    quality = measure(found, planted_pairs(truth), names)

    assert quality["all"].true > 5
    assert quality["all"].precision >= 0.9
    assert quality["all"].recall >= 0.85

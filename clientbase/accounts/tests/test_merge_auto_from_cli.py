"""`clientbase dedupe --auto-merge-above P` on a small generated company (scale XS)."""

from __future__ import annotations

import pathlib

import pytest

from clientbase.accounts.models import Account, MergeRecord
from clientbase.cli import main
from clientbase.demo.generator import generate
from clientbase.identity.models import CandidateStatus, DuplicateCandidate
from clientbase.identity.quality import planted_pairs
from clientbase.sales.models import Order

THRESHOLD = 0.999


@pytest.mark.django_db(transaction=True)
def test_auto_merge_merges_only_planted_duplicates_above_the_threshold(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = tmp_path / "t.json"
    generate(scale="XS", seed=11, truth_path=truth)
    planted = planted_pairs(truth)
    orders_before = Order.objects.count()
    capsys.readouterr()

    main(["dedupe", "--auto-merge-above", str(THRESHOLD)])

    records = list(MergeRecord.objects.all())
    assert len(records) > 5
    for record in records:
        pair = (
            min(record.survivor_id, record.merged_id),
            max(record.survivor_id, record.merged_id),
        )
        assert pair in planted, f"{pair} is not a planted duplicate"
    merged_candidates = DuplicateCandidate.objects.filter(status=CandidateStatus.MERGED)
    assert merged_candidates.exists()
    assert all(c.probability >= THRESHOLD for c in merged_candidates)
    assert not DuplicateCandidate.objects.filter(
        status=CandidateStatus.OPEN, probability__gte=THRESHOLD
    ).exists()
    assert Account.objects.filter(merged_into__isnull=False).count() == len(records)
    assert Order.objects.count() == orders_before  # every order kept
    assert not Order.objects.filter(account__merged_into__isnull=False).exists()
    assert f"Merged {len(records):,} duplicate pairs at or above {THRESHOLD:g}" in (
        capsys.readouterr().out
    )


def test_it_rejects_an_auto_merge_probability_outside_zero_to_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["dedupe", "--auto-merge-above", "1.5"])
    assert "--auto-merge-above must be above 0 and at most 1" in capsys.readouterr().err

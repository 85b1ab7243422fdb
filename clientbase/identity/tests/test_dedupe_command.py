from __future__ import annotations

import pytest

from clientbase.cli import main
from clientbase.identity.models import MatchRun


@pytest.mark.django_db(transaction=True)
def test_it_prints_a_summary_of_the_run(
    capsys: pytest.CaptureFixture[str], director: object
) -> None:
    main(["dedupe", "--threshold", "0.9"])

    out = capsys.readouterr().out
    assert "Compared 0 accounts" in out
    assert "at or above 0.9" in out
    assert MatchRun.objects.count() == 1


def test_it_rejects_a_threshold_outside_zero_to_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["dedupe", "--threshold", "7"])
    assert "--threshold must be above 0 and at most 1" in capsys.readouterr().err

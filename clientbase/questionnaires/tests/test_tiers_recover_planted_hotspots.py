"""The demo company (scale XS): its planted growth hotspots come out as tier 1, split 1a/1b.

Floors sit below the figures at scale S in docs/benchmarks.md, so only a real regression fails
here; bench/bench_tiers.py reports the full figures."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from clientbase.analytics import quality as analytics_quality
from clientbase.analytics.services import run_metrics
from clientbase.demo.generator import generate
from clientbase.questionnaires import quality
from clientbase.questionnaires.models import Answer, Questionnaire

# Marked so the test database is set up even when this module runs alone.
pytestmark = pytest.mark.django_db

Demo = tuple[dict[int, str], dict[str, Any]]


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """Generated once for the module, committed (the metrics read over ADBC), then flushed."""
    truth_path = tmp_path_factory.mktemp("demo") / "truth.json"
    with django_db_blocker.unblock():
        generate(scale="XS", seed=7, truth_path=truth_path)
        truth = analytics_quality.load_truth(truth_path)
        run = run_metrics(
            actor=None, as_of=dt.date.fromisoformat(str(truth["as_of"])), trigger="cli"
        )
        try:
            yield quality.run_tiers(run.pk), truth
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_the_demo_has_an_active_questionnaire_with_answers_and_history(
    demo: Demo,
) -> None:
    assert Questionnaire.objects.filter(is_active=True).count() == 1
    assert Answer.objects.filter(superseded_at__isnull=True).count() > 1000
    assert Answer.objects.filter(superseded_at__isnull=False).exists()


def test_the_planted_hotspots_come_out_as_tier_1(demo: Demo) -> None:
    tiers, truth = demo
    found = quality.tier_recovery(tiers, truth)

    assert found["tier_1"].precision >= 0.8
    assert found["tier_1"].recall >= 0.75


def test_the_hotspots_split_into_their_planted_1a_and_1b(demo: Demo) -> None:
    tiers, truth = demo
    found = quality.tier_recovery(tiers, truth)

    for half in ("1a", "1b"):
        assert found[half].precision >= 0.65, half
        assert found[half].recall >= 0.65, half

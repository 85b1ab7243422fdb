"""A metrics run lands one row per account per run; re-runs replace, failures leave the past."""

from typing import Any

import pyarrow as pa
import pytest
from django.core.exceptions import PermissionDenied

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.analytics import sources
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus
from clientbase.analytics.services import MetricsRunError, run_metrics

from .conftest import AS_OF

Metrics = dict[str, dict[str, Any]]

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_writes_one_row_per_account_with_the_run_and_date(
    small_company: dict[str, Account], analyst: User
) -> None:
    run = run_metrics(actor=analyst, as_of=AS_OF)

    assert run.status == RunStatus.DONE
    assert run.accounts == 3
    rows = AccountMetrics.objects.filter(run=run)
    assert {r.account_id for r in rows} == {a.pk for a in small_company.values()}
    assert {r.as_of for r in rows} == {AS_OF}
    assert rows.get(account=small_company["steady"]).revenue_ltm == 400


def test_it_is_audited_with_date_and_count(
    small_company: dict[str, Account], analyst: User
) -> None:
    run = run_metrics(actor=analyst, as_of=AS_OF)

    event = AuditEvent.objects.get(action="analytics.run_metrics")
    assert event.actor == analyst
    assert event.object_id == str(run.pk)
    assert event.changes["accounts"] == 3


def test_a_rerun_of_the_same_date_replaces_the_earlier_results(
    small_company: dict[str, Account], analyst: User
) -> None:
    first = run_metrics(actor=analyst, as_of=AS_OF)
    second = run_metrics(actor=analyst, as_of=AS_OF)

    assert not MetricRun.objects.filter(pk=first.pk).exists()
    assert AccountMetrics.objects.count() == 3
    assert set(AccountMetrics.objects.values_list("run_id", flat=True)) == {second.pk}


def test_runs_of_other_dates_are_kept_to_show_change(
    small_company: dict[str, Account], analyst: User
) -> None:
    earlier = run_metrics(actor=analyst, as_of=AS_OF.replace(year=2025))
    run_metrics(actor=analyst, as_of=AS_OF)

    assert MetricRun.objects.filter(status=RunStatus.DONE).count() == 2
    steady = small_company["steady"]
    then = AccountMetrics.objects.get(run=earlier, account=steady)
    assert then.revenue_ltm == 150  # only the order of 2025-06-01 falls in that trailing year


def test_a_failed_run_leaves_the_previous_results_in_place(
    small_company: dict[str, Account], analyst: User
) -> None:
    good = run_metrics(actor=analyst, as_of=AS_OF)
    pulled = sources.from_database()
    # An account that vanished between reading and writing: the write must fail as a whole.
    accounts = pa.concat_tables(
        [
            pulled.tables["accounts"],
            pulled.tables["accounts"]
            .slice(0, 1)
            .set_column(0, "account_id", pa.array([10**9], pa.int64())),
        ]
    )
    broken = sources.Sources({**pulled.tables, "accounts": accounts})

    with pytest.raises(MetricsRunError, match="previous results still stand"):
        run_metrics(actor=analyst, as_of=AS_OF, sources=broken)

    assert set(AccountMetrics.objects.values_list("run_id", flat=True)) == {good.pk}
    failed = MetricRun.objects.exclude(pk=good.pk).get()
    assert failed.status == RunStatus.FAILED
    assert failed.error


def test_it_rejects_a_run_without_the_right(small_company: dict[str, Account], owner: User) -> None:
    with pytest.raises(PermissionDenied):
        run_metrics(actor=owner, as_of=AS_OF)
    assert not MetricRun.objects.exists()


def test_progress_is_reported_stage_by_stage(
    small_company: dict[str, Account], analyst: User
) -> None:
    seen: list[str] = []
    run_metrics(actor=analyst, as_of=AS_OF, progress=lambda stage, _d, _t: seen.append(stage))
    assert seen == ["reading", "computing", "writing", "done"]

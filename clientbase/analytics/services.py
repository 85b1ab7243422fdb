"""Analytics writes: a metrics run computes every account's metrics and lands them in one
transaction, so a failed run leaves the previous results in place."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.selectors import ANALYZE, require
from clientbase.access.services import record_audit
from clientbase.analytics import sources as sources_mod
from clientbase.analytics.engine import CLV_COLUMNS, compute_metrics
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus
from clientbase.analytics.pipeline import OUTPUT_COLUMNS
from clientbase.analytics.segment_services import snapshot_memberships
from clientbase.questionnaires.services import compute_tiers

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
TRIGGERS = ("manual", "import", "schedule", "cli")


class MetricsRunError(RuntimeError):
    """A run that failed; the message is fit to show, the previous results still stand."""


_WRITE_BATCH = 50_000


def run_metrics(
    *,
    actor: User | None,
    as_of: dt.date | None = None,
    trigger: str = "manual",
    sources: sources_mod.Sources | None = None,
    progress: Progress | None = None,
) -> MetricRun:
    """Compute and store every account's metrics as of `as_of` (today by default).

    `actor` None is the system (a schedule or an import's follow-up); a person needs the
    analyze right. A re-run of the same date replaces that date's earlier results."""
    if actor is not None:
        require(actor, ANALYZE, "metrics")
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    as_of = as_of or timezone.localdate()
    report = progress or (lambda _stage, _done, _total: None)
    started = time.perf_counter()
    run = MetricRun.objects.create(
        as_of=as_of, started_at=timezone.now(), trigger=trigger, actor=actor
    )
    try:
        report("reading", 0, 3)
        data = sources or sources_mod.from_database()
        report("computing", 1, 3)
        table = compute_metrics(data, as_of)
        del data  # the sources (gigabytes at scale L) are not needed to write the results
        report("writing", 2, 3)
        with transaction.atomic():
            _write_rows(run, table)
            replaced = list(
                MetricRun.objects.filter(as_of=as_of, status=RunStatus.DONE)
                .exclude(pk=run.pk)
                .values_list("pk", flat=True)
            )
            AccountMetrics.objects.filter(run_id__in=replaced).delete()
            MetricRun.objects.filter(pk__in=replaced).delete()
            run.status = RunStatus.DONE
            run.accounts = table.num_rows
            run.finished_at = timezone.now()
            run.seconds = time.perf_counter() - started
            run.save()
            snapshot_memberships(run)
            record_audit(
                actor=actor,
                action="analytics.run_metrics",
                obj=run,
                changes={
                    "as_of": as_of.isoformat(),
                    "trigger": trigger,
                    "accounts": table.num_rows,
                    "replaced_runs": replaced,
                },
            )
            compute_tiers(actor=actor, run=run)  # need × value × behaviour tiers of this run
        report("done", 3, 3)
    except Exception as exc:
        log.exception("metrics run %s failed", run.pk)
        MetricRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            seconds=time.perf_counter() - started,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise MetricsRunError(
            _("The metrics run of %(date)s failed; the previous results still stand.")
            % {"date": as_of.isoformat()}
        ) from exc
    return run


def _write_rows(run: MetricRun, table: pa.Table) -> None:
    measures = [*OUTPUT_COLUMNS[1:], *CLV_COLUMNS]
    names = ["run_id", "account_id", "as_of", *measures]
    db_table = AccountMetrics._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        # Python rows a slice at a time: a whole base as tuples would take gigabytes at scale L.
        for batch in table.select(["account_id", *measures]).to_batches(_WRITE_BATCH):
            columns: list[list[Any]] = [
                [run.pk] * batch.num_rows,
                batch.column(0).to_pylist(),
                [run.as_of] * batch.num_rows,
            ]
            columns += [batch.column(i + 1).to_pylist() for i in range(len(measures))]
            rows = zip(*columns, strict=True)
            if connection.vendor == "postgresql":
                # COPY is several times faster than INSERT for a whole base.
                with cursor.cursor.copy(f"COPY {db_table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {db_table} ({quoted}) VALUES ({marks})",  # noqa: S608
                    list(rows),
                )

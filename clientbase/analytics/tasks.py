"""The metrics run as a background task (`clientbase worker` runs it): started from the
dashboard's Recompute button, by the system after an import has landed, or on a schedule."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.tasks import task

from clientbase.access.models import AuditEvent, User
from clientbase.access.selectors import ANALYZE, require
from clientbase.access.services import record_audit
from clientbase.analytics.models import MetricRun, RunStatus
from clientbase.analytics.services import TRIGGERS, MetricsRunError, run_metrics

log = logging.getLogger(__name__)


@task
def run_metrics_task(actor_id: int | None, trigger: str = "manual") -> int | None:
    """The run's id, or None when it failed (the run row keeps the reason)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    try:
        return run_metrics(actor=actor, trigger=trigger).pk
    except MetricsRunError:
        return None  # logged by run_metrics; the failed run row is what the page shows


def request_metrics_run(*, actor: User | None, trigger: str = "manual") -> None:
    """Queue a metrics run once the current transaction commits. A person needs the analyze
    right (checked again when the run starts); actor None is the system."""
    if actor is not None:
        require(actor, ANALYZE, "metrics")
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    actor_id = actor.pk if actor is not None else None
    with transaction.atomic():
        record_audit(actor=actor, action="analytics.request_run", changes={"trigger": trigger})
        transaction.on_commit(lambda: run_metrics_task.enqueue(actor_id=actor_id, trigger=trigger))


def request_scheduled_run(*, now: dt.datetime, every_hours: int) -> bool:
    """Queue a system run when neither a run nor a request is younger than `every_hours`.

    The worker calls this every minute; the audit row of the request is what stops a second
    request before the queued run has started."""
    if every_hours <= 0:
        return False
    since = now - dt.timedelta(hours=every_hours)
    recent_run = MetricRun.objects.filter(started_at__gt=since).exclude(status=RunStatus.FAILED)
    recent_request = AuditEvent.objects.filter(action="analytics.request_run", at__gt=since)
    if recent_run.exists() or recent_request.exists():
        return False
    request_metrics_run(actor=None, trigger="schedule")
    return True

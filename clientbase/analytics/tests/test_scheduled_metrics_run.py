"""The worker queues a metrics run when the last one is older than the schedule allows."""

import datetime as dt

import pytest
from django.utils import timezone

from clientbase.access.models import AuditEvent
from clientbase.analytics.models import MetricRun, RunStatus
from clientbase.analytics.tasks import request_scheduled_run

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


def _run(started: dt.datetime, status: str = RunStatus.DONE) -> MetricRun:
    return MetricRun.objects.create(as_of=started.date(), started_at=started, status=status)


def requests() -> int:
    return AuditEvent.objects.filter(action="analytics.request_run").count()


def test_it_queues_a_run_when_there_never_was_one() -> None:
    assert request_scheduled_run(now=NOW, every_hours=24)
    event = AuditEvent.objects.get(action="analytics.request_run")
    assert event.changes == {"trigger": "schedule"}
    assert event.actor is None


def test_it_waits_while_the_last_run_is_recent() -> None:
    _run(NOW - dt.timedelta(hours=3))
    assert not request_scheduled_run(now=NOW, every_hours=24)
    assert requests() == 0


def test_it_queues_when_the_last_run_is_older_than_the_schedule() -> None:
    _run(NOW - dt.timedelta(hours=25))
    assert request_scheduled_run(now=NOW, every_hours=24)


def test_a_failed_run_does_not_count_as_recent() -> None:
    _run(NOW - dt.timedelta(hours=1), status=RunStatus.FAILED)
    assert request_scheduled_run(now=NOW, every_hours=24)


def test_a_queued_request_is_not_repeated_before_it_runs() -> None:
    now = timezone.now()
    assert request_scheduled_run(now=now, every_hours=24)
    assert not request_scheduled_run(now=now + dt.timedelta(minutes=1), every_hours=24)
    assert requests() == 1


def test_zero_hours_turns_the_schedule_off() -> None:
    assert not request_scheduled_run(now=NOW, every_hours=0)
    assert requests() == 0

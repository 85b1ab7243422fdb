"""Recompute: a user with the analyze right queues a metrics run the worker carries out;
the runs page shows it waiting, then when the figures were computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus

from .analytics_support import MakeRun, buyer, make_run
from .conftest import text_of

__all__ = ["make_run"]
RUNS = reverse("web:analytics_runs")
RECOMPUTE = reverse("web:analytics_recompute")


@pytest.mark.django_db
def test_it_rejects_recompute_without_the_analyze_right(
    login: Callable[[User], Client], owner: User
) -> None:
    response = login(owner).post(RECOMPUTE)

    assert response.status_code == 403
    assert not MetricRun.objects.exists()
    assert not AuditEvent.objects.filter(action="analytics.request_run").exists()


@pytest.mark.django_db
def test_the_runs_page_says_there_is_no_analysis_yet(
    login: Callable[[User], Client], director: User
) -> None:
    page = text_of(login(director).get(RUNS).content.decode())

    assert "No analysis yet — Recompute." in page


@pytest.mark.django_db
def test_the_runs_page_shows_when_the_figures_were_computed(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    make_run({make_account(): buyer(10.0)})

    page = text_of(login(director).get(RUNS).content.decode())

    assert "Figures as of November 30, 2026" in page
    assert "in 3.0 s; accounts: 1." in page


# The worker closes its connections after a task, as a real one must: real commits needed.
@pytest.mark.django_db(transaction=True)
def test_recompute_queues_a_run_that_the_worker_carries_out(
    settings: Any,
    login: Callable[[User], Client],
    director: User,
    owner: User,
    make_account: Callable[..., Account],
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_account(owner=owner)
    client = login(director)

    response = client.post(RECOMPUTE)

    assert response.status_code == 302
    assert response["Location"] == RUNS
    assert DBTaskResult.objects.count() == 1
    waiting = client.get(reverse("web:analytics_runs_progress")).content.decode()
    assert "waiting for the worker" in waiting
    assert 'hx-trigger="every 1s"' in waiting
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    run = MetricRun.objects.get()
    assert run.status == RunStatus.DONE
    assert run.actor == director
    assert AccountMetrics.objects.filter(run=run).count() == 1
    done = client.get(reverse("web:analytics_runs_progress")).content.decode()
    assert "hx-trigger" not in done
    assert "Open the dashboard" in done
    assert AuditEvent.objects.filter(action="analytics.request_run", actor=director).exists()


@pytest.mark.django_db
def test_a_run_abandoned_long_ago_does_not_hide_the_recompute_button(
    login: Callable[[User], Client], director: User
) -> None:
    MetricRun.objects.create(
        as_of=dt.date(2026, 1, 1), started_at=timezone.now() - dt.timedelta(days=2)
    )
    fresh = MetricRun.objects.create(as_of=dt.date(2026, 1, 2), started_at=timezone.now())
    client = login(director)

    assert "Computing…" in client.get(RUNS).content.decode()
    fresh.delete()
    page = client.get(RUNS).content.decode()
    assert "Computing…" not in page
    assert 'type="submit" class="button button-primary">Recompute' in page

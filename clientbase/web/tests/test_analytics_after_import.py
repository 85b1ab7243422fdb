# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""A web import that lands is followed by a metrics run, so the segments cover the new data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from clientbase.access.models import User
from clientbase.analytics.models import MetricRun, RunStatus
from clientbase.imports.models import BatchStatus, ImportBatch
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    BAD_CSV,
    _imports_setup,
    start,
    upload,
)

# The run reads committed data over its own connection: real commits needed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_finished_import_runs_the_analysis(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()

    start(client, batch)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    run = MetricRun.objects.get()
    assert run.status == RunStatus.DONE
    assert run.trigger == "import"
    assert run.actor is None
    assert run.accounts == 3


def test_a_rejected_import_runs_nothing(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload(BAD_CSV)

    start(client, batch)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED
    assert not MetricRun.objects.exists()

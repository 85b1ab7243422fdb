# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""Rolling a batch back from its page."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.imports.models import BatchStatus, ImportBatch
from clientbase.web.tests.conftest import text_of
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    _imports_setup,
    analyst,
    start,
    upload,
)


def test_rollback_from_the_page_deletes_what_the_import_created(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    start(client, batch)
    assert Account.objects.filter(import_batch_id=batch.pk).count() == 3
    response = client.post(reverse("web:import_rollback", args=[batch.pk]), {"confirm": "1"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not Account.objects.filter(import_batch_id=batch.pk).exists()


def test_rollback_without_the_confirmation_changes_nothing(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    start(client, batch)
    response = client.post(reverse("web:import_rollback", args=[batch.pk]), {})
    assert response.status_code == 400
    assert "Tick the box" in text_of(response.content.decode())
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE

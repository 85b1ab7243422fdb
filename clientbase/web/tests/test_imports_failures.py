# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""What an importer sees when something goes wrong: sentences, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.imports.models import BatchStatus, ImportBatch
from clientbase.imports.uploads import stored_file
from clientbase.web.tests.conftest import text_of
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    GOOD_CSV,
    _imports_setup,
    start,
    upload,
)


def test_a_file_over_the_size_limit_is_refused(
    login: Callable[[User], Client], lead: User, settings: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_UPLOAD_MAX_BYTES = 10
    client = login(lead)
    data = {
        "file": SimpleUploadedFile("big.csv", GOOD_CSV.encode()),
        "source_system": "1c",
        "mode": "all-or-nothing",
    }
    page = client.post(reverse("web:import_new"), data)
    assert page.status_code == 200
    assert "upload limit" in text_of(page.content.decode())
    assert not ImportBatch.objects.exists()


def test_a_file_gone_before_the_run_fails_the_batch_with_a_sentence(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    client.get(reverse("web:import_mapping", args=[batch.pk]))
    stored_file(batch).unlink()
    from clientbase.imports.uploads import queue_batch

    queue_batch(actor=lead, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    page = client.get(reverse("web:import_detail", args=[batch.pk]))
    assert "no such file" in text_of(page.content.decode())
    assert "Traceback" not in page.content.decode()


def test_an_upload_left_at_the_mapping_step_is_retired_by_a_new_upload(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    login(lead)
    first = upload()
    second = upload()
    first.refresh_from_db()
    assert first.status == BatchStatus.FAILED
    assert f"#{second.pk}" in first.message
    assert second.status == BatchStatus.PENDING


def test_the_same_file_is_refused_while_it_is_queued(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(lead)
    first = upload()
    ImportBatch.objects.filter(pk=first.pk).update(progress_stage="queued")
    data = {
        "file": SimpleUploadedFile("again.csv", GOOD_CSV.encode()),
        "source_system": "1c",
        "target": "accounts",
        "mode": "all-or-nothing",
    }
    page = client.post(reverse("web:import_new"), data)
    assert f"already waiting or running as batch #{first.pk}" in text_of(page.content.decode())


def test_a_mapping_without_a_required_field_is_refused_on_the_page(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    page = client.post(
        reverse("web:import_mapping", args=[batch.pk]), {"col-0": "external_id", "col-1": ""}
    )
    assert page.status_code == 200
    assert "no column is mapped to legal_name" in text_of(page.content.decode())
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING
    assert batch.progress_stage == ""


def test_the_progress_partial_shows_rows_read_while_checking(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, progress_stage="checking", progress_done=4200
    )
    part = client.get(reverse("web:import_progress", args=[batch.pk]) + "?polling=1")
    html = part.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "4,200 rows read" in text_of(html)
    assert "HX-Refresh" not in part
    ImportBatch.objects.filter(pk=batch.pk).update(
        progress_stage="writing", progress_done=1, progress_total=4
    )
    html = client.get(reverse("web:import_progress", args=[batch.pk])).content.decode()
    assert 'value="25"' in html

# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""Upload → mapping → start (the immediate backend runs the task) → the batch page."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.imports.models import BatchStatus, ImportBatch, ImportMapping
from clientbase.imports.uploads import stored_file
from clientbase.web.tests.conftest import text_of
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    BAD_CSV,
    _imports_setup,
    analyst,
    start,
    upload,
)


def test_the_mapping_page_shows_the_columns_matched_and_a_preview(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    page = client.get(reverse("web:import_mapping", args=[batch.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="legal_name" selected>' in html
    assert "Gamma LLC" in text_of(html)
    assert stored_file(batch).name == "upload.csv"
    assert stored_file(batch).parent.name == str(batch.pk)


def test_an_upload_runs_to_done_and_the_page_shows_the_counts(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    response = start(client, batch)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Account.objects.filter(import_batch_id=batch.pk).count() == 3
    page = text_of(client.get(reverse("web:import_detail", args=[batch.pk])).content.decode())
    assert "Done" in page
    assert "Created 3" in page
    listing = text_of(client.get(reverse("web:import_list")).content.decode())
    assert "clients.csv" in listing


def test_a_mapping_can_be_saved_as_a_template(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    start(client, batch, save_template="1", template_name="1c accounts")
    saved = ImportMapping.objects.get(source_system="1c", name="1c accounts")
    assert saved.columns["legal_name"] == "legal_name"


def test_a_bad_file_shows_row_errors_and_the_report_downloads(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload(BAD_CSV, name="bad.csv")
    start(client, batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED
    assert not Account.objects.filter(import_batch_id=batch.pk).exists()
    page = text_of(client.get(reverse("web:import_detail", args=[batch.pk])).content.decode())
    assert "not-an-email" in page
    assert "Rows with errors" in page
    report = client.get(reverse("web:import_report", args=[batch.pk]))
    assert report.status_code == 200
    body = b"".join(report.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.startswith("row,column,value,reason")
    assert "not-an-email" in body


def test_an_unreadable_file_is_refused_with_a_sentence(
    login: Callable[[User], Client], lead: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(lead)
    data = {
        "file": SimpleUploadedFile("notes.exe", b"MZ..."),
        "source_system": "1c",
        "mode": "all-or-nothing",
    }
    page = client.post(reverse("web:import_new"), data)
    assert page.status_code == 200
    assert "upload a CSV, XLSX, Parquet or JSONL file" in text_of(page.content.decode())
    assert not ImportBatch.objects.exists()


def test_the_progress_partial_renders_and_stops_polling_when_done(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload()
    waiting = client.get(reverse("web:import_progress", args=[batch.pk]))
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    start(client, batch)
    done = client.get(reverse("web:import_progress", args=[batch.pk]) + "?polling=1")
    assert done.status_code == 200
    assert "hx-trigger" not in done.content.decode()
    assert done["HX-Refresh"] == "true"
    assert "<html" not in done.content.decode()

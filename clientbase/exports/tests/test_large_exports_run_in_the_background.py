"""An export above the threshold is written by the worker; the user watches its progress and
downloads the file when it is ready. Small exports still download at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports import services
from clientbase.exports.models import Export, ExportStatus
from clientbase.exports.services import request_account_export, run_export
from clientbase.exports.tests.conftest import (
    PAYLOADS,
    csv_rows,
    export_events,
    export_file,
    rows_of,
)

pytestmark = pytest.mark.django_db
MakeAccount = Callable[..., Account]
EXPORT_URL = reverse("web:account_export")


@pytest.fixture
def three_steel(director: User, make_account: MakeAccount) -> None:
    for name in ("Alpha Steel", "Beta Steel", "Gamma Steel"):
        make_account(owner=director, display_name=name, status="active")
    make_account(owner=director, display_name="Delta Foods", status="active")


@pytest.mark.usefixtures("background", "three_steel")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_runs_in_the_background_and_downloads_when_ready(
    client: Client, director: User, fmt: str
) -> None:
    client.force_login(director)
    response = client.get(EXPORT_URL, {"q": "steel", "sort": "-name", "fmt": fmt})
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:export_detail", args=[export.pk])
    assert export.background
    assert export.status == ExportStatus.DONE
    assert export.row_count == 3
    assert export.filter == {"q": "steel", "status": "", "sort": "-name"}
    page = client.get(response["Location"]).content.decode()
    download = reverse("web:export_download", args=[export.pk])
    assert download in page
    assert "hx-trigger" not in page  # finished: no more polling
    file = client.get(download)
    assert file.status_code == 200
    assert file["Content-Disposition"].endswith(f'.{fmt}"')
    rows = rows_of(file.getvalue(), fmt)
    assert [row["display_name"] for row in rows] == ["Gamma Steel", "Beta Steel", "Alpha Steel"]


@pytest.mark.usefixtures("background", "three_steel")
def test_a_small_export_still_downloads_at_once(client: Client, director: User) -> None:
    client.force_login(director)
    response = client.get(EXPORT_URL, {"q": "foods", "fmt": "csv"})
    assert response.status_code == 200
    assert [row["display_name"] for row in csv_rows(response.getvalue())] == ["Delta Foods"]
    [export] = Export.objects.all()
    assert not export.background
    assert export.row_count == 1
    assert export.file_path == ""  # sent in the response, never kept


@pytest.mark.usefixtures("background", "three_steel")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_background_path_is_audited_with_filter_and_count(director: User, fmt: str) -> None:
    query = AccountListQuery(q="steel", status="active")
    export = request_account_export(actor=director, query=query, fmt=fmt)
    assert isinstance(export, Export)
    [queued] = export_events("export.queue")
    assert queued.changes == {
        "filter": {"q": "steel", "status": "active", "sort": "name"},
        "format": fmt,
        "expected_rows": 3,
    }
    [done] = export_events()
    assert done.object_id == str(export.pk)
    assert done.changes["filter"] == {"q": "steel", "status": "active", "sort": "name"}
    assert done.changes["rows"] == 3
    assert done.changes["format"] == fmt


@pytest.mark.usefixtures("background")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_background_file_neutralises_formulas(
    director: User, make_account: MakeAccount, fmt: str
) -> None:
    for payload in PAYLOADS:
        account = make_account(owner=director)
        Account.objects.filter(pk=account.pk).update(city=payload)
    export = request_account_export(actor=director, query=AccountListQuery(), fmt=fmt)
    assert isinstance(export, Export)
    export.refresh_from_db()
    data = export_file(export)
    cities = [row["city"] for row in rows_of(data, fmt)]
    assert len(cities) == len(PAYLOADS)
    if fmt == "csv":
        assert all(city.startswith("'") for city in cities)
    else:
        assert b"<f>" not in data
        assert b"<f " not in data


@pytest.mark.usefixtures("queued_only", "three_steel")
def test_a_queued_export_shows_a_polling_progress_page(client: Client, director: User) -> None:
    client.force_login(director)
    response = client.get(EXPORT_URL, {"q": "steel", "fmt": "xlsx"})
    export = Export.objects.get()
    assert export.status == ExportStatus.QUEUED
    assert DBTaskResult.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    progress = reverse("web:export_progress", args=[export.pk])
    assert f'hx-get="{progress}"' in page
    assert 'hx-trigger="every 1s"' in page
    assert reverse("web:export_download", args=[export.pk]) not in page


@pytest.mark.usefixtures("queued_only", "three_steel")
def test_the_progress_fragment_shows_how_far_the_worker_got(client: Client, director: User) -> None:
    export = request_account_export(actor=director, query=AccountListQuery(), fmt="csv")
    assert isinstance(export, Export)
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, progress_done=30_000, progress_total=120_000
    )
    client.force_login(director)
    fragment = client.get(reverse("web:export_progress", args=[export.pk])).content.decode()
    assert '<progress class="import-bar" max="100" value="25">' in fragment
    assert "30,000 of 120,000 rows written" in fragment


@pytest.mark.usefixtures("queued_only", "three_steel")
def test_clicking_twice_does_not_queue_a_second_export(client: Client, director: User) -> None:
    client.force_login(director)
    first = client.get(EXPORT_URL, {"q": "steel", "fmt": "csv"})
    second = client.get(EXPORT_URL, {"q": "steel", "fmt": "csv"})
    assert first["Location"] == second["Location"]
    assert Export.objects.count() == 1
    other_format = client.get(EXPORT_URL, {"q": "steel", "fmt": "xlsx"})
    assert other_format["Location"] != first["Location"]


@pytest.mark.usefixtures("queued_only", "three_steel")
def test_an_export_stuck_for_long_does_not_block_a_new_one(client: Client, director: User) -> None:
    client.force_login(director)
    client.get(EXPORT_URL, {"q": "steel", "fmt": "csv"})
    Export.objects.update(
        status=ExportStatus.RUNNING, created_at=timezone.now() - timedelta(hours=2)
    )
    client.get(EXPORT_URL, {"q": "steel", "fmt": "csv"})
    assert Export.objects.count() == 2


@pytest.mark.usefixtures("queued_only", "three_steel")
def test_the_worker_writes_progress_and_the_file(
    director: User, queued_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_SIZE", 1)
    export = request_account_export(actor=director, query=AccountListQuery(), fmt="csv")
    assert isinstance(export, Export)
    seen: list[int] = []
    assert run_export(export_id=export.pk, progress=seen.append) == ExportStatus.DONE
    assert seen == [1, 2, 3, 4]
    export.refresh_from_db()
    assert export.file_path
    assert (queued_only / "exports" / export.file_path).is_file()
    assert export.row_count == export.progress_done == export.progress_total == 4
    assert run_export(export_id=export.pk) == ExportStatus.DONE  # a retried task does nothing
    assert len(export_events()) == 1


@pytest.mark.usefixtures("queued_only", "three_steel")
def test_a_failing_run_says_so_and_leaves_no_file(
    director: User, queued_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = request_account_export(actor=director, query=AccountListQuery(), fmt="csv")
    assert isinstance(export, Export)

    def broken_disk(*args: object) -> int:
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_write_csv", broken_disk)
    assert run_export(export_id=export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert "unexpected error" in export.message
    assert "No space" not in export.message  # no internals on the page
    assert not (queued_only / "exports" / str(export.pk)).exists()
    assert export_events() == []
    assert len(export_events("export.fail")) == 1

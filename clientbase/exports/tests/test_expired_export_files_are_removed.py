"""Finished export files are deleted after the retention period; the Export row stays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.models import Export, ExportStatus
from clientbase.exports.services import remove_expired_exports, request_account_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(
    background: Path, settings: Any, director: User, make_account: Callable[..., Account]
) -> Export:
    settings.EXPORT_RETENTION_HOURS = 24
    for _n in range(3):
        make_account(owner=director)
    made = request_account_export(actor=director, query=AccountListQuery(), fmt="csv")
    assert isinstance(made, Export)
    made.refresh_from_db()
    return made


def test_a_file_past_its_retention_is_removed(finished: Export, background: Path) -> None:
    folder = background / "exports" / str(finished.pk)
    assert folder.is_dir()
    assert finished.finished_at is not None
    later = finished.finished_at + timedelta(hours=24, minutes=1)
    assert remove_expired_exports(now=later) == 1
    finished.refresh_from_db()
    assert finished.status == ExportStatus.EXPIRED
    assert finished.file_path == ""
    assert finished.row_count == 3  # the record stays
    assert not folder.exists()
    assert remove_expired_exports(now=later) == 0


def test_a_file_within_its_retention_stays(finished: Export, background: Path) -> None:
    assert finished.finished_at is not None
    assert remove_expired_exports(now=finished.finished_at + timedelta(hours=23)) == 0
    finished.refresh_from_db()
    assert finished.status == ExportStatus.DONE
    assert (background / "exports" / finished.file_path).is_file()


def test_an_expired_export_page_says_so_and_offers_no_download(
    client: Client, finished: Export, director: User
) -> None:
    remove_expired_exports(now=timezone.now() + timedelta(days=2))
    client.force_login(director)
    page = client.get(reverse("web:export_detail", args=[finished.pk])).content.decode()
    assert "deleted after its retention period" in page
    assert reverse("web:export_download", args=[finished.pk]) not in page
    assert client.get(reverse("web:export_download", args=[finished.pk])).status_code == 404


def test_each_background_run_sweeps_expired_files(
    finished: Export, director: User, background: Path, settings: Any
) -> None:
    Export.objects.filter(pk=finished.pk).update(finished_at=timezone.now() - timedelta(days=2))
    request_account_export(actor=director, query=AccountListQuery(sort="-name"), fmt="csv")
    finished.refresh_from_db()
    assert finished.status == ExportStatus.EXPIRED
    assert not (background / "exports" / str(finished.pk)).exists()


def test_a_small_export_request_sweeps_expired_files_too(
    finished: Export, director: User, background: Path
) -> None:
    Export.objects.filter(pk=finished.pk).update(finished_at=timezone.now() - timedelta(days=2))
    request_account_export(actor=director, query=AccountListQuery(q="0001"), fmt="csv")
    finished.refresh_from_db()
    assert finished.status == ExportStatus.EXPIRED
    assert not (background / "exports" / str(finished.pk)).exists()

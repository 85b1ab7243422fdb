"""Fixtures for the import page tests: the immediate task backend (no worker needed), a
private VAR_DIR for uploaded files, an analyst, and uploads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.imports.models import ImportBatch

GOOD_CSV = (
    "external_id,legal_name,city\nA-1,ООО «Альфа»,Москва\nA-2,ООО «Бета»,Казань\n"
    "A-3,Gamma LLC,Tehran\n"
)
BAD_CSV = "external_id,legal_name,email\nB-1,ООО «Альфа»,not-an-email\nB-2,,a@b.ru\n"


@pytest.fixture(autouse=True)
def _imports_setup(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def analyst(db: None) -> User:
    return create_user(actor=None, username="analyst", password="x-" * 8, role=Role.ANALYST)


@pytest.fixture
def upload(client: Client) -> Callable[..., ImportBatch]:
    """Post a file on the upload page as the signed-in user; returns the new batch."""

    def post(text: str = GOOD_CSV, name: str = "clients.csv", **fields: str) -> ImportBatch:
        data: dict[str, Any] = {
            "file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv"),
            "source_system": "1c",
            "target": "accounts",
            "mode": "all-or-nothing",
            **fields,
        }
        response = client.post(reverse("web:import_new"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return ImportBatch.objects.order_by("-pk").first()  # type: ignore[return-value]

    return post


def start(client: Client, batch: ImportBatch, **extra: str) -> Any:
    """Submit the mapping page as it was auto-matched (the task runs at once)."""
    page = client.get(reverse("web:import_mapping", args=[batch.pk]))
    assert page.status_code == 200
    data = {f"col-{i}": f for i, f in enumerate(_auto_fields(batch))}
    data.update(extra)
    return client.post(reverse("web:import_mapping", args=[batch.pk]), data)


def _auto_fields(batch: ImportBatch) -> list[str]:
    from clientbase.imports.readers import open_table
    from clientbase.imports.uploads import stored_file

    headers = open_table(stored_file(batch)).headers
    return [batch.mapping.get(h, "") for h in headers]

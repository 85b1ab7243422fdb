"""Our own account export, uploaded through the import pages, changes nothing (issue 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.services import export_accounts
from clientbase.imports.models import BatchStatus, ImportBatch, RecordHistory
from clientbase.imports.services import run_import
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    _imports_setup,
    start,
)

CRM_A = (
    "ID,Company name,City,Country,Phone,E-mail,INN\n"
    "A1,ООО «Ромашка»,Москва,RU,+7 495 123-45-67,Sales@Romashka.ru,7707083893\n"
    "A2,شرکت پارس,تهران,IR,+98 21 8888 1234,,10101234567\n"
    "A3,@home Services,Казань,RU,+7 843 555-00-11,,\n"
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_uploaded_export_of_this_base_updates_and_creates_nothing(
    fmt: str,
    login: Callable[[User], Client],
    director: User,
    tmp_path: Path,
) -> None:
    source = tmp_path / "crm_a.csv"
    source.write_text(CRM_A, encoding="utf-8")
    assert run_import(actor=director, path=source, source_system="crm_a").created == 3
    before = list(Account.objects.order_by("pk").values())
    exported = export_accounts(actor=director, query=AccountListQuery(), fmt=fmt)
    with exported.file:
        content = exported.file.read()

    client = login(director)
    response = client.post(
        reverse("web:import_new"),
        {
            "file": SimpleUploadedFile(exported.filename, content),
            "source_system": "spreadsheet",
            "target": "",
            "mode": "all-or-nothing",
        },
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.order_by("-pk")[0]
    start(client, batch)

    batch.refresh_from_db()
    assert (batch.status, batch.source_system) == (BatchStatus.DONE, "clientbase")
    assert (batch.counts["created"], batch.counts["updated"]) == (0, 0)
    assert batch.counts["unchanged"] == 3
    assert list(Account.objects.order_by("pk").values()) == before
    assert not RecordHistory.objects.filter(batch=batch).exists()

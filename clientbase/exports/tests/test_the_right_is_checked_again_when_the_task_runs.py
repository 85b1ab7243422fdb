"""The export right is checked when the export is requested, again when the worker runs it
(it may have been withdrawn meanwhile) and again when the file is downloaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clientbase.access.models import Role, User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.models import Export, ExportStatus
from clientbase.exports.services import request_account_export, run_export
from clientbase.exports.tests.conftest import export_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(
    queued_only: Path, lead: User, owner: User, make_account: Callable[..., Account]
) -> Export:
    for _n in range(3):
        make_account(owner=owner)
    made = request_account_export(actor=lead, query=AccountListQuery(q="account"), fmt="xlsx")
    assert isinstance(made, Export)
    return made


def test_it_refuses_a_background_export_without_right(
    queued_only: Path, owner: User, make_account: Callable[..., Account]
) -> None:
    for _n in range(3):
        make_account(owner=owner)
    with pytest.raises(PermissionDenied):
        request_account_export(actor=owner, query=AccountListQuery(), fmt="csv")
    assert Export.objects.count() == 0
    assert len(export_events("export.denied")) == 1


def test_a_right_withdrawn_before_the_run_stops_the_export(
    queued: Export, lead: User, queued_only: Path
) -> None:
    lead.role = Role.REP
    lead.save()
    assert run_export(export_id=queued.pk) == ExportStatus.FAILED
    queued.refresh_from_db()
    assert queued.status == ExportStatus.FAILED
    assert "no longer have the export right" in queued.message
    assert queued.file_path == ""
    assert not (queued_only / "exports" / str(queued.pk)).exists()
    assert export_events() == []
    [denied] = export_events("export.denied")
    assert denied.actor == lead
    assert denied.object_id == str(queued.pk)
    assert denied.changes["filter"] == {"q": "account", "status": "", "sort": "name"}


def test_a_deactivated_user_gets_no_file_either(queued: Export, lead: User) -> None:
    lead.is_active = False
    lead.save()
    assert run_export(export_id=queued.pk) == ExportStatus.FAILED


def test_a_right_withdrawn_after_the_run_blocks_the_download(
    client: Client, queued: Export, lead: User
) -> None:
    assert run_export(export_id=queued.pk) == ExportStatus.DONE
    lead.role = Role.REP
    lead.save()
    client.force_login(lead)
    response = client.get(reverse("web:export_download", args=[queued.pk]))
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert export_events("export.download") == []
    [denied] = export_events("export.denied")
    assert denied.object_id == str(queued.pk)


def test_the_refusal_is_written_in_the_requesters_language(queued: Export, lead: User) -> None:
    lead.role = Role.REP
    lead.language = "ru"
    lead.save()
    run_export(export_id=queued.pk)
    queued.refresh_from_db()
    assert "больше нет права" in queued.message

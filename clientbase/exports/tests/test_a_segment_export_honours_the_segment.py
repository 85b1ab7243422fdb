"""An export of a segment's list writes the segment's rows, in the background too; a segment
that no longer applies to the requester fails with a message instead of widening."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.access.models import User
from clientbase.accounts import selectors as account_selectors
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.models import Export, ExportStatus
from clientbase.exports.services import request_account_export, run_export
from clientbase.exports.tests.conftest import csv_rows, export_file

pytestmark = pytest.mark.django_db
STEEL = json.dumps({"field": "display_name", "op": "contains", "value": "steel"})


@pytest.fixture
def base(director: User, make_account: Callable[..., Account]) -> None:
    for name in ("Alpha Steel", "Beta Steel", "Gamma Steel", "Delta Foods"):
        make_account(owner=director, display_name=name)


@pytest.mark.usefixtures("queued_only", "base")
def test_the_worker_writes_only_the_segments_rows(director: User, queued_only: Path) -> None:
    export = request_account_export(actor=director, query=AccountListQuery(spec=STEEL), fmt="csv")
    assert isinstance(export, Export)
    assert export.filter["spec"] == STEEL
    assert run_export(export_id=export.pk) == ExportStatus.DONE
    export.refresh_from_db()
    names = [row["display_name"] for row in csv_rows(export_file(export))]
    assert names == ["Alpha Steel", "Beta Steel", "Gamma Steel"]


@pytest.mark.usefixtures("queued_only", "base")
def test_a_segment_on_a_field_hidden_since_fails_the_export(
    director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = request_account_export(actor=director, query=AccountListQuery(spec=STEEL), fmt="csv")
    assert isinstance(export, Export)
    everything = account_selectors.exportable_account_fields(director)
    monkeypatch.setattr(
        account_selectors,
        "exportable_account_fields",
        lambda actor: tuple(f for f in everything if f.key != "display_name"),
    )
    assert run_export(export_id=export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert "display_name" in export.message

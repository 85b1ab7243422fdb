"""Every successful export leaves one audit row: who, the filter, the format, the row count."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports import services
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import export_events

pytestmark = pytest.mark.django_db
COLUMNS = [
    "id",
    "display_name",
    "legal_name",
    "status",
    "city",
    "country",
    "phone",
    "email",
    "owner",
    "account_manager",
    "tax_ids",
    "created_at",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_is_audited_with_filter_and_count(
    director: User, make_account: Callable[..., Account], fmt: str
) -> None:
    for status in ("active", "active", "lost"):
        make_account(status=status)
    query = AccountListQuery(q="account", status="active", sort="-created")
    result = export_accounts(actor=director, query=query, fmt=fmt)
    result.file.close()
    [event] = export_events()
    assert event.actor == director
    assert event.object_type == "accounts"
    watermark = event.changes.pop("watermark")
    assert event.changes == {
        "filter": {"q": "account", "status": "active", "sort": "-created"},
        "format": fmt,
        "rows": 2,
        "columns": COLUMNS,
    }
    assert "director" in watermark
    assert result.row_count == 2


def test_an_empty_export_is_audited_too(client: Client, director: User) -> None:
    client.force_login(director)
    response = client.get(reverse("web:account_export"), {"fmt": "xlsx", "q": "nothing"})
    assert response.status_code == 200
    [event] = export_events()
    assert event.changes["rows"] == 0
    assert event.changes["filter"]["q"] == "nothing"


def test_a_failed_export_leaves_no_audit_row(
    director: User, make_account: Callable[..., Account], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_account()

    def broken_disk(*args: object) -> int:
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_write_csv", broken_disk)
    with pytest.raises(OSError, match="No space"):
        export_accounts(actor=director, query=AccountListQuery(), fmt="csv")
    assert export_events() == []

"""A role's row limits, per export and per day, hold on every channel: the service, the web
button, the API and the worker when it runs a queued export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.limits import DEFAULT_LIMITS, ExportLimitExceeded, limits_for
from clientbase.exports.models import Export, ExportPolicy, ExportStatus
from clientbase.exports.services import export_accounts, request_account_export, run_export
from clientbase.exports.tests.conftest import export_events, read

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tight_limits")]


def test_it_exports_within_the_limit(lead: User, make_account: Callable[..., Account]) -> None:
    for _ in range(3):
        make_account(owner=lead)
    rows = read(export_accounts(actor=lead, query=AccountListQuery(), fmt="csv"))
    assert len(rows) == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_refuses_an_export_above_the_per_export_limit(
    lead: User, make_account: Callable[..., Account], fmt: str
) -> None:
    for _ in range(4):
        make_account(owner=lead)
    with pytest.raises(ExportLimitExceeded) as refused:
        export_accounts(actor=lead, query=AccountListQuery(), fmt=fmt)
    assert (refused.value.rows, refused.value.limits.per_export) == (4, 3)
    assert not Export.objects.exists()
    assert export_events() == []
    [event] = export_events("export.limit")
    assert event.actor == lead
    assert event.changes["rows"] == 4
    assert event.changes["per_export"] == 3


def test_it_refuses_what_would_pass_the_daily_limit(
    lead: User, make_account: Callable[..., Account]
) -> None:
    for n in range(6):
        make_account(owner=lead, status="lost" if n < 3 else "active")
    read(export_accounts(actor=lead, query=AccountListQuery(status="lost"), fmt="csv"))
    with pytest.raises(ExportLimitExceeded) as refused:
        export_accounts(actor=lead, query=AccountListQuery(status="active"), fmt="csv")
    assert refused.value.today == 3
    assert Export.objects.count() == 1
    assert export_events("export.limit")[0].changes["per_day"] == 5


def test_the_web_button_sends_the_user_to_the_approval_request(
    client: Client, lead: User, make_account: Callable[..., Account]
) -> None:
    for _ in range(4):
        make_account(owner=lead, display_name="Secret Steel")
    client.force_login(lead)
    response = client.get(reverse("web:account_export"), {"fmt": "xlsx", "q": "steel"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:export_request_new"))
    assert "q=steel" in response["Location"]
    assert "fmt=xlsx" in response["Location"]
    assert "Content-Disposition" not in response
    assert not Export.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Secret Steel" not in page.content


def test_the_api_answers_403_with_the_reason(
    client: Client, lead: User, make_account: Callable[..., Account]
) -> None:
    for _ in range(4):
        make_account(owner=lead, display_name="Secret Steel")
    client.force_login(lead)
    response = client.get("/api/v1/accounts/export", {"fmt": "csv"})
    assert response.status_code == 403
    assert "approve" in response.json()["detail"]
    assert b"Secret Steel" not in response.content
    assert not Export.objects.exists()


def test_the_worker_checks_the_limit_again_when_it_runs(
    lead: User, make_account: Callable[..., Account], queued_only: Path
) -> None:
    for _ in range(3):
        make_account(owner=lead)
    export = request_account_export(actor=lead, query=AccountListQuery(), fmt="csv")
    assert isinstance(export, Export)
    ExportPolicy.objects.filter(role="team_lead").update(max_rows_per_export=2)
    assert run_export(export_id=export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert export.file_path == ""
    assert "2 rows at a time" in export.message
    assert len(export_events("export.limit")) == 1
    assert export_events() == []


def test_directors_are_unlimited_by_default(
    director: User, make_account: Callable[..., Account]
) -> None:
    for _ in range(6):
        make_account()
    assert DEFAULT_LIMITS["director"] == (None, None)
    assert len(read(export_accounts(actor=director, query=AccountListQuery(), fmt="csv"))) == 6


def test_a_rep_defaults_to_500_rows_an_export_and_2000_a_day(owner: User) -> None:
    limits = limits_for(owner)
    assert (limits.per_export, limits.per_day) == (500, 2000)

"""With the admin setting on, an alert suspends the user's export right at once: the service,
the web button, the API, a queued export and a finished file's download all refuse, until a
director lifts the suspension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.control_services import lift_suspension, suspend_exports
from clientbase.exports.limits import ExportSuspended, is_suspended
from clientbase.exports.models import Export, ExportStatus
from clientbase.exports.services import export_accounts, request_account_export, run_export
from clientbase.usage.models import AlertSettings, UsageKind
from clientbase.usage.services import count_usage

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended_lead(lead: User, director: User, make_account: Callable[..., Account]) -> User:
    """A team lead (who holds the export right) whose alert suspended their exports."""
    AlertSettings.objects.create(pk=1, suspend_exports=True)
    for _ in range(3):
        make_account(owner=lead, display_name="Secret Steel")
    alert = count_usage(user=lead, kind=UsageKind.VIEWS, amount=100)
    assert alert is not None
    assert alert.suspended
    return lead


def test_an_alert_suspends_exports_when_the_setting_is_on(suspended_lead: User) -> None:
    assert is_suspended(suspended_lead)
    with pytest.raises(ExportSuspended):
        export_accounts(actor=suspended_lead, query=AccountListQuery(), fmt="csv")
    assert not Export.objects.exists()
    assert AuditEvent.objects.filter(action="export.suspend").count() == 1
    assert AuditEvent.objects.filter(action="export.denied").count() == 1


def test_without_the_setting_an_alert_only_tells(lead: User, director: User) -> None:
    alert = count_usage(user=lead, kind=UsageKind.VIEWS, amount=100)
    assert alert is not None
    assert not alert.suspended
    assert not is_suspended(lead)


@pytest.mark.usefixtures("suspended_lead")
def test_the_web_button_and_the_api_refuse(client: Client, lead: User) -> None:
    client.force_login(lead)
    response = client.get(reverse("web:account_export"), {"fmt": "csv"})
    assert response.status_code == 403
    assert b"Secret Steel" not in response.content
    api = client.get("/api/v1/accounts/export", {"fmt": "xlsx"})
    assert api.status_code == 403
    assert "suspended" in api.json()["detail"]
    page = client.get(reverse("web:account_list"))
    assert b'formaction="/accounts/export/"' not in page.content
    assert not Export.objects.exists()


def test_a_queued_export_and_a_finished_file_are_refused_after_the_alert(
    lead: User, director: User, make_account: Callable[..., Account], queued_only: Path
) -> None:
    for _ in range(3):
        make_account(owner=lead)
    queued = request_account_export(actor=lead, query=AccountListQuery(), fmt="csv")
    assert isinstance(queued, Export)
    suspend_exports(actor=director, user=lead, reason="Leaving next week")
    assert run_export(export_id=queued.pk) == ExportStatus.FAILED
    queued.refresh_from_db()
    assert queued.file_path == ""
    assert "suspended" in queued.message


def test_a_director_lifts_the_suspension_on_the_alerts_page(
    client: Client, suspended_lead: User, director: User
) -> None:
    client.force_login(director)
    page = client.get(reverse("web:usage_alerts"))
    assert page.status_code == 200
    assert b"lead" in page.content
    lift = reverse("web:export_lift", args=[suspended_lead.pk])
    assert client.post(lift).status_code == 302
    assert not is_suspended(suspended_lead)
    rows = export_accounts(actor=suspended_lead, query=AccountListQuery(), fmt="csv")
    assert rows.row_count == 3
    rows.file.close()
    assert AuditEvent.objects.filter(action="export.lift", actor=director).count() == 1


@pytest.mark.usefixtures("suspended_lead")
def test_nobody_without_the_right_lifts_it(client: Client, lead: User, owner: User) -> None:
    with pytest.raises(PermissionDenied):
        lift_suspension(actor=lead, user=lead)
    client.force_login(owner)
    assert client.post(reverse("web:export_lift", args=[lead.pk])).status_code == 403
    assert client.post(reverse("web:export_suspend", args=[lead.pk])).status_code == 403
    assert is_suspended(lead)


def test_a_director_suspends_by_hand(client: Client, lead: User, director: User) -> None:
    client.force_login(director)
    response = client.post(reverse("web:export_suspend", args=[lead.pk]), {"reason": "Audit"})
    assert response.status_code == 302
    assert is_suspended(lead)
    assert client.post(reverse("web:export_suspend", args=[999999])).status_code == 404


def test_a_suspended_user_cannot_file_requests(suspended_lead: User, client: Client) -> Any:
    client.force_login(suspended_lead)
    assert client.get(reverse("web:export_request_new")).status_code == 403


def test_a_finished_file_cannot_be_downloaded_while_suspended(
    client: Client,
    lead: User,
    director: User,
    make_account: Callable[..., Account],
    background: Path,
) -> None:
    for _ in range(3):
        make_account(owner=lead)
    export = request_account_export(actor=lead, query=AccountListQuery(), fmt="csv")
    assert isinstance(export, Export)
    suspend_exports(actor=director, user=lead, reason="Leaving next week")
    client.force_login(lead)
    response = client.get(reverse("web:export_download", args=[export.pk]))
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    denied = AuditEvent.objects.get(action="export.denied")
    assert denied.changes["suspended"] is True
    assert not AuditEvent.objects.filter(action="export.download").exists()

"""Above the limits, the user files a request; a director approves or rejects it; the requester
is told in-app and can run exactly that export, once. Every step is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.control_services import decide_export_request, file_export_request
from clientbase.exports.limits import ExportLimitExceeded
from clientbase.exports.models import (
    Export,
    ExportPolicy,
    ExportRequest,
    ExportStatus,
    RequestStatus,
)
from clientbase.exports.services import export_accounts, request_account_export
from clientbase.exports.tests.conftest import csv_rows, export_events, export_file, read
from clientbase.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tight_limits")]
STEEL = AccountListQuery(q="steel")


@pytest.fixture
def steel(lead: User, make_account: Callable[..., Account]) -> list[Account]:
    """Four of the lead's accounts match "steel" (over the limit of 3), one does not."""
    make_account(owner=lead, display_name="Delta Foods")
    return [make_account(owner=lead, display_name=f"Steel {n}") for n in range(4)]


def _approved(lead: User, director: User) -> ExportRequest:
    request = file_export_request(actor=lead, query=STEEL, fmt="csv", reason="Trade fair mailing")
    return decide_export_request(actor=director, request_id=request.pk, approve=True)


@pytest.mark.usefixtures("steel")
def test_the_request_holds_the_filter_the_rows_and_the_reason(lead: User, director: User) -> None:
    request = file_export_request(actor=lead, query=STEEL, fmt="xlsx", reason="Trade fair")
    assert request.status == RequestStatus.PENDING
    assert request.filter == {"q": "steel", "status": "", "sort": "name"}
    assert (request.fmt, request.estimated_rows, request.reason) == ("xlsx", 4, "Trade fair")
    [event] = export_events("export.request")
    assert (event.actor, event.changes["rows"], event.changes["per_export"]) == (lead, 4, 3)
    [note] = Notification.objects.filter(recipient=director)
    assert note.kind == "export.request"
    assert "lead" in note.title


@pytest.mark.usefixtures("steel")
def test_an_approved_export_runs_once_then_never_again(lead: User, director: User) -> None:
    approval = _approved(lead, director)
    [told] = Notification.objects.filter(recipient=lead)
    assert told.kind == "export.approved"
    rows = read(export_accounts(actor=lead, query=STEEL, fmt="csv"))
    assert sorted(row["display_name"] for row in rows) == [f"Steel {n}" for n in range(4)]
    approval.refresh_from_db()
    assert approval.status == RequestStatus.USED
    assert approval.export is not None
    assert approval.export.row_count == 4
    [event] = export_events()
    assert event.changes["approval"] == approval.pk
    assert [e.action for e in export_events("export.approve")] == ["export.approve"]
    with pytest.raises(ExportLimitExceeded):
        export_accounts(actor=lead, query=STEEL, fmt="csv")
    assert Export.objects.count() == 1


@pytest.mark.usefixtures("steel")
def test_an_approval_covers_exactly_its_filter_and_format(lead: User, director: User) -> None:
    _approved(lead, director)
    with pytest.raises(ExportLimitExceeded):
        export_accounts(actor=lead, query=STEEL, fmt="xlsx")
    with pytest.raises(ExportLimitExceeded):
        export_accounts(actor=lead, query=AccountListQuery(), fmt="csv")
    assert not Export.objects.exists()


def test_an_approval_does_not_cover_a_list_that_has_grown(
    lead: User, director: User, steel: list[Account], make_account: Callable[..., Account]
) -> None:
    _approved(lead, director)
    make_account(owner=lead, display_name="Steel 5")
    with pytest.raises(ExportLimitExceeded):
        export_accounts(actor=lead, query=STEEL, fmt="csv")


@pytest.mark.usefixtures("steel")
def test_a_rejected_request_is_told_and_lets_nothing_through(lead: User, director: User) -> None:
    request = file_export_request(actor=lead, query=STEEL, fmt="csv", reason="Just because")
    decide_export_request(actor=director, request_id=request.pk, approve=False, note="No.")
    [told] = Notification.objects.filter(recipient=lead)
    assert told.kind == "export.rejected"
    assert "No." in told.body
    with pytest.raises(ExportLimitExceeded):
        export_accounts(actor=lead, query=STEEL, fmt="csv")
    assert len(export_events("export.reject")) == 1


@pytest.mark.usefixtures("steel")
def test_a_decided_request_cannot_be_decided_again(lead: User, director: User) -> None:
    approval = _approved(lead, director)
    with pytest.raises(ValidationError):
        decide_export_request(actor=director, request_id=approval.pk, approve=False)


@pytest.mark.usefixtures("steel")
def test_nobody_approves_without_the_right_or_their_own_request(
    lead: User, director: User, teammate: User
) -> None:
    request = file_export_request(actor=lead, query=STEEL, fmt="csv", reason="Trade fair")
    with pytest.raises(PermissionDenied):
        decide_export_request(actor=lead, request_id=request.pk, approve=True)
    with pytest.raises(PermissionDenied):
        decide_export_request(actor=teammate, request_id=request.pk, approve=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert export_events("export.approve") == []


def test_a_director_with_limits_cannot_approve_their_own_request(
    director: User, make_account: Callable[..., Account]
) -> None:
    ExportPolicy.objects.create(role="director", max_rows_per_export=1, max_rows_per_day=None)
    make_account(display_name="Steel 1")
    make_account(display_name="Steel 2")
    mine = file_export_request(actor=director, query=STEEL, fmt="csv", reason="Board pack")
    with pytest.raises(ValidationError):
        decide_export_request(actor=director, request_id=mine.pk, approve=True)
    mine.refresh_from_db()
    assert mine.status == RequestStatus.PENDING


def test_an_unlimited_user_or_an_export_within_limits_needs_no_request(
    lead: User, director: User, make_account: Callable[..., Account]
) -> None:
    make_account(owner=lead, display_name="Steel 1")
    with pytest.raises(ValidationError):
        file_export_request(actor=lead, query=STEEL, fmt="csv", reason="Trade fair")
    with pytest.raises(ValidationError):
        file_export_request(actor=director, query=STEEL, fmt="csv", reason="Trade fair")
    assert not ExportRequest.objects.exists()


@pytest.mark.usefixtures("steel")
def test_a_request_needs_a_reason(lead: User) -> None:
    with pytest.raises(ValidationError):
        file_export_request(actor=lead, query=STEEL, fmt="csv", reason="   ")
    assert not ExportRequest.objects.exists()


@pytest.mark.usefixtures("steel")
def test_the_pages_file_decide_and_run_it_once(client: Client, lead: User, director: User) -> None:
    client.force_login(lead)
    url = reverse("web:export_request_new") + "?q=steel&fmt=csv"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Trade fair"}).status_code == 302
    request = ExportRequest.objects.get()

    client.force_login(director)
    page = client.get(reverse("web:export_requests"))
    assert b"Trade fair" in page.content
    decide = reverse("web:export_request_decide", args=[request.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 302

    client.force_login(lead)
    run = reverse("web:export_request_run", args=[request.pk])
    response = client.post(run)
    assert response.status_code == 200
    rows = csv_rows(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert len(rows) == 4
    again = client.post(run)
    assert again.status_code == 302
    assert Export.objects.count() == 1


@pytest.mark.usefixtures("steel")
def test_a_rep_cannot_decide_or_run_someone_elses_request(
    client: Client, lead: User, director: User, teammate: User
) -> None:
    approval = _approved(lead, director)
    client.force_login(teammate)
    decide = reverse("web:export_request_decide", args=[approval.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    # a rep holds no export right at all: refused before the request is even looked up
    assert client.post(reverse("web:export_request_run", args=[approval.pk])).status_code == 403
    client.force_login(director)  # the director's own run of the lead's approval: not theirs
    assert client.post(reverse("web:export_request_run", args=[approval.pk])).status_code == 404
    approval.refresh_from_db()
    assert approval.status == RequestStatus.APPROVED
    assert not Export.objects.exists()


def test_a_background_export_uses_its_approval_when_queued(
    lead: User, director: User, steel: list[Account], background: Path
) -> None:
    approval = _approved(lead, director)
    export = request_account_export(actor=lead, query=STEEL, fmt="csv")
    assert isinstance(export, Export)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert len(csv_rows(export_file(export))) == 4
    approval.refresh_from_db()
    assert (approval.status, approval.export_id) == (RequestStatus.USED, export.pk)
    with pytest.raises(ExportLimitExceeded):
        request_account_export(actor=lead, query=STEEL, fmt="csv")


def test_another_users_request_is_a_404_for_the_decider_too(director: User) -> None:
    with pytest.raises(Http404):
        decide_export_request(actor=director, request_id=999, approve=True)


@pytest.mark.usefixtures("steel")
def test_an_approval_expires(client: Client, lead: User, director: User, settings: Any) -> None:
    settings.EXPORT_APPROVAL_VALID_HOURS = 72
    approval = _approved(lead, director)
    ExportRequest.objects.filter(pk=approval.pk).update(
        decided_at=approval.decided_at - timedelta(hours=73)  # type: ignore[operator]
    )
    with pytest.raises(ExportLimitExceeded):
        export_accounts(actor=lead, query=STEEL, fmt="csv")
    client.force_login(lead)
    assert b"Expired" in client.get(reverse("web:export_requests")).content
    response = client.post(reverse("web:export_request_run", args=[approval.pk]))
    assert response.status_code == 302
    assert not Export.objects.exists()

"""Export without the right, called directly on every channel, yields 0 rows: the service, the
web button (GET, and POST too), the approved-request run, and the API. An approved export
holds only the requester's own scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.control_services import decide_export_request, file_export_request
from clientbase.exports.models import Export, ExportRequest
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import export_events, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(owner: User, make_account: Callable[..., Account]) -> Account:
    return make_account(owner=owner, display_name="Secret Co")


@pytest.mark.usefixtures("secret")
def test_every_channel_gives_a_user_without_the_right_no_rows(client: Client, owner: User) -> None:
    with pytest.raises(PermissionDenied):
        export_accounts(actor=owner, query=AccountListQuery(), fmt="csv")
    client.force_login(owner)
    responses = [
        client.get(reverse("web:account_export"), {"fmt": "csv"}),
        client.post(reverse("web:account_export"), {"fmt": "xlsx"}),
        client.get("/api/v1/accounts/export", {"fmt": "xlsx"}),
        client.get(reverse("web:export_request_new"), {"fmt": "csv"}),
        client.post(reverse("web:export_request_new"), {"reason": "x"}),
    ]
    assert [r.status_code for r in responses] == [403, 405, 403, 403, 403]
    for response in responses:
        assert "Content-Disposition" not in response
        assert b"Secret Co" not in response.content
    assert not Export.objects.exists()
    assert not ExportRequest.objects.exists()
    assert export_events() == []


def test_an_approved_export_holds_only_the_requesters_scope(
    lead: User,
    owner: User,
    outsider: User,
    director: User,
    make_account: Callable[..., Account],
    tight_limits: object,
) -> None:
    for n in range(4):
        make_account(owner=owner, display_name=f"North {n}")
    make_account(owner=outsider, display_name="South secret")
    request = file_export_request(actor=lead, query=AccountListQuery(), fmt="xlsx", reason="QBR")
    assert request.estimated_rows == 4
    decide_export_request(actor=director, request_id=request.pk, approve=True)
    rows = read(export_accounts(actor=lead, query=AccountListQuery(), fmt="xlsx"))
    assert sorted(row["display_name"] for row in rows) == [f"North {n}" for n in range(4)]

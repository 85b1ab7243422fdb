"""A background export is its requester's alone: any other user, whatever their role, gets a
404 for its pages and its file (no hint that the id exists)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.models import Export
from clientbase.exports.services import request_account_export
from clientbase.exports.tests.conftest import export_events

pytestmark = pytest.mark.django_db
PAGES = ["web:export_detail", "web:export_progress", "web:export_download"]


@pytest.fixture
def export(
    background: object, lead: User, owner: User, make_account: Callable[..., Account]
) -> Export:
    for _n in range(3):
        make_account(owner=owner)
    made = request_account_export(actor=lead, query=AccountListQuery(), fmt="csv")
    assert isinstance(made, Export)
    return made


@pytest.mark.parametrize("page", PAGES)
def test_another_users_export_id_is_a_404(
    client: Client, export: Export, director: User, page: str
) -> None:
    other_lead = create_user(actor=None, username="lead2", password=None, role=Role.TEAM_LEAD)
    admin = create_user(actor=None, username="admin", password=None, role=Role.ADMIN)
    for user in (director, other_lead, admin):
        client.force_login(user)
        response = client.get(reverse(page, args=[export.pk]))
        assert response.status_code == 404
        assert "Content-Disposition" not in response
    assert export_events("export.download") == []


def test_the_requester_downloads_it_and_the_download_is_audited(
    client: Client, export: Export, lead: User
) -> None:
    client.force_login(lead)
    response = client.get(reverse("web:export_download", args=[export.pk]))
    assert response.status_code == 200
    # header, 3 rows, the watermark line
    assert b"".join(response.streaming_content).count(b"\n") == 5  # type: ignore[attr-defined]
    [download] = export_events("export.download")
    assert download.actor == lead
    assert download.object_id == str(export.pk)
    assert download.changes == {"format": "csv", "rows": 3}


def test_a_missing_export_id_is_a_404_too(client: Client, export: Export, lead: User) -> None:
    client.force_login(lead)
    assert client.get(reverse("web:export_detail", args=[export.pk + 1000])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, export: Export) -> None:
    response = client.get(reverse("web:export_download", args=[export.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_the_exports_page_lists_only_ones_own(
    client: Client, export: Export, director: User, lead: User
) -> None:
    detail = reverse("web:export_detail", args=[export.pk])
    client.force_login(lead)
    assert detail in client.get(reverse("web:export_list")).content.decode()
    client.force_login(director)
    assert detail not in client.get(reverse("web:export_list")).content.decode()

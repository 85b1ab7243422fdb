"""Each user's day is counted by kind, without the audit trail: account pages viewed, rows
exported, API reads. Failed and anonymous requests count for nobody."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.limits import today as usage_day
from clientbase.exports.services import export_accounts
from clientbase.usage.models import UsageDay, UsageKind

pytestmark = pytest.mark.django_db


def counted(user: User, kind: str) -> int:
    row = UsageDay.objects.filter(user=user, kind=kind, day=usage_day()).first()
    return row.count if row else 0


def test_each_account_page_view_counts_once(
    client: Client, owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    mine = make_account(owner=owner)
    theirs = make_account(owner=outsider)
    client.force_login(owner)
    for _ in range(3):
        assert client.get(reverse("web:account_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("web:account_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("web:account_list")).status_code == 200
    assert counted(owner, UsageKind.VIEWS) == 3
    assert counted(outsider, UsageKind.VIEWS) == 0


def test_api_reads_count_per_request(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    client.force_login(owner)
    assert client.get("/api/v1/accounts").status_code == 200
    assert client.get(f"/api/v1/accounts/{account.pk}").status_code == 200
    assert client.get("/api/v1/accounts/999999").status_code == 404
    assert counted(owner, UsageKind.API_READS) == 2
    assert counted(owner, UsageKind.VIEWS) == 0


def test_exported_rows_count_by_the_row(
    director: User, make_account: Callable[..., Account]
) -> None:
    for _ in range(4):
        make_account()
    export_accounts(actor=director, query=AccountListQuery(), fmt="csv").file.close()
    export_accounts(actor=director, query=AccountListQuery(), fmt="xlsx").file.close()
    assert counted(director, UsageKind.EXPORT_ROWS) == 8


def test_an_anonymous_visitor_counts_for_nobody(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    assert client.get(reverse("web:account_detail", args=[account.pk])).status_code == 302
    assert client.get("/api/v1/accounts").status_code == 401
    assert not UsageDay.objects.exists()


def test_counting_a_view_costs_one_query_once_the_days_row_exists(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    account = make_account(owner=owner)
    client.force_login(owner)
    url = reverse("web:account_detail", args=[account.pk])
    client.get(url)  # the day's row is created (with the usual day) on the first view

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    usage = [q["sql"] for q in captured.captured_queries if "usage_usageday" in q["sql"]]
    assert len(usage) == 1
    assert usage[0].startswith("UPDATE")
    assert counted(owner, UsageKind.VIEWS) == 2


def test_a_counter_the_database_refuses_does_not_break_the_page(
    client: Client,
    owner: User,
    make_account: Callable[..., Account],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from django.db import OperationalError

    from clientbase.usage import middleware

    def locked(**_: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(middleware, "count_usage", locked)
    account = make_account(owner=owner)
    client.force_login(owner)
    assert client.get(reverse("web:account_detail", args=[account.pk])).status_code == 200
    assert "not counted" in caplog.text


def test_api_reads_with_a_personal_token_count_for_its_owner(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    from clientbase.login.token_services import create_token

    make_account(owner=owner)
    _token, raw = create_token(actor=owner, name="script")
    headers = {"Authorization": f"Bearer {raw}"}
    for _ in range(3):
        assert client.get("/api/v1/accounts", headers=headers).status_code == 200
    assert counted(owner, UsageKind.API_READS) == 3

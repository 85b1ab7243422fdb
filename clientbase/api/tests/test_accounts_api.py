from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from clientbase.access.models import User
from clientbase.accounts.models import Account, TaxIdentifier


def test_it_rejects_anonymous_requests(client: Client, db: None) -> None:
    assert client.get("/api/v1/accounts").status_code == 401


def test_it_lists_only_the_actors_accounts(
    client: Client, owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    mine = make_account(owner=owner)
    make_account(owner=outsider)
    client.force_login(owner)
    body = client.get("/api/v1/accounts").json()
    assert [item["id"] for item in body["items"]] == [mine.pk]


def test_it_returns_404_for_someone_elses_account(
    client: Client, owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    theirs = make_account(owner=outsider)
    client.force_login(owner)
    assert client.get(f"/api/v1/accounts/{theirs.pk}").status_code == 404


def test_it_shows_tax_ids_of_a_visible_account(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    TaxIdentifier.objects.create(account=account, kind="ru_inn", value="7707083893")
    client.force_login(owner)
    body = client.get(f"/api/v1/accounts/{account.pk}").json()
    assert body["tax_ids"] == [{"kind": "ru_inn", "value": "7707083893"}]


def test_it_pages_with_the_cursor(
    client: Client, director: User, make_account: Callable[..., Account]
) -> None:
    made = {make_account().pk for _ in range(5)}
    client.force_login(director)
    seen: list[int] = []
    after = ""
    while True:
        body = client.get("/api/v1/accounts", {"limit": "2", "after": after}).json()
        seen += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        after = body["next_cursor"]
    assert sorted(seen) == sorted(made)

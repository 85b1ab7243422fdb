"""The account page says which import batches brought the account and its orders."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.imports.models import ImportBatch


def test_it_lists_the_batch_that_brought_the_account(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    batch = ImportBatch.objects.create(source_system="bitrix24", file_name="companies.csv")
    account = make_account(owner=owner)
    Account.objects.filter(pk=account.pk).update(
        source_system="bitrix24", external_id="C-17", import_batch_id=batch.pk
    )
    client.force_login(owner)

    page = client.get(f"/accounts/{account.pk}/").content.decode()

    assert f"#{batch.pk} · <bdi>bitrix24</bdi>" in page
    assert 'title="companies.csv"' in page


def test_an_account_typed_in_by_hand_lists_no_batches(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    client.force_login(owner)

    page = client.get(f"/accounts/{account.pk}/").content.decode()

    assert "Import batches" not in page

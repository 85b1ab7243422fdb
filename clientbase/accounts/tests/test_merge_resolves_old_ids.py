from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import get_account
from clientbase.accounts.services import merge_accounts

pytestmark = pytest.mark.django_db


def test_get_account_on_a_merged_away_id_returns_the_survivor(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    merge_accounts(actor=owner, survivor=survivor, merged=merged)

    assert get_account(actor=owner, account_id=merged.pk).pk == survivor.pk


def test_it_follows_a_chain_of_merges_to_the_last_survivor(
    make_account: Callable[..., Account], owner: User
) -> None:
    first, second, third = (make_account(owner=owner) for _ in range(3))
    merge_accounts(actor=owner, survivor=second, merged=first)
    merge_accounts(actor=owner, survivor=third, merged=second)

    assert get_account(actor=owner, account_id=first.pk).pk == third.pk
    # Earlier tombstones are re-pointed so provenance lookups need one step only.
    assert Account.objects.get(pk=first.pk).merged_into_id == third.pk


def test_a_merged_away_id_stays_hidden_from_someone_who_cannot_see_the_survivor(
    make_account: Callable[..., Account], owner: User, outsider: User
) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    merge_accounts(actor=owner, survivor=survivor, merged=merged)

    with pytest.raises(Http404):
        get_account(actor=outsider, account_id=merged.pk)


def test_the_api_answers_an_old_id_with_the_survivor(
    client: Client, make_account: Callable[..., Account], owner: User
) -> None:
    survivor = make_account(owner=owner, display_name="Survivor")
    merged = make_account(owner=owner)
    merge_accounts(actor=owner, survivor=survivor, merged=merged, field_choices={})
    client.force_login(owner)

    body = client.get(f"/api/v1/accounts/{merged.pk}").json()

    assert body["id"] == survivor.pk


def test_the_account_page_of_an_old_id_redirects_to_the_survivor(
    client: Client, make_account: Callable[..., Account], owner: User
) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    merge_accounts(actor=owner, survivor=survivor, merged=merged)
    client.force_login(owner)

    response = client.get(f"/accounts/{merged.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{survivor.pk}/"

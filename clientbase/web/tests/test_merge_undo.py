"""Undoing a merge from the survivor's page brings the merged-away account back."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account, MergeRecord
from clientbase.accounts.services import merge_accounts

MakeAccount = Callable[..., Account]


def _merged(make_account: MakeAccount, director: User) -> MergeRecord:
    survivor = make_account(owner=director, legal_name="ООО «Ромашка»", city="Москва")
    merged = make_account(owner=director, legal_name="Romashka LLC", city="Moscow")
    return merge_accounts(actor=director, survivor=survivor, merged=merged)


def test_the_survivor_page_offers_the_undo(
    client: Client, director: User, make_account: MakeAccount
) -> None:
    merge = _merged(make_account, director)
    client.force_login(director)

    page = client.get(f"/accounts/{merge.survivor_id}/").content.decode()

    assert "Romashka LLC" in page
    assert f"/merges/{merge.pk}/undo/" in page


def test_it_undoes_the_merge_and_shows_the_restored_account(
    client: Client, director: User, make_account: MakeAccount
) -> None:
    merge = _merged(make_account, director)
    client.force_login(director)

    response = client.post(f"/merges/{merge.pk}/undo/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{merge.merged_id}/"
    restored = Account.objects.get(pk=merge.merged_id)
    assert restored.merged_into_id is None
    assert restored.city == "Moscow"
    assert AuditEvent.objects.filter(action="account.merge_undo").count() == 1
    assert client.post(f"/merges/{merge.pk}/undo/").status_code == 404


def test_a_rep_may_not_undo_a_merge(
    client: Client, director: User, owner: User, make_account: MakeAccount
) -> None:
    merge = _merged(make_account, director)
    client.force_login(owner)

    assert client.post(f"/merges/{merge.pk}/undo/").status_code == 403
    assert Account.objects.get(pk=merge.merged_id).merged_into_id == merge.survivor_id
    page = client.get(f"/accounts/{merge.survivor_id}/")
    assert page.status_code == 404  # the director's accounts are outside the rep's book


def test_undo_is_only_a_post(client: Client, director: User, make_account: MakeAccount) -> None:
    merge = _merged(make_account, director)
    client.force_login(director)

    assert client.get(f"/merges/{merge.pk}/undo/").status_code == 405

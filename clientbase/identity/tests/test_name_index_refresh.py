"""A dedupe run brings the name index (NameKey) in line with the base, row by row."""

from __future__ import annotations

from collections.abc import Callable

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.services import update_account
from clientbase.identity import keys
from clientbase.identity.models import NameKey
from clientbase.identity.services import run_dedupe


def test_a_renamed_account_gets_its_new_name_keys_on_the_next_run(
    owner: User, director: User, make_account: Callable[..., Account]
) -> None:
    renamed = make_account(owner=owner, legal_name="ООО «Ромашка»", city="Москва")
    kept = make_account(owner=owner, legal_name="ООО «Василёк»", city="Казань")
    run_dedupe(actor=director, threshold=0.5)
    update_account(actor=owner, account=renamed, legal_name="ООО «Лютик»")

    run_dedupe(actor=director, threshold=0.5)

    latin = keys.latin_name("ООО «Лютик»")
    assert NameKey.objects.get(account=renamed).latin == latin
    assert NameKey.objects.get(account=renamed).skeleton == keys.skeleton(latin)
    assert NameKey.objects.get(account=renamed).prefix == keys.skeleton(latin)[:4]
    assert NameKey.objects.get(account=kept).latin == keys.latin_name("ООО «Василёк»")


def test_a_merged_away_account_leaves_the_index_and_a_new_one_enters_it(
    owner: User, director: User, make_account: Callable[..., Account]
) -> None:
    survivor = make_account(owner=owner, legal_name="ООО «Ромашка»", city="Москва")
    merged = make_account(owner=owner, legal_name="Romashka LLC", city="Москва")
    run_dedupe(actor=director, threshold=0.5)
    Account.objects.filter(pk=merged.pk).update(merged_into=survivor)  # a tombstone
    newcomer = make_account(owner=owner, legal_name="ООО «Одуванчик»", city="Казань")

    run_dedupe(actor=director, threshold=0.5)

    assert set(NameKey.objects.values_list("account_id", flat=True)) == {
        survivor.pk,
        newcomer.pk,
    }

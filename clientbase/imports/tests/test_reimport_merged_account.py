"""Re-importing the source row of a merged-away account updates its survivor (issue 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.services import create_account, merge_accounts
from clientbase.imports.models import ImportBatch, RecordHistory
from clientbase.imports.services import rollback_batch, run_import

pytestmark = pytest.mark.django_db

HEADER = "ID,Company name,City\n"


@pytest.fixture
def merged_pair(owner: User, write: Callable[..., Path]) -> tuple[Account, Account]:
    survivor = create_account(actor=owner, legal_name="ООО «Ромашка»", city="Москва")
    run_import(
        actor=owner,
        path=write("first.csv", HEADER + "K-42,ООО «Ромашка»,Казань\n"),
        source_system="crm",
    )
    merged = Account.objects.get(source_system="crm", external_id="K-42")
    merge_accounts(actor=owner, survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return survivor, merged


def test_a_changed_row_of_a_merged_away_account_updates_the_survivor(
    merged_pair: tuple[Account, Account], owner: User, write: Callable[..., Path]
) -> None:
    survivor, merged = merged_pair

    result = run_import(
        actor=owner,
        path=write("again.csv", HEADER + "K-42,ООО «Ромашка»,Самара\n"),
        source_system="crm",
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    survivor.refresh_from_db()
    assert survivor.city == "Самара"
    assert Account.objects.get(pk=merged.pk).city == merged.city
    assert Account.objects.count() == 2
    assert set(
        RecordHistory.objects.filter(batch_id=result.batch_id).values_list("object_id", flat=True)
    ) == {survivor.pk}


def test_the_same_file_again_leaves_the_survivor_alone(
    merged_pair: tuple[Account, Account], owner: User, write: Callable[..., Path]
) -> None:
    survivor, _merged = merged_pair
    path = write("again.csv", HEADER + "K-42,ООО «Ромашка»,Самара\n")
    run_import(actor=owner, path=path, source_system="crm")
    changed = Account.objects.get(pk=survivor.pk).updated_at

    repeat = run_import(
        actor=owner, path=write("repeat.csv", path.read_text()), source_system="crm"
    )

    assert (repeat.created, repeat.updated, repeat.unchanged) == (0, 0, 1)
    assert Account.objects.get(pk=survivor.pk).updated_at == changed


def test_rolling_back_that_batch_restores_the_survivor(
    merged_pair: tuple[Account, Account], owner: User, write: Callable[..., Path]
) -> None:
    survivor, _merged = merged_pair
    result = run_import(
        actor=owner,
        path=write("again.csv", HEADER + "K-42,ООО «Ромашка»,Самара\n"),
        source_system="crm",
    )

    assert result.batch_id is not None
    rollback_batch(actor=owner, batch=ImportBatch.objects.get(pk=result.batch_id))

    restored = Account.objects.get(pk=survivor.pk)
    assert (restored.city, restored.import_batch_id) == ("Москва", survivor.import_batch_id)
    assert Account.objects.filter(pk=survivor.pk).exists()

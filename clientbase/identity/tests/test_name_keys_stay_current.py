"""The entry-time duplicate warning knows accounts written since the last dedupe run: every
write that creates, renames, merges or imports an account keeps its name key current."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.services import merge_accounts, undo_merge, update_account
from clientbase.identity.models import MatchRun, NameKey
from clientbase.identity.name_index import name_key_fields
from clientbase.identity.selectors import similar_accounts
from clientbase.imports.models import ImportBatch
from clientbase.imports.services import rollback_batch, run_import

pytestmark = pytest.mark.django_db


def _found(actor: User, typed: str) -> list[int]:
    return [s.account.pk for s in similar_accounts(actor=actor, legal_name=typed)]


def _key(account: Account) -> tuple[str, str, str]:
    row = NameKey.objects.get(account=account)
    return (row.latin, row.skeleton, row.prefix)


def test_an_account_typed_in_by_hand_warns_the_next_one_without_a_dedupe_run(
    owner: User, client: Client
) -> None:
    client.force_login(owner)
    created = client.post(
        "/accounts/new/",
        {"legal_name": "ООО «Ромашка»", "tax_kind": "ru_inn", "status": "prospect"},
    )
    assert created.status_code == 302
    romashka = Account.objects.get(legal_name="ООО «Ромашка»")

    # Latin letters: only the name index (not the folded-name search) can find the Cyrillic one.
    check = client.get("/accounts/new/check/", {"legal_name": "Romashka LLC"})

    assert not MatchRun.objects.exists()
    assert f"/accounts/{romashka.pk}/" in check.content.decode()
    assert _found(owner, "Romashka LLC") == [romashka.pk]


def test_a_renamed_account_is_found_by_its_new_name_and_not_by_its_old_one(
    owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner, legal_name="ООО «Василёк»", display_name="Василёк")
    assert _found(owner, "Vasilyok") == [account.pk]

    update_account(actor=owner, account=account, legal_name="ООО «Ромашка»", display_name="Ромашка")

    assert _found(owner, "Romashka LLC") == [account.pk]
    assert _found(owner, "Vasilyok") == []
    assert _key(account) == name_key_fields("ООО «Ромашка»", "Ромашка")


def test_an_import_creates_the_keys_of_its_accounts_in_one_write_per_chunk(
    owner: User, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    names = ["Romashka", "Vasilek", "Lyutik", "Oduvanchik", "Kolokolchik", "Gvozdika"]
    path = tmp_path / "accounts.csv"
    rows = [f"A-{n},ООО «{name}»" for n, name in enumerate(names)]
    path.write_text("external_id,legal_name\n" + "\n".join(rows) + "\n", encoding="utf-8")

    with CaptureQueriesContext(connection) as queries:
        result = run_import(actor=owner, path=path, source_system="1c", target="accounts")

    assert result.created == len(names)
    imported = Account.objects.filter(source_system="1c")
    assert NameKey.objects.filter(account__in=imported).count() == len(names)
    writes = [q["sql"] for q in queries.captured_queries if "identity_namekey" in q["sql"]]
    assert len([sql for sql in writes if "INSERT INTO" in sql]) == 1
    assert _found(owner, "Ромашка") == [imported.get(external_id="A-0").pk]

    rollback_batch(actor=owner, batch=ImportBatch.objects.get(pk=result.batch_id or 0))
    assert not NameKey.objects.exists()


def test_a_reimport_that_renames_an_account_refreshes_its_key(
    owner: User, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    first.write_text("external_id,legal_name\nA-1,ООО «Василёк»\n", encoding="utf-8")
    second.write_text("external_id,legal_name\nA-1,ООО «Ромашка»\n", encoding="utf-8")
    run_import(actor=owner, path=first, source_system="1c", target="accounts")
    run_import(actor=owner, path=second, source_system="1c", target="accounts")

    account = Account.objects.get(external_id="A-1")
    assert _key(account) == name_key_fields("ООО «Ромашка»", "ООО «Василёк»")
    assert _found(owner, "Romashka") == [account.pk]


def test_a_merge_drops_the_tombstones_key_and_its_undo_brings_both_back(
    owner: User, make_account: Callable[..., Account]
) -> None:
    survivor = make_account(owner=owner, legal_name="ООО «Ромашка»", display_name="Ромашка")
    merged = make_account(owner=owner, legal_name="ООО «Ромашка Плюс»", display_name="Ромашка+")
    before = {a.pk: _key(a) for a in (survivor, merged)}

    record = merge_accounts(
        actor=owner, survivor=survivor, merged=merged, field_choices={"legal_name": "merged"}
    )

    assert list(NameKey.objects.values_list("account_id", flat=True)) == [survivor.pk]
    assert _key(survivor) == name_key_fields("ООО «Ромашка Плюс»", "Ромашка")

    undo_merge(actor=owner, merge=record)

    assert {a.pk: _key(a) for a in (survivor, merged)} == before

"""Which sources and batches touched an account, for the account page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from clientbase.accounts.models import Account
from clientbase.imports.selectors import provenance_of
from clientbase.imports.services import run_import
from clientbase.imports.tests.conftest import orders_csv


def test_it_lists_the_batches_that_created_changed_and_sold_to_an_account(
    write: Callable[..., Path], catalog: Any, director: Any, outsider: Any
) -> None:
    header = "ID,Company name,INN\n"
    first = run_import(
        actor=None, path=write("a.csv", header + "A1,Acme,7707083893\n"), source_system="crm"
    )
    second = run_import(
        actor=None, path=write("b.csv", header + "A1,Acme Group,7707083893\n"), source_system="crm"
    )
    orders = run_import(
        actor=None,
        path=write("o.csv", orders_csv("R-1;01.02.2024;7707083893;P-1;2;100;50")),
        source_system="1c",
    )
    account = Account.objects.get(external_id="A1")
    assert (account.source_system, account.import_batch_id) == ("crm", second.batch_id)
    entries = provenance_of(actor=director, account=account)
    assert [(e.batch_id, e.source_system, e.what) for e in entries] == [
        (orders.batch_id, "1c", "orders"),
        (second.batch_id, "crm", "account, changed legal_name"),
        (first.batch_id, "crm", "account"),
    ]
    assert provenance_of(actor=outsider, account=account) == []

"""Import → export → import of the exported file changes nothing (issue 3, "done means")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.services import export_accounts
from clientbase.imports.models import RecordHistory
from clientbase.imports.services import run_import

CRM_A = (
    "ID,Company name,City,Country,Phone,E-mail,INN\n"
    "A1,ООО «Ромашка»,Москва,RU,+7 495 123-45-67,Sales@Romashka.ru,7707083893\n"
    "A2,شرکت پارس,تهران,IR,+98 21 8888 1234,,10101234567\n"
    "A3,Acme Trading Ltd,Berlin,DE,+49 30 1234567,info@acme.example,7736050003\n"
    # Starts like a formula: the CSV export writes it as "'@home…", the re-import undoes that.
    "A4,@home Services,Казань,RU,+7 843 555-00-11,,\n"
)


def snapshot() -> dict[int, dict[str, Any]]:
    """Every account's stored fields and tax ids, keyed by pk."""
    tax: dict[int, list[tuple[str, str]]] = {}
    for t in TaxIdentifier.objects.order_by("kind"):
        tax.setdefault(t.account_id, []).append((t.kind, t.value))
    return {
        row["id"]: {**row, "tax_ids": tax.get(row["id"], [])}
        for row in Account.objects.order_by("pk").values()
    }


def export_to(tmp_path: Path, director: User, fmt: str) -> Path:
    result = export_accounts(actor=director, query=AccountListQuery(), fmt=fmt)
    path = tmp_path / result.filename
    with result.file:
        path.write_bytes(result.file.read())
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_reimports_its_own_export_without_changing_anything(
    fmt: str,
    owner: User,
    director: User,
    tmp_path: Path,
    write: Callable[..., Path],
) -> None:
    first = run_import(actor=owner, path=write("crm_a.csv", CRM_A), source_system="crm_a")
    assert (first.created, first.rejected) == (4, 0)
    before = snapshot()
    assert before[Account.objects.get(external_id="A1").pk]["phone"] == "+74951234567"

    exported = export_to(tmp_path, director, fmt)
    again = run_import(actor=director, path=exported, source_system="crm_a")

    assert (again.status, again.rejected, again.errors) == ("done", 0, [])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert snapshot() == before
    assert not RecordHistory.objects.filter(batch_id=again.batch_id).exists()


def test_an_edit_in_the_export_updates_that_very_account(
    owner: User, director: User, tmp_path: Path, write: Callable[..., Path]
) -> None:
    run_import(actor=owner, path=write("crm_a.csv", CRM_A), source_system="crm_a")
    acme = Account.objects.get(external_id="A3")
    exported = export_to(tmp_path, director, "csv")
    text = exported.read_text(encoding="utf-8-sig").replace("Berlin", "Hamburg")
    text = text.replace("ru_inn:7736050003", "ru_inn:7736050003; ru_kpp:773601001")

    again = run_import(actor=director, path=write("edited.csv", text), source_system="crm_a")

    assert (again.created, again.updated, again.unchanged) == (0, 1, 3)
    acme.refresh_from_db()
    assert (acme.city, acme.source_system, acme.external_id) == ("Hamburg", "crm_a", "A3")
    assert dict(acme.tax_ids.values_list("kind", "value")) == {
        "ru_inn": "7736050003",
        "ru_kpp": "773601001",
    }
    assert Account.objects.count() == 4


def test_it_rejects_an_exported_row_whose_id_this_base_lacks(
    owner: User, director: User, tmp_path: Path, write: Callable[..., Path]
) -> None:
    run_import(actor=owner, path=write("crm_a.csv", CRM_A), source_system="crm_a")
    exported = export_to(tmp_path, director, "csv")
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    missing = str(Account.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100)
    forged = lines[1].split(",", 1)[1]
    text = "\n".join([*lines, f"{missing},{forged}"]) + "\n"

    result = run_import(actor=director, path=write("forged.csv", text), source_system="x")

    assert result.status == "rejected"
    assert [(e.column, e.value) for e in result.errors] == [("id", missing)]
    assert Account.objects.count() == 4

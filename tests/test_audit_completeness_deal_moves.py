"""Audit completeness on a bulk path that writes one row per record: a deal import that moves
deals (in several chunks) writes one `deal.move` per moved deal, and its rollback one per
deal moved back — plus one start/finish (or rollback) row per import."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.audit_trail import verify
from clientbase.access.models import AuditEvent, User
from clientbase.imports.models import ImportBatch
from clientbase.imports.services import rollback_batch, run_import
from clientbase.imports.tests.crm_support import (  # noqa: F401 - fixtures
    INN_A,
    SOURCE,
    crm_accounts,
    pipeline,
)

pytestmark = pytest.mark.usefixtures("crm_accounts", "pipeline")

HEADER = "ID;Название сделки;ID компании;ИНН;Этап сделки;Бюджет;Ответственный;Дата закрытия\n"
ROWS = [
    "D-1;Насосы;C-1;;Первичный контакт;100;owner;\n",
    "D-2;Pumps;;{inn};Первичный контакт;200;;\n",
    "D-3;Клапаны;C-2;;Первичный контакт;300;;\n",
    "D-4;Трубы;C-2;;Переговоры;400;;\n",
    "D-5;Valves;C-1;;Переговоры;500;;\n",
]


@pytest.fixture(autouse=True)
def _import_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def actions_after(seq: int) -> Counter[str]:
    return Counter(AuditEvent.objects.filter(seq__gt=seq).values_list("action", flat=True))


def head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_each_moved_deal_is_one_row_in_the_import_and_in_its_rollback(
    tmp_path: Path, director: User
) -> None:
    first = tmp_path / "deals.csv"
    first.write_text(HEADER + "".join(ROWS).replace("{inn}", INN_A), encoding="utf-8")
    run_import(actor=None, path=first, source_system=SOURCE, chunk_size=2)
    moved = [r.replace("Первичный контакт", "Переговоры") for r in ROWS[:3]]
    second = tmp_path / "moved.csv"
    second.write_text(HEADER + "".join(moved + ROWS[3:]).replace("{inn}", INN_A), "utf-8")
    start = head()

    result = run_import(actor=director, path=second, source_system=SOURCE, chunk_size=2)

    assert result.updated == 3  # in 3 chunks of 2
    assert actions_after(start) == {"import.start": 1, "deal.move": 3, "import.done": 1}
    start = head()

    batch = ImportBatch.objects.get(pk=int(result.batch_id or 0))
    rollback_batch(actor=director, batch=batch)

    assert actions_after(start) == {"deal.move": 3, "import.rollback": 1}
    assert verify().ok

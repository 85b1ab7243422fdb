"""Deal and activity exports are recognised from their headers in en/ru/fa, and the CLI
reads a deals export with its shipped template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.cli import main
from clientbase.imports.mapping import auto_mapping, shipped_templates
from clientbase.imports.services import guess_target
from clientbase.imports.tests.crm_support import (  # noqa: F401 - fixtures
    SOURCE,
    crm_accounts,
    pipeline,
)
from clientbase.sales.models import Deal


@pytest.mark.parametrize(
    ("template", "target"),
    [
        ("amocrm_deals", "deals"),
        ("hubspot_deals", "deals"),
        ("salesforce_opportunities", "deals"),
        ("salesforce_activities", "activities"),
        ("bitrix24_activities", "activities"),
    ],
)
def test_it_tells_a_deals_or_activities_export_from_its_headers(template: str, target: str) -> None:
    headers = list(shipped_templates()[template]["columns"])
    assert shipped_templates()[template]["target"] == target
    assert guess_target(headers) == target


def test_it_still_tells_a_companies_export_from_a_deals_export() -> None:
    assert guess_target(["ID", "Название компании", "ИНН", "Телефон"]) == "accounts"
    assert guess_target(["ID", "Название сделки", "ИНН", "Стадия"]) == "deals"


def test_it_maps_persian_deal_and_activity_headers() -> None:
    assert auto_mapping(["شناسه", "عنوان معامله", "کد مشتری", "مرحله", "مبلغ"], "deals") == {
        "شناسه": "external_id",
        "عنوان معامله": "title",
        "کد مشتری": "account_external_id",
        "مرحله": "stage",
        "مبلغ": "amount",
    }
    assert auto_mapping(["شناسه", "نوع", "موضوع", "سررسید"], "activities") == {
        "شناسه": "external_id",
        "نوع": "kind",
        "موضوع": "subject",
        "سررسید": "due_at",
    }


@pytest.mark.usefixtures("crm_accounts", "pipeline")
def test_the_cli_imports_a_hubspot_deals_export_with_its_template(
    write: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        "deals.csv",
        "Record ID,Deal Name,Associated Company IDs,Deal Stage,Amount,Close Date\n"
        "9001,Pumps,C-1,Переговоры,1200.50,2024-05-31\n",
    )

    main(["import", str(path), "--source", SOURCE, "--mapping", "hubspot_deals"])

    assert "1 created, 0 updated, 0 unchanged, 0 rows rejected" in capsys.readouterr().out
    assert Deal.objects.get(external_id="9001").stage.name == "Переговоры"

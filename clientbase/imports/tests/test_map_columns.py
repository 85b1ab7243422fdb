from __future__ import annotations

import pytest

from clientbase.imports.mapping import auto_mapping, check_mapping, shipped_templates
from clientbase.imports.validation import TARGETS


def test_it_maps_russian_english_and_persian_headers() -> None:
    assert auto_mapping(["ИНН", "Наименование", "Телефон"], "accounts") == {
        "ИНН": "tax_id",
        "Наименование": "legal_name",
        "Телефон": "phone",
    }
    assert auto_mapping(["Tax ID", "Company name", "ID"], "accounts") == {
        "Tax ID": "tax_id",
        "Company name": "legal_name",
        "ID": "external_id",
    }
    assert auto_mapping(["شناسه ملی", "نام شرکت"], "accounts") == {
        "شناسه ملی": "tax_id",
        "نام شرکت": "legal_name",
    }
    assert auto_mapping(["Дата", "تاریخ"], "orders") == {"Дата": "date"}


def test_it_names_unmapped_required_fields() -> None:
    problems = check_mapping({"ИНН": "tax_id"}, ["ИНН"], "accounts")
    assert "no column is mapped to external_id" in problems
    assert "no column is mapped to legal_name" in problems


@pytest.mark.parametrize("name", sorted(shipped_templates()))
def test_every_shipped_template_maps_to_real_fields(name: str) -> None:
    template = shipped_templates()[name]
    fields = TARGETS[template["target"]].fields
    assert set(template["columns"].values()) <= set(fields)
    headers = list(template["columns"])
    assert check_mapping(template["columns"], headers, template["target"]) == []

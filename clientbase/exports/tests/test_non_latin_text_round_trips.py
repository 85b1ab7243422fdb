"""Cyrillic and Persian text comes back exactly, in both formats."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import read

pytestmark = pytest.mark.django_db

NAMES = [
    ("ООО «Ёлка и Ко»", "Ёлка", "Санкт-Петербург"),
    ("شرکت سهامی خاص نمونه", "نمونه\u200cها", "تهران"),  # with a ZWNJ
    ("Ферма «Кишмиш» / کشمش", "Смесь — mixed", "Мешхед مشهد"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cyrillic_and_persian_text_round_trips_exactly(
    director: User, make_account: Callable[..., Account], fmt: str
) -> None:
    for legal, display, city in NAMES:
        make_account(owner=director, legal_name=legal, display_name=display, city=city)
    rows = read(export_accounts(actor=director, query=AccountListQuery(), fmt=fmt))
    exported = sorted((row["legal_name"], row["display_name"], row["city"]) for row in rows)
    assert exported == sorted(NAMES)

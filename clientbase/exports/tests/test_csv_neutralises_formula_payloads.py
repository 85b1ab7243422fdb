"""No CSV cell can start a formula when the file is opened in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.cells import csv_cell, is_dangerous, restore_csv_cell
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import PAYLOADS, read

SAFE = ["", "Acme", "ООО «Ромашка»", "شرکت نمونه", "a=1", "1-2", " Acme", "user@example.com", "'"]


@pytest.mark.django_db
def test_csv_neutralises_formula_payloads(
    director: User, make_account: Callable[..., Account]
) -> None:
    for payload in PAYLOADS:
        account = make_account(owner=director)
        # Straight into the table: an export must be safe whatever an import let in.
        Account.objects.filter(pk=account.pk).update(
            display_name=payload, legal_name=payload, city=payload
        )
    rows = read(export_accounts(actor=director, query=AccountListQuery(), fmt="csv"))
    assert len(rows) == len(PAYLOADS)
    exported = sorted((row["display_name"], row["legal_name"], row["city"]) for row in rows)
    expected = sorted(("'" + p, "'" + p, "'" + p) for p in PAYLOADS)
    assert exported == expected


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_dangerous_and_gets_an_apostrophe(payload: str) -> None:
    assert is_dangerous(payload)
    assert csv_cell(payload) == "'" + payload


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert csv_cell(text) == text


@pytest.mark.parametrize("text", ["  \t=1", " \x01x", "\x7f", "\x1b[31m", "+7 495 000-00-00"])
def test_whitespace_or_control_characters_before_a_formula_do_not_hide_it(text: str) -> None:
    assert csv_cell(text).startswith("'")


@pytest.mark.parametrize("text", [*PAYLOADS, *SAFE, "'=1", "''=1", "' =1", "''"])
def test_a_re_import_can_undo_the_apostrophe_exactly(text: str) -> None:
    assert restore_csv_cell(csv_cell(text)) == text

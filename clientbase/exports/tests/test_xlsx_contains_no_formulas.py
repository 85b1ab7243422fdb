"""No XLSX cell is a formula: every value is an explicit string cell."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.cells import xlsx_cell
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import PAYLOADS, xlsx_cells

pytestmark = pytest.mark.django_db


def test_xlsx_contains_no_formulas(director: User, make_account: Callable[..., Account]) -> None:
    for payload in PAYLOADS:
        account = make_account(owner=director)
        Account.objects.filter(pk=account.pk).update(display_name=payload, city=payload)
    result = export_accounts(actor=director, query=AccountListQuery(), fmt="xlsx")
    data = result.file.read()
    header, *rows = xlsx_cells(data)
    keys = [cell.value for cell in header]
    assert len(rows) == len(PAYLOADS)
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if cell.value is not None:
                assert cell.data_type in ("s", "inlineStr")
                assert isinstance(cell.value, str)
    name, city = keys.index("display_name"), keys.index("city")
    exported = sorted((row[name].value, row[city].value) for row in rows)
    assert exported == sorted((xlsx_cell(p), xlsx_cell(p)) for p in PAYLOADS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    assert b"<f " not in sheet


def test_xlsx_strips_control_characters_but_keeps_tabs_and_line_breaks() -> None:
    assert xlsx_cell("\x01=1") == "=1"
    assert xlsx_cell("\r=1") == "=1"
    assert xlsx_cell("a\x00b\x1fc\x0bd\x7fe\x85f") == "abcdef"
    assert xlsx_cell("\t=1\r\nline 2\n") == "\t=1\nline 2\n"
    assert xlsx_cell("شرکت\u200cنمونه") == "شرکت\u200cنمونه"


def test_markup_characters_and_line_breaks_come_back_as_text(
    director: User, make_account: Callable[..., Account]
) -> None:
    names = ["A & B <C> \"D\" 'E'", "line 1\r\nline 2\x02", "</t></is></c><c><f>1+1</f></c>"]
    for name in names:
        make_account(owner=director, display_name=name)
    result = export_accounts(actor=director, query=AccountListQuery(), fmt="xlsx")
    header, *rows = xlsx_cells(result.file.read())
    column = [cell.value for cell in header].index("display_name")
    assert sorted(row[column].value for row in rows) == sorted(xlsx_cell(n) for n in names)

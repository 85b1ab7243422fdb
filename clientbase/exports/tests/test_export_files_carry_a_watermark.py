"""Every exported file names who exported it and when: the CSV's last line; the XLSX's first
line, printed header and footer, and document properties. Our own importer skips the line."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC

import openpyxl
import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.cells import WATERMARK_PREFIX, is_watermark_row
from clientbase.exports.models import Export
from clientbase.exports.services import export_accounts

pytestmark = pytest.mark.django_db


def _export(user: User, fmt: str) -> bytes:
    result = export_accounts(actor=user, query=AccountListQuery(), fmt=fmt)
    with result.file:
        return result.file.read()


def _stamp() -> str:
    """When the (only) export started, as its watermark writes it."""
    return Export.objects.get().created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def test_the_csv_ends_with_who_exported_it_and_when(
    director: User, make_account: Callable[..., Account]
) -> None:
    director.first_name, director.last_name = "Dina", "Director"
    director.save()
    make_account(display_name="Alpha")
    *rows, last = list(csv.reader(io.StringIO(_export(director, "csv").decode("utf-8-sig"))))
    assert [row[1] for row in rows] == ["display_name", "Alpha"]
    assert is_watermark_row(last)
    assert last[0].startswith(WATERMARK_PREFIX)
    assert f"director (Dina Director, #{director.pk})" in last[0]
    assert _stamp() in last[0]
    assert len(last) == len(rows[0])  # a full-width row: spreadsheets and our importer agree
    assert Export.objects.get().watermark == last[0]


def test_the_xlsx_shows_it_on_its_first_line_header_footer_and_properties(
    director: User, make_account: Callable[..., Account]
) -> None:
    make_account(display_name="Alpha")
    data = _export(director, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    first = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert is_watermark_row(first)
    assert "director" in str(first[0])
    assert _stamp() in str(first[0])
    assert [c.value for c in sheet[2]][:2] == ["id", "display_name"]
    assert [c.value for c in sheet[3]][1] == "Alpha"
    assert sheet.oddHeader.center.text == first[0]
    assert sheet.oddFooter.center.text == first[0]
    assert book.properties.creator == "director"
    assert book.properties.description == first[0]
    created = Export.objects.get().created_at.astimezone(UTC).replace(microsecond=0)
    assert book.properties.created == created.replace(tzinfo=None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "docProps/core.xml" in archive.namelist()


def test_a_name_with_markup_and_ampersands_stays_text(
    director: User, make_account: Callable[..., Account]
) -> None:
    director.first_name = "Tom & <b>Jerry</b>"
    director.save()
    make_account()
    sheet = openpyxl.load_workbook(io.BytesIO(_export(director, "xlsx"))).worksheets[0]
    assert "Tom & <b>Jerry</b>" in str(sheet["A1"].value)
    # In header codes "&" starts a command, so a literal one is doubled (Excel prints one).
    assert sheet.oddHeader.center.text.replace("&&", "&") == sheet["A1"].value


def test_the_longest_names_fit(director: User, make_account: Callable[..., Account]) -> None:
    director.first_name, director.last_name = "Ф" * 150, "ش" * 150
    director.save()
    make_account()
    assert is_watermark_row(xlsx_first_row(_export(director, "xlsx")))
    assert len(Export.objects.get().watermark) > 300


def xlsx_first_row(data: bytes) -> list[object]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]

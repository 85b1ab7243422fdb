from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clientbase.imports.readers import BadRow, FileError, open_table


def test_it_reads_cp1251_with_semicolons_and_quoted_newlines(write: Callable[..., Path]) -> None:
    path = write("a.csv", data='ИНН;Наименование\n7707083893;"ООО\n«Ромашка»"\n'.encode("cp1251"))
    table = open_table(path)
    assert (table.encoding, table.headers) == ("cp1251", ["ИНН", "Наименование"])
    assert list(table.rows) == [(2, ["7707083893", "ООО\n«Ромашка»"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_it_sniffs_the_delimiter_of_a_utf8_bom_file(
    write: Callable[..., Path], delimiter: str
) -> None:
    text = f"id{delimiter}name\n1{delimiter}Acme, Inc\n".replace("Acme, Inc", "Acme")
    table = open_table(write("a.csv", data=b"\xef\xbb\xbf" + text.encode()))
    assert table.headers == ["id", "name"]
    assert list(table.rows) == [(2, ["1", "Acme"])]


def test_it_rejects_utf16_naming_the_byte_offset(write: Callable[..., Path]) -> None:
    with pytest.raises(FileError, match=r"neither UTF-8 nor Windows-1251.*offset \d+"):
        open_table(write("a.csv", data="id,name\n1,x\n".encode("utf-16")))


def test_it_rejects_a_utf8_file_with_a_foreign_byte_naming_the_line(
    write: Callable[..., Path],
) -> None:
    data = "id,name\n1,Ромашка\n".encode() + b"2,\xff\n"
    with pytest.raises(FileError, match=r"not valid UTF-8: byte 0xff at offset 27 \(line 3\)"):
        list(open_table(write("a.csv", data=data)).rows)


def test_it_rejects_an_empty_file(write: Callable[..., Path]) -> None:
    with pytest.raises(FileError, match="empty"):
        open_table(write("empty.csv", data=b""))


def test_a_10_mb_cell_is_a_row_error_and_the_next_rows_still_read(
    write: Callable[..., Path],
) -> None:
    data = b"id,name\n1," + b"x" * (10 * 1024 * 1024) + b"\n2,ok\n"
    rows = list(open_table(write("big.csv", data=data)).rows)
    assert isinstance(rows[0][1], BadRow)
    assert "larger than 1 MB" in rows[0][1].reason
    assert rows[1] == (3, ["2", "ok"])


def test_a_ragged_row_is_a_row_error(write: Callable[..., Path]) -> None:
    rows = list(open_table(write("r.csv", "a,b,c\n1,2\n1,2,3,4\n1,2,3,\n")).rows)
    assert isinstance(rows[0][1], BadRow)
    assert "2 cells but the header has 3" in rows[0][1].reason
    assert isinstance(rows[1][1], BadRow)
    assert rows[2] == (4, ["1", "2", "3"])


def test_xlsx_reads_the_first_visible_sheet_and_ignores_hidden_ones(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Old"
    hidden.append(["junk"])
    hidden.sheet_state = "hidden"
    data = book.create_sheet("Data")
    data.append(["ИНН", "Наименование"])
    data.append(["7707083893", "Ромашка"])
    book.save(tmp_path / "a.xlsx")
    table = open_table(tmp_path / "a.xlsx")
    assert table.headers == ["ИНН", "Наименование"]
    assert list(table.rows) == [(2, ["7707083893", "Ромашка"])]


def test_xlsx_with_merged_cells_is_refused_naming_the_range(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name"])
    sheet.append(["1", "a"])
    sheet.merge_cells("A3:B4")
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(FileError, match=r"merged cells.*A3:B4"):
        open_table(tmp_path / "m.xlsx")


def test_parquet_and_json_lines_stream_rows(write: Callable[..., Path], tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["1", "2"], "qty": [1.5, 2.0]}), tmp_path / "a.parquet")
    assert list(open_table(tmp_path / "a.parquet").rows) == [(2, ["1", 1.5]), (3, ["2", 2.0])]
    jsonl = write("a.jsonl", '{"id": "1", "name": "x"}\n\n[1]\n{"id": "2"}\n')
    rows = list(open_table(jsonl).rows)
    assert rows[0] == (2, ["1", "x"])
    assert isinstance(rows[1][1], BadRow)
    assert rows[2] == (5, ["2", None])

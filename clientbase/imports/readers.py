"""File formats an import reads: CSV, XLSX, Parquet, JSON Lines.

Every reader streams: it yields `(row_number, cells)` one row at a time and never holds the
whole file. Row numbers are 1-based as a spreadsheet shows them (the header is row 1), so a
CSV record with quoted newlines still counts as one row.

A problem with the file as a whole (empty, undecodable, merged cells) raises `FileError`; a
problem with one row (a cell over the size limit, ragged cells) comes back as a `BadRow` in the
stream so the rest of the file is still checked.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from clientbase.exports.cells import is_watermark_row

MAX_CELL = 1024 * 1024  # characters; larger cells are a row error, not a memory problem
_MAX_LINE = 64 * 1024 * 1024  # a "line" this long without a newline is not a text table
_BLOCK = 1024 * 1024
DELIMITERS = ",;\t|"

# The csv module refuses fields over its limit; one above MAX_CELL lets us report the size.
csv.field_size_limit(MAX_CELL + 1)


class FileError(Exception):
    """The file as a whole cannot be read; the message says why and where."""


@dataclass(frozen=True)
class BadRow:
    """A row the reader could not split into cells."""

    column: str
    value: str
    reason: str


Row = tuple[int, list[Any] | BadRow]


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[Row]
    format: str
    encoding: str = ""


def open_table(path: Path, *, sheet: str | None = None) -> Table:
    """Open a file by its extension and return its headers and a row stream."""
    if not path.exists():
        raise FileError(_("%(path)s: no such file") % {"path": path})
    if path.stat().st_size == 0:
        raise FileError(_("%(name)s is empty (0 bytes): nothing to import") % {"name": path.name})
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _open_xlsx(path, sheet)
    if suffix == ".parquet":
        return _open_parquet(path)
    if suffix in {".jsonl", ".ndjson"}:
        return _open_jsonl(path)
    return _open_csv(path)


# --- CSV ---------------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) if the sample decodes as such, else Windows-1251 if it looks
    like text in it, else a FileError naming the first bad byte."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        # Valid multi-byte UTF-8 before the bad byte: a UTF-8 file with a foreign piece in it.
        if _UTF8_SEQ.search(sample[: exc.start]):
            raise FileError(
                _bad_byte("UTF-8", sample[exc.start], exc.start, sample[: exc.start])
            ) from None
    # cp1251 maps almost every byte, so check the result looks like text: no NULs or controls.
    for offset, byte in enumerate(sample):
        if (byte < 0x20 and byte not in (9, 10, 13)) or byte == 0x98:
            raise FileError(
                _(
                    "the file is neither UTF-8 nor Windows-1251 text: byte 0x%(byte)02x at "
                    "offset %(offset)d (line %(line)d) cannot be read; save it as CSV UTF-8"
                )
                % {"byte": byte, "offset": offset, "line": sample[:offset].count(b"\n") + 1}
            )
    return "cp1251"


_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _bad_byte(encoding: str, byte: int, offset: int, before: bytes) -> str:
    return _(
        "the file is not valid %(encoding)s: byte 0x%(byte)02x at offset %(offset)d "
        "(line %(line)d) cannot be decoded; save the whole file in one encoding"
    ) % {"encoding": encoding, "byte": byte, "offset": offset, "line": before.count(b"\n") + 1}


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """Decoded lines, each ending in "\\n"; a decoding error names its byte offset."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    lines = 0
    rest = ""
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                name = "UTF-8" if encoding.startswith("utf") else encoding
                head = (rest.encode(encoding) if rest else b"") + block[: exc.start]
                message = _bad_byte(name, block[exc.start], offset + exc.start, b"")
                line = lines + head.count(b"\n") + 1
                raise FileError(message.replace("(line 1)", f"(line {line})")) from None
            offset += len(block)
            if not block:
                if rest:
                    yield rest + "\n"
                return
            parts = (rest + text).split("\n")
            rest = parts.pop()
            if len(rest) > _MAX_LINE:
                raise FileError(_("a line longer than 64 MB: this is not a CSV table"))
            lines += len(parts)
            for part in parts:
                yield part + "\n"


def sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0]
        return max(DELIMITERS, key=header.count)


def _open_csv(path: Path) -> Table:
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    encoding = detect_encoding(sample)
    preview = sample.decode(encoding, errors="ignore")
    delimiter = sniff_delimiter(preview)
    reader = csv.reader(_lines(path, encoding), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise FileError(_("%(name)s has no header row") % {"name": path.name}) from None
    except csv.Error as exc:
        raise FileError(_("the header row cannot be read: %(error)s") % {"error": exc}) from None
    return Table(headers, _csv_rows(reader, len(headers)), "csv", encoding)


def _csv_rows(reader: Any, width: int) -> Iterator[Row]:
    row_no = 1
    while True:
        row_no += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field larger" in reason:
                reason = _("a cell is larger than 1 MB")
            yield row_no, BadRow("", "", reason)
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # blank line
        if is_watermark_row(cells):
            continue  # the line our own exports end with: who exported the file, and when
        yield row_no, _fit(cells, width)


def _fit(cells: list[Any], width: int) -> list[Any] | BadRow:
    if len(cells) == width:
        return cells
    if len(cells) > width and not any(str(c).strip() for c in cells[width:] if c is not None):
        return cells[:width]
    return BadRow(
        "",
        "",
        _("the row has %(n)d cells but the header has %(m)d") % {"n": len(cells), "m": width},
    )


# --- XLSX --------------------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(path: Path, sheet_xml: str) -> list[str]:
    """Merged ranges of one sheet, found by streaming its XML (read-only mode does not load
    them). Merged cells are refused: which row owns the value is a guess we will not make."""
    found: list[str] = []
    with zipfile.ZipFile(path) as archive, archive.open(sheet_xml) as member:
        tail = b""
        while block := member.read(_BLOCK):
            data = tail + block
            found.extend(m.decode() for m in _MERGE.findall(data))
            tail = data[-200:]
            if found:
                break
    return found


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(_("not a readable XLSX workbook: %(error)s") % {"error": exc}) from None
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise FileError(_("the workbook has no sheet named %(sheet)r") % {"sheet": sheet})
        worksheet = workbook[sheet]
    else:
        visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise FileError(_("the workbook has no visible sheet"))
        worksheet = visible[0]  # hidden sheets (lookups, old data) are never imported
    index = workbook.worksheets.index(worksheet)
    sheet_xml = _sheet_part(path, index)
    merged = _merged_ranges(path, sheet_xml) if sheet_xml else []
    if merged:
        workbook.close()
        raise FileError(
            _(
                "sheet %(sheet)r has merged cells (%(ranges)s): unmerge them so every row "
                "carries its own values"
            )
            % {"sheet": worksheet.title, "ranges": ", ".join(merged[:5])}
        )
    rows = worksheet.iter_rows(values_only=True)
    first_row = 2
    try:
        first = list(next(rows))
        if is_watermark_row(first):  # our own export: the watermark line above the header
            first = list(next(rows))
            first_row = 3
        headers = [str(h).strip() if h is not None else "" for h in first]
    except StopIteration:
        workbook.close()
        raise FileError(_("sheet %(sheet)r is empty") % {"sheet": worksheet.title}) from None
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers, _xlsx_rows(workbook, rows, len(headers), first_row), "xlsx")


def _sheet_part(path: Path, index: int) -> str:
    """The zip member of the index-th sheet, resolved through the workbook relationships."""
    with zipfile.ZipFile(path) as archive:
        workbook_xml = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    ids = re.findall(rb"<(?:\w+:)?sheet [^>]*r:id=\"([^\"]+)\"", workbook_xml)
    if index >= len(ids):
        return ""
    for rel in re.finditer(rb"<Relationship [^>]*>", rels):
        tag = rel.group(0)
        if b'Id="' + ids[index] + b'"' in tag:
            target = re.search(rb'Target="([^"]+)"', tag)
            if target:
                name = target.group(1).decode().lstrip("/")
                return name if name.startswith("xl/") else f"xl/{name}"
    return ""


def _xlsx_rows(
    workbook: Any, rows: Iterator[tuple[Any, ...]], width: int, first_row: int = 2
) -> Iterator[Row]:
    try:
        for row_no, values in enumerate(rows, start=first_row):
            cells = list(values)
            if not any(v not in (None, "") for v in cells):
                continue
            yield row_no, _fit(cells, width)
    finally:
        workbook.close()


# --- Parquet and JSON Lines --------------------------------------------------------------------


def _open_parquet(path: Path) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FileError(_("not a readable Parquet file: %(error)s") % {"error": exc}) from None
    headers = list(parquet.schema_arrow.names)

    def rows() -> Iterator[Row]:
        row_no = 1
        for batch in parquet.iter_batches(batch_size=20_000):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                row_no += 1
                yield row_no, _capped(list(values))

    return Table(headers, rows(), "parquet")


def _capped(cells: list[Any]) -> list[Any] | BadRow:
    for cell in cells:
        if isinstance(cell, str) and len(cell) > MAX_CELL:
            return BadRow("", "", _("a cell is larger than 1 MB"))
    return cells


def _open_jsonl(path: Path) -> Table:
    headers: list[str] = []
    with path.open("rb") as handle:
        for _n, line in zip(range(100), handle, strict=False):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                headers.extend(k for k in record if k not in headers)
    if not headers:
        raise FileError(_("no JSON object found in the first lines of %(n)s") % {"n": path.name})

    def rows() -> Iterator[Row]:
        with path.open("rb") as handle:
            for row_no, line in enumerate(handle, start=2):
                if not line.strip():
                    continue
                if len(line) > MAX_CELL * 4:
                    yield row_no, BadRow("", "", _("a cell is larger than 1 MB"))
                    continue
                try:
                    record = json.loads(line)
                except ValueError as exc:
                    yield row_no, BadRow("", "", _("not a JSON object: %(e)s") % {"e": exc})
                    continue
                if not isinstance(record, dict):
                    yield row_no, BadRow("", "", _("not a JSON object"))
                    continue
                yield row_no, _capped([record.get(h) for h in headers])

    return Table(headers, rows(), "jsonl")

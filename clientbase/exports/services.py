"""Exports of lists to CSV and XLSX: checked on the server, streamed, neutralised, audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from tempfile import SpooledTemporaryFile
from typing import IO, Any, Literal, cast

import xlsxwriter
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientbase.access.models import User
from clientbase.access.selectors import EXPORT, can, require
from clientbase.access.services import record_audit
from clientbase.accounts import selectors as account_selectors
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.cells import csv_cell, xlsx_cell

ExportFormat = Literal["csv", "xlsx"]
CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Rows read per query: the selector's own page maximum, so memory stays flat for any size.
CHUNK_SIZE = 500
# Small exports stay in memory; larger ones roll over to a temporary file on disk.
SPOOL_MAX_BYTES = 8 * 1024 * 1024


class ExportFormatError(ValueError):
    """An export format we do not write."""


@dataclass(frozen=True)
class ExportResult:
    """A finished export. `file` is positioned at its start; whoever sends it closes it."""

    file: IO[bytes]
    filename: str
    content_type: str
    fmt: str
    row_count: int


def export_accounts(*, actor: User, query: AccountListQuery, fmt: str) -> ExportResult:
    """Every account of the filtered list that `actor` may see, as a CSV or XLSX file.

    The filter is the list's (q, status, sort); the cursor and page size are ignored: an
    export is the whole list. A denied attempt is audited as `export.denied` and raises
    PermissionDenied; a successful one writes one `export.accounts` audit row.
    """
    if fmt not in CONTENT_TYPES:
        raise ExportFormatError(
            _("Unknown export format %(fmt)r: choose csv or xlsx.") % {"fmt": fmt}
        )
    query = replace(query, after="", limit=CHUNK_SIZE)
    filter_ = {"q": query.q, "status": query.status, "sort": query.sort}
    if not can(actor, EXPORT, "accounts"):
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.denied",
                object_type="accounts",
                changes={"filter": filter_, "format": fmt},
            )
        require(actor, EXPORT, "accounts")

    fields = account_selectors.exportable_account_fields(actor)
    header = [field.key for field in fields]
    rows = ([field.text(a) for field in fields] for a in _accounts(actor=actor, query=query))
    # Not a context manager: the file outlives this call and the response closes it.
    spool = cast(IO[bytes], SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES))  # noqa: SIM115
    try:
        write = _write_csv if fmt == "csv" else _write_xlsx
        count = write(spool, header, rows)
        with transaction.atomic():
            record_audit(
                actor=actor,
                action="export.accounts",
                object_type="accounts",
                changes={"filter": filter_, "format": fmt, "rows": count, "columns": header},
            )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ExportResult(
        file=spool,
        filename=f"accounts-{timezone.localdate().isoformat()}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        fmt=fmt,
        row_count=count,
    )


def _accounts(*, actor: User, query: AccountListQuery) -> Iterator[Any]:
    """The list's rows, one keyset page at a time (never the whole list in memory)."""
    while True:
        page = account_selectors.account_list(actor=actor, query=query)
        yield from page.accounts
        if page.next_cursor is None:
            return
        query = replace(query, after=page.next_cursor)


def _write_csv(out: IO[bytes], header: list[str], rows: Iterable[list[str]]) -> int:
    """UTF-8 with a BOM (so Excel reads Cyrillic and Persian), comma-separated, quoted."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
    text.flush()
    text.detach()  # hand the byte stream back without closing it
    return count


def _write_xlsx(out: IO[bytes], header: list[str], rows: Iterable[list[str]]) -> int:
    """One sheet, every cell an explicit string (never a formula), written row by row."""
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet("accounts")
    bold = workbook.add_format({"bold": True})
    sheet.freeze_panes(1, 0)
    for column, key in enumerate(header):
        sheet.write_string(0, column, key, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            # Longer than a cell can hold (32,767) is cut by xlsxwriter; list fields never are.
            sheet.write_string(count, column, xlsx_cell(value))
    workbook.close()
    return count

"""Helpers for the export tests: run an export and read the file back as a spreadsheet would.

The people (owner, teammate, outsider, lead, director) and `make_account` come from the
project's conftest.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from clientbase.access.models import AuditEvent
from clientbase.exports.cells import is_watermark_row
from clientbase.exports.models import Export
from clientbase.exports.services import ExportResult, exports_dir

PAYLOADS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
    "\n=1",
    '=HYPERLINK("http://x")',
    "\x01=1",
    " +1",
    "\t@SUM(A1)",
    "\x1b-1",
    "\u00a0=1",
    "\r\n=cmd|' /C calc'!A0",
]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The CSV's rows by header (without the watermark line that ends the file), after
    checking it is UTF-8 with a BOM."""
    assert data.startswith(b"\xef\xbb\xbf")
    *rows, last = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert is_watermark_row(last), last
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def xlsx_cells(data: bytes) -> list[list[Any]]:
    """Every cell of the first sheet below the watermark line (openpyxl cells, header row
    first)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    mark, *rows = [list(row) for row in workbook.worksheets[0].iter_rows()]
    assert is_watermark_row([cell.value for cell in mark]), mark
    return rows


def xlsx_rows(data: bytes) -> list[dict[str, Any]]:
    """The XLSX's rows by header, values only."""
    header, *rows = xlsx_cells(data)
    keys = [cell.value for cell in header]
    return [dict(zip(keys, (cell.value for cell in row), strict=True)) for row in rows]


def read(result: ExportResult) -> list[dict[str, Any]]:
    data = result.file.read()
    result.file.close()
    return csv_rows(data) if result.fmt == "csv" else xlsx_rows(data)


def export_events(action: str = "export.accounts") -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def background(settings: Any, tmp_path: Path) -> Path:
    """Exports of more than 2 rows go to the worker (run at once by the immediate backend);
    files land in a private VAR_DIR, returned."""
    settings.EXPORT_BACKGROUND_ROWS = 2
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR  # type: ignore[no-any-return]


@pytest.fixture
def queued_only(background: Path, settings: Any) -> Path:
    """Like `background`, but tasks wait in the database queue: nothing runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return background


def export_file(export: Export) -> bytes:
    return (exports_dir() / export.file_path).read_bytes()


def rows_of(data: bytes, fmt: str) -> list[dict[str, Any]]:
    return csv_rows(data) if fmt == "csv" else xlsx_rows(data)


@pytest.fixture
def admin(db: None) -> Any:
    from clientbase.access.models import Role
    from clientbase.access.services import create_user

    return create_user(actor=None, username="admin", password=None, role=Role.ADMIN)


@pytest.fixture
def tight_limits(db: None) -> Any:
    """Team leads (who hold the export right) may export 3 rows at a time, 5 a day."""
    from clientbase.exports.models import ExportPolicy

    return ExportPolicy.objects.create(role="team_lead", max_rows_per_export=3, max_rows_per_day=5)

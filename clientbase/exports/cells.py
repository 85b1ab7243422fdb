"""Cell text that a spreadsheet can never run as a formula (CSV/formula injection).

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ as a formula, and
also after leading tabs, line breaks, spaces or other control characters, which they skip.
CSV has no cell types, so such text gets a leading apostrophe (the spreadsheet convention for
"this is text"). XLSX cells are written as explicit strings instead. XML 1.0 cannot hold most
control characters (xlsxwriter would write them as `_x0001_` escapes, which only Excel
decodes), so they are removed there; tab and line feed stay, CR LF becomes LF (Excel's own
line break inside a cell; a bare CR would not survive XML parsing anyway).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

FORMULA_STARTS = ("=", "+", "-", "@")
# Control characters (C0 but tab and LF, DEL, C1) and the two XML non-characters.
_XLSX_DROPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def is_dangerous(text: str) -> bool:
    """Whether a spreadsheet might read `text` as a formula (or hide what leads it)."""
    if not text:
        return False
    if text[0] in FORMULA_STARTS or _is_control(text[0]):
        return True
    stripped = text.lstrip()
    if stripped == text or not stripped:
        return False
    return stripped[0] in FORMULA_STARTS or _is_control(stripped[0])


def csv_cell(text: str) -> str:
    """`text` as a CSV cell: a leading apostrophe when a spreadsheet could run it.

    Text that already starts with apostrophes before a formula gets one more, so that
    restore_csv_cell can always undo exactly what was added.
    """
    return f"'{text}" if is_dangerous(text.lstrip("'")) else text


def csv_rows(rows: list[list[str]]) -> list[list[str]]:
    """Rows' cells through csv_cell, with the common case (text starting with a letter or a
    digit, which no spreadsheet runs) decided without a call per cell."""
    return [[c if not c or c[0].isalnum() else csv_cell(c) for c in cells] for cells in rows]


def restore_csv_cell(text: str) -> str:
    """The inverse of csv_cell, for re-importing our own exports without a stray apostrophe."""
    if text.startswith("'") and is_dangerous(text.lstrip("'")):
        return text[1:]
    return text


def xlsx_cell(text: str) -> str:
    """`text` for an XLSX string cell: control characters removed, line breaks kept."""
    return _XLSX_DROPPED.sub("", text.replace("\r\n", "\n"))


# --- Watermark (issue 5) ---------------------------------------------------------------------
# Every export file carries one line naming who exported it and when: the last row of a CSV,
# the first row of an XLSX sheet (and its header, footer and document properties). The line
# starts with this marker in every language, so our own importer recognises and skips it.
WATERMARK_PREFIX = "#clientbase export"


def is_watermark_row(cells: Sequence[object]) -> bool:
    """Whether a row read back from a file is our watermark line (first cell only)."""
    if not cells or not isinstance(cells[0], str) or not cells[0].startswith(WATERMARK_PREFIX):
        return False
    return not any(str(c).strip() for c in cells[1:] if c is not None)

"""A streaming XLSX writer for text tables: one sheet, every cell an inline string.

A general library builds each cell through several Python calls (xlsxwriter tops out near
10,000 rows/s for twelve columns); an export is only text, so a row here is one string join.
The parts are the minimum Excel, LibreOffice and Google Sheets open without a repair prompt:
content types, relationships, the workbook, a style sheet (the bold header) and the sheet.
No cell can be a formula: there is no `<f>` element, only `t="inlineStr"` text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from clientbase.exports.cells import xlsx_cell

# Deflate level 1: a third faster than the default for a file a few per cent larger.
COMPRESS_LEVEL = 1
FLUSH_ROWS = 500
_CELL_OPEN = '<c t="inlineStr"><is><t xml:space="preserve">'
_CELL_CLOSE = "</t></is></c>"
_BOLD_CELL_OPEN = '<c t="inlineStr" s="1"><is><t xml:space="preserve">'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_DOC_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_DOC_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_DOC_TYPE}.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/></Types>'
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/'
    'officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# The watermark line and the header row stay in view while scrolling (frozen below row 2).
_SHEET_HEAD = (
    _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>'
    '<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="2" topLeftCell="A3" '
    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
    "</sheetViews><sheetData>"
)
_CORE = (
    _XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>{user}</dc:creator>"
    "<cp:lastModifiedBy>{user}</cp:lastModifiedBy><dc:description>{text}</dc:description>"
    "<cp:keywords>clientbase export</cp:keywords>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{at}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{at}</dcterms:modified></cp:coreProperties>'
)


@dataclass(frozen=True)
class Watermark:
    """Who exported the file and when: the sheet's first line, its printed header and footer,
    and the workbook's document properties."""

    text: str
    user: str
    at: datetime


def _header_footer(text: str) -> str:
    # In header/footer codes "&" starts a command: a literal one is doubled.
    section = escape("&C" + text.replace("&", "&&"))
    return (
        f"<headerFooter><oddHeader>{section}</oddHeader>"
        f"<oddFooter>{section}</oddFooter></headerFooter>"
    )


def _row(cells: list[str]) -> str:
    # Escaping & < > is all a text node needs. Only a cell that is not all printable can hold
    # a control character, and the C-level isprintable() spares the others the regex.
    return (
        "<row>"
        + "".join(
            [
                _CELL_OPEN
                + (c if c.isprintable() else xlsx_cell(c))
                .replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                + _CELL_CLOSE
                if c
                else "<c/>"
                for c in cells
            ]
        )
        + "</row>"
    )


def write_xlsx(
    out: IO[bytes],
    sheet_name: str,
    header: list[str],
    pages: Iterable[list[list[str]]],
    watermark: Watermark,
) -> int:
    """Write one workbook to `out` (a seekable binary file); returns the number of rows."""
    count = 0
    at = watermark.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr(
            "docProps/core.xml",
            _CORE.format(
                title=escape(sheet_name),
                user=escape(xlsx_cell(watermark.user)),
                text=escape(xlsx_cell(watermark.text)),
                at=at,
            ),
        )
        book.writestr(
            "xl/workbook.xml",
            _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = "".join(f"{_BOLD_CELL_OPEN}{escape(key)}{_CELL_CLOSE}" for key in header)
            sheet.write(f"{_SHEET_HEAD}{_row([watermark.text])}<row>{head}</row>".encode())
            for page in pages:
                for start in range(0, len(page), FLUSH_ROWS):
                    chunk = page[start : start + FLUSH_ROWS]
                    sheet.write("".join([_row(cells) for cells in chunk]).encode())
                count += len(page)
            sheet.write(
                f"</sheetData>{_header_footer(xlsx_cell(watermark.text))}</worksheet>".encode()
            )
    return count

"""Cell writing shared by the workbooks we write: styles, text cells, print set-up, deterministic save."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from ..reading.workbook import as_text
from ..reading.workbook_layout import AMOUNT, CHOICE, CODE, DATE, INT, LONG, NO, NUMBER, TEXT, YES
from . import files

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="FCE4D6")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
FONT = "宋体"
FORMATS = {AMOUNT: "#,##0.00", INT: "0", NUMBER: "General", DATE: "yyyy-mm-dd"}


def display_width(text: str) -> float:
    """Approximate Excel width units: 2 per CJK / full-width character, 1.1 per other character."""
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)


XML_ILLEGAL_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""Characters XML forbids that openpyxl's ILLEGAL_CHARACTERS_RE does not cover (it would fail on saving)."""


def clean_text(text: str) -> str:
    """Text as a cell can hold it. A vertical tab (a Word soft line break pasted into the data) and a
    form feed become line breaks; other control characters and characters XML forbids are dropped:
    openpyxl refuses them (IllegalCharacterError) or cannot save them."""
    text = text.replace("\v", "\n").replace("\f", "\n")
    return XML_ILLEGAL_RE.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""Text starting with these is read as a formula (or DDE) by Excel, WPS or LibreOffice when the cell is edited."""


def _as_text_cell(cell: Any, text: str) -> None:
    """Store ``text`` as a text cell; mark formula-like text (quotePrefix) so no spreadsheet runs it."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_LEADS):
        cell.quotePrefix = True


def text_at(ws: Worksheet, row: int, col: int, text: Any) -> Any:
    """Put a caption or note into a cell as text (never a formula, even when it starts with "=", "+", "-", "@")."""
    cell = ws.cell(row, col)
    if isinstance(text, str):
        text = clean_text(text)
    if isinstance(text, str) and text != "":
        _as_text_cell(cell, text)
    else:
        cell.value = text if text != "" else None
    return cell


def set_value(cell: Any, value: Any, kind: str = TEXT) -> None:
    """Write a value into an input cell: text stays text (also "=…"), numbers numbers, no formulas."""
    if isinstance(value, str):
        value = clean_text(value)
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, str):
        _as_text_cell(cell, value)  # Excel keeps it text when the officer edits the cell
    elif isinstance(value, bool):
        _as_text_cell(cell, YES if value else NO)
    elif kind in (TEXT, CODE, LONG, CHOICE):
        _as_text_cell(cell, clean_text(as_text(value)))
    else:
        cell.value = value
    cell.number_format = FORMATS.get(kind, "@")


def print_setup(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6



# ================================================================= saving


def _fixed_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save deterministically (fixed document times and zip entry times) and atomically."""
    stamp = _fixed_time()
    wb.properties.created = stamp
    buf = io.BytesIO()
    wb.save(buf)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              lambda m: m[1] + iso.encode() + m[2], data)
            entry = zipfile.ZipInfo(info.filename, date_time=(max(stamp.year, 1980),) + stamp.timetuple()[1:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    files.write_atomic(path, out.getvalue())


# ================================================================= the tables as a workbook

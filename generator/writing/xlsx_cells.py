"""Cell writing shared by the workbooks we write: styles, text cells, print set-up, deterministic save."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook import Workbook
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..reading.workbook_layout import AMOUNT, CHOICE, CODE, DATE, INT, LONG, NO, NUMBER, TEXT, YES
from .xlsx_save import XML_ILLEGAL_RE, _fixed_time, clean_text, save_workbook  # noqa: F401 - re-exported

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="FCE4D6")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
FONT = "宋体"
FORMATS = {AMOUNT: "#,##0.00", INT: "0", NUMBER: "General", DATE: "yyyy-mm-dd"}


class _SharedStyles(IndexedList):
    """A workbook's list of fonts, alignments or borders that finds a style object it has seen by identity.

    openpyxl files a style by value: every ``cell.font = f`` hashes ``f`` field by field (recursively) to
    find its index, which was half the time of writing a tables workbook. Our style objects are shared and
    never modified once made (tables_xlsx._font, _alignment), and openpyxl makes a new object for every
    change (``cell.border += side``), so an object seen before has the index it had: the same list, the
    same indices, the same bytes."""

    def __init__(self, iterable: Any = None):
        super().__init__(iterable)
        self._seen: dict[int, tuple[Any, int]] = {}  # id → (the object, kept alive so its id stays its own; index)

    def add(self, value: Any) -> int:
        seen = self._seen.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        index = super().add(value)
        self._seen[id(value)] = (value, index)
        return index


def fast_styles(wb: Workbook) -> Workbook:
    """``wb`` with its font, alignment, border and protection lists replaced by _SharedStyles (same contents)."""
    for name in ("_fonts", "_alignments", "_borders", "_protections"):
        setattr(wb, name, _SharedStyles(getattr(wb, name)))
    return wb


def merge(ws: Worksheet, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
    """``ws.merge_cells`` for a range whose cells are not written yet (but perhaps the top-left's text).

    Why: openpyxl checks a new range against every range merged before (a sheet of 绩效 指标 has
    hundreds) and copies the top-left cell's border edges and protection into the covered cells; with no
    other cell written and the top-left without border or protection of its own there is nothing to
    carry, so what it makes is the top-left cell and a MergedCell for each other one, as here. Otherwise:
    openpyxl's own way."""
    cells = [(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    first = ws._cells.get(cells[0])
    style = first._style if first is not None else None  # None: no style at all
    plain = style is None or (style.borderId == 0 and style.protectionId == 0)  # default border and protection
    if not plain or len(cells) == 1 or any(cell in ws._cells for cell in cells[1:]):  # 1×1: openpyxl may skip it
        ws.merge_cells(start_row=min_row, start_column=min_col, end_row=max_row, end_column=max_col)
        return
    coord = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    ws.merged_cells.ranges.add(MergedCellRange(ws, coord))  # creates the top-left cell
    for row, col in cells[1:]:
        ws._cells[row, col] = MergedCell(ws, row, col)


def display_width(text: str) -> float:
    """Approximate Excel width units: 2 per CJK / full-width character, 1.1 per other character."""
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)


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
        from ..reading.workbook import as_text  # here: the batch summary never needs the workbook reader

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


# ================================================================= the tables as a workbook

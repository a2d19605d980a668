"""Excel in and out: a fill-in workbook for the budget input, and the standard tables as a workbook.

Why this module exists: budget officers live in Excel. They get a workbook laid out like the
standard tables (``excel-template``, optionally prefilled from a YAML/JSON budget), fill it, and
either feed it to ``validate``/``generate`` directly or convert it to YAML (``import``). Reading
a workbook gives exactly the plain data ``load.load_file`` gives for YAML (``Decimal`` amounts,
``str`` codes, Chinese keys) plus a ``SourceMap`` whose positions are cells, so every later
finding says ``预算.xlsx:功能分类支出!F12``. A bad workbook (not an .xlsx, a renamed sheet, text
in an amount cell, merged or formula cells) becomes findings, never a traceback.

Numbers: Excel stores IEEE doubles. A float cell is read as the number Excel displays, at most
15 significant digits (``1234.5600000000001`` → ``Decimal("1234.56")``); integers stay exact.
Extra decimals are not rounded away here: the HYG-DECIMALS rule reports them."""

from __future__ import annotations

import bisect
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from ..findings import Finding, InputError, Position, SourceMap
from .workbook_layout import (
    AMOUNT,
    BOOL,
    BUDGET_WORKBOOK,
    CHOICE,
    DATE,
    INDICATORS,
    INFO_SHEET,
    INT,
    KV,
    MAX_BYTES,
    MAX_UNPACKED,
    NO,
    NUMBER,
    PRIOR_TABLES,
    SIGN_ALIASES,
    SUBTOTALS,
    TARGETS,
    WHOLE_RE,
    YES,
    Col,
    ExcelError,
    Section,
    Sheet,
    Table,
    WorkbookKind,
    cell_kind,
)


@dataclass
class _Cell:
    value: Any
    pos: Position


@dataclass
class _Row:
    pos: Position
    cells: dict[str, _Cell]
    """By column header; every column of the spec that the sheet has (blank cells too)."""

    def get(self, header: str) -> Any:
        cell = self.cells.get(header)
        return None if cell is None else cell.value


@dataclass
class _Parsed:
    title_pos: Position
    rows: list[_Row] = field(default_factory=list)
    lines: dict[str, _Row] = field(default_factory=dict)
    """Key/value sections: rows by label."""


class _Reader:
    """Reads the sections of every sheet, collecting cell problems as findings."""

    def __init__(self, path: Path, display: str):
        self.path = path
        self.display = display
        self.findings: list[Finding] = []
        self.wb = self._open()
        self._values_wb: Any = None
        self.kind = workbook_kind(self.wb.sheetnames)

    # -------------------------------------------------------------- file level

    def _fail(self, message: str) -> InputError:
        return InputError(Finding("XLSX-FILE", "error", message, file=self.display))

    def _open(self) -> Any:
        from .load import read_bytes

        try:
            self.data = read_bytes(self.path, self.display, MAX_BYTES)
        except InputError as exc:
            if exc.finding.message.startswith("这是一个目录"):
                raise self._fail("这是一个目录，不是 Excel 工作簿") from None
            raise
        size, magic = len(self.data), self.data[:8]
        if size == 0:
            raise self._fail("文件是空的，不是 Excel 工作簿")
        if size > MAX_BYTES:
            raise self._fail(f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节），请确认选对了文件")
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise self._fail("工作簿设置了打开密码，或是旧版 .xls 格式：请在 Excel 中取消密码并“另存为 .xlsx”后重试")
        if not magic.startswith(b"PK"):
            raise self._fail("不是 Excel 工作簿（.xlsx）：请用 Excel 或 WPS 打开后“另存为 .xlsx”，或用 budgetdoc excel-template 生成填报表")
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                names = zf.namelist()
                if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
                    raise self._fail("工作簿解压后过大，拒绝读取")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
            raise self._fail("工作簿已损坏（不是完整的 .xlsx 文件），请重新保存或重新生成") from None
        if "xl/workbook.xml" not in names:
            raise self._fail("不是 Excel 工作簿（.xlsx）：文件里没有工作表（可能是 Word 文档或其他压缩文件）")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
                return load_workbook(io.BytesIO(self.data), read_only=True, data_only=False)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
            raise self._fail(f"工作簿无法读取（{type(exc).__name__}），请在 Excel 中打开并另存为 .xlsx 后重试") from None

    def values_sheet(self, name: str) -> _SparseSheet:
        """The same sheet with formulas replaced by their cached values (loaded only when needed)."""
        if self._values_wb is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._values_wb = load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
            self._values_sheets: dict[str, _SparseSheet] = {}
        if name not in self._values_sheets:
            self._values_sheets[name] = _SparseSheet(self._values_wb[name], data_only=True)
        return self._values_sheets[name]

    def sheet(self, name: str) -> _SparseSheet:
        """A sheet as the cells that hold values; a sheet with too many filled rows is a finding."""
        sheet = _SparseSheet(self.wb[name], data_only=False)
        if sheet.truncated:
            self.issue("XLSX-ROWS", f"工作表“{name}”填写了超过 {MAX_SHEET_ROWS} 行，超出预算填报的合理范围："
                       f"只读取了前 {MAX_SHEET_ROWS} 行。请删除多余的行（或确认选对了工作簿）",
                       Position(sheet=name, cell=f"A{sheet.max_row}"))
        return sheet

    def issue(self, rule: str, message: str, pos: Position) -> None:
        self.findings.append(Finding(rule, "error", message, file=self.display, position=pos))

    def check_sheets(self) -> bool:
        present = self.wb.sheetnames
        names = self.kind.sheet_names
        missing = [n for n in names if n not in present]
        extra = [n for n in present if n not in names and n != INFO_SHEET]
        for name in missing:
            near = get_close_matches(name, extra, n=1, cutoff=0.3)
            hint = f"；工作表“{near[0]}”是否由它改名而来？请改回“{name}”" if near else ""
            self.issue("XLSX-SHEET", f"缺少工作表“{name}”{hint}。填报工作簿应包含：{'、'.join(names)}"
                       "（请勿删除或重命名工作表；可用 budgetdoc excel-template 重新生成）", Position(sheet=name))
        return not missing

    # -------------------------------------------------------------- sheet level

    def read_sheet(self, spec: Sheet) -> dict[str, _Parsed]:
        ws = self.sheet(spec.name)
        titles = {_norm(s.title): s for s in spec.sections}
        starts: list[tuple[int, Section]] = []
        boundaries: list[int] = []
        for row in ws.rows_between(1, ws.max_row + 1):
            sec = titles.get(_norm(_text(ws.cell(row, 1).value)))
            if sec is not None and all(s is not sec for _, s in starts):
                starts.append((row, sec))
                boundaries.append(row)
        boundaries.append(ws.max_row + 1)
        merged = _merged_map(ws)
        out: dict[str, _Parsed] = {}
        for sec in spec.sections:
            start = next((r for r, s in starts if s is sec), None)
            if start is None:
                if sec.optional:
                    continue
                self.issue("XLSX-SECTION", f"工作表“{spec.name}”中找不到“{sec.title}”这一部分（A列的标题被改动或删除了），"
                           "请改回原标题", Position(sheet=spec.name, cell="A1"))
                continue
            end = min(b for b in boundaries if b > start)
            parsed = _Parsed(Position(sheet=spec.name, cell=f"A{start}"))
            self._read_section(ws, spec.name, sec, start, end, merged, parsed)
            out[sec.title] = parsed
        return out

    def _read_section(self, ws: _SparseSheet, name: str, sec: Section, start: int, end: int,
                      merged: dict[tuple[int, int], str], parsed: _Parsed) -> None:
        header_row = next((r for r in ws.rows_between(start + 1, end) if any(
            _text(ws.cell(r, c).value) for c in ws.by_row[r])), None)
        cols = sec.cols if isinstance(sec, Table) else sec.values
        if header_row is None:
            self.issue("XLSX-HEADER", f"“{sec.title}”下面缺少表头行", parsed.title_pos)
            return
        found: dict[str, int] = {}
        headers = {_norm(_text(ws.cell(header_row, c).value)): c for c in sorted(ws.by_row[header_row])}
        for i, col in enumerate(cols):
            c = headers.get(_norm(col.header))
            if c is None:
                if col.optional:
                    continue
                where = Position(sheet=name, cell=f"{get_column_letter(i + (1 if isinstance(sec, Table) else 2))}{header_row}")
                self.issue("XLSX-HEADER", f"“{sec.title}”缺少列“{col.header}”（表头被改动或删除了），请改回原表头", where)
                continue
            found[col.header] = c
        reported: set[str] = set()
        for r in ws.rows_between(header_row + 1, end):  # rows without any value would be skipped anyway
            cells: dict[str, _Cell] = {}
            for col in cols:
                c = found.get(col.header)
                if c is None:
                    continue
                pos = Position(sheet=name, cell=f"{get_column_letter(c)}{r}")
                raw = isinstance(sec, KV) and (len(sec.values) == 1 or sec.spread)  # converted below by the line's kind
                value = self._value(ws, name, r, c, col, merged, reported, pos, raw)
                cells[col.header] = _Cell(value, pos)
            row = _Row(Position(sheet=name, cell=f"A{r}"), cells)
            if isinstance(sec, KV):
                label = _norm(_text(ws.cell(r, 1).value))
                if not label:
                    if any(cell.value is not None for cell in cells.values()):
                        self.issue("XLSX-LABEL", "这一行A列没有项目名称，填写的数值无法识别，请补上名称或删除这一行",
                                   row.pos)
                    continue
                line = next((ln for ln in sec.lines if _norm(ln.label) == label), None)
                if line is None:
                    self.issue("XLSX-LABEL", f"不认识的项目“{_text(ws.cell(r, 1).value)}”，应为："
                               f"{'、'.join(ln.label for ln in sec.lines)}（请勿修改A列的名称）", row.pos)
                    continue
                if len(sec.values) == 1:  # one value column: convert by the line's kind
                    cell = next(iter(cells.values()), None)
                    if cell is not None and cell.value is not None:
                        cell.value = self.convert(cell.value, line.kind, cell.pos, line.label)
                elif sec.spread:  # a grid: each cell by its line's (or column's) kind
                    for col in sec.values:
                        cell = cells.get(col.header)
                        if cell is not None and cell.value is not None:
                            cell.value = self.convert(cell.value, cell_kind(line, col), cell.pos,
                                                      f"{line.label}（{col.header}）")
                if line.label in parsed.lines:
                    self.issue("XLSX-LABEL", f"项目“{line.label}”出现了两次，请删除其中一行", row.pos)
                    continue
                parsed.lines[line.label] = row
            elif any(cell.value is not None for h, cell in cells.items()):
                parsed.rows.append(row)

    def _value(self, ws: _SparseSheet, name: str, r: int, c: int, col: Col, merged: dict[tuple[int, int], str],
               reported: set[str], pos: Position, raw: bool) -> Any:
        area = merged.get((r, c))
        if area is not None:
            if area not in reported:
                reported.add(area)
                self.issue("XLSX-MERGED", f"单元格 {area} 是合并单元格：填写内容的位置不能合并，请取消合并后逐格填写", pos)
            return None
        cell = ws.cell(r, c)
        value = cell.value
        if cell.data_type == "f":
            cached = self.values_sheet(name).cell(r, c)
            if cached.value is None:
                self.issue("XLSX-FORMULA", f"单元格是公式（{str(value)[:40]}），但工作簿里没有保存计算结果："
                           "请在 Excel 中打开并保存一次，或把公式改为数值", pos)
                return None
            if cached.data_type == "e":
                self.issue("XLSX-FORMULA", f"公式的结果是错误值 {cached.value}，请修正公式或改为数值", pos)
                return None
            value = cached.value
        elif cell.data_type == "e":
            self.issue("XLSX-NUMBER", f"单元格是错误值 {value}，请改为数值", pos)
            return None
        if isinstance(value, str):
            value = value.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n").strip()
            if not value:
                return None
        if value is None or raw:
            return value
        if col.key is None:
            return as_text(value)
        return self.convert(value, col.kind, pos, col.header)

    # -------------------------------------------------------------- cell values

    def convert(self, value: Any, kind: str, pos: Position, label: str) -> Any:
        """A cell value as the loader would give it for YAML; problems become findings (value None)."""
        if kind in (AMOUNT, NUMBER):
            number = _as_decimal(value)
            if number is None:
                what = "金额" if kind == AMOUNT else "数量"
                why = _text_problem(value) if isinstance(value, str) else ""
                self.issue("XLSX-NUMBER", f"“{label}”应为{what}数字，实际为“{_show(value)}”："
                           + (why or "请只填数字（如 1234.56），不要带单位、文字或空格"), pos)
            return number
        if kind == INT:
            number = _as_decimal(value)
            if number is None or number != number.to_integral_value():
                self.issue("XLSX-NUMBER", f"“{label}”应为整数，实际为“{_show(value)}”", pos)
                return None
            return int(number)
        if kind == DATE:
            date = _as_date(value)
            if date is None:
                self.issue("XLSX-VALUE", f"“{label}”应为日期（如 2024-02-05），实际为“{_show(value)}”", pos)
            return date
        if kind == BOOL:
            if isinstance(value, bool):
                return value
            text = as_text(value).lower()
            if text in ("是", "true", "1", "y", "yes", "√"):
                return True
            if text in ("否", "false", "0", "n", "no", "×"):
                return False
            self.issue("XLSX-VALUE", f"“{label}”应填“是”或“否”，实际为“{_show(value)}”", pos)
            return None
        text = as_text(value)
        if kind == CHOICE:
            text = SIGN_ALIASES.get(text, text)
        return text


def workbook_kind(sheet_names: list[str]) -> WorkbookKind:
    """The 文种 of a fill-in workbook, by its sheets: the kind whose sheet names it has most of (预算 on a tie)."""
    from .final_workbook_layout import FINAL_WORKBOOK

    present = set(sheet_names)
    budget = len(present & set(BUDGET_WORKBOOK.sheet_names)) - len(set(BUDGET_WORKBOOK.sheet_names) - present)
    final = len(present & set(FINAL_WORKBOOK.sheet_names)) - len(set(FINAL_WORKBOOK.sheet_names) - present)
    return FINAL_WORKBOOK if final > budget else BUDGET_WORKBOOK


def _merged_map(ws: _SparseSheet) -> dict[tuple[int, int], str]:
    """The cells holding values that a merged range covers: work bounded by the filled cells, never
    by the size of the range (a merge of C1:Z1048576 costs nothing)."""
    out: dict[tuple[int, int], str] = {}
    for rng in ws.merged:
        out[(rng.min_row, rng.min_col)] = rng.coord  # a merge over empty input cells is reported too
        for r, c in ws.filled_in(rng):
            out[(r, c)] = rng.coord
    return out


MAX_SHEET_ROWS = 5000
"""Filled rows read per sheet: a department's budget needs a few hundred; more means a wrong or hostile file."""


@dataclass
class _SparseCell:
    value: Any = None
    data_type: str = "n"


_EMPTY = _SparseCell()


class _SparseSheet:
    """A worksheet as the cells that hold values, streamed from the XML (openpyxl's read-only parser).

    openpyxl's normal mode builds a cell object for every cell of a merged range and loops over
    the sheet's declared dimension; a merge of C1:Z1048576 or one cell at XFD1048576 then costs
    gigabytes and minutes. Here work and memory follow the filled cells only, capped at
    MAX_SHEET_ROWS filled rows. ``max_row``/``max_column`` are those of the filled cells."""

    def __init__(self, ws: Any, data_only: bool):
        from openpyxl.worksheet._reader import WorkSheetParser
        from openpyxl.worksheet.cell_range import CellRange

        self.cells: dict[tuple[int, int], _SparseCell] = {}
        self.by_row: dict[int, list[int]] = {}
        self.truncated = False
        with ws._get_source() as src:
            parser = WorkSheetParser(src, ws._shared_strings, data_only=data_only, epoch=ws.parent.epoch,
                                     date_formats=ws.parent._date_formats,
                                     timedelta_formats=ws.parent._timedelta_formats)
            for _idx, row in parser.parse():
                for cell in row:
                    value = cell["value"]
                    if value is None or value == "":
                        continue
                    r, c = cell["row"], cell["column"]
                    if r not in self.by_row:
                        if len(self.by_row) >= MAX_SHEET_ROWS:
                            self.truncated = True
                            break
                        self.by_row[r] = []
                    self.by_row[r].append(c)
                    self.cells[(r, c)] = _SparseCell(value, cell["data_type"])
                if self.truncated:
                    break
            merges = parser.merged_cells.mergeCell if parser.merged_cells else []
        self.merged = []
        for m in merges:
            try:
                self.merged.append(CellRange(m.ref))
            except (ValueError, TypeError):
                continue
        self._rows: list[int] | None = None
        self.max_row = max(self.by_row, default=0)
        self.max_column = max((c for cols in self.by_row.values() for c in cols), default=0)

    def cell(self, row: int, column: int) -> _SparseCell:
        return self.cells.get((row, column), _EMPTY)

    def rows_between(self, first: int, end: int) -> list[int]:
        """The filled rows from ``first`` up to (not including) ``end``, in order."""
        if self._rows is None:
            self._rows = sorted(self.by_row)
        lo, hi = bisect.bisect_left(self._rows, first), bisect.bisect_left(self._rows, end)
        return self._rows[lo:hi]

    def filled_in(self, rng: Any) -> list[tuple[int, int]]:
        """The filled cells inside a range, found through the filled rows (never the range's area)."""
        return [(r, c) for r, cols in self.by_row.items() if rng.min_row <= r <= rng.max_row
                for c in cols if rng.min_col <= c <= rng.max_col]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _from_float(value: float) -> Decimal:
    """The number Excel shows for a double: at most 15 significant digits."""
    number = Decimal(repr(value))
    if len(number.as_tuple().digits) > 15:
        number = Decimal(format(value, ".15g"))
    return number


_GROUPED = re.compile(r"[-+]?[0-9]{1,3}([,，][0-9]{3})+(\.[0-9]*)?")


def _text_problem(text: str) -> str:
    """Why a number typed as text is refused, as YAML refuses it: non-ASCII digits, misplaced commas."""
    text = re.sub(r"[\s\u00a0]", "", text)
    digit = next((ch for ch in text if ch.isdigit() and not "0" <= ch <= "9"), None)
    if digit is not None:
        return f"含有非半角数字“{digit}”（U+{ord(digit):04X}），请改用半角数字 0-9"
    if re.search("[,，]", text) and not _GROUPED.fullmatch(text):
        return "千分位逗号位置不对（应每三位一个逗号，如 1,234.56），或直接填 1234.56"
    return ""


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _from_float(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if _text_problem(str(value)):
        return None
    text = re.sub(r"[\s,，\u00a0]", "", str(value))
    if not re.fullmatch(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        value = _from_float(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() and abs(value) < 10**15 else format(value, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError):
            return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(value).strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


# ---------------------------------------------------------------- assembling the data


class _Assembler:
    """Turns parsed sections into the plain data of the YAML input, recording a cell for every path."""

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.data: dict[str, Any] = {}
        self.positions: dict[tuple, Position] = {}

    def pos(self, path: tuple, where: Position) -> None:
        self.positions.setdefault(path, where)

    def put(self, path: tuple, value: Any) -> None:
        node = self.data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    def row_object(self, row: _Row, cols: tuple[Col, ...], base: tuple) -> Any:
        """One table row as the list item (a dict, or the value itself for a list of plain values)."""
        self.pos(base, row.pos)
        item: dict[str, Any] = {}
        for col in cols:
            cell = row.cells.get(col.header)
            if col.key is None or cell is None:
                continue
            if col.key == ():
                self.pos(base, cell.pos)
                return cell.value
            self.pos(base + col.key, cell.pos)
            if cell.value is None:
                continue
            node = item
            for key in col.key[:-1]:
                node = node.setdefault(key, {})
            node[col.key[-1]] = cell.value
        return item

    def table(self, parsed: _Parsed, sec: Table, path: tuple) -> list:
        self.pos(path, parsed.title_pos)
        items = [self.row_object(row, sec.cols, path + (i,)) for i, row in enumerate(parsed.rows)]
        if items:
            self.put(path, items)
        return items

    def kv(self, parsed: _Parsed, sec: KV) -> None:
        for line in sec.lines:
            row = parsed.lines.get(line.label)
            if line.path[:-1]:
                self.pos(line.path[:-1], parsed.title_pos)
            if row is None:
                continue
            if sec.spread:
                self.spread(row, sec, line.path)
                continue
            if len(sec.values) == 1:
                cell = next(iter(row.cells.values()), None)
                if cell is None:
                    continue
                self.pos(line.path, cell.pos)
                if cell.value is not None:
                    self.put(line.path, cell.value)
                continue
            obj = self.row_object(row, sec.values, line.path)
            if any(v is not None and v != "" for v in obj.values()):
                self.put(line.path, obj)

    def spread(self, row: _Row, sec: KV, tail: tuple) -> None:
        """One line of a grid section: each column's cell at the column's path + the line's."""
        for col in sec.values:
            cell = row.cells.get(col.header)
            if cell is None or col.key is None:
                continue
            path = col.key + tail
            self.pos(col.key, row.pos)
            self.pos(path, cell.pos)
            if cell.value is not None:
                self.put(path, cell.value)

    # -------------------------------------------------------------- the whole workbook

    def run(self, parsed: dict[str, dict[str, _Parsed]]) -> None:
        kind = self.reader.kind
        projects: list = []
        for spec in kind.sheets:
            sections = parsed.get(spec.name, {})
            for root in spec.roots:
                self.pos(root, Position(sheet=spec.name, cell="A1"))
            for sec in spec.sections:
                got = sections.get(sec.title)
                if got is None:
                    continue
                if isinstance(sec, KV):
                    self.kv(got, sec)
                elif sec.path is not None:
                    if sec is SUBTOTALS:
                        self.subtotal_codes(got, sec)
                    items = self.table(got, sec, sec.path)
                    if sec.path == ("项目",):
                        projects = items
                elif kind is BUDGET_WORKBOOK and sec.title in PRIOR_TABLES:
                    self.prior_dict(got, sec, PRIOR_TABLES[sec.title])
        if kind is BUDGET_WORKBOOK:
            self.performance(parsed.get("绩效目标", {}).get(TARGETS.title),
                             parsed.get("绩效指标", {}).get(INDICATORS.title), projects)
        else:
            from .final_workbook import assemble_final

            assemble_final(self, parsed)
        for root in ("基本信息", "部门概况", "收入", "支出"):
            # the required parts exist as sheets: a missing value is then reported at its own cell
            self.data.setdefault(root, {})
        self.pos((), Position(sheet="基本信息", cell="A1"))

    def subtotal_codes(self, parsed: _Parsed, sec: Table) -> None:
        """A 类/款小计 row must have a 3- or 5-digit code. A 项 (7 digits) typed into the spare rows
        below the 功能分类支出 table lands here: say so at its code, rather than the model's
        “缺少必填项‘合计’” (the amount columns of the 项 are not columns of this section)."""
        header = sec.cols[0].header
        for row in parsed.rows:
            cell = row.cells.get(header)
            code = None if cell is None else cell.value
            if code is not None and not re.fullmatch(r"[0-9]{3}|[0-9]{5}", str(code)):
                self.reader.issue("XLSX-VALUE", f"科目编码“{code}”：小计的科目编码应为3位（类）或5位（款）；"
                                  "项级科目请填在上方的功能分类支出表中", cell.pos)

    def prior_dict(self, parsed: _Parsed, sec: Table, key: str) -> None:
        """上年数 by code: {code: {金额, 增减原因}}; rows with neither figure nor reason are not entered."""
        base = ("上年数", key)
        self.pos(base, parsed.title_pos)
        code_header = sec.cols[0].header
        out: dict[str, Any] = {}
        for row in parsed.rows:
            code = row.get(code_header)
            if all(row.get(c.header) is None for c in sec.cols if c.key):
                continue
            if not code:
                self.reader.issue("XLSX-VALUE", f"这一行填了上年数，但没有填“{code_header}”", row.pos)
                continue
            if code in out:
                self.reader.issue("XLSX-VALUE", f"“{code_header}”{code} 出现了两次，请合并为一行", row.pos)
                continue
            self.pos(base + (code,), row.cells[code_header].pos)
            out[code] = self.row_object(row, sec.cols, base + (code,))
        if out:
            self.put(base, out)

    def owner(self, row: _Row, what: str, by_code: dict[str, int]) -> tuple[str, Any] | None:
        """Whom a 绩效目标/指标 row belongs to: ("project", index) or ("whole", (长期目标|年度目标, N))."""
        cell = row.cells.get("归属")
        ref = None if cell is None else cell.value
        where = row.pos if cell is None else cell.pos
        if not ref:
            self.reader.issue("XLSX-REF", f"这一行{what}没有填“归属”（项目编码，或 整体-长期目标N、整体-年度目标N）", where)
            return None
        m = WHOLE_RE.match(ref)
        if m:
            return "whole", (m[1], int(m[2]))
        if ref in by_code:
            return "project", by_code[ref]
        self.reader.issue("XLSX-REF", f"归属“{ref}”不是“项目”表中的项目编码，也不是 整体-长期目标N 或 整体-年度目标N", where)
        return None

    def performance(self, targets: _Parsed | None, indicators: _Parsed | None, projects: list) -> None:
        by_code: dict[str, int] = {}
        for i, p in enumerate(projects):
            if isinstance(p, dict) and isinstance(p.get("项目编码"), str):
                by_code.setdefault(p["项目编码"], i)
        goal_total, goal = TARGETS.cols[2].header, TARGETS.cols[3].header
        # owner → (target row or None, indicator rows)
        owners: dict[tuple[str, Any], list] = {}
        for row in targets.rows if targets else []:
            got = self.owner(row, "绩效目标", by_code)
            if got is None:
                continue
            entry = owners.setdefault(got, [None, []])
            if entry[0] is not None:
                self.reader.issue("XLSX-REF", f"归属“{row.get('归属')}”的绩效目标出现了两次，请合并为一行", row.pos)
                continue
            entry[0] = row
            if got[0] == "whole" and row.get(goal_total) is not None:
                self.reader.issue("XLSX-VALUE", "部门整体目标只填“年度目标 / 目标内容”，“总目标”一列请留空",
                                  row.cells[goal_total].pos)
        for row in indicators.rows if indicators else []:
            got = self.owner(row, "绩效指标", by_code)
            if got is not None:
                owners.setdefault(got, [None, []])[1].append(row)
        cols = INDICATORS.cols[1:]
        whole: dict[str, list[tuple[int, Any, list]]] = {"长期目标": [], "年度目标": []}
        for (kind, ref), (target, rows) in owners.items():
            if kind == "whole":
                whole[ref[0]].append((ref[1], target, rows))
                continue
            base = ("项目", ref, "绩效目标")
            first = target if target is not None else rows[0]
            self.pos(base, first.cells["归属"].pos)
            perf: dict[str, Any] = {}
            if target is not None:
                for key, header in (("总目标", goal_total), ("年度目标", goal)):
                    cell = target.cells.get(header)
                    if cell is not None:
                        self.pos(base + (key,), cell.pos)
                        if cell.value is not None:
                            perf[key] = cell.value
            perf["指标"] = [self.row_object(r, cols, base + ("指标", j)) for j, r in enumerate(rows)]
            self.pos(base + ("指标",), first.cells["归属"].pos)
            projects[ref]["绩效目标"] = perf
        for kind, numbered in whole.items():
            base = ("部门整体绩效", kind)
            items = []
            for j, (_, target, rows) in enumerate(sorted(numbered, key=lambda x: x[0])):
                first = target if target is not None else rows[0]
                self.pos(base + (j,), first.cells["归属"].pos)
                item: dict[str, Any] = {}
                cell = target.cells.get(goal) if target is not None else None
                if cell is not None:
                    self.pos(base + (j, "目标"), cell.pos)
                    if cell.value is not None:
                        item["目标"] = cell.value
                item["指标"] = [self.row_object(r, cols, base + (j, "指标", k)) for k, r in enumerate(rows)]
                items.append(item)
            if items:
                self.put(base, items)


def read_workbook(path: str | Path) -> tuple[dict, SourceMap]:
    """Load stage for .xlsx: plain data exactly as ``load.load_file`` gives for YAML, and cell positions.

    Raises ``InputError`` (XLSX-FILE) for a file that is not a readable workbook, and ``ExcelError``
    with every problem found for a workbook with missing sheets or bad cells.
    """
    fs = Path(path)
    display = str(path)
    reader = _Reader(fs, display)
    if not reader.check_sheets():
        raise ExcelError(reader.findings)
    parsed = {spec.name: reader.read_sheet(spec) for spec in reader.kind.sheets}
    assembler = _Assembler(reader)
    assembler.run(parsed)
    if reader.findings:
        raise ExcelError(reader.findings)
    return assembler.data, SourceMap(display, assembler.positions)


"""The standard tables of the render context as a print-ready workbook (``--xlsx``): A4, header rows
repeated, fit to width, cells showing exactly the figures of the Word tables."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from .xlsx_cells import clean_text, display_width, fast_styles, merge, print_setup, save_workbook, text_at

if TYPE_CHECKING:
    from ..layout.narrate import PerfTable, RenderContext, TableCtx



AMOUNT_RE = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
TABLE_FONT = "宋体"


def _number(text: str, yuan: bool, grouped_table: bool = False) -> tuple[Decimal, str] | None:
    """A right-aligned table cell back as a number and the format that shows exactly that text:
    amounts ``#,##0.00`` in a 元 table, ``0.00`` in a 万元 table, ``#,##0`` in a table of whole 元
    with separators (上海; ``grouped_table``: some cell of the table has one); other numbers as written."""
    if not AMOUNT_RE.fullmatch(text):
        return None
    decimals = len(text.split(".")[1]) if "." in text else 0
    grouped = "," in text or grouped_table or (yuan and decimals == 2)
    body = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    return Decimal(text.replace(",", "")), body


def _place(header: list[list[Any]]) -> list[tuple[int, int, Any]]:
    """Grid positions of header cells with row/column spans (like an HTML table)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(header):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def body_rows(t: TableCtx) -> list:
    """The body rows shown: none for an empty table (as in the Word table)."""
    return [] if t.empty else list(t.rows)


def table_notes(t: TableCtx) -> list[str]:
    """Notes under a table: the empty-table note when it applies, then the 尾差 notes.

    An empty table carries its note; the “三公” table (never marked empty: its zero row is shown)
    sets a note only when it is all zero.
    """
    return ([t.empty_note] if t.empty_note else []) + list(t.notes)


def _sheet_name(prefix: str, name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", f"{prefix} {name}")[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


@lru_cache(maxsize=64)
def _font(size: float, bold: bool) -> Font:
    """One Font per size and weight (a sheet has thousands of cells; openpyxl keeps a style by its value,
    so sharing the object changes nothing written). Never modified once made."""
    return Font(name=TABLE_FONT, size=size, bold=bold)


def _align(**options: Any) -> Alignment:
    """Alignment(**options), one object per distinct options (as _font)."""
    return _alignment(tuple(sorted(options.items())))


@lru_cache(maxsize=256)
def _alignment(options: tuple[tuple[str, Any], ...]) -> Alignment:
    return Alignment(**dict(options))


class _TablesWriter:
    def __init__(self, ctx: RenderContext):
        self.ctx = ctx
        self.wb = fast_styles(Workbook())
        self.wb.remove(self.wb.active)
        self.used: set[str] = set()
        self.thin = Side(style="thin", color="000000")
        self.border = Border(left=self.thin, right=self.thin, top=self.thin, bottom=self.thin)

    def font(self, size: float = 10, bold: bool = False) -> Font:
        return _font(size, bold)

    def write(self) -> Workbook:
        for t in sorted(self.ctx.表.values(), key=lambda t: t.number):
            self.table(t)
        number = max((t.number for t in self.ctx.表.values()), default=0)
        slots = getattr(self.ctx, "绩效表", ["整体", "项目"])  # the 绩效目标表 the profile's document holds
        for n, key in enumerate(slots, 1):
            name = "部门整体支出绩效目标表" if key == "整体" else "项目支出绩效目标表"
            self.perf_sheet(f"表{number + n}", name, whole=key == "整体")
        props = self.wb.properties
        props.creator = "budgetdoc"
        # the 文种 word of the workbook's file name (profile 文件名.工作簿: 上海 单位预算表; the 决算 部门决算表)
        props.title = clean_text(f"{self.ctx.公开主体}{self.ctx.年度}年{self.ctx.文件名.工作簿}")
        return self.wb

    @property
    def lead(self) -> int:
        """Rows above each sheet's title: one for the notice of a document that failed validation."""
        return 1 if self.ctx.未通过校验 else 0

    def notice(self, ws: Worksheet, widths: list[float]) -> None:
        """Generated with --force despite errors: a red line above the title, as on the Word cover."""
        if not self.ctx.未通过校验:
            return
        if len(widths) > 1:
            merge(ws, 1, 1, 1, len(widths))
        cell = text_at(ws, 1, 1, f"本表未通过校验：{self.ctx.校验说明}")
        cell.font = Font(name=TABLE_FONT, size=10, bold=True, color="FF0000")
        cell.alignment = _align(horizontal="left", vertical="center", wrap_text=True)
        text = str(cell.value or "")
        lines = sum(int(display_width(part) / max(sum(widths) * 0.95, 1)) + 1 for part in text.split("\n"))
        ws.row_dimensions[1].height = min(16 * lines + 4, 409)

    def setup(self, ws: Worksheet, landscape: bool, title_rows: str | None) -> None:
        print_setup(ws, landscape)
        ws.print_options.horizontalCentered = True
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.oddFooter.center.size = 9
        if title_rows:
            ws.print_title_rows = title_rows
        ws.sheet_view.showGridLines = False

    def table(self, t: TableCtx) -> None:
        ws = self.wb.create_sheet(_sheet_name(f"表{t.number}", t.key, self.used))
        ncols = len(t.align)
        widths = [0.0] * ncols
        # (the notice of a failed validation,) title, then the furniture lines: 部门 left and 单位 right
        # (湖北, 上海), or the profile's lines inside the table (河北: 〈编码〉 〈部门〉 / 预算年度 / 单位)
        head = 1 + self.lead
        merge(ws, head, 1, head, ncols)
        title = text_at(ws, head, 1, t.title)
        title.font = self.font(16, True)
        title.alignment = _align(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[head].height = 36
        lines = [list(line) for line in t.info_rows] if t.info_rows else [[t.dept, t.unit]]
        for i, line in enumerate(lines):
            self.info_line(ws, head + 1 + i, ncols, line, split=ncols - 1 if not t.info_rows else None)
        repeat_from = head + 1 if t.info_rows else head + 2  # lines inside the table repeat with its header
        # header
        top = head + 1 + len(lines)
        for r, c, cell in _place(t.header):
            target = text_at(ws, top + r, 1 + c, cell.text)
            if cell.rowspan > 1 or cell.colspan > 1:
                merge(ws, top + r, 1 + c, top + r + cell.rowspan - 1, c + cell.colspan)
            target.font = self.font(10, True)
            target.alignment = _align(horizontal="center", vertical="center", wrap_text=True)
            if cell.colspan == 1:
                widths[c] = max(widths[c], min(display_width(cell.text), 16) + 1)
        header_rows = len(t.header)
        for r in range(top, top + header_rows):
            ws.row_dimensions[r].height = 30 if max(len(h.text) for h in t.header[r - top]) > 6 else 20
            for c in range(1, ncols + 1):
                ws.cell(r, c).border = self.border
        body = top + header_rows
        unit = t.unit or next((c for line in t.info_rows for c in line if c.startswith("单位")), "")
        yuan = unit.endswith("元") and not unit.endswith("万元")
        grouped = any(AMOUNT_RE.fullmatch(c) and "," in c for row in body_rows(t) for c in row.cells)
        for i, row in enumerate(body_rows(t)):
            r = body + i
            bold = row.kind in ("total", "class")
            for c, shown in enumerate(row.cells):
                cell = ws.cell(r, c + 1)
                align = t.align[c] if c < len(t.align) else "left"
                # the 类/款/项 levels: leading full-width spaces become the cell's indent, so that the
                # code and name stay plain text (sorting, filtering and lookups in Excel work)
                text = clean_text(shown).lstrip("\u3000")
                indent = len(shown) - len(shown.lstrip("\u3000"))
                parsed = _number(text, yuan, grouped) if align == "right" and text else None
                if parsed is not None:
                    cell.value, cell.number_format = parsed
                    widths[c] = max(widths[c], len(shown) + 2)
                elif text:
                    text_at(ws, r, c + 1, text)
                    widths[c] = max(widths[c], display_width(shown) + 1.5)
                else:
                    cell.value = None
                cell.font = self.font(10, bold)
                horizontal = align if align in ("left", "right", "center") else "general"
                if indent and horizontal not in ("left", "right"):
                    horizontal = "left"  # Excel shows an indent only for left or right alignment
                cell.alignment = _align(horizontal=horizontal, vertical="center", wrap_text=align != "right",
                                           indent=indent)
                cell.border = self.border
            for c in range(len(row.cells), ncols):
                ws.cell(r, c + 1).border = self.border
            ws.row_dimensions[r].height = 18
        r = body + len(body_rows(t))
        notes = table_notes(t)
        for note in notes:
            merge(ws, r, 1, r, ncols)
            cell = text_at(ws, r, 1, note)
            cell.font = self.font(10)
            cell.alignment = _align(horizontal="left", vertical="center", wrap_text=True)
            ws.row_dimensions[r].height = 20
            r += 1
        # widths: content, at least the share TableCtx.widths gives the column of a landscape page
        share = sum(t.widths) or 1
        page = 200 if t.landscape else 140
        for c in range(ncols):
            hint = page * t.widths[c] / share if c < len(t.widths) else 10
            width = max(widths[c], min(hint, 40), 8)
            ws.column_dimensions[get_column_letter(c + 1)].width = round(min(width, 60), 1)
        final = [ws.column_dimensions[get_column_letter(c + 1)].width for c in range(ncols)]
        if display_width(t.title) > sum(final) * 0.9 / 1.6:
            ws.row_dimensions[head].height = 56
        self.notice(ws, final)
        ws.freeze_panes = ws.cell(body, 1)
        self.setup(ws, t.landscape, f"{repeat_from if t.info_rows else top}:{top + header_rows - 1}")

    def info_line(self, ws: Worksheet, r: int, ncols: int, line: list[str], split: int | None) -> None:
        """One furniture line: its left text over the first columns, its right text (单位) right-aligned
        over the rest — the columns the Word table gives them (render._info_rows)."""
        left, right = (line + ["", ""])[:2]
        if split is None:
            split = max(1, ncols - max(1, ncols // 3)) if right and ncols > 1 else ncols
        if split > 1:
            merge(ws, r, 1, r, split)
        text_at(ws, r, 1, left).alignment = _align(horizontal="left", vertical="bottom")
        ws.cell(r, 1).font = self.font(10)
        if right or split < ncols:
            if ncols - split > 1:
                merge(ws, r, split + 1, r, ncols)
            text_at(ws, r, split + 1, right).alignment = _align(horizontal="right", vertical="bottom")
            ws.cell(r, split + 1).font = self.font(10)
        ws.row_dimensions[r].height = 20

    # -------------------------------------------------------------- 绩效目标表

    def perf_sheet(self, prefix: str, name: str, whole: bool) -> None:
        """The 绩效目标表 laid out as in the Word document (render.py): a title, label/value rows
        (label over two columns), the indicators grouped by 一级/二级指标; projects one per page."""
        ctx = self.ctx
        ws = self.wb.create_sheet(_sheet_name(prefix, name, self.used))
        tables = [ctx.整体绩效, *ctx.整体绩效目标] if whole else list(ctx.项目绩效)
        history = any(p.show_history for p in tables if p.indicators)
        widths = [12, 16, 30, 16, 12, 12, 18] if history else [12, 16, 36, 18, 22]
        ncols = len(widths)
        for c, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = w
        self.notice(ws, [float(w) for w in widths])
        r = 1 + self.lead
        if not whole and not tables:
            self.caption(ws, r, f"{ctx.公开主体}{ctx.年度}年项目支出绩效目标表", True, widths)
            text_at(ws, r + 1, 1, f"本部门{ctx.年度}年无设置绩效目标的项目支出。").font = self.font(10)
        for n, p in enumerate(tables):
            big = not whole or n == 0
            if n and not whole:
                ws.row_breaks.append(Break(id=r - 1))
            self.caption(ws, r, p.title, big, widths)
            r += 1
            for label, value in p.info:
                merge(ws, r, 1, r, 2)
                merge(ws, r, 3, r, ncols)
                a, b = text_at(ws, r, 1, label), text_at(ws, r, 3, value or "—")
                b.data_type = "s"
                a.font, b.font = self.font(10, True), self.font(10)
                a.alignment = _align(horizontal="center", vertical="center", wrap_text=True)
                b.alignment = _align(horizontal="left", vertical="center", wrap_text=True)
                self.box(ws, r, ncols)
                lines = sum(int(display_width(part) / (sum(widths[2:]) - 1)) + 1 for part in (value or "").split("\n"))
                ws.row_dimensions[r].height = max(18, 14 * lines + 4)
                r += 1
            if p.indicators:
                r = self.indicators(ws, p, r, history, widths)
            r += 1
        self.setup(ws, False, None)

    def caption(self, ws: Worksheet, r: int, text: str, big: bool, widths: list[int]) -> None:
        merge(ws, r, 1, r, len(widths))
        cell = text_at(ws, r, 1, text)
        cell.font = self.font(16 if big else 11, True)
        cell.alignment = _align(horizontal="center" if big else "left", vertical="center", wrap_text=True)
        lines = int(display_width(text) * (1.6 if big else 1.0) / (sum(widths) * 0.95)) + 1
        ws.row_dimensions[r].height = lines * (26 if big else 16) + 6

    def box(self, ws: Worksheet, r: int, ncols: int) -> None:
        for c in range(1, ncols + 1):
            ws.cell(r, c).border = self.border

    def indicators(self, ws: Worksheet, p: PerfTable, r: int, history: bool, widths: list[int]) -> int:
        ncols = len(widths)
        heads = ["一级指标", "二级指标", "三级指标", "指标值"]
        if history:
            for c, text in enumerate([*heads, "近两年指标值", None, "指标值确定依据"], 1):
                if text:
                    text_at(ws, r, c, text)
            text_at(ws, r + 1, 5, p.years[0])
            text_at(ws, r + 1, 6, p.years[1])
            for c in (1, 2, 3, 4, 7):
                merge(ws, r, c, r + 1, c)
            merge(ws, r, 5, r, 6)
            head_rows = 2
        else:
            for c, text in enumerate([*heads, "指标值确定依据"], 1):
                text_at(ws, r, c, text)
            head_rows = 1
        for rr in range(r, r + head_rows):
            for c in range(1, ncols + 1):
                cell = ws.cell(rr, c)
                cell.font = self.font(10, True)
                cell.alignment = _align(horizontal="center", vertical="center", wrap_text=True)
                cell.border = self.border
            ws.row_dimensions[rr].height = 20
        r += head_rows
        # the 一级/二级指标 cells are merged before the rows are written, as the header cells are: openpyxl
        # then has no borders to carry into the merged cells (its slow path), and each cell gets its own
        spans = _indicator_spans(p.groups, r)
        for c, first, last in spans:
            if last > first:
                merge(ws, first, c, last, c)
        covered = {(row, c) for c, first, last in spans for row in range(first + 1, last + 1)}
        for level1, level2, rows in p.groups:
            for ind in rows:
                values = [level1, level2, ind.三级指标, ind.指标值文字]
                if history:
                    values += [ind.前年文字, ind.上年文字]
                values.append(ind.指标值确定依据)
                tall = 1
                for c, value in enumerate(values, 1):
                    if value:
                        tall = max(tall, int(display_width(value) / max(widths[c - 1] - 1, 1)) + 1)
                    if (r, c) in covered:  # under a merged 一级/二级指标 cell: its border only
                        ws.cell(r, c).border = self.border
                        continue
                    cell = text_at(ws, r, c, value or None)
                    if value:
                        cell.data_type = "s"
                    cell.font = self.font(10)
                    cell.alignment = _align(horizontal="left" if c in (3, ncols) else "center", vertical="center",
                                               wrap_text=True)
                    cell.border = self.border
                ws.row_dimensions[r].height = max(18, 14 * tall + 4)
                r += 1
        return r


def _indicator_spans(groups: list, first_row: int) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of the 一级指标 (column 1) and 二级指标 (column 2) cells to merge."""
    spans: list[tuple[int, int, int]] = []
    r = level1_start = first_row
    for g, (level1, _level2, rows) in enumerate(groups):
        if g and groups[g - 1][0] != level1:
            spans.append((1, level1_start, r - 1))
            level1_start = r
        spans.append((2, r, r + len(rows) - 1))
        r += len(rows)
    if groups:
        spans.append((1, level1_start, r - 1))
    return spans


def write_tables_xlsx(ctx: RenderContext, path: str | Path) -> None:
    """Write the standard tables (and the 绩效目标表) of ``ctx`` as a print-ready workbook."""
    wb = _TablesWriter(ctx).write()
    save_workbook(wb, Path(path))



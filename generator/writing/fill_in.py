"""The fill-in workbook (``excel-template``), blank or prefilled from a budget."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..layout.profile import Profile, load_profile, shipped_profiles
from ..reading.final_model import FinalAccounts, build_final, is_final
from ..reading.model import PRIOR_ITEMS, Budget, build
from ..reading.workbook import read_workbook
from ..reading.workbook_layout import (
    AMOUNT,
    BASIC_INFO,
    BOOL,
    BUDGET_WORKBOOK,
    CHOICE,
    CODE,
    DATE,
    INDICATORS,
    INFO_SHEET,
    INT,
    KV,
    LONG,
    NUMBER,
    TEXT,
    VEHICLE_TYPES,
    ExcelError,
    Line,
    Sheet,
    Table,
    WorkbookKind,
    cell_kind,
)
from .xlsx_cells import (
    BORDER,
    FONT,
    HEADER_FILL,
    LABEL_FILL,
    SECTION_FILL,
    display_width,
    print_setup,
    save_workbook,
    set_value,
    text_at,
)


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        if node is None:
            return None
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _export(budget: Budget | FinalAccounts | None, kind: WorkbookKind = BUDGET_WORKBOOK) -> dict[str, Any]:
    """The budget (or 决算) as sections' contents: {title: list of row dicts by header | {label: value}}."""
    out: dict[str, Any] = {}
    dump = budget.model_dump(by_alias=True) if budget is not None else None

    def get(node: Any, path: tuple) -> Any:
        for key in path:
            if node is None:
                return None
            node = node.get(key) if isinstance(node, dict) else None
        return node

    for spec in kind.sheets:
        for sec in spec.sections:
            if isinstance(sec, KV) and sec.spread:
                out[sec.title] = {line.label: {c.header: _get(dump, (c.key or ()) + line.path) for c in sec.values}
                                  for line in sec.lines}
            elif isinstance(sec, KV):
                values: dict[str, Any] = {}
                for line in sec.lines:
                    value = get(dump, line.path) if dump is not None else None
                    if len(sec.values) > 1:
                        value = {c.header: get(value, c.key or ()) for c in sec.values} if value else {}
                    values[line.label] = value
                out[sec.title] = values
            elif sec.path is not None:
                rows = []
                for item in (get(dump, sec.path) or []) if dump is not None else []:
                    row = {}
                    for col in sec.cols:
                        value = item if col.key == () else get(item, col.key or ())
                        if col.zero_blank and isinstance(value, Decimal) and value == 0:
                            value = None
                        row[col.header] = value
                    rows.append(row)
                out[sec.title] = rows
    if kind is not BUDGET_WORKBOOK:
        from ..reading.final_workbook_layout import final_export

        return final_export(out, budget)  # type: ignore[arg-type]
    assert not isinstance(budget, FinalAccounts)
    if budget is None:
        out["【车辆】"] = [{"车辆类型": t, "数量（辆）": None} for t in VEHICLE_TYPES]
        out["【上年数】"] = {k: {} for k in PRIOR_ITEMS}
        return out
    # performance targets and indicators: one row each, tied to their owner by 归属
    targets, indicators = [], []

    def indicator_rows(owner: str, items: list) -> None:
        for ind in items:
            indicators.append({"归属": owner, **{c.header: ind.model_dump(by_alias=True).get(c.key[0])
                                               for c in INDICATORS.cols[1:] if c.key}})

    for kind in ("长期目标", "年度目标"):
        for j, t in enumerate(getattr(budget.部门整体绩效, kind), 1):
            owner = f"整体-{kind}{j}"
            targets.append({"归属": owner, "项目名称（参考，不导入）": f"部门整体{kind}{j}", "年度目标 / 目标内容": t.目标})
            indicator_rows(owner, t.指标)
    for p in budget.项目:
        if p.绩效目标 is None:
            continue
        targets.append({"归属": p.项目编码, "项目名称（参考，不导入）": p.项目名称, "总目标（项目中期目标）": p.绩效目标.总目标,
                        "年度目标 / 目标内容": p.绩效目标.年度目标})
        indicator_rows(p.项目编码, p.绩效目标.指标)
    out["【绩效目标】"] = targets
    out["【绩效指标】"] = indicators
    # 上年数 by code: the entered ones, then every other code of the budget (blank, to fill)
    prior = budget.上年数
    names = {r.科目编码: r.科目名称 for r in budget.支出.小计} | {r.科目编码: r.科目名称 for r in budget.支出.功能分类}
    func_rows = [{"科目编码": code, "科目名称（参考，不导入）": names.get(code, ""), "上年预算数": v.金额, "增减原因": v.增减原因}
                 for code, v in prior.功能分类.items()]
    func_rows += [{"科目编码": code, "科目名称（参考，不导入）": name} for code, name in names.items()
                  if code not in prior.功能分类 and len(code) == 7]
    pnames = {p.项目编码: p.项目名称 for p in budget.项目}
    proj_rows = [{"项目编码": code, "项目名称（参考，不导入）": pnames.get(code, ""), "上年预算数": v.金额, "增减原因": v.增减原因}
                 for code, v in prior.项目.items()]
    proj_rows += [{"项目编码": code, "项目名称（参考，不导入）": name} for code, name in pnames.items() if code not in prior.项目]
    out["【一般公共预算支出按功能分类（类或项）】"] = func_rows
    out["【项目】"] = proj_rows
    return out


REQUIRED, OPTIONAL, UNUSED = "必填", "可选", "本版式不用"
UNUSED_TAB = "BFBFBF"


def sheet_order(profile: Profile | None, sheets: list[Sheet]) -> list[tuple[Sheet, str]]:
    """The sheets in the profile's order with their status: first those its document needs (必填, in
    the profile's order), then the others, then those it does not use. No profile: every sheet in
    the standard order, no status."""
    if profile is None:
        return [(s, "") for s in sheets]
    by_name = {s.name: s for s in sheets}
    need, unused = profile.填报.必填, set(profile.填报.不用)
    first = [(by_name[n], REQUIRED) for n in need if n in by_name]
    middle = [(s, OPTIONAL) for s in sheets if s.name not in need and s.name not in unused]
    return first + middle + [(s, UNUSED) for s in sheets if s.name in unused]


class _TemplateWriter:
    def __init__(self, budget: Budget | FinalAccounts | None, source: str, kind: WorkbookKind = BUDGET_WORKBOOK,
                 profile: Profile | None = None):
        self.budget = budget
        self.source = source
        self.kind = kind
        self.profile = profile if kind is BUDGET_WORKBOOK else None  # 填报 names the budget workbook's sheets
        self.content = _export(budget, kind)
        self.order = sheet_order(self.profile, list(kind.sheets))
        if budget is None and self.profile is not None:  # a blank workbook: the region's unit and layout chosen
            info = self.content.setdefault(BASIC_INFO.title, {})
            if self.profile.填报.金额单位:
                info["金额单位"] = self.profile.填报.金额单位
            if self.profile.名称 in shipped_profiles():
                info["版式（可选）"] = self.profile.名称
        self.wb = Workbook()
        self.wb.remove(self.wb.active)

    def write(self) -> Workbook:
        self.info_sheet()
        for spec, status in self.order:
            self.sheet(spec, status)
        self.wb.active = 0
        props = self.wb.properties
        props.creator = "budgetdoc"
        props.title = self.kind.title.removesuffix("工作簿")
        return self.wb

    def info_sheet(self) -> None:
        ws = self.wb.create_sheet(INFO_SHEET)
        ws.sheet_properties.tabColor = "C00000"
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 90
        print_setup(ws, landscape=False)
        chosen = self.content.get(BASIC_INFO.title, {}).get("金额单位")
        unit = self.budget.基本信息.金额单位 if self.budget else chosen or "（在“基本信息”中选择）"
        rows: list[tuple[str, str]] = [
            (self.kind.title, ""),
            ("用途", f"填写本部门的年度{self.kind.文种}数据，用 budgetdoc 校验并生成《{self.kind.document}》文档和{self.kind.tables}。"
                    + (f"本工作簿已按 {self.source} 预填。" if self.source else "")),
            ("金额单位", f"所有金额按“基本信息”表中的“金额单位”填写（本工作簿：{unit}），保留两位小数，只填数字，不带单位。"),
            ("填写规则", "1. 不要删除、重命名工作表，不要改动 A 列的【标题】、表头和项目名称；"
                     "2. 行不够时在表内插入行，可以留空行；3. 不要合并单元格；"
                     "4. 只填数值和文字，不用公式（如用了公式，请在 Excel 中保存一次后再导入）；"
                     "5. 编码按文本填写，保留开头的 0；6. 合计、总计列“可选”，填写则校验。"),
            ("命令", "budgetdoc validate 本工作簿.xlsx —— 校验，问题会指出单元格，如 功能分类支出!F12；\n"
                   f"budgetdoc generate 本工作簿.xlsx --xlsx —— 生成 Word 文档和{self.kind.tables} .xlsx；\n"
                   f"budgetdoc import 本工作簿.xlsx -o {self.kind.文种}.yaml —— 转换为 YAML 输入文件。"),
        ]
        if self.profile is not None:
            name = self.profile.名称
            rows.append(("版式", f"本工作簿按“{name}”版式排列：标“{REQUIRED}”的表是{name}版式公开文本要用的数据，"
                                 f"请填全；标“{UNUSED}”的表{name}版式的公开文本不用，可不填（填了照常导入）。"))
        rows += [("", ""), ("工作表", "内容")]
        rows += [(s.name, (f"【{status}】" if status else "") + f"{s.title}：{s.note}") for s, status in self.order]
        for r, (a, b) in enumerate(rows, 1):
            ca, cb = text_at(ws, r, 1, a or None), text_at(ws, r, 2, b or None)
            ca.font = Font(name=FONT, bold=True, size=16 if r == 1 else 11)
            cb.font = Font(name=FONT, size=11, bold=(a == "工作表"))
            cb.alignment = Alignment(wrap_text=True, vertical="top")
            ca.alignment = Alignment(vertical="top")
            if r == 1:
                ws.row_dimensions[r].height = 28
            elif b:
                lines = sum(int(display_width(part) / 84) + 1 for part in b.split("\n"))
                ws.row_dimensions[r].height = 16 * lines + 2

    def sheet(self, spec: Sheet, status: str = "") -> None:
        ws = self.wb.create_sheet(spec.name)
        if status == UNUSED:
            ws.sheet_properties.tabColor = UNUSED_TAB
        widths: dict[int, float] = {}
        ncols = max((len(s.cols) if isinstance(s, Table) else 1 + len(s.values) + (1 if s.note_col else 0))
                    for s in spec.sections)
        title = text_at(ws, 1, 1, spec.title)
        title.font = Font(name=FONT, bold=True, size=14)
        note = text_at(ws, 2, 1, spec.note + (f"（{self.profile.名称}版式：{status}）" if status and self.profile else ""))
        note.font = Font(name=FONT, size=10, color="595959")
        row = 3
        validations = _Validations(ws)
        for index, sec in enumerate(spec.sections):
            head = text_at(ws, row, 1, sec.title)
            head.font = Font(name=FONT, bold=True, size=11)
            for c in range(1, ncols + 1):
                ws.cell(row, c).fill = SECTION_FILL
            row += 1
            if isinstance(sec, KV):
                row = self.kv(ws, sec, row, widths, validations)
            else:
                row = self.table(ws, sec, row, widths, validations, index == len(spec.sections) - 1)
            row += 1
        ws.freeze_panes = "A5"  # sheet title, note, first section title and its header stay visible
        print_setup(ws, landscape=True)
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = round(min(max(w, 8), 100), 1)
        validations.finish()

    def header(self, ws: Worksheet, row: int, texts: list[tuple[str, str]]) -> None:
        for c, (text, note) in enumerate(texts, 1):
            cell = text_at(ws, row, c, text)
            cell.font = Font(name=FONT, bold=True, size=10)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if note:
                comment = Comment(note, "budgetdoc")
                comment.width, comment.height = 240, 60
                cell.comment = comment
        ws.row_dimensions[row].height = 30

    def kv(self, ws: Worksheet, sec: KV, row: int, widths: dict[int, float], val: _Validations) -> int:
        texts = [("项目", "")] + [(c.header, c.note) for c in sec.values] + ([("填写说明", "")] if sec.note_col else [])
        self.header(ws, row, texts)
        widths[1] = max(widths.get(1, 0), max(display_width(ln.label) for ln in sec.lines) + 2)
        for i, c in enumerate(sec.values, 2):
            widths[i] = max(widths.get(i, 0), c.width)
        if sec.note_col:
            n = len(sec.values) + 2
            widths[n] = max(widths.get(n, 0), 30)
        values = self.content.get(sec.title, {})
        for line in sec.lines:
            row += 1
            label = text_at(ws, row, 1, line.label)
            label.font = Font(name=FONT, size=10)
            label.fill = LABEL_FILL
            label.border = BORDER
            if len(sec.values) == 1:
                cell = ws.cell(row, 2)
                set_value(cell, values.get(line.label), line.kind)
                self.style_value(cell, line.kind)
                val.add(cell, line.kind, line.choices, strict=True)
                if line.kind in (TEXT, LONG, CODE, CHOICE, BOOL) and cell.value:
                    shown = display_width(str(cell.value)) + 2
                    widths[2] = min(max(widths.get(2, 0), shown), 60)
                    if line.kind == LONG and shown > 60:
                        ws.row_dimensions[row].height = 14 * min(int(shown / 58) + 1 + str(cell.value).count("\n"), 12)
            else:
                got = values.get(line.label) or {}
                for c, col in enumerate(sec.values, 2):
                    cell = ws.cell(row, c)
                    kind = cell_kind(line, col) if sec.spread else col.kind
                    set_value(cell, got.get(col.header), kind)
                    self.style_value(cell, kind)
                    val.add(cell, kind, line.choices if sec.spread and line.choices else col.choices, col.strict)
                    if kind == LONG and isinstance(cell.value, str):
                        shown = display_width(cell.value) + 2
                        if shown > col.width:
                            ws.row_dimensions[row].height = 14 * min(int(shown / (col.width - 2)) + 1, 12)
            if sec.note_col:
                note = text_at(ws, row, len(sec.values) + 2, line.note or _choice_note(line))
                note.font = Font(name=FONT, size=9, color="595959")
                note.alignment = Alignment(vertical="center", wrap_text=False)
                if note.value:
                    n = len(sec.values) + 2
                    widths[n] = min(max(widths.get(n, 0), display_width(str(note.value)) + 2), 70)
        return row + 1

    def table(self, ws: Worksheet, sec: Table, row: int, widths: dict[int, float], val: _Validations,
              last: bool) -> int:
        self.header(ws, row, [(c.header, c.note) for c in sec.cols])
        for c, col in enumerate(sec.cols, 1):
            widths[c] = max(widths.get(c, 0), col.width, min(display_width(col.header) / 2 + 2, 20))
        rows = self.content.get(sec.title, [])
        first = row + 1
        total = len(rows) + sec.spare
        for i in range(total):
            r = first + i
            data = rows[i] if i < len(rows) else {}
            tall = 1
            for c, col in enumerate(sec.cols, 1):
                cell = ws.cell(r, c)
                set_value(cell, data.get(col.header), col.kind)
                self.style_value(cell, col.kind)
                if isinstance(cell.value, str) and col.kind in (TEXT, LONG, CODE, CHOICE):
                    w = display_width(cell.value) + 2
                    if col.kind == LONG and w > col.width:
                        tall = max(tall, min(int(w / max(col.width, 1)) + 1 + cell.value.count("\n"), 12))
                        widths[c] = max(widths.get(c, 0), col.width)
                    else:
                        widths[c] = min(max(widths.get(c, 0), w), 60)
                elif isinstance(cell.value, (int, float, Decimal)) and not isinstance(cell.value, bool):
                    widths[c] = max(widths.get(c, 0), len(f"{cell.value:,.2f}") + 3)
            if tall > 1:
                ws.row_dimensions[r].height = 14 * tall
        end = first + total - 1 + (500 if last else 0)
        for c, col in enumerate(sec.cols, 1):
            letter = get_column_letter(c)
            val.add_range(f"{letter}{first}:{letter}{end}", f"{letter}{first}", col.kind, col.choices, col.strict,
                          col.lengths)
        return first + total

    @staticmethod
    def style_value(cell: Any, kind: str) -> None:
        cell.border = BORDER
        cell.font = Font(name=FONT, size=10)
        if kind == LONG:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        elif kind in (AMOUNT, INT, NUMBER):
            cell.alignment = Alignment(horizontal="right", vertical="top")
        else:
            cell.alignment = Alignment(vertical="top")



def _choice_note(line: Line) -> str:
    return f"可选：{' / '.join(line.choices)}" if line.choices else ""


class _Validations:
    """Excel data validation, grouped so that each distinct rule is one <dataValidation> element."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.rules: dict[tuple, DataValidation] = {}

    def _rule(self, key: tuple, make: Callable[[], DataValidation]) -> DataValidation:
        if key not in self.rules:
            self.rules[key] = make()
        return self.rules[key]

    def add(self, cell: Any, kind: str, choices: tuple[str, ...] = (), strict: bool = True) -> None:
        dv = self.make(kind, choices, strict, (), cell.coordinate)
        if dv is not None:
            dv.add(cell)

    def add_range(self, ref: str, top_left: str, kind: str, choices: tuple[str, ...], strict: bool,
                  lengths: tuple[int, ...]) -> None:
        dv = self.make(kind, choices, strict, lengths, top_left)
        if dv is not None:
            dv.add(ref)

    def make(self, kind: str, choices: tuple[str, ...], strict: bool, lengths: tuple[int, ...],
             top_left: str) -> DataValidation | None:
        if kind == AMOUNT:
            return self._rule(("amount",), lambda: DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
                errorTitle="金额", error="请填写不小于 0 的数字（最多两位小数），不要带单位或文字。"))
        if kind == INT:
            return self._rule(("int",), lambda: DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
                errorTitle="整数", error="请填写不小于 0 的整数。"))
        if kind == NUMBER:
            return self._rule(("number",), lambda: DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
                errorTitle="数量", error="请填写不小于 0 的数字。"))
        if kind == DATE:
            return self._rule(("date",), lambda: DataValidation(
                type="date", operator="between", formula1="36526", formula2="73051", allow_blank=True,
                showErrorMessage=True, errorTitle="日期", error="请填写日期，如 2024-02-05。"))
        if kind in (CHOICE, BOOL) and choices:
            listed = ",".join(choices)
            return self._rule(("list", listed, strict), lambda: DataValidation(
                type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=strict,
                errorTitle="请从下拉列表选择", error=f"可选：{' / '.join(choices)}"[:225]))
        if kind == CODE and lengths:
            if len(lengths) == 1:
                return self._rule(("len", lengths), lambda: DataValidation(
                    type="textLength", operator="equal", formula1=str(lengths[0]), allow_blank=True,
                    showErrorMessage=True, errorTitle="编码位数", error=f"编码应为 {lengths[0]} 位（按文本填写，保留开头的 0）。"))
            formula = "OR(" + ",".join(f"LEN({top_left})={n}" for n in lengths) + ")"
            return self._rule(("len", lengths, top_left), lambda: DataValidation(
                type="custom", formula1=formula, allow_blank=True, showErrorMessage=True, errorTitle="编码位数",
                error=f"编码应为 {' 或 '.join(map(str, lengths))} 位（按文本填写）。"))
        return None

    def finish(self) -> None:
        for dv in self.rules.values():
            self.ws.add_data_validation(dv)


def _load_budget(from_file: Path) -> Budget | FinalAccounts:
    if str(from_file).lower().endswith((".xlsx", ".xlsm")):
        data, source = read_workbook(from_file)
    else:
        from ..reading.load import load_file

        data, source = load_file(from_file)
    budget, findings = build_final(data, source) if is_final(data) else build(data, source)
    if budget is None:
        raise ExcelError(findings)
    return budget


def template_profile(name: str | None, budget: Budget | FinalAccounts | None, from_file: Path | None) -> Profile | None:
    """The profile the budget workbook follows: ``--profile``, else the 版式 of the --from budget, else
    none (the standard workbook)."""
    if name:
        return load_profile(name, Path.cwd())
    if isinstance(budget, Budget) and budget.基本信息.版式:
        return load_profile(budget.基本信息.版式, from_file.parent if from_file is not None else None)
    return None


def write_template(path: str | Path, from_file: str | Path | None = None, kind: str = "预算",
                   profile: str | None = None) -> None:
    """Write the fill-in workbook of ``kind`` (预算 or 决算); with ``from_file`` (YAML/JSON/.xlsx)
    prefilled from that budget or 决算, whose own 文种 then decides the workbook; a budget workbook
    laid out for ``profile`` (or the budget's 版式): sheets ordered and marked as that region needs.

    A file whose rules fail still prefills as long as it builds; one that does not build raises
    ``ExcelError`` with the model findings, an unreadable file ``InputError``, an unusable profile
    ``ProfileError``.
    """
    from ..reading.final_workbook_layout import FINAL_WORKBOOK

    source = Path(from_file) if from_file is not None else None
    budget = _load_budget(source) if source is not None else None
    final = isinstance(budget, FinalAccounts) if budget is not None else kind == "决算"
    layout = None if final else template_profile(profile, budget, source)
    wb = _TemplateWriter(budget, source.name if source is not None else "",
                         FINAL_WORKBOOK if final else BUDGET_WORKBOOK, layout).write()
    save_workbook(wb, Path(path))



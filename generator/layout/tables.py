"""The generic table builder: a profile's table spec × the computed figures → a TableCtx.

Why this module exists: every region publishes the same figures in differently shaped tables.
A table is a *row source* (the 功能分类 tree, the 经济分类 tree, the 类 list of a two-sided 收支总表,
the 三公 items, projects, procurement, units) × *columns* (measures such as 合计, 基本支出, 人员经费,
each fund source, 本年收入/上年结转) + *furniture* (序号, 栏次, the 部门/单位 lines, codes in one
column or as 类/款/项, zeros blank or 0.00, number format). Which source, which columns, which
labels and which furniture is data in the profile (layout/profile.py); this module only knows how
to compute each measure. Nothing here depends on the region's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .. import catalog
from ..fmt import to_unit
from ..reading.model import (
    FISCAL_SOURCES,
    FUND_SOURCES,
    INCOME_SOURCES,
    PROCUREMENT_FUNDS,
    ZERO,
    Budget,
    FunctionRow,
    Procurement,
    ProcurementItem,
)
from .compute import Figures, Tree, declared_subtotals, function_tree, parent_names
from .profile import ClassesSpec, LineSpec, Profile, TableSpec

# ================================================================= the table context


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Row:
    """One body row; ``kind`` drives styling: total (bold), class (bold), section, item."""

    cells: list[str]
    kind: str = "item"
    level: int = 3
    bold: list[bool] | None = None
    """Per-cell bold, for two-sided tables whose halves differ; otherwise ``kind`` decides."""

    def is_bold(self, index: int) -> bool:
        if self.bold is not None:
            return self.bold[index]
        return self.kind in ("total", "class")


@dataclass
class TableCtx:
    key: str
    number: int
    title: str
    dept: str
    unit: str
    header: list[list[HeaderCell]]
    rows: list[Row]
    align: list[str]
    widths: list[int]
    landscape: bool = False
    empty: bool = False
    empty_note: str = ""
    notes: list[str] = field(default_factory=list)
    info_rows: list[list[str]] = field(default_factory=list)
    """Furniture lines ([left, right]) printed inside the table as repeated header rows."""
    toc_name: str = ""

    @property
    def 标题(self) -> str:
        return self.title


TAIL_NOTE = "注：因四舍五入，合计数与分项之和可能存在尾差。"

# ================================================================= measures


UNIT_SOURCES = INCOME_SOURCES[4:]
"""The income sources of 单位资金 (事业收入 … 其他收入)."""


def unit_source(b: Budget) -> str | None:
    """The one income source the department's 单位资金 comes from, or None when it has several (or none).

    A 功能分类 row paid from 单位资金 can be shown under 事业收入 (etc.) only when that is unambiguous."""
    given = [s for s in UNIT_SOURCES if b.收入.本年收入.get(s)]
    return given[0] if len(given) == 1 else None


def _row_measure(name: str, source: str | None = None) -> Callable[[FunctionRow], Decimal | None]:
    """A column of a 功能分类 table: the value of one input row under that column.

    ``source``: the department's only 单位资金 income source (see unit_source). A row's 合计 and
    基本支出 are the ones it prints (the declared ones within 尾差, R12)."""
    if name in UNIT_SOURCES:
        return lambda r: r.shown_total() - (r.上年结转 or ZERO) if r.资金来源 == "单位资金" and source == name else None
    if name == "合计":
        return lambda r: r.shown_total()
    if name == "基本支出":
        return lambda r: r.shown_basic()
    if name in ("人员经费", "公用经费", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出"):
        return lambda r: r.get(name)
    if name in FUND_SOURCES:
        return lambda r: r.shown_total() if r.资金来源 == name else ZERO
    if name == "财政拨款":
        return lambda r: r.shown_total() if r.资金来源 in FISCAL_SOURCES else ZERO
    if name == "上年结转":
        return lambda r: r.上年结转 or ZERO
    if name == "本年收入":
        return lambda r: r.shown_total() - (r.上年结转 or ZERO)
    if name == "财政拨款收入":
        return lambda r: r.shown_total() - (r.上年结转 or ZERO) if r.资金来源 in FISCAL_SOURCES else ZERO
    if name.endswith("收入") and name.removesuffix("收入") in FUND_SOURCES:
        fund = name.removesuffix("收入")
        return lambda r: r.shown_total() - (r.上年结转 or ZERO) if r.资金来源 == fund else ZERO
    raise KeyError(name)


ROW_MEASURES = ("合计", "基本支出", "人员经费", "公用经费", "项目支出", "事业单位经营支出", "上缴上级支出",
                "对附属单位补助支出", *FUND_SOURCES, "财政拨款", "上年结转", "本年收入", "财政拨款收入",
                *[f + "收入" for f in FUND_SOURCES], *UNIT_SOURCES)
"""Every column name a 功能分类 table (and the right side of a two-sided table) may use."""


def _in_scope(scope: str) -> Callable[[FunctionRow], bool]:
    if scope == "全部":
        return lambda r: True
    if scope == "财政拨款":
        return lambda r: r.资金来源 in FISCAL_SOURCES
    if scope in FUND_SOURCES:
        return lambda r: r.资金来源 == scope
    raise KeyError(scope)


SCOPES = ("全部", "财政拨款", *FUND_SOURCES)


def _scope_funds(scope: str) -> tuple[str, ...]:
    if scope == "全部":
        return FUND_SOURCES
    if scope == "财政拨款":
        return FISCAL_SOURCES
    return (scope,)


def scalar_figures(f: Figures) -> dict[str, Decimal | None]:
    """Named figures a table line may show (the left side of two-sided tables, fixed item rows)."""
    b = f.budget
    t = b.三公经费
    unit_funds = sum((f.income_by_source[s] for s in INCOME_SOURCES[4:]), ZERO)
    fiscal_now, fiscal_all = f.fiscal_totals
    fiscal_carry = sum(f.fiscal_carry.values(), ZERO)
    out: dict[str, Decimal | None] = {s: f.income_by_source[s] for s in INCOME_SOURCES}
    out.update({f"上年结转结余.{s}": f.carry_in[s] for s in FUND_SOURCES})
    out.update({f"年终结转结余.{s}": f.carry_out[s] for s in FUND_SOURCES})
    out.update({
        "单位资金收入": unit_funds,
        "财政拨款收入": fiscal_now,
        "财政拨款上年结转": fiscal_carry,
        "财政拨款收入总计": fiscal_all,
        "本年收入合计": f.income_current,
        "上年结转结余": f.carry_in_total,
        "收入总计": f.income_total,
        "本年支出合计": f.expense_current,
        "年终结转结余": f.carry_out_total,
        "支出总计": f.expense_total,
        "三公经费": t.total(),
        "因公出国（境）费": t.因公出国境费,
        "公务用车购置及运行费": t.vehicles(),
        "公务用车购置费": t.公务用车购置费,
        "公务用车运行维护费": t.公务用车运行维护费,
        "公务接待费": t.公务接待费,
        "机关运行经费": b.机关运行经费.金额,
        "教学科研人员因公出国（境）费": t.教学科研人员因公出国境费,
        "其他因公出国（境）费": t.其他因公出国境费,
    })
    out["会议费"], out["培训费"] = t.会议费, t.培训费  # None when not entered (absent is not zero)
    out["三公经费及会议费培训费"] = t.total() + (t.会议费 or ZERO) + (t.培训费 or ZERO)
    out["基本支出"] = f.basic
    out["人员经费"] = f.by_kind["人员经费"]
    out["公用经费"] = f.by_kind["公用经费"]
    out["项目支出"] = f.by_kind["项目支出"]
    out["政府采购"] = None if b.政府采购 is None else b.政府采购.total()
    out["上年末固定资产总额"] = b.国有资产.上年末固定资产总额
    out["资产配置预算"] = b.国有资产.资产配置预算
    return out


SCALAR_FIGURES = (*INCOME_SOURCES, *[f"上年结转结余.{s}" for s in FUND_SOURCES],
                  *[f"年终结转结余.{s}" for s in FUND_SOURCES], "单位资金收入", "财政拨款收入", "财政拨款上年结转",
                  "财政拨款收入总计", "本年收入合计", "上年结转结余", "收入总计", "本年支出合计", "年终结转结余", "支出总计",
                  "三公经费", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行维护费", "公务接待费",
                  "机关运行经费", "会议费", "培训费", "教学科研人员因公出国（境）费", "其他因公出国（境）费",
                  "三公经费及会议费培训费", "基本支出", "人员经费", "公用经费", "项目支出", "政府采购",
                  "上年末固定资产总额", "资产配置预算")
"""Every figure name a line's ``值`` may use (and, for the right side, 本年支出/年终结转结余/支出总计 by column)."""
SIDE_FIGURES = ("本年支出", "年终结转结余", "支出总计")

# ================================================================= numbers


_CN = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


def class_ordinal(n: int, style: str) -> str:
    """Chinese ordinal of the 收支总表 类 list: 一 … 十九, 二十, then 廿一 (style 廿) or 二十一 (style 二十)."""
    if n <= 10:
        return _CN[n]
    if n < 20:
        return "十" + _CN[n - 10]
    if n % 10 == 0 and n < 100:
        return _CN[n // 10] + "十"
    if n < 30 and style == "廿":
        return "廿" + _CN[n - 20]
    if n < 100:
        return _CN[n // 10] + "十" + _CN[n % 10]
    return str(n)


class Formatter:
    """Table cells in the table unit, by the profile's 金额 rules."""

    def __init__(self, profile: Profile, src: str, unit: str):
        self.p, self.src, self.unit = profile.金额, src, unit

    def __call__(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        q = Decimal(1).scaleb(-self.p.小数位)
        from decimal import ROUND_HALF_UP

        shown = to_unit(value, self.src, self.unit).quantize(q, rounding=ROUND_HALF_UP)
        if shown == 0:
            if self.p.零值 == "空白":
                return ""
            shown = abs(shown)
        grouped = self.p.千分位 == "总是" or (self.p.千分位 == "元时" and self.unit == "元")
        return f"{shown:,.{self.p.小数位}f}" if grouped else f"{shown:.{self.p.小数位}f}"

    def shown(self, value: Decimal) -> Decimal:
        q = Decimal(1).scaleb(-self.p.小数位)
        from decimal import ROUND_HALF_UP

        return to_unit(value, self.src, self.unit).quantize(q, rounding=ROUND_HALF_UP)


# ================================================================= the builder


Checks = list[tuple[Decimal, list[Decimal]]]


class TableBuilder:
    """Builds every table of a profile from one budget's figures."""

    def __init__(self, b: Budget, f: Figures, profile: Profile, subject: str):
        self.b, self.f, self.profile = b, f, profile
        info = b.基本信息
        self.src = info.金额单位
        self.unit = info.表格金额单位 or self.src
        self.year = info.预算年度
        self.subject = subject
        self.amt = Formatter(profile, self.src, self.unit)
        self.scalars = scalar_figures(f)
        self.parents = parent_names(b)
        self.declared = declared_subtotals(b)
        asof = b.国有资产.截至日期
        self.words = {"主体": subject, "部门": info.部门名称, "编码": info.部门编码, "年度": str(self.year),
                      "截止日期": asof.isoformat() if asof else "",
                      "单位": self.unit}

    def fill(self, text: str) -> str:
        out = text
        for key, value in self.words.items():
            out = out.replace("{" + key + "}", value)
        return out

    # -------------------------------------------------------------- notes

    def tail_notes(self, checks: Checks) -> list[str]:
        """The 尾差 note when a displayed total differs from the sum of its displayed parts."""
        shown = self.amt.shown  # also without conversion: a declared total within 尾差 is printed as typed (R12)
        for total, parts in checks:
            if shown(total) != sum((shown(p) for p in parts), ZERO):
                return [TAIL_NOTE]
        return []

    @staticmethod
    def tree_checks(tree: Tree, parts_of: dict[int, list[int]]) -> Checks:
        """Sums a reader can redo on a tree table: total = Σ类, 类 = Σ款, 款 = Σ项, and across columns."""
        checks = []
        for col in range(len(tree.columns)):
            checks.append((tree.total[col], [r.values[col] for r in tree.rows if r.level == 1]))
            for parent in tree.rows:
                kids = [r.values[col] for r in tree.rows
                        if r.level == parent.level + 1 and r.code.startswith(parent.code)]
                if kids:
                    checks.append((parent.values[col], kids))
        for row_values in [tree.total] + [r.values for r in tree.rows]:
            for col, parts in parts_of.items():
                checks.append((row_values[col], [row_values[p] for p in parts]))
        return checks

    # -------------------------------------------------------------- one table

    def build(self, key: str, number: int, spec: TableSpec) -> TableCtx:
        """One table; a spec's own 单位/小数位 (上海's 三公 table in 万元) apply to it alone."""
        if not spec.单位 and spec.小数位 is None:
            return self._build(key, number, spec)
        saved = self.amt, self.unit, self.words["单位"]
        self.unit = self.words["单位"] = spec.单位 or self.unit
        self.amt = Formatter(self.profile, self.src, self.unit)
        if spec.小数位 is not None:
            self.amt.p = self.amt.p.model_copy(update={"小数位": spec.小数位})
        try:
            return self._build(key, number, spec)
        finally:
            self.amt, self.unit, self.words["单位"] = saved

    def _build(self, key: str, number: int, spec: TableSpec) -> TableCtx:
        maker = {"收支总表": self.two_sided, "功能分类": self.function, "经济分类": self.economic,
                 "收入按单位": self.by_unit, "三公": self.three_public, "项目": self.projects,
                 "政府采购": self.procurement, "机构设置": self.institutions,
                 "固定资产": self.fixed_assets}[spec.来源]
        self.given = True
        rows, empty, notes = maker(spec)
        fur = self.profile.表格
        serial = fur.序号 if spec.序号 is None else spec.序号
        numbers = fur.栏次 if spec.栏次 is None else spec.栏次
        lines = [[self.fill(x) for x in line] for line in (fur.信息行 if spec.信息行 is None else spec.信息行)]
        first = (lines[0] if lines else []) + ["", ""]
        header = [[HeaderCell(self.fill(c)) if isinstance(c, str) else HeaderCell(self.fill(c.文字), c.跨列, c.跨行)
                   for c in line] for line in spec.表头]
        align, widths = list(spec.对齐), list(spec.宽度)
        if fur.编码列 == "类款项" and spec.来源 in ("功能分类", "经济分类"):
            depth = 3 if spec.来源 == "功能分类" else 2
            rows = [_split_codes(r, depth) if _has_code(r) else _pad_codes(r, depth) for r in rows]
        if serial:
            header, rows, align, widths = _with_serial(header, rows, align, widths)
        if numbers:
            header = _with_column_numbers(header, len(align), serial)
        inside = fur.信息行在表内
        return TableCtx(
            key, number, self.fill(spec.标题), "" if inside else first[0], "" if inside else first[1],
            header, rows, align, widths, landscape=spec.横向,
            empty=empty and not spec.空表保留行, empty_note=self._empty_note(spec, empty),
            notes=notes, info_rows=lines if inside else [], toc_name=self.fill(spec.目录名) if spec.目录名 else "",
        )

    def _empty_note(self, spec: TableSpec, empty: bool) -> str:
        if not empty:
            return ""
        if not self.given and spec.未填说明:
            return self.fill(spec.未填说明)
        return self.fill(spec.空表说明)

    # -------------------------------------------------------------- sources

    def institutions(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        """机构设置 (单位名称, 单位性质, 单位规格, 经费保障形式), as entered."""
        rows = [Row([r.单位名称, r.单位性质, r.单位规格, r.经费保障形式]) for r in self.b.部门概况.机构设置]
        return rows, not rows, []

    def _tree(self, scope_name: str, columns: list[str]) -> Tree:
        scope = _in_scope(scope_name)
        source = unit_source(self.b)
        measures = {c: _row_measure(c, source) for c in columns}
        rows = [r for r in self.b.支出.功能分类 if scope(r)]
        return function_tree(rows, columns, lambda r, c: measures[c](r) or ZERO, self.parents, self.declared)

    def _tree_rows(self, tree: Tree, spec: TableSpec, levels: dict[int, int] | None = None) -> list[Row]:
        total = Row([spec.合计名称, "", *[self.amt(v) for v in tree.total]], "total", 0)
        rows = []
        for r in tree.rows:
            indent = "\u3000" * (r.level - 1) if spec.缩进 else ""
            level = levels.get(r.level, r.level) if levels else r.level
            rows.append(Row([indent + r.code, indent + r.name, *[self.amt(v) for v in r.values]],
                            "class" if r.level == 1 else "item", level))
        return [total, *rows] if spec.合计位置 == "首行" else [*rows, total]

    def _empty(self, spec: TableSpec, has_rows: bool, total: Decimal) -> bool:
        if spec.空表 == "从不":
            return False
        if spec.空表 == "合计为零":
            return total == 0
        return not has_rows

    def function(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        tree = self._tree(spec.范围, list(spec.列))
        parts = _column_parts(list(spec.列))
        empty = self._empty(spec, not tree.empty, tree.total[0] if tree.total else ZERO)
        return self._tree_rows(tree, spec), empty, self.tail_notes(self.tree_checks(tree, parts))

    def economic(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        tree = self.f.economic
        rows = self._tree_rows(tree, spec, {1: 1, 2: 3})
        empty = self._empty(spec, not tree.empty, tree.total[0])
        return rows, empty, self.tail_notes(self.tree_checks(tree, {0: [1, 2]}))

    # ---- two-sided (收支总表, 财政拨款收支总表)

    def _classes(self, spec: ClassesSpec, tree: Tree) -> list[tuple[str, list[Decimal] | None]]:
        classes = {r.code: r for r in tree.classes()}
        listed = self.profile.表格.类列表
        fixed: list[tuple[str, str]] = []
        if spec.类 == "全部":
            if listed:
                for item in listed:  # "201", "209 社会保险基金支出" or a name without code ("人行科目")
                    code, _, name = item.partition(" ")
                    if not code.isdigit():
                        code, name = item, item
                    entry = catalog.function_subject(code) if code.isdigit() else None
                    fixed.append((code, name.strip() or (entry.name if entry else code)))
            else:
                fixed = [(s.code, s.name) for s in catalog.summary_classes()]
        out: list[tuple[str, list[Decimal] | None]] = []
        codes = {c for c, _ in fixed}
        for code, name in fixed:
            row = classes.get(code)
            out.append((name, row.values if row else None))
        for code, row in classes.items():  # a 类 with spending outside the fixed list still shows
            if code not in codes:
                out.append((row.name, row.values))
        style = self.profile.表格.类序号
        return [(spec.编号.replace("{序}", class_ordinal(i, style)) + name, vals)
                for i, (name, vals) in enumerate(out, spec.起始)]

    def _side_vector(self, name: str, tree: Tree, columns: list[str], scope: str) -> list[Decimal | None]:
        funds = _scope_funds(scope)

        def carry(col: str) -> Decimal | None:
            if col == "合计":
                return sum((self.f.carry_out[s] for s in funds), ZERO)
            if col in FUND_SOURCES:
                return self.f.carry_out[col]
            if col == "财政拨款":
                return sum((self.f.carry_out[s] for s in FISCAL_SOURCES), ZERO)
            return None

        if name == "本年支出":
            return list(tree.total) if tree.total else [ZERO] * len(columns)
        if name == "年终结转结余":
            return [carry(c) for c in columns]
        if name == "支出总计":
            now = list(tree.total) if tree.total else [ZERO] * len(columns)
            # carry-out is kept by fund only: a column it does not split (人员经费 …) shows this year's spending
            out = [n if carry(c) is None else n + carry(c) for n, c in zip(now, columns, strict=True)]
            if columns[0] == "合计" and now[0] == self.f.expense_current and carry("合计") == self.f.carry_out_total:
                out[0] = self.f.expense_total  # all of the spending: the printed (declared) 支出总计
            return out
        value = self.scalars[name]
        return [value] + [None] * (len(columns) - 1)

    def two_sided(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        columns = list(spec.列) or ["合计"]
        tree = self._tree(spec.范围, columns)
        width = len(columns)
        left = [(line.名称, self.scalars[line.值] if line.值 else None, line.粗体, bool(line.值)) for line in spec.左]
        right: list[tuple[str, list[Decimal | None] | None, bool, bool]] = []
        for item in spec.右:
            if isinstance(item, ClassesSpec):
                right += [(name, vals if vals is not None else [ZERO] * width, False, True)
                          for name, vals in self._classes(item, tree)]
            else:
                right.append((item.名称, self._side_vector(item.值, tree, columns, spec.范围) if item.值 else None,
                              item.粗体, bool(item.值)))
        rows = []
        for i in range(max(len(left), len(right))):
            rows.append(self._pair(left[i] if i < len(left) else None, right[i] if i < len(right) else None, width))
        for pair in spec.收尾:
            lv = (pair.左.名称, self.scalars[pair.左.值] if pair.左.值 else None, pair.左.粗体, bool(pair.左.值))
            rv = (pair.右.名称, self._side_vector(pair.右.值, tree, columns, spec.范围) if pair.右.值 else None,
                  pair.右.粗体, bool(pair.右.值))
            rows.append(self._pair(lv, rv, width))
        return rows, False, self.tail_notes(self._two_sided_checks(spec, tree, columns))

    def _pair(self, left, right, width: int) -> Row:
        l_name, l_val, l_bold, l_has = left or ("", None, False, False)
        r_name, r_vals, r_bold, r_has = right or ("", None, False, False)
        l_cells = [l_name, self.amt(l_val if l_val is not None else (ZERO if l_has else None))]
        if r_vals is None:
            r_cells = [""] * width
        else:
            r_cells = [self.amt(v) for v in r_vals]
        bold = [l_bold] * 2 + [r_bold] * (1 + width)
        kind = "total" if l_bold or r_bold else "item"
        return Row([*l_cells, r_name, *r_cells], kind, 0 if kind == "total" else 3, bold)

    def _two_sided_checks(self, spec: TableSpec, tree: Tree, columns: list[str]) -> Checks:
        """The sums a reader can redo: 本年 = Σ sources / Σ 类, 总计 = 本年 + 结转, fund columns = their total."""
        s = self.scalars
        f = self.f
        shown_names = {line.值 for line in spec.左} | {p.左.值 for p in spec.收尾}
        checks: Checks = []
        if "本年收入合计" in shown_names:
            checks.append((f.income_current, list(f.income_by_source.values())))
        if "财政拨款收入" in shown_names:
            checks.append((s["财政拨款收入"], list(f.fiscal_income.values())))
        if "财政拨款上年结转" in shown_names:
            checks.append((s["财政拨款上年结转"], list(f.fiscal_carry.values())))
        if "收入总计" in shown_names:
            checks.append((f.income_total, [f.income_current, f.carry_in_total]))
        if "财政拨款收入总计" in shown_names:
            checks.append((s["财政拨款收入总计"], [s["财政拨款收入"], s["财政拨款上年结转"]]))
        if columns == ["合计"]:
            checks.append((tree.total[0] if tree.total else ZERO, [r.values[0] for r in tree.classes()]))
            out = self._side_vector("支出总计", tree, columns, spec.范围)[0] or ZERO
            checks.append((out, [tree.total[0] if tree.total else ZERO, carry_total(f, spec.范围)]))
        else:
            checks += self.tree_checks(tree, _column_parts(columns))
            funds = _scope_funds(spec.范围)
            carry = [sum((f.carry_out[x] for x in funds), ZERO), *[f.carry_out[c] for c in columns[1:] if c in FUND_SOURCES]]
            if len(carry) == len(columns):
                out = [v or ZERO for v in self._side_vector("支出总计", tree, columns, spec.范围)]
                checks += [(carry[0], carry[1:]), (out[0], out[1:])]
                checks += [(out[i], [tree.total[i] if tree.total else ZERO, carry[i]]) for i in range(len(columns))]
        return checks

    # ---- 收入总表 by unit

    def by_unit(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        f = self.f
        current = [f.income_by_source[s] for s in INCOME_SOURCES]
        carry = [f.carry_in[s] for s in FUND_SOURCES]
        values = [f.income_total, f.income_current, *current, f.carry_in_total, *carry]
        cells = [self.amt(v) for v in values]
        rows = [Row([spec.合计名称, "", *cells], "total", 0)]
        info = self.b.基本信息
        rows.append(Row([info.部门编码, info.部门名称, *cells], "class", 1))
        units = info.预算单位
        unit_checks: Checks = []
        if units and all(u.本年收入 is not None and u.上年结转结余 is not None for u in units):
            per_unit = []
            for u in units:
                assert u.本年收入 is not None and u.上年结转结余 is not None
                now = [u.本年收入.get(s) for s in INCOME_SOURCES]
                carried = [u.上年结转结余.get(s) for s in FUND_SOURCES]
                unit_values = [sum(now, ZERO) + sum(carried, ZERO), sum(now, ZERO), *now, sum(carried, ZERO), *carried]
                rows.append(Row(["\u3000" + u.编码, "\u3000" + u.名称, *[self.amt(v) for v in unit_values]], "item", 3))
                per_unit.append(unit_values)
                unit_checks += [(unit_values[0], [unit_values[1], unit_values[11]]), (unit_values[1], now),
                                (unit_values[11], carried)]
            unit_checks += [(v, [u[i] for u in per_unit]) for i, v in enumerate(values)]  # department = Σ units
        elif len(units) == 1:
            rows.append(Row(["\u3000" + units[0].编码, "\u3000" + units[0].名称, *cells], "item", 3))
        checks = [(f.income_total, [f.income_current, f.carry_in_total]), (f.income_current, current),
                  (f.carry_in_total, carry), *unit_checks]
        return rows, False, self.tail_notes(checks)

    # ---- 三公

    THREE_PUBLIC_PARTS = {
        "三公经费": ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"),
        "公务用车购置及运行费": ("公务用车购置费", "公务用车运行维护费"),
        "三公经费及会议费培训费": ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费", "会议费", "培训费"),
    }
    """The "三公" rows that are sums of items: their fund columns are the sums of the items' fund splits."""

    def _three_public_split(self, name: str) -> dict[str, Decimal] | None:
        """A 三公 row by 财政拨款 source (ThreePublic.split; sums for the subtotal rows); None when not entered."""
        t = self.b.三公经费
        parts = self.THREE_PUBLIC_PARTS.get(name, (name,))
        splits = [x for x in (t.split(k) for k in parts) if x is not None]
        if not splits:
            return None
        return {s: sum((x[s] for x in splits), ZERO) for s in FISCAL_SOURCES}

    def three_public(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        t = self.b.三公经费
        s = self.scalars
        checks: Checks = [(t.total(), [t.因公出国境费, t.vehicles(), t.公务接待费]),
                          (t.vehicles(), [t.公务用车购置费, t.公务用车运行维护费])]
        if t.教学科研人员因公出国境费 is not None and t.其他因公出国境费 is not None:
            checks.append((t.因公出国境费, [t.教学科研人员因公出国境费, t.其他因公出国境费]))
        if not spec.行:  # one row, the items are the columns
            rows = [Row([self.amt(s[c]) for c in spec.列], "item", 3)]
        else:  # the items are rows, the columns are 合计 and the 财政拨款 sources
            rows = []
            for line in spec.行:
                value = s[line.值] if line.值 else None
                split = self._three_public_split(line.值) if value is not None else None
                cells = [self.amt(value if col == "合计" else (split or {}).get(col)) for col in spec.列]
                rows.append(Row([line.名称, *cells], "total" if line.粗体 else "item", 0 if line.粗体 else 3))
                if split is not None and "合计" in spec.列:
                    checks.append((value, list(split.values())))
            for whole, parts in self.THREE_PUBLIC_PARTS.items():
                for fund in FISCAL_SOURCES:
                    shown = [self._three_public_split(k) for k in parts]
                    checks.append(((self._three_public_split(whole) or {}).get(fund, ZERO),
                                   [x[fund] for x in shown if x is not None]))
        return rows, self._empty(spec, True, t.total()), self.tail_notes(checks)

    # ---- 项目支出表

    def projects(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        f = self.f
        total = sum((p.total() for p in f.projects), ZERO)  # Σ the printed 合计 (a declared one within 尾差, R12)
        rows = [Row([spec.合计名称, "", "", self.amt(total), *[self.amt(f.project_totals[s]) for s in FUND_SOURCES]],
                    "total", 0)]
        for p in f.projects:
            rows.append(Row([p.项目编码, p.项目名称, p.项目单位 or self.b.基本信息.部门名称, self.amt(p.total()),
                             *[self.amt(p.资金来源.get(s)) for s in FUND_SOURCES]]))
        checks = [(total, list(f.project_totals.values())), (total, [p.total() for p in f.projects])]
        checks += [(p.total(), [p.资金来源.get(s) for s in FUND_SOURCES]) for p in f.projects]
        checks += [(f.project_totals[s], [p.资金来源.get(s) for p in f.projects]) for s in FUND_SOURCES]
        return rows, self._empty(spec, bool(f.projects), total), self.tail_notes(checks)

    # ---- 政府采购预算表

    PROCUREMENT_COLUMNS = ("项目", "品目", "类别", "数量", "计量单位", "金额", "面向中小企业", "面向小微企业")
    """Columns of a procurement table (``列``; empty: these, in this order). Also allowed: 项目预算资金, 物品名称,
    目录序号, 单价, and each fund of PROCUREMENT_FUNDS (the item's amount from that source)."""
    PROCUREMENT_EXTRA = ("项目预算资金", "物品名称", "目录序号", "单价", *PROCUREMENT_FUNDS)

    def _project_budget(self, item: ProcurementItem) -> Decimal | None:
        """The budget of the project an item is bought for: as entered, else the project of that name, else None."""
        if item.项目预算资金 is not None:
            return item.项目预算资金
        match = [p for p in self.b.项目 if item.项目 and p.项目名称 == item.项目]
        return match[0].total() if len(match) == 1 else None

    def _procurement_cells(self, i: ProcurementItem) -> dict[str, str]:
        qty = "" if i.数量 is None else f"{i.数量.normalize():f}"
        funds = i.资金来源
        return {"项目": i.项目, "品目": i.品目, "物品名称": i.item_name(), "目录序号": i.catalog_code(), "类别": i.类别,
                "数量": qty, "计量单位": i.计量单位, "单价": self.amt(i.单价), "项目预算资金": self.amt(self._project_budget(i)),
                **{c: self.amt(getattr(i, c)) for c in ("金额", "面向中小企业", "面向小微企业")},
                **{s: self.amt(funds.get(s) if funds is not None else None) for s in PROCUREMENT_FUNDS}}

    def procurement(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        self.given = self.b.政府采购 is not None
        p = self.b.政府采购 or Procurement()
        columns = list(spec.列) or list(self.PROCUREMENT_COLUMNS)

        def line(values: dict[str, str], kind: str = "item", level: int = 3) -> Row:
            return Row([values.get(c, "") for c in columns], kind, level)

        split = bool(p.明细) and all(i.资金来源 is not None for i in p.明细)
        by_fund = {s: sum((i.资金来源.get(s) for i in p.明细 if i.资金来源 is not None), ZERO) for s in PROCUREMENT_FUNDS}
        fund_cells = {s: self.amt(by_fund[s]) for s in PROCUREMENT_FUNDS} if split else {}
        rows = [line({columns[0]: spec.合计名称, "金额": self.amt(p.total()), "面向中小企业": self.amt(p.面向中小企业),
                      "面向小微企业": self.amt(p.面向小微企业), **fund_cells}, "total", 0)]
        for kind in ("货物", "工程", "服务"):
            items = [i for i in p.明细 if i.类别 == kind]
            amount = getattr(p, kind)
            if not items and amount == 0:
                continue
            if spec.分类小计:
                sme = sum((i.面向中小企业 for i in items), ZERO)
                micro = sum((i.面向小微企业 for i in items), ZERO)
                rows.append(line({columns[0]: f"{kind}类", "金额": self.amt(amount),
                                  "面向中小企业": self.amt(sme) if items else "",
                                  "面向小微企业": self.amt(micro) if items else ""}, "class", 1))
            rows += [line(self._procurement_cells(i)) for i in items]
        return rows, self._empty(spec, p.total() != 0, p.total()), self.tail_notes(self._procurement_checks(p, split))

    @staticmethod
    def _procurement_checks(p: Procurement, split: bool) -> Checks:
        checks: Checks = [(p.total(), [p.货物, p.工程, p.服务])]
        if p.明细:  # each 类别 row and the SME columns are sums of the items shown under them
            checks += [(declared, [getattr(i, col) for i in p.明细]) for col in ("面向中小企业", "面向小微企业")
                       if (declared := getattr(p, col)) is not None]
            for kind in ("货物", "工程", "服务"):
                items = [i for i in p.明细 if i.类别 == kind]
                checks += [(getattr(p, kind), [i.金额 for i in items])] if items else []
                checks += [(sum((getattr(i, col) for i in items), ZERO), [getattr(i, col) for i in items])
                           for col in ("面向中小企业", "面向小微企业")] if items else []
        for i in p.明细:  # an item's fund columns add up to its amount
            if i.资金来源 is not None:
                checks.append((i.金额, [i.资金来源.get(s) for s in PROCUREMENT_FUNDS]))
        if split:
            checks += [(sum((i.资金来源.get(s) for i in p.明细 if i.资金来源), ZERO),
                        [i.资金来源.get(s) for i in p.明细 if i.资金来源]) for s in PROCUREMENT_FUNDS]
        return checks

    # ---- 固定资产占用

    def fixed_assets(self, spec: TableSpec) -> tuple[list[Row], bool, list[str]]:
        """固定资产总额 then each kind held, with 数量 and 价值 as entered (a count not given stays blank)."""
        a = self.b.国有资产
        rows = []
        if a.上年末固定资产总额 is not None:
            rows.append(Row([spec.合计名称, "", self.amt(a.上年末固定资产总额)], "total", 0))
        for x in a.固定资产占用:
            rows.append(Row([x.类别, "" if x.数量 is None else str(x.数量), self.amt(x.价值)]))
        return rows, not rows, []


# ================================================================= furniture


def carry_total(f: Figures, scope: str) -> Decimal:
    """年终结转结余 of the funds of a table's scope."""
    return sum((f.carry_out[x] for x in _scope_funds(scope)), ZERO)



def _column_parts(columns: list[str]) -> dict[int, list[int]]:
    """Which columns of a row add up to which: 合计 = 基本 + 项目 (+ …), 基本 = 人员 + 公用, 合计 = Σ funds."""
    idx = {c: i for i, c in enumerate(columns)}
    out: dict[int, list[int]] = {}
    groups = [
        ("合计", ["基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出"]),
        ("基本支出", ["人员经费", "公用经费"]),
        ("合计", list(FUND_SOURCES)),
        ("合计", ["财政拨款", "财政专户管理资金", "单位资金"]),
        ("合计", ["本年收入", "上年结转"]),
    ]
    for whole, parts in groups:
        present = [idx[p] for p in parts if p in idx]
        if whole in idx and len(present) >= 2 and idx[whole] not in out:
            out[idx[whole]] = present
    return out


def _has_code(row: Row) -> bool:
    return bool(row.cells) and row.cells[0].strip("\u3000").isdigit()


def _split_codes(row: Row, depth: int = 3) -> Row:
    """Codes as 类/款/项 columns: 2010601 → 201 | 06 | 01; 经济分类 30101 → 301 | 01 (depth 2)."""
    code = row.cells[0].strip("\u3000")
    parts = [code[:3], code[3:5], code[5:7]][:depth]
    bold = None if row.bold is None else [row.bold[0]] * (depth - 1) + row.bold
    return Row([*parts, *row.cells[1:]], row.kind, row.level, bold)


def _pad_codes(row: Row, depth: int = 3) -> Row:
    """A row without a code (合计) under 类/款/项 columns: blank codes, its label in the name column."""
    bold = None if row.bold is None else [row.bold[0]] * (depth + 1) + row.bold[2:]
    return Row([*[""] * depth, row.cells[0], *row.cells[2:]], row.kind, row.level, bold)


def _with_serial(header, body, align, widths):
    depth = len(header)
    header = [[HeaderCell("序号", 1, depth), *header[0]], *header[1:]]
    rows = []
    for i, r in enumerate(body, 1):
        bold = None if r.bold is None else [False, *r.bold]
        rows.append(Row([str(i), *r.cells], r.kind, r.level, bold))
    return header, rows, ["center", *align], [5, *widths]


def _with_column_numbers(header, ncols: int, serial: bool):
    first = 1 if serial else 0
    cells = ([HeaderCell("栏次")] if serial else []) + [HeaderCell(str(i)) for i in range(1, ncols - first + 1)]
    return [*header, cells]


def build_tables(b: Budget, f: Figures, profile: Profile, subject: str) -> list[TableCtx]:
    """Every table of the profile, in its order, numbered 1…n."""
    builder = TableBuilder(b, f, profile, subject)
    return [builder.build(key, number, spec) for number, (key, spec) in enumerate(profile.tables(), 1)]


def build_text_tables(b: Budget, f: Figures, profile: Profile, subject: str) -> dict[str, TableCtx | None]:
    """The tables placed inside the text (``文中表``); None for one with no data (its slot is left out)."""
    builder = TableBuilder(b, f, profile, subject)
    out: dict[str, TableCtx | None] = {}
    for key, spec in profile.文中表.items():
        table = builder.build(key, 0, spec)
        out[key] = None if table.empty and not spec.空表列示 else table
    return out


def check_profile_names(profile: Profile) -> list[tuple[str, tuple]]:
    """Measures, figures and scopes a profile names that this builder does not know: (message, path)."""
    problems: list[tuple[str, tuple]] = []
    for group, key, spec in [*(("表", k, v) for k, v in profile.tables()),
                             *(("文中表", k, v) for k, v in profile.文中表.items())]:
        at = (group, key)
        if spec.来源 in ("功能分类", "收支总表"):
            problems += [(f"表“{key}”的列“{c}”不是已知的度量（{'、'.join(ROW_MEASURES)}）", (*at, "列", i))
                         for i, c in enumerate(spec.列) if c not in ROW_MEASURES]
            if spec.范围 not in SCOPES:
                problems.append((f"表“{key}”的范围“{spec.范围}”不是 {'、'.join(SCOPES)} 之一", (*at, "范围")))
        sides = [("左", i, line, False) for i, line in enumerate(spec.左)]
        sides += [("右", i, line, True) for i, line in enumerate(spec.右) if isinstance(line, LineSpec)]
        sides += [("行", i, line, False) for i, line in enumerate(spec.行)]
        for i, pair in enumerate(spec.收尾):
            sides += [("收尾", i, pair.左, False), ("收尾", i, pair.右, True)]
        for where, i, line, right in sides:
            allowed = (*SCALAR_FIGURES, *SIDE_FIGURES) if right else SCALAR_FIGURES
            if line.值 and line.值 not in allowed:
                problems.append((f"表“{key}”行“{line.名称}”的值“{line.值}”不是已知的数字名（见 docs/profiles.md）",
                                 (*at, where, i)))
        if spec.来源 == "政府采购":
            known = (*TableBuilder.PROCUREMENT_COLUMNS, *TableBuilder.PROCUREMENT_EXTRA)
            problems += [(f"表“{key}”的列“{c}”不是已知的采购列（{'、'.join(known)}）", (*at, "列", i))
                         for i, c in enumerate(spec.列) if c not in known]
        if spec.来源 == "三公" and spec.行:
            known = ("合计", *FISCAL_SOURCES)
            problems += [(f"表“{key}”的列“{c}”不是 {'、'.join(known)} 之一", (*at, "列", i))
                         for i, c in enumerate(spec.列) if c not in known]
        if spec.来源 == "三公" and not spec.行:
            problems += [(f"表“{key}”的列“{c}”不是已知的数字名", (*at, "列", i))
                         for i, c in enumerate(spec.列) if c not in SCALAR_FIGURES]
        columns = sum(max(1, c.跨列) if not isinstance(c, str) else 1 for c in spec.表头[0]) if spec.表头 else 0
        expected = len(spec.宽度)
        if columns != expected:
            problems.append((f"表“{key}”的表头首行有 {columns} 列，宽度有 {expected} 列", (*at, "表头")))
    return problems


__all__ = ["HeaderCell", "Row", "TableCtx", "build_tables", "check_profile_names"]

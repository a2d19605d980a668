"""Narrate stage of the 决算: the typed render context — the nine 决算 tables and every sentence, formatted.

Why this module exists: as ``narrate.py`` does for the budget, templates only place values. Every
table cell (in the table unit) and every sentence of the 决算情况说明 (in 万元: totals and growth
with the reason, shares, "年初预算为X万元，支出决算为X万元，完成年初预算的X%" with 大于/小于/等于
following the sign, "三公" 预算 against 决算 and against last year, 机关运行经费 against its base,
政府采购 shares, vehicles, 绩效自评 coverage) is computed here from ``final_compute.py``. What differs
by region (table order, names, notes, empty-table notes, the 合计 row's place, the glossary) is data
in ``profiles/决算/决算版式.yaml``, read as a layout; the template of the region places the sentences.
The document never states what the input does not say: an absent count or comparison leaves its
clause out.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import catalog
from ..config import Settings
from ..findings import Finding
from ..fmt import ordinal, percent, reason_clause, round2, table_amount, to_unit, wan
from ..reading.final_model import (
    FINAL_INCOME_SOURCES,
    FISCAL_FUNDS,
    FinalAccounts,
    FinalProcurement,
    SelfIndicator,
)
from ..reading.model import ZERO
from .compute import Change, Tree, qualified_function_name
from .final_compute import FinalFigures, compute_final
from .narrate import HeaderCell, PerfTable, Row, TableCtx
from .profile import (
    DEFAULT_PROFILE,
    FINAL_FILE_NAMES,
    FileNames,
    Profile,
    ProfileError,
    load_profile,
    shipped_profiles,
)
from .tables import class_ordinal

# ================================================================= the layouts (data)


@dataclass(frozen=True)
class FinalTableSpec:
    名称: str
    注: str = ""
    空表说明: str = ""
    仅支出: bool = False
    合计位置: str = "首行"


@dataclass(frozen=True)
class FinalLayout:
    """One profile's 决算 layout (its ``决算:`` key, layout/profile.py FinalSpec), as the tables and
    the context read it."""

    版式: str
    模板: str
    横向: frozenset[str]
    标题格式: str
    信息行左: str
    类序号: str
    名词编号: str
    单位构成: str
    单位构成无下属: str
    表序: tuple[str, ...]
    表: dict[str, FinalTableSpec]
    名词解释: tuple[tuple[str, str], ...]


def final_layout(profile: Profile) -> FinalLayout:
    """The 决算 layout of a profile (ProfileError when the profile has none)."""
    spec = profile.决算
    if spec is None:
        raise ProfileError([Finding("PROFILE", "error", f"版式“{profile.名称}”没有部门决算的版式（决算:）；"
                                    f"可用于决算的版式：{'、'.join(final_profiles())}，或继承其中之一的版式文件",
                                    file=str(profile.source_files[-1]) if profile.source_files else "")])
    tables = {k: FinalTableSpec(t.名称, t.注, t.空表说明, t.仅支出, t.合计位置 or spec.合计位置) for k, t in spec.表.items()}
    return FinalLayout(
        版式=profile.名称, 模板=spec.模板, 横向=frozenset(spec.横向), 标题格式=spec.标题格式, 信息行左=spec.信息行左,
        类序号=spec.类序号, 名词编号=spec.名词编号, 单位构成=spec.单位构成, 单位构成无下属=spec.单位构成无下属 or spec.单位构成,
        表序=tuple(spec.表序), 表=tables, 名词解释=tuple((str(a), str(b)) for a, b in spec.名词解释))


def fill(text: str, **words: object) -> str:
    """A layout text with its {名} placeholders filled; an unknown {…} stays as typed (never an error)."""
    for key, value in words.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def final_profiles() -> list[str]:
    """The shipped profiles that have a 决算 layout."""
    return [name for name in shipped_profiles() if load_profile(name).决算 is not None]


# ================================================================= wording helpers


def _pct(value: Decimal | None, places: int) -> str:
    return "" if value is None else percent(value, places)


def change_words(c: Change, unit: str, places: int) -> str:
    """增加24.23万元，增长1.40% / 减少…，下降… / 持平 / 增加8.59万元，上年无此项支出; "" when last year is not given."""
    if c.prior is None:
        return ""
    delta = c.current - c.prior
    if round2(to_unit(delta, unit, "万元")) == 0:
        return "持平"
    amount = wan(abs(delta), unit)
    if c.prior == 0:
        return f"增加{amount}万元，上年无此项支出"
    ratio = percent(delta * 100 / c.prior, places)
    return f"增加{amount}万元，增长{ratio}" if delta > 0 else f"减少{amount}万元，下降{ratio}"


def versus_last_year(c: Change, subject: str, prior_year: int, unit: str, places: int, each: bool = False) -> str:
    """"与2022年度相比，收、支总计各增加86.65万元，增长13.35%，主要原因是…" — "" when last year is not given."""
    words = change_words(c, unit, places)
    if not words:
        return ""
    if words == "持平":
        return f"{subject}与{prior_year}年度持平"
    return f"与{prior_year}年度相比，{subject}{'各' if each else ''}{words}{reason_clause(c.reason)}"


def direction(actual: Decimal, budget: Decimal, unit: str) -> str:
    """大于 / 小于 / 等于 — by the sign of the displayed difference."""
    delta = round2(to_unit(actual - budget, unit, "万元"))
    return "大于" if delta > 0 else "小于" if delta < 0 else "等于"


def _sentence(text: str) -> str:
    text = text.strip().rstrip("。；;，,")
    return f"{text}。" if text else ""


def _reason_text(reason: str) -> str:
    text = reason.strip().rstrip("。；;，,")
    for lead in ("主要原因是", "主要原因：", "原因是", "原因："):
        text = text.removeprefix(lead)
    return text


# ================================================================= narrative context


@dataclass
class Line:
    """One numbered paragraph of the 说明 (a 类, a 项, a "三公" item, a project)."""

    文字: str


@dataclass
class FinalNarrative:
    """Sentences of the 决算情况说明, each complete and ready to place (see the templates)."""

    收支总体: str
    收入: str
    支出: str
    财政拨款总体: str
    财政拨款收入: str
    一般公共预算总体: str
    一般公共预算合计: str
    一般公共预算结构: list[Line]
    一般公共预算具体总述: str
    一般公共预算具体: list[Line]
    基本支出: str
    人员经费: str
    公用经费: str
    政府性基金: str
    政府性基金具体: list[Line]
    国有资本经营: str
    国有资本经营具体: list[Line]
    三公总体: list[str]
    三公具体: list[Line]
    三公占比: str
    机关运行经费: str
    政府采购: str
    国有资产: str
    绩效工作: str
    整体评价: list[Line]
    项目自评: list[Line]
    结果应用: list[Line]
    有政府性基金: bool
    有国有资本经营: bool
    有三公: bool
    模板式: TemplateWording | None = None
    """The same figures in the wording of the official 决算 template (上海): see TemplateWording."""


@dataclass
class TemplateWording:
    """Sentences as the official 决算 template words them (上海市 2024 模板): "收入支出总计XXX万元",
    per 项 "主要用于：…。年初预算为…，支出决算为…。决算数大于（小于）预算数的主要原因：…", "三公" with
    完成预算 % per item and the changes against last year, 绩效自评 counts, 政府采购 by contract."""

    收支总体: str
    收入: str
    支出: str
    财政拨款总体: str
    一般公共预算总体: str
    一般公共预算结构: str
    一般公共预算具体总述: str
    一般公共预算具体: list[Line]
    基本支出: str
    三公总体: list[str]
    三公具体: list[str]
    政府性基金: str
    政府性基金具体: list[Line]
    国有资本经营: str
    国有资本经营具体: list[Line]
    绩效: str
    机关运行经费: str
    政府采购: list[str]
    国有资产: str


@dataclass
class FinalRenderContext:
    """Every variable a 决算 template may use; the same furniture names as the budget's RenderContext."""

    文种: str
    版式: str
    部门名称: str
    年度: str
    上年度: str
    标题: str
    公开主体: str
    公开日期: str
    金额单位: str
    表格单位: str
    未通过校验: bool
    校验说明: str
    职责: list[str]
    内设机构: str
    内设机构数: str
    单位构成: str
    决算单位: list[tuple[str, str, str]]
    表: dict[str, TableCtx]
    表目录: list[str]
    说明: FinalNarrative
    整体自评: list[str]
    整体自评表头: list[str]
    名词解释: list[tuple[str, str, str]]
    """(编号, 术语, 解释): 湖北 （一）…, 上海 一、…"""
    其他说明: list[str]
    模板: str
    # the budget's performance slots, unused by the 决算 templates (kept so the renderer treats both alike)
    整体绩效: PerfTable = field(default_factory=lambda: PerfTable("", [], [], [], ("", ""), False))
    整体绩效目标: list[PerfTable] = field(default_factory=list)
    项目绩效: list[PerfTable] = field(default_factory=list)
    文中表: dict[str, TableCtx | None] = field(default_factory=dict)
    文件名: FileNames = field(default_factory=lambda: FINAL_FILE_NAMES)
    """The 文种 words of the output file names: 部门决算公开 / 部门决算表 in every layout."""

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# ================================================================= tables


class _FinalTables:
    def __init__(self, a: FinalAccounts, f: FinalFigures, layout: FinalLayout, subject: str):
        self.a, self.f, self.layout = a, f, layout
        self.src = a.基本信息.金额单位
        self.unit = a.基本信息.表格金额单位 or self.src
        self.year = a.基本信息.决算年度
        self.subject = subject
        self.dept = fill(layout.信息行左, 主体=subject, 部门=a.基本信息.部门名称, 年度=self.year)
        self.unit_line = f"单位：{self.unit}"

    def amt(self, value: Decimal) -> str:
        return table_amount(value, self.src, self.unit)

    def ordinal(self, n: int) -> str:
        """一、 … 二十、 then 廿一、 (湖北) or 二十一、 (上海): the 收支总表's numbering of its lines."""
        return class_ordinal(n, self.layout.类序号) + "、"

    def spec(self, key: str) -> FinalTableSpec:
        return self.layout.表[key]

    def title(self, key: str) -> str:
        return fill(self.layout.标题格式, 主体=self.subject, 部门=self.a.基本信息.部门名称, 年度=self.year,
                                       名称=self.spec(key).名称)

    def tail_notes(self, key: str, checks: list[tuple[Decimal, list[Decimal]]]) -> list[str]:
        """The table's own note, and the 尾差 note when a printed total differs from the sum of its printed
        parts: after 元→万元, or (also without conversion) a declared total within 尾差 printed as typed (R12)."""
        notes = [self.spec(key).注] if self.spec(key).注 else []
        shown = lambda v: round2(to_unit(v, self.src, self.unit))  # noqa: E731
        if any(shown(t) != sum((shown(p) for p in parts), ZERO) for t, parts in checks):
            notes.append("注：因四舍五入，合计数与分项之和可能存在尾差。")
        return notes

    def empty_note(self, key: str) -> str:
        return fill(self.spec(key).空表说明, 主体=self.subject, 部门=self.a.基本信息.部门名称, 年度=self.year)

    def ctx(self, key: str, number: int, header, rows, align, widths, landscape: bool, checks, empty: bool = False):
        return TableCtx(key, number, self.title(key), self.dept, self.unit_line, header, rows, align, widths,
                        landscape=landscape, empty=empty, empty_note=self.empty_note(key) if empty else "",
                        notes=self.tail_notes(key, checks))

    def tree_rows(self, tree: Tree, key: str) -> list[Row]:
        body = []
        for r in tree.rows:
            indent = "\u3000" * (r.level - 1)
            body.append(Row([indent + r.code, indent + r.name, *[self.amt(v) for v in r.values]],
                            "class" if r.level == 1 else "item", r.level))
        total = Row(["合计", "", *[self.amt(v) for v in tree.total]], "total", 0)
        return [*body, total] if self.spec(key).合计位置 == "末行" else [total, *body]

    @staticmethod
    def tree_checks(tree: Tree, parts_of: dict[int, list[int]]) -> list[tuple[Decimal, list[Decimal]]]:
        checks = []
        for col in range(len(tree.columns)):
            checks.append((tree.total[col], [r.values[col] for r in tree.rows if r.level == 1]))
            for parent in tree.rows:
                kids = [r.values[col] for r in tree.rows if r.level == parent.level + 1 and r.code.startswith(parent.code)]
                if kids:
                    checks.append((parent.values[col], kids))
        for values in [tree.total] + [r.values for r in tree.rows]:
            for col, parts in parts_of.items():
                checks.append((values[col], [values[p] for p in parts]))
        return checks

    # -------------------------------------------------------------- the nine tables

    def summary(self, number: int) -> TableCtx:
        f = self.f
        left = [(f"{self.ordinal(i)}{s}", f.income_by_source[s]) for i, s in enumerate(FINAL_INCOME_SOURCES, 1)]
        classes = {r.code: r for r in f.expense_tree.classes()}
        listed = catalog.summary_classes()
        right = [(f"{self.ordinal(i)}{s.name}", classes[s.code].values[0] if s.code in classes else ZERO)
                 for i, s in enumerate(listed, 1)]
        for code, row in classes.items():
            if code not in {s.code for s in listed}:
                right.append((f"{self.ordinal(len(right) + 1)}{row.name}", row.values[0]))
        rows = []
        for i in range(max(len(left), len(right))):
            ln, lv = left[i] if i < len(left) else ("", None)
            rn, rv = right[i] if i < len(right) else ("", None)
            rows.append(Row([ln, "" if lv is None else self.amt(lv), rn, "" if rv is None else self.amt(rv)]))
        carry_in, carry_out = sum(f.carry_in.values(), ZERO), sum(f.carry_out.values(), ZERO)
        rows += [
            Row(["本年收入合计", self.amt(f.income_current), "本年支出合计", self.amt(f.expense_current)], "total", 0),
            Row(["使用非财政拨款结余", self.amt(f.use_nonfiscal), "结余分配", self.amt(f.distribution)]),
            Row(["年初结转和结余", self.amt(carry_in), "年末结转和结余", self.amt(carry_out)]),
            Row(["总计", self.amt(f.income_total), "总计", self.amt(f.expense_total)], "total", 0),
        ]
        checks = [(f.income_current, list(f.income_by_source.values())),
                  (f.expense_current, [r.values[0] for r in f.expense_tree.classes()]),
                  (f.income_total, [f.income_current, f.use_nonfiscal, carry_in]),
                  (f.expense_total, [f.expense_current, f.distribution, carry_out])]
        header = [[HeaderCell("收入", 2), HeaderCell("支出", 2)],
                  [HeaderCell("项目"), HeaderCell("决算数"), HeaderCell("项目"), HeaderCell("决算数")]]
        return self.ctx("收支总表", number, header, rows, ["left", "right", "left", "right"], [30, 14, 30, 14], False, checks)

    def income(self, number: int) -> TableCtx:
        tree = self.f.income_tree
        header = [[HeaderCell("项目", 2), HeaderCell("本年收入合计", rowspan=2), HeaderCell("财政拨款收入", rowspan=2),
                   HeaderCell("上级补助收入", rowspan=2), HeaderCell("事业收入", rowspan=2), HeaderCell("经营收入", rowspan=2),
                   HeaderCell("附属单位\n上缴收入", rowspan=2), HeaderCell("其他收入", rowspan=2)],
                  [HeaderCell("功能分类\n科目编码"), HeaderCell("科目名称")]]
        if tree is None:  # rule FIN-INCOME-TABLE reports it; under --force the table says why it is empty
            tree = Tree(["本年收入合计"] * 7, [], [ZERO] * 7)
        return self.ctx("收入表", number, header, self.tree_rows(tree, "收入表"), ["left", "left", *["right"] * 7],
                        [11, 24, 12, 12, 11, 10, 10, 11, 10], True, self.tree_checks(tree, {0: [1, 2, 3, 4, 5, 6]}))

    def expense(self, number: int) -> TableCtx:
        tree = self.f.expense_tree
        header = [[HeaderCell("项目", 2), HeaderCell("本年支出合计", rowspan=2), HeaderCell("基本支出", rowspan=2),
                   HeaderCell("项目支出", rowspan=2), HeaderCell("上缴上级支出", rowspan=2), HeaderCell("经营支出", rowspan=2),
                   HeaderCell("对附属单位补助支出", rowspan=2)],
                  [HeaderCell("功能分类科目编码"), HeaderCell("科目名称")]]
        return self.ctx("支出表", number, header, self.tree_rows(tree, "支出表"), ["left", "left", *["right"] * 6],
                        [11, 26, 12, 12, 12, 11, 10, 12], True, self.tree_checks(tree, {0: [1, 2, 3, 4, 5]}))

    def fiscal(self, number: int) -> TableCtx:
        f = self.f
        tree = f.fiscal_tree
        names = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
        left: list[tuple[str, Decimal | None]] = [(f"{self.ordinal(i)}{n}", f.income_by_source[n + "收入"])
                                                  for i, n in enumerate(names, 1)]
        classes = {r.code: r for r in tree.classes()}
        listed = catalog.summary_classes()
        right: list[tuple[str, list[Decimal]]] = [
            (f"{self.ordinal(i)}{s.name}", classes[s.code].values if s.code in classes else [ZERO] * 4)
            for i, s in enumerate(listed, 1)]
        for code, row in classes.items():
            if code not in {s.code for s in listed}:
                right.append((f"{self.ordinal(len(right) + 1)}{row.name}", row.values))
        rows = []
        for i in range(max(len(left), len(right))):
            ln, lv = left[i] if i < len(left) else ("", None)
            rn, rv = right[i] if i < len(right) else ("", None)
            rows.append(Row([ln, "" if lv is None else self.amt(lv), rn,
                             *([self.amt(v) for v in rv] if rv is not None else [""] * 4)]))
        out_by_fund = [f.carry_out[fund] for fund in FISCAL_FUNDS]
        in_by_fund = [f.carry_in[fund] for fund in FISCAL_FUNDS]
        carry_out = sum(out_by_fund, ZERO)
        rows.append(Row(["本年收入合计", self.amt(f.fiscal_income), "本年支出合计", *[self.amt(v) for v in tree.total]],
                        "total", 0))
        rows.append(Row(["年初财政拨款结转和结余", self.amt(f.fiscal_carry_in), "年末财政拨款结转和结余",
                         self.amt(carry_out), *[self.amt(v) for v in out_by_fund]]))
        for i, n in enumerate(names):
            rows.append(Row([f"{self.ordinal(i + 1)}{n}", self.amt(in_by_fund[i]), f"{self.ordinal(i + 1)}{n}",
                             self.amt(out_by_fund[i]), "", "", ""]))
        total_out = [tree.total[0] + carry_out, *[tree.total[i + 1] + out_by_fund[i] for i in range(3)]]
        rows.append(Row(["总计", self.amt(f.fiscal_total), "总计", *[self.amt(v) for v in total_out]], "total", 0))
        header = [[HeaderCell("收入", 2), HeaderCell("支出", 5)],
                  [HeaderCell("项目"), HeaderCell("决算数"), HeaderCell("项目"), HeaderCell("合计"),
                   HeaderCell("一般公共预算财政拨款"), HeaderCell("政府性基金预算财政拨款"), HeaderCell("国有资本经营预算财政拨款")]]
        checks = self.tree_checks(tree, {0: [1, 2, 3]}) + [
            (f.fiscal_income, [v for _, v in left if v is not None]), (f.fiscal_carry_in, in_by_fund),
            (f.fiscal_total, [f.fiscal_income, f.fiscal_carry_in]), (carry_out, out_by_fund),
            (total_out[0], total_out[1:])]
        return self.ctx("财政拨款总表", number, header, rows, ["left", "right", "left", "right", "right", "right", "right"],
                        [24, 12, 26, 12, 13, 13, 13], True, checks)

    def gpb(self, number: int) -> TableCtx:
        tree = self.f.gpb_tree
        header = [[HeaderCell("项目", 2), HeaderCell("本年支出", 3)],
                  [HeaderCell("功能分类科目编码"), HeaderCell("科目名称"), HeaderCell("合计"), HeaderCell("基本支出"),
                   HeaderCell("项目支出")]]
        return self.ctx("一般公共预算支出表", number, header, self.tree_rows(tree, "一般公共预算支出表"), ["left", "left", "right", "right", "right"],
                        [14, 34, 16, 16, 16], False, self.tree_checks(tree, {0: [1, 2]}), empty=tree.empty)

    def basic(self, number: int) -> TableCtx:
        """The two-sided 基本支出 table: 人员经费 by 经济分类 on the left, 公用经费 on the right."""
        tree = self.f.economic
        sides: list[list[tuple[str, str, Decimal, bool]]] = [[], []]
        for side, col in ((0, 1), (1, 2)):
            for r in tree.rows:
                if r.values[col]:
                    indent = "" if r.level == 1 else "\u3000"
                    sides[side].append((indent + r.code, indent + r.name, r.values[col], r.level == 1))
        rows = []
        for i in range(max(len(sides[0]), len(sides[1]), 1)):
            cells: list[str] = []
            bold: list[bool] = []
            for side in sides:
                if i < len(side):
                    code, name, value, is_class = side[i]
                    cells += [code, name, self.amt(value)]
                    bold += [is_class] * 3
                else:
                    cells += ["", "", ""]
                    bold += [False] * 3
            rows.append(Row(cells, "item", 3, bold))
        rows.append(Row(["人员经费合计", "", self.amt(tree.total[1]), "公用经费合计", "", self.amt(tree.total[2])], "total", 0))
        header = [[HeaderCell("人员经费", 3), HeaderCell("公用经费", 3)],
                  [HeaderCell("经济分类科目编码"), HeaderCell("科目名称"), HeaderCell("决算数"),
                   HeaderCell("经济分类科目编码"), HeaderCell("科目名称"), HeaderCell("决算数")]]
        checks = [(tree.total[1], [r.values[1] for r in tree.rows if r.level == 1]),
                  (tree.total[2], [r.values[2] for r in tree.rows if r.level == 1])]
        for parent in (r for r in tree.rows if r.level == 1):
            for col in (1, 2):
                checks.append((parent.values[col], [r.values[col] for r in tree.rows
                                                    if r.level != 1 and r.code.startswith(parent.code)]))
        return self.ctx("基本支出表", number, header, rows, ["left", "left", "right", "left", "left", "right"],
                        [10, 22, 12, 10, 22, 12], False, checks, empty=tree.empty)

    def fund(self, key: str, fund: str, number: int) -> TableCtx:
        tree = self.f.fund_tables[fund]
        only_spending = self.spec(key).仅支出
        if only_spending:  # 湖北: 国有资本经营预算财政拨款支出决算表 (合计, 基本支出, 项目支出)
            cols = [2, 3, 4]
            header = [[HeaderCell("项目", 2), HeaderCell("本年支出", 3)],
                      [HeaderCell("功能分类科目编码"), HeaderCell("科目名称"), HeaderCell("合计"), HeaderCell("基本支出"),
                       HeaderCell("项目支出")]]
            align, widths, landscape = ["left", "left", "right", "right", "right"], [14, 34, 16, 16, 16], False
        else:
            cols = [0, 1, 2, 3, 4, 5]
            header = [[HeaderCell("项目", 2), HeaderCell("年初结转和结余", rowspan=2), HeaderCell("本年收入", rowspan=2),
                       HeaderCell("本年支出", 3), HeaderCell("年末结转和结余", rowspan=2)],
                      [HeaderCell("功能分类科目编码"), HeaderCell("科目名称"), HeaderCell("合计"), HeaderCell("基本支出"),
                       HeaderCell("项目支出")]]
            align, widths, landscape = ["left", "left", *["right"] * 6], [12, 26, 12, 12, 12, 12, 12, 12], True
        shown = Tree([tree.columns[c] for c in cols], [type(r)(r.code, r.name, r.level, [r.values[c] for c in cols])
                                                          for r in tree.rows], [tree.total[c] for c in cols])
        parts = {0: [1, 2]} if only_spending else {2: [3, 4]}
        return self.ctx(key, number, header, self.tree_rows(shown, key), align, widths, landscape,
                        self.tree_checks(shown, parts), empty=not any(tree.total))

    def sangong(self, number: int) -> TableCtx:
        t = self.a.三公经费
        cells = []
        for item in ("合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费"):
            cells += [self.amt(t.预算数.shown(item)), self.amt(t.决算数.shown(item))]
        pair = [HeaderCell("预算数"), HeaderCell("决算数")]
        header = [[HeaderCell("财政拨款“三公”经费", 12)],
                  [HeaderCell("合计", 2, 2), HeaderCell("因公出国（境）费", 2, 2), HeaderCell("公务用车购置及运行维护费", 6),
                   HeaderCell("公务接待费", 2, 2)],
                  [HeaderCell("小计", 2), HeaderCell("公务用车购置费", 2), HeaderCell("公务用车运行维护费", 2)],
                  pair * 6]
        checks = []
        for fig in (t.预算数, t.决算数):
            checks += [(fig.shown_total(), [fig.因公出国境费, fig.shown_vehicles(), fig.公务接待费]),
                       (fig.shown_vehicles(), [fig.公务用车购置费, fig.公务用车运行维护费])]
        return self.ctx("三公表", number, header, [Row(cells)], ["right"] * 12, [1] * 12, True, checks)

    def all(self) -> list[TableCtx]:
        builders = {
            "收支总表": self.summary, "收入表": self.income, "支出表": self.expense, "财政拨款总表": self.fiscal,
            "一般公共预算支出表": self.gpb, "基本支出表": self.basic, "三公表": self.sangong,
            "政府性基金表": lambda n: self.fund("政府性基金表", "政府性基金预算财政拨款", n),
            "国有资本经营表": lambda n: self.fund("国有资本经营表", "国有资本经营预算财政拨款", n),
        }
        return [builders[key](i) for i, key in enumerate(self.layout.表序, 1)]


# ================================================================= the narrative


def _tail(p: FinalProcurement) -> str:
    """The 尾差 note after the 货物/工程/服务 amounts when the printed 合计 is a declared one they do not
    add up to (R12: it is the exact figure from the 元 system, the kinds were rounded)."""
    return "（因四舍五入，分项之和与合计存在尾差）" if p.shown_total() != p.合同金额.total() else ""


class _Narrator:
    def __init__(self, a: FinalAccounts, f: FinalFigures, places: int):
        self.a, self.f, self.places = a, f, places
        self.src = a.基本信息.金额单位
        self.year = a.基本信息.决算年度
        self.prior_year = self.year - 1

    def w(self, value: Decimal) -> str:
        return wan(value, self.src)

    def share(self, part: Decimal, whole: Decimal) -> str:
        return "0%" if whole == 0 else percent(part * 100 / whole, self.places)

    def vs(self, key: str, subject: str, each: bool = False) -> str:
        return versus_last_year(self.f.changes[key], subject, self.prior_year, self.src, self.places, each)

    def completion(self, budget: Decimal | None, actual: Decimal, label: str = "年初预算") -> str:
        """年初预算为X万元，支出决算为X万元，完成年初预算的X% (no percentage for a zero budget, nothing without one)."""
        if budget is None:
            return f"支出决算为{self.w(actual)}万元"
        text = f"{label}为{self.w(budget)}万元，支出决算为{self.w(actual)}万元"
        if budget != 0:
            text += f"，完成{label}的{percent(actual * 100 / budget, self.places)}"
        return text

    def gap(self, budget: Decimal | None, actual: Decimal, reason: str, label: str = "年初预算数") -> str:
        """决算数大于（小于）年初预算数的主要原因：…；等于: 决算数等于年初预算数."""
        if budget is None:
            return ""
        word = direction(actual, budget, self.src)
        if word == "等于":
            return f"决算数等于{label}"
        text = _reason_text(reason)
        return f"决算数{word}{label}" + (f"的主要原因：{text}" if text else "")

    # -------------------------------------------------------------- sections

    def totals(self) -> tuple[str, str, str]:
        f, y = self.f, self.year
        head = f"{y}年度收、支总计均为{self.w(f.income_total)}万元"
        vs = self.vs("收入支出总计", "收、支总计", each=True)
        overall = _sentence(head + ("。" + vs if vs else ""))
        income_parts = [(s.removesuffix("收入") + "收入" if s.endswith("收入") else s, v)
                        for s, v in f.income_by_source.items()]
        fiscal = f.fiscal_income
        items = [("财政拨款收入", fiscal)] + [(s, v) for s, v in income_parts[3:] if v]
        listed = "；".join(f"{n}{self.w(v)}万元，占本年收入{self.share(v, f.income_current)}" for n, v in items)
        vs_in = self.vs("本年收入合计", "收入合计")
        income = _sentence(f"{y}年度收入合计{self.w(f.income_current)}万元" + (f"，{vs_in}" if vs_in else "")
                           + (f"。其中：{listed}" if listed else ""))
        kinds = [("基本支出", f.basic), ("项目支出", f.by_kind["项目支出"])] + [
            (k, f.by_kind[k]) for k in ("上缴上级支出", "经营支出", "对附属单位补助支出") if f.by_kind[k]]
        listed_out = "；".join(f"{n}{self.w(v)}万元，占本年支出{self.share(v, f.expense_current)}" for n, v in kinds)
        vs_out = self.vs("本年支出合计", "支出合计")
        expense = _sentence(f"{y}年度支出合计{self.w(f.expense_current)}万元" + (f"，{vs_out}" if vs_out else "")
                            + f"。其中：{listed_out}")
        return overall, income, expense

    def fiscal(self) -> tuple[str, str]:
        f, y = self.f, self.year
        vs = self.vs("财政拨款收入支出总计", "财政拨款收、支总计", each=True)
        overall = _sentence(f"{y}年度财政拨款收、支总计均为{self.w(f.fiscal_total)}万元" + ("。" + vs if vs else ""))
        parts = []
        for source in FINAL_INCOME_SOURCES[:3]:
            value = f.income_by_source[source]
            c = f.changes[source]
            if not value and (c.prior is None or c.prior == 0):
                continue
            words = change_words(c, self.src, self.places)
            clause = f"{source}{self.w(value)}万元"
            if words == "持平":
                clause += f"，与{self.prior_year}年度决算数持平"
            elif words:  # an income line: nothing of it last year is “上年无此项收入”
                words = words.replace("上年无此项支出", "上年无此项收入")
                clause += f"，比{self.prior_year}年度决算数{words}{reason_clause(c.reason)}"
            parts.append(clause)
        income = _sentence(f"{y}年度财政拨款收入中，" + "；".join(parts)) if parts else ""
        return overall, income

    def gpb(self) -> tuple[str, list[Line], str, list[Line]]:
        f, y = self.f, self.year
        total = f.gpb_total
        vs = self.vs("一般公共预算财政拨款支出", "一般公共预算财政拨款支出")
        overall = _sentence(f"{y}年度一般公共预算财政拨款支出{self.w(total)}万元，占本年支出合计的"
                            f"{self.share(total, f.expense_current)}" + ("。" + vs if vs else ""))
        uses = self.a.支出.类说明
        structure = []
        for i, cls in enumerate(f.gpb_tree.classes(), 1):
            use = uses.get(cls.code, "")
            structure.append(Line(f"{i}.{cls.name}（类）{self.w(cls.values[0])}万元，占{self.share(cls.values[0], total)}。"
                                  + (f"主要用于{use.removeprefix('主要用于').removeprefix('主要是用于').rstrip('。')}。" if use else "")))
        budget = f.gpb_budget
        head = f"{y}年度一般公共预算财政拨款支出" + self.completion(budget, total)
        gap = self.gap(budget, total, self.a.支出.年初预算原因)
        detail_head = _sentence(head + ("。" + gap if gap and self.a.支出.年初预算原因 else "")) + "其中："
        lines = []
        for i, c in enumerate(f.completions, 1):
            name = qualified_function_name(c.code, self.a)  # type: ignore[arg-type]
            text = f"{i}.{name}。"
            if c.use:
                text += f"主要用于{c.use.rstrip('。')}。"
            text += _sentence(self.completion(c.budget, c.actual))
            gap = self.gap(c.budget, c.actual, c.reason)
            text += _sentence(gap)
            lines.append(Line(text))
        return overall, structure, detail_head, lines

    def basic(self) -> tuple[str, str, str]:
        tree = self.f.economic
        items = {1: [], 2: []}
        for r in tree.rows:
            if r.level != 1:
                for col in (1, 2):
                    if r.values[col]:
                        items[col].append(f"{r.name}{self.w(r.values[col])}万元")
        total = tree.total[0]
        head = f"{self.year}年度一般公共预算财政拨款基本支出{self.w(total)}万元，其中："
        people = _sentence(f"人员经费{self.w(tree.total[1])}万元" + (f"，主要包括：{'、'.join(items[1])}" if items[1] else ""))
        public = _sentence(f"公用经费{self.w(tree.total[2])}万元" + (f"，主要包括：{'、'.join(items[2])}" if items[2] else ""))
        return head, people, public

    def fund(self, fund: str, key: str) -> tuple[str, list[Line]]:
        tree = self.f.fund_tables[fund]
        y = self.year
        if not any(tree.total):
            return "", []
        head = _sentence(f"{y}年度{fund}年初结转和结余{self.w(tree.total[0])}万元，本年收入{self.w(tree.total[1])}万元，"
                         f"本年支出{self.w(tree.total[2])}万元，年末结转和结余{self.w(tree.total[5])}万元")
        rows = [r for r in self.a.支出.功能分类 if r.资金来源 == fund and r.shown_total()]
        lines = []
        for i, r in enumerate(rows, 1):
            text = f"{i}.{qualified_function_name(r.科目编码, self.a)}。"  # type: ignore[arg-type]
            if r.主要用途:
                text += f"主要用于{r.主要用途.rstrip('。')}。"
            text += _sentence(self.completion(r.年初预算数, r.shown_total())) + _sentence(self.gap(r.年初预算数, r.shown_total(), r.预决算差异原因))
            lines.append(Line(text))
        return head, lines

    def sangong(self) -> tuple[list[str], list[Line], str]:
        t = self.a.三公经费
        y = self.year
        budget, actual = t.预算数, t.决算数

        def vs_item(key: str) -> str:
            c = self.f.changes[key]
            words = change_words(c, self.src, self.places)
            if not words:
                return ""
            return "与上年持平" if words == "持平" else f"较上年{words}"

        def reasons(item: str, prior_key: str) -> str:
            word = direction(actual.get(item), budget.get(item), self.src)
            gap_reason = _reason_text(t.预决算差异原因.get(item, ""))
            out = [f"决算数{word}全年预算数" + (f"的主要原因：{gap_reason}" if gap_reason and word != "等于" else "")]
            c = self.f.changes[prior_key]
            more = _reason_text(t.增减原因.get(item, "") or c.reason)
            words = change_words(c, self.src, self.places)
            if words and words != "持平" and more:
                out.append(f"决算数较上年{'增加' if c.current > (c.prior or ZERO) else '减少'}的主要原因：{more}")
            return "".join(_sentence(x) for x in out)

        versus = vs_item("三公经费")
        head = _sentence(f"{y}年度“三公”经费财政拨款支出" + self.completion(budget.shown_total(), actual.shown_total(), "全年预算")
                         + (f"，{versus}" if versus else ""))
        overall = [head + reasons("合计", "三公经费")]
        lines = []
        # 1. 因公出国（境）费
        text = "1.因公出国（境）费" + self.completion(budget.因公出国境费, actual.因公出国境费, "全年预算")
        text = _sentence(text + (f"，{vs_item('因公出国（境）费')}" if vs_item("因公出国（境）费") else ""))
        text += reasons("因公出国（境）费", "因公出国（境）费")
        ab = t.出国
        if ab.团组数 is not None and ab.人次 is not None:
            text += f"全年支出涉及出国（境）团组{ab.团组数}个，累计{ab.人次}人次" + (
                f"，主要用于开展以下工作：{ab.用途.rstrip('。')}。" if ab.用途 else "。")
        lines.append(Line(text))
        # 2. 公务用车
        text = "2.公务用车购置及运行维护费" + self.completion(budget.shown_vehicles(), actual.shown_vehicles(), "全年预算")
        text = _sentence(text + (f"，{vs_item('公务用车购置及运行维护费')}" if vs_item("公务用车购置及运行维护费") else ""))
        text += reasons("公务用车购置及运行维护费", "公务用车购置及运行维护费") + "其中："
        cars = t.公务用车
        buy = f"（1）公务用车购置费支出{self.w(actual.公务用车购置费)}万元" + (
            f"，主要用于{cars.购置用途.rstrip('。')}" if cars.购置用途 else "") + "。"
        if cars.购置数 is not None:
            buy += f"本年度购置（更新）公务用车{cars.购置数}辆。"
        run = f"（2）公务用车运行维护费支出{self.w(actual.公务用车运行维护费)}万元" + (
            f"，主要用于{cars.运行用途.rstrip('。')}" if cars.运行用途 else "") + "。"
        if cars.保有量 is not None:
            run += f"截至{y}年12月31日，开支财政拨款的公务用车保有量为{cars.保有量}辆。"
        lines += [Line(text), Line(buy), Line(run)]
        # 3. 公务接待费
        text = "3.公务接待费" + self.completion(budget.公务接待费, actual.公务接待费, "全年预算")
        text = _sentence(text + (f"，{vs_item('公务接待费')}" if vs_item("公务接待费") else ""))
        text += reasons("公务接待费", "公务接待费")
        lines.append(Line(text + ("其中：" if t.公务接待 is not None else "")))
        if t.公务接待 is not None:
            for label, r, guests in (("外宾接待", t.公务接待.外宾, "来访外宾团组"), ("国内公务接待", t.公务接待.国内, "国内来访团组")):
                part = f"{label}支出{self.w(r.金额)}万元" + (f"，接待对象主要是{r.对象.rstrip('。')}" if r.对象 else "") + "。"
                if r.批次 is not None and r.人次 is not None:
                    part += f"{y}年共接待{guests}{r.批次}个，{r.人次}人次（不包括陪同人员）。"
                lines.append(Line(part))
        whole = actual.shown_total()
        shares = "；".join(f"{n}支出决算{self.w(v)}万元，占{self.share(v, whole)}" for n, v in (
            ("因公出国（境）费", actual.因公出国境费), ("公务用车购置及运行维护费", actual.shown_vehicles()),
            ("公务接待费", actual.公务接待费))) if whole else ""
        return overall, lines, _sentence(f"“三公”经费财政拨款支出决算中，{shares}") if shares else ""

    def operating(self) -> str:
        op = self.a.机关运行经费
        if op is None or op.决算数 is None:  # not entered: the sentence is left out (absent is not zero)
            return ""
        text = f"本部门{self.year}年度机关运行经费支出{self.w(op.决算数)}万元"
        if op.比较基数 == "年初预算":
            if op.年初预算数 is not None:
                c = Change(op.决算数, op.年初预算数, op.原因)
                words = change_words(c, self.src, self.places).replace("增长", "增长").replace("下降", "降低")
                if words == "持平":
                    text += "，与年初预算数持平"
                elif words:
                    text += f"，比年初预算数{words.replace('，上年无此项支出', '，年初未安排预算')}"
        else:
            c = self.f.changes["机关运行经费"]
            words = change_words(c, self.src, self.places)
            if words == "持平":
                text += f"，与{self.prior_year}年度持平"
            elif words:
                text += f"，比{self.prior_year}年度{words}"
        reason = _reason_text(op.原因 or (self.f.changes["机关运行经费"].reason if op.比较基数 == "上年决算" else ""))
        return _sentence(text) + (f"主要原因是：{reason}。" if reason else "")

    def procurement(self) -> str:
        p = self.a.政府采购
        if p is None:
            return ""
        y = self.year
        total = p.shown_total()
        listed = "、".join(f"政府采购{k}支出{self.w(v)}万元" for k, v in p.合同金额.entered())
        text = f"本部门{y}年度政府采购支出总额{self.w(total)}万元" + (f"，其中：{listed}" if listed else "") + f"{_tail(p)}。"
        sme = p.sme()  # None: 授予中小企业 not entered — its sentence (and the 小微 part of it) is left out
        if not total or sme is None:
            return text
        sme_kinds = p.sme_kinds()
        text += f"授予中小企业合同金额{self.w(sme)}万元，占政府采购支出总额的{self.share(sme, total)}"
        micro = p.micro()  # None: neither the total nor a kind entered — the clause is left out
        if sme and micro is not None:
            text += f"，其中：授予小微企业合同金额{self.w(micro)}万元，占授予中小企业合同金额的{self.share(micro, sme)}"
        kinds = [f"{k}采购授予中小企业合同金额占{k}支出金额的{self.share(v, getattr(p.合同金额, k))}"
                 for k, v in sme_kinds.items() if getattr(p.合同金额, k)]
        text += ("；" + "，".join(kinds) if kinds else "") + "。"
        return text + (self._micro_by_kind(p.micro_kinds(), sme_kinds) if sme else "")

    def _micro_by_kind(self, micro_kinds: list[tuple[str, Decimal]], sme_kinds: dict[str, Decimal]) -> str:
        """授予小微企业合同金额中，货物采购X万元，占货物采购授予中小企业合同金额的Y%；…: a kind whose 授予中小企业
        was not entered keeps its amount but has no share (absent is not zero)."""
        by_kind = [f"{k}采购{self.w(v)}万元" + (f"，占{k}采购授予中小企业合同金额的{self.share(v, sme_kinds[k])}"
                                              if k in sme_kinds else "") for k, v in micro_kinds]
        return "授予小微企业合同金额中，" + "；".join(by_kind) + "。" if by_kind else ""

    def assets(self) -> str:
        assets = self.a.国有资产
        if assets is None:
            return ""
        when = assets.截至日期 or dt.date(self.year, 12, 31)
        parts = []
        if assets.车辆 is not None:
            total = sum(v.数量 for v in assets.车辆)
            detail = "、".join(f"{v.类型}{v.数量}辆" for v in assets.车辆)
            text = f"部门（单位）共有车辆{total}辆" + (f"，其中，{detail}" if detail else "")
            if assets.其他用车说明:
                text += f"，其他用车主要是{assets.其他用车说明.rstrip('。')}"
            parts.append(text)
        if assets.单价100万元以上设备 is not None:
            parts.append(f"单位价值100万元以上专用设备{assets.单价100万元以上设备}台（套）")
        if not parts:
            return ""
        return f"截至{when.year}年{when.month}月{when.day}日，" + "；".join(parts) + "。"

    def performance(self) -> tuple[str, list[Line], list[Line], list[Line]]:
        ev = self.a.绩效自评
        y = self.year
        projects = sum((r.项目支出 for r in self.a.支出.功能分类 if r.资金来源 == "一般公共预算财政拨款"), ZERO)
        executed = sum((p.执行数 for p in ev.项目), ZERO)
        work = ""
        if ev.项目:
            work = (f"根据预算绩效管理要求，本部门组织对{y}年度一般公共预算项目支出全面开展绩效自评，共涉及项目{len(ev.项目)}个，"
                    f"资金{self.w(executed)}万元，占一般公共预算项目支出总额的{self.share(executed, projects)}。")
        if ev.工作开展情况:
            work += _sentence(ev.工作开展情况)
        whole: list[Line] = []
        if ev.整体 is not None:
            head = "组织开展部门整体支出绩效评价" + (f"，自评得分{_score(ev.整体.得分)}分" if ev.整体.得分 is not None else "")
            whole.append(Line(head + ("，评价情况来看：" if ev.整体.指标 else "。")))
            whole += [Line(f"（{i}）{_indicator(ind)}") for i, ind in enumerate(ev.整体.指标, 1)]
        lines = []
        for p in ev.项目:
            text = (f"{p.项目名称}项目绩效自评综述：项目全年预算数为{self.w(p.全年预算数)}万元，执行数为{self.w(p.执行数)}万元"
                    + (f"，完成预算{self.share(p.执行数, p.全年预算数)}" if p.全年预算数 else "") + "。"
                    + (f"自评得分{_score(p.得分)}分。" if p.得分 is not None else "")
                    + f"主要产出和效益：{_sentence(p.主要产出和效益)}"
                    + (f"发现的问题及原因：{_sentence(p.问题及原因)}" if p.问题及原因 else "")
                    + (f"下一步改进措施：{_sentence(p.改进措施)}" if p.改进措施 else ""))
            lines.append(Line(text))
        uses = [Line(f"（{i}）{u.strip()}") for i, u in enumerate(ev.结果应用, 1)]
        return work, whole, lines, uses


class _TemplateNarrator(_Narrator):
    """The official template's wording (上海): the same figures as _Narrator, other sentences."""

    def __init__(self, a: FinalAccounts, f: FinalFigures, places: int, subject: str):
        super().__init__(a, f, places)
        self.subject = subject

    def _vs(self, key: str, subject: str) -> str:
        c = self.f.changes[key]
        words = change_words(c, self.src, self.places)
        if not words:
            return ""
        if words == "持平":
            return f"与{self.prior_year}年度相比，{subject}持平。"
        reason = _reason_text(c.reason)
        return f"与{self.prior_year}年度相比，{subject}{words}。" + (f"主要原因：{reason}。" if reason else "")

    def _items(self, item: Decimal, name: str) -> str:
        return f"{name}{self.w(item)}万元"

    def wording(self) -> TemplateWording:
        f, a, y, subj = self.f, self.a, self.year, self.subject
        totals = f"{subj}{y}年度收入支出总计{self.w(f.income_total)}万元。" + self._vs("收入支出总计", "收入支出总计")
        items = [("财政拨款收入", f.fiscal_income)] + [(s, f.income_by_source[s]) for s in FINAL_INCOME_SOURCES[3:]]
        income = _sentence(f"本年收入合计{self.w(f.income_current)}万元，其中：" + "；".join(
            f"{n}{self.w(v)}万元，占{self.share(v, f.income_current)}" for n, v in items if v))
        kinds = [("基本支出", f.basic), ("项目支出", f.by_kind["项目支出"])] + [
            (k, f.by_kind[k]) for k in ("上缴上级支出", "经营支出", "对附属单位补助支出") if f.by_kind[k]]
        expense = _sentence(f"本年支出合计{self.w(f.expense_current)}万元，其中：" + "；".join(
            f"{n}{self.w(v)}万元，占{self.share(v, f.expense_current)}" for n, v in kinds if v))
        fiscal = f"{subj}{y}年度财政拨款收入支出总计{self.w(f.fiscal_total)}万元。" + self._vs(
            "财政拨款收入支出总计", "财政拨款收入支出总计")
        budget = f.gpb_budget
        head = "一般公共预算财政拨款支出" + self.completion(budget, f.gpb_total)
        gap = self.gap(budget, f.gpb_total, a.支出.年初预算原因, "预算数") if a.支出.年初预算原因 else ""
        gpb_head = _sentence(head) + _sentence(gap) + "其中："
        return TemplateWording(
            收支总体=totals, 收入=income, 支出=expense, 财政拨款总体=fiscal,
            一般公共预算总体=f"一般公共预算财政拨款支出{self.w(f.gpb_total)}万元，占本年支出合计的"
                          f"{self.share(f.gpb_total, f.expense_current)}。" + self._vs("一般公共预算财政拨款支出", "一般公共预算财政拨款支出"),
            一般公共预算结构=_sentence(f"一般公共预算财政拨款支出{self.w(f.gpb_total)}万元，主要用于以下方面：" + "；".join(
                f"{c.name}（类）{self.w(c.values[0])}万元，占{self.share(c.values[0], f.gpb_total)}"
                for c in f.gpb_tree.classes())),
            一般公共预算具体总述=gpb_head,
            一般公共预算具体=self.subject_lines([r for r in a.支出.功能分类 if r.资金来源 == "一般公共预算财政拨款"]),
            基本支出=self.basic_names(), 三公总体=self.sangong_overall(), 三公具体=self.sangong_detail(),
            政府性基金=self.fund_head("政府性基金预算财政拨款"),
            政府性基金具体=self.subject_lines(fund_rows_of(a, "政府性基金预算财政拨款")),
            国有资本经营=self.fund_head("国有资本经营预算财政拨款"),
            国有资本经营具体=self.subject_lines(fund_rows_of(a, "国有资本经营预算财政拨款")),
            绩效=self.performance_summary(), 机关运行经费=self.operating_vs_last_year(),
            政府采购=self.procurement_contracts(), 国有资产=self.assets_listed(),
        )

    def subject_lines(self, rows) -> list[Line]:
        """1、X（类）Y（款）Z（项）。主要用于：…。年初预算为…万元，支出决算为…万元。决算数大于（小于）预算数的主要原因：…"""
        merged: dict[str, list] = {}
        for r in rows:
            if not r.shown_total() and r.年初预算数 is None:
                continue
            m = merged.setdefault(r.科目编码, [r.科目编码, ZERO, None, "", ""])
            m[1] += r.shown_total()
            if r.年初预算数 is not None:
                m[2] = (m[2] or ZERO) + r.年初预算数
            m[3] = m[3] or r.预决算差异原因
            m[4] = m[4] or r.主要用途
        lines = []
        for i, code in enumerate(sorted(merged), 1):
            _, actual, budget, reason, use = merged[code]
            text = f"{i}、{qualified_function_name(code, self.a)}。"  # type: ignore[arg-type]
            if use:
                text += f"主要用于：{use.rstrip('。')}。"
            text += _sentence(f"年初预算为{self.w(budget)}万元，支出决算为{self.w(actual)}万元" if budget is not None
                              else f"支出决算为{self.w(actual)}万元")
            if budget is not None and direction(actual, budget, self.src) != "等于":
                why = _reason_text(reason)
                text += f"决算数{direction(actual, budget, self.src)}预算数" + (f"的主要原因：{why}。" if why else "。")
            lines.append(Line(text))
        return lines

    def basic_names(self) -> str:
        tree = self.f.economic
        people = [r.name for r in tree.rows if r.level != 1 and r.values[1]]
        public = [r.name for r in tree.rows if r.level != 1 and r.values[2]]
        return _sentence(f"一般公共预算财政拨款基本支出{self.w(tree.total[0])}万元。其中：人员经费{self.w(tree.total[1])}万元"
                         + (f"，主要包括：{'、'.join(people)}" if people else "")
                         + f"；公用经费{self.w(tree.total[2])}万元" + (f"，主要包括：{'、'.join(public)}" if public else ""))

    def sangong_overall(self) -> list[str]:
        t = self.a.三公经费
        b, d, y = t.预算数, t.决算数, self.year
        if not (b.shown_total() or d.shown_total()):
            return []

        def done(actual: Decimal, budget: Decimal) -> str:
            return f"，完成预算的{percent(actual * 100 / budget, self.places)}" if budget else ""

        first = (f"“三公”经费财政拨款支出年初预算为{self.w(b.shown_total())}万元，支出决算为{self.w(d.shown_total())}万元"
                 f"{done(d.shown_total(), b.shown_total())}，其中：因公出国（境）费决算为{self.w(d.因公出国境费)}万元"
                 f"{done(d.因公出国境费, b.因公出国境费)}；公务用车购置及运行维护费支出决算为{self.w(d.shown_vehicles())}万元"
                 f"{done(d.shown_vehicles(), b.shown_vehicles())}；公务接待费支出决算为{self.w(d.公务接待费)}万元"
                 f"{done(d.公务接待费, b.公务接待费)}。")
        word = direction(d.shown_total(), b.shown_total(), self.src)
        reason = _reason_text(t.预决算差异原因.get("合计", ""))
        first += (f"{y}年度“三公”经费支出决算数等于预算数。" if word == "等于" else
                  f"{y}年度“三公”经费支出决算数{word}预算数" + (f"的主要原因：{reason}。" if reason else "。"))
        out = [first]
        c = self.f.changes["三公经费"]
        words = change_words(c, self.src, self.places)
        if words:
            second = (f"{y}年度“三公”经费财政拨款支出决算数与{self.prior_year}年度持平" if words == "持平"
                      else f"{y}年度“三公”经费财政拨款支出决算数比{self.prior_year}年度{words}")
            parts, reasons = [], []
            for key, name in (("因公出国（境）费", "因公出国（境）费支出决算"), ("公务用车购置及运行维护费", "公务用车购置及运行维护费支出决算"),
                              ("公务接待费", "公务接待费支出决算")):
                ci = self.f.changes[key]
                wi = change_words(ci, self.src, self.places)
                if wi:
                    parts.append(f"{name}{'持平' if wi == '持平' else wi}")
                    why = _reason_text(t.增减原因.get(key, "") or ci.reason)
                    if wi != "持平" and why:
                        reasons.append(f"{key}支出{'增加' if ci.current > (ci.prior or ZERO) else '减少'}的主要原因是{why}。")
            second += ("，其中：" + "；".join(parts) if parts else "") + "。" + "".join(reasons)
            out.append(second)
        return out

    def sangong_detail(self) -> list[str]:
        t = self.a.三公经费
        d = t.决算数
        whole = d.shown_total()
        if not whole:
            return []
        out = [_sentence("“三公”经费财政拨款支出决算中，" + "；".join(
            f"{n}支出决算{self.w(v)}万元，占{self.share(v, whole)}" for n, v in (
                ("因公出国（境）费", d.因公出国境费), ("公务用车购置及运行维护费", d.shown_vehicles()), ("公务接待费", d.公务接待费))))
               + "具体情况如下："]
        ab = t.出国
        text = f"1、因公出国（境）费支出{self.w(d.因公出国境费)}万元。"
        if ab.团组数 is not None and ab.人次 is not None:
            text += f"全年安排因公出国（境）团组{ab.团组数}个、累计{ab.人次}人次。"
        if ab.用途:
            text += f"开支内容包括：{ab.用途.rstrip('。')}。"
        out.append(text)
        cars = t.公务用车
        text = f"2、公务用车购置及运行维护费支出{self.w(d.shown_vehicles())}万元。其中：公务用车购置支出为{self.w(d.公务用车购置费)}万元。"
        if cars.购置用途:
            text += f"主要用于{cars.购置用途.rstrip('。')}。"
        if cars.购置数 is not None:
            text += f"购置公务用车{cars.购置数}辆。"
        text += f"公务用车运行维护支出{self.w(d.公务用车运行维护费)}万元。"
        if cars.运行用途:
            text += f"主要用于{cars.运行用途.rstrip('。')}。"
        if cars.保有量 is not None:
            text += f"{self.year}年，{self.subject}所属各预算单位开支财政拨款的公务用车保有量为{cars.保有量}辆。"
        out.append(text)
        text = f"3、公务接待费支出{self.w(d.公务接待费)}万元。"
        if t.公务接待 is not None:
            home, guest = t.公务接待.国内, t.公务接待.外宾
            text += f"其中：国内公务接待支出{self.w(home.金额 + guest.金额)}万元（含外宾接待支出{self.w(guest.金额)}万元）。"
            if home.对象:
                text += f"主要用于{home.对象.rstrip('。')}。"
            if home.批次 is not None and home.人次 is not None and guest.批次 is not None and guest.人次 is not None:
                text += (f"全年国内公务接待{home.批次 + guest.批次}批次、{home.人次 + guest.人次}人次，"
                         f"其中：接待外宾{guest.批次}批次、{guest.人次}人次。")
        out.append(text)
        return out

    def fund_head(self, fund: str) -> str:
        tree = self.f.fund_tables[fund]
        if not any(tree.total):
            return ""
        return f"{fund}收入{self.w(tree.total[1])}万元，支出{self.w(tree.total[2])}万元，支出具体情况如下："

    def performance_summary(self) -> str:
        ev = self.a.绩效自评
        y, subj = self.year, self.subject
        text = f"{subj}{y}年度预算绩效管理工作开展情况如下：" + (_sentence(ev.工作开展情况) if ev.工作开展情况 else "")
        if not ev.项目:
            return text
        budget = sum((p.全年预算数 for p in ev.项目), ZERO)
        text += f"绩效自评的{y}年度项目{len(ev.项目)}个，涉及预算金额{self.w(budget)}万元"
        scores = [p.得分 for p in ev.项目]
        if all(s is not None for s in scores):
            given = [s for s in scores if s is not None]
            mean = (sum(given, ZERO) / len(given)).quantize(Decimal("0.01"))
            grades = [("优", lambda s: s >= 90), ("良", lambda s: 80 <= s < 90), ("合格", lambda s: 60 <= s < 80),
                      ("不合格", lambda s: s < 60)]
            counts = "；".join(f"绩效评级为“{g}”的项目{sum(1 for s in given if test(s))}个" for g, test in grades)
            text += f"，平均得分{_score(mean)}分（其中，{counts}）"
        return text + "。"

    def operating_vs_last_year(self) -> str:
        op = self.a.机关运行经费
        if op is None or op.决算数 is None:  # not entered: the sentence is left out (absent is not zero)
            return ""
        if not op.决算数:
            return f"{self.subject}{self.year}年度无机关运行经费支出。"
        c = self.f.changes["机关运行经费"]
        words = change_words(c, self.src, self.places)
        text = f"机关运行经费支出{self.w(op.决算数)}万元"
        if words == "持平":
            text += f"，与{self.prior_year}年度持平"
        elif words:
            text += f"，比{self.prior_year}年度{words}"
        why = _reason_text(op.原因 or c.reason)
        return _sentence(text) + (f"主要原因是{why}。" if why and words and words != "持平" else "")

    def procurement_contracts(self) -> list[str]:
        p = self.a.政府采购
        if p is None:
            return []
        y, subj = self.year, self.subject
        listed = "、".join(f"{k}采购金额{self.w(v)}万元" for k, v in p.合同金额.entered())
        out = [f"{subj}{y}年度政府采购金额（以合同签订为准）为{self.w(p.shown_total())}万元"
               + (f"，其中：{listed}" if listed else "") + f"{_tail(p)}。"]
        sme = p.sme()  # None: 授予中小企业 not entered — the 中小企业 (and 小微企业) sentence is left out
        reserved = []
        if p.预留中小企业预算 is not None:
            reserved.append(f"面向中小企业预留政府采购项目预算金额{self.w(p.预留中小企业预算)}万元")
        if p.预留小微企业预算 is not None:
            reserved.append(f"面向小微企业预留政府采购项目预算金额{self.w(p.预留小微企业预算)}万元")
        text = f"{y}年度本部门" + "，".join(reserved) + "。" if reserved else ""
        micro = p.micro()  # None: neither the total nor a kind entered — the clause is left out
        if p.shown_total() and sme is not None:
            kinds = "、".join(f"{kind}采购{self.w(v)}万元" for kind, v in p.micro_kinds())
            text += (f"由中小企业供应商中标或成交的采购金额{self.w(sme)}万元，占政府采购金额的{self.share(sme, p.shown_total())}"
                     + (f"，其中由小微企业供应商中标或成交的采购金额{self.w(micro)}万元" + (f"（{kinds}）" if kinds else "")
                        if sme and micro is not None else "") + "。")
        if text:
            out.append(text)
        return out

    def assets_listed(self) -> str:
        assets = self.a.国有资产
        if assets is None:
            return ""
        when = assets.截至日期 or dt.date(self.year, 12, 31)
        parts = []
        if assets.车辆 is not None:
            total = sum(v.数量 for v in assets.车辆)
            detail = "、".join(f"{v.类型}{v.数量}辆" for v in assets.车辆)
            parts.append(f"{self.subject}共有车辆{total}辆" + (f"，其中：{detail}" if detail else ""))
        if assets.单价100万元以上设备 is not None:
            parts.append(f"单价100万元（含）以上设备（不含车辆）{assets.单价100万元以上设备}台（套）")
        return f"截至{when.year}年{when.month}月{when.day}日，" + "。".join(parts) + "。" if parts else ""


def fund_rows_of(a: FinalAccounts, fund: str) -> list:
    return [r for r in a.支出.功能分类 if r.资金来源 == fund and r.shown_total()]


def _score(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _indicator(ind: SelfIndicator) -> str:
    text = f"{ind.三级指标}年初目标值为{ind.年初目标值}，实际完成值为{ind.实际完成值}"
    return text + (f"，偏差原因：{ind.偏差原因.rstrip('。')}。" if ind.偏差原因 else "。")


# ================================================================= the whole context


def _date_cn(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _source_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.isdigit():
        return ""
    return _date_cn(dt.datetime.fromtimestamp(int(epoch), dt.UTC).date())


def _glossary(a: FinalAccounts, layout: FinalLayout, settings: Settings) -> list[tuple[str, str, str]]:
    info = a.基本信息
    level = settings.财政级次 or (f"{info.地区}本级财政" if info.地区 else "本级财政")
    overrides = {t.术语: t.解释 for t in a.名词解释}
    used = sorted({r.科目编码 for r in a.支出.功能分类 if r.shown_total()})
    subjects = "；".join(f"{i}.{qualified_function_name(code, a)}" for i, code in enumerate(used, 1))  # type: ignore[arg-type]
    pairs = []
    for term, text in layout.名词解释:
        text = overrides.pop(term, text)
        pairs.append((term, text.replace("{财政级次}", level).replace("{科目}", subjects + "。" if subjects else "无。")))
    pairs += list(overrides.items())
    return [(ordinal(i, layout.名词编号), term, text) for i, (term, text) in enumerate(pairs, 1)]


def build_final_context(a: FinalAccounts, settings: Settings | None = None,
                        failed: list[str] | None = None, profile: Profile | None = None) -> FinalRenderContext:
    """Build the complete 决算 render context from validated final accounts, in the 决算 layout of
    ``profile`` (default: the input's 基本信息.版式, else 湖北)."""
    settings = settings or Settings()
    f = compute_final(a)
    info = a.基本信息
    layout = final_layout(profile or load_profile(info.版式 or DEFAULT_PROFILE))
    year = info.决算年度
    subject = info.部门名称
    tables = _FinalTables(a, f, layout, subject).all()
    n = _Narrator(a, f, settings.百分比小数位)
    overall, income, expense = n.totals()
    fiscal_overall, fiscal_income = n.fiscal()
    gpb_overall, gpb_structure, gpb_head, gpb_lines = n.gpb()
    basic_head, people, public = n.basic()
    fund_text, fund_lines = n.fund("政府性基金预算财政拨款", "政府性基金表")
    state_text, state_lines = n.fund("国有资本经营预算财政拨款", "国有资本经营表")
    sg_overall, sg_lines, sg_shares = n.sangong()
    work, whole, projects, uses = n.performance()
    narrative = FinalNarrative(
        收支总体=overall, 收入=income, 支出=expense, 财政拨款总体=fiscal_overall, 财政拨款收入=fiscal_income,
        一般公共预算总体=gpb_overall, 一般公共预算合计=n.w(f.gpb_total), 一般公共预算结构=gpb_structure, 一般公共预算具体总述=gpb_head,
        一般公共预算具体=gpb_lines, 基本支出=basic_head, 人员经费=people, 公用经费=public,
        政府性基金=fund_text, 政府性基金具体=fund_lines, 国有资本经营=state_text, 国有资本经营具体=state_lines,
        三公总体=sg_overall, 三公具体=sg_lines, 三公占比=sg_shares,
        机关运行经费=n.operating(), 政府采购=n.procurement(), 国有资产=n.assets(),
        绩效工作=work, 整体评价=whole, 项目自评=projects, 结果应用=uses,
        有政府性基金=bool(fund_text), 有国有资本经营=bool(state_text),
        有三公=bool(a.三公经费.决算数.total() or a.三公经费.预算数.total()),
        模板式=_TemplateNarrator(a, f, settings.百分比小数位, subject).wording(),
    )
    ov = a.部门概况
    units = ov.决算单位
    own, subs = (units[0].名称 if units else subject), units[1:]
    composition = fill(layout.单位构成 if subs else layout.单位构成无下属, 主体=subject, 本级=own, 下属数=len(subs))
    whole_report = []
    if a.绩效自评.整体 is not None:
        w = a.绩效自评.整体
        whole_report = [x for x in (
            f"自评得分：{_score(w.得分)}分（满分100分）。" if w.得分 is not None else "",
            f"年度目标：{_sentence(w.年度目标)}" if w.年度目标 else "",
            f"整体绩效目标完成情况：{_sentence(w.完成情况)}" if w.完成情况 else "",
            f"存在的问题和原因：{_sentence(w.问题及原因)}" if w.问题及原因 else "",
            f"下一步改进措施：{_sentence(w.改进措施)}" if w.改进措施 else "",
        ) if x]
    indicators = a.绩效自评.整体.指标 if a.绩效自评.整体 is not None else []
    indicator_rows = [Row([i.一级指标, i.二级指标, i.三级指标, i.年初目标值, i.实际完成值, i.偏差原因 or "—"]) for i in indicators]
    tables.append(TableCtx(
        "整体自评表", len(tables) + 1, f"{subject}{year}年度部门整体支出绩效自评表", f"单位名称：{subject}", "",
        [[HeaderCell(h) for h in ("一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值", "偏差原因")]],
        indicator_rows, ["left", "left", "left", "center", "center", "left"], [10, 10, 22, 12, 12, 18],
        empty=not indicator_rows, empty_note="本部门未填报部门整体支出绩效自评指标。" if not indicator_rows else ""))
    prefix = fill(layout.标题格式, 主体=subject, 部门=subject, 年度=year, 名称="")
    numbered = [t for t in tables if t.key != "整体自评表"]
    toc = [f"{ordinal(i, '一、')}{t.title.removeprefix(prefix)}" for i, t in enumerate(numbered, 1)]
    return FinalRenderContext(
        文种="决算", 版式=layout.版式, 部门名称=subject, 年度=str(year), 上年度=str(year - 1),
        标题=f"{subject}{year}年度部门决算", 公开主体=subject, 公开日期=_date_cn(info.公开日期) or _source_date(),
        金额单位=info.金额单位, 表格单位=info.表格金额单位 or info.金额单位,
        未通过校验=bool(failed), 校验说明="；".join(failed or []),
        职责=[f"{ordinal(i, '（一）')}{d}" for i, d in enumerate(ov.主要职责, 1)],
        内设机构="、".join(ov.内设机构), 内设机构数=str(len(ov.内设机构)), 单位构成=composition,
        决算单位=[(str(i), u.名称, u.备注) for i, u in enumerate(units, 1)],
        表={t.key: t for t in tables}, 表目录=toc, 说明=narrative,
        整体自评=whole_report, 整体自评表头=[], 名词解释=_glossary(a, layout, settings),
        其他说明=[_sentence(x) for x in a.其他需要说明的情况], 模板=layout.模板,
        文中表={"整体自评表": tables[-1], "决算单位": TableCtx(
            "决算单位", 0, "", "", "", [[HeaderCell("序号"), HeaderCell("单位名称"), HeaderCell("备注")]],
            [Row([str(i), u.名称, u.备注]) for i, u in enumerate(units, 1)], ["center", "left", "left"], [8, 40, 20])},
    )


def final_table_values(ctx: FinalRenderContext) -> dict[str, Any]:
    """The tables' cells by key (for tests and the tables workbook)."""
    return {k: [r.cells for r in t.rows] for k, t in ctx.表.items()}


__all__ = ["FinalRenderContext", "build_final_context", "change_words", "direction", "final_layout"]

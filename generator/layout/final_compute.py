"""Compute stage of the 决算: every table figure and every compared figure, as exact Decimals.

Why this module exists: as for the budget (``compute.py``), the nine 决算 tables and the
情况说明 must quote the same numbers, so everything is derived once here from the validated
``FinalAccounts`` (类/款 subtotals, totals by fund, 年初预算 against 决算, "三公" 预算数 and
决算数, changes against last year's 决算), in the file's own unit and unrounded. Formatting and
wording happen in ``final_narrate.py``; the rules in ``rules/final_checks.py`` use these too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..reading.final_model import (
    FINAL_EXPENSE_KINDS,
    FINAL_FUNDS,
    FINAL_INCOME_SOURCES,
    FINAL_PRIOR_ITEMS,
    FISCAL_FUNDS,
    INCOME_TO_FUND,
    ROW_INCOME_SOURCES,
    FinalAccounts,
    FinalFunctionRow,
    FundSubject,
)
from ..reading.model import ZERO, settled
from .compute import Change, Tree, _tree, economic_tree, function_name, function_tree, settled_subtotals

EXPENSE_COLUMNS = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
GPB_COLUMNS = ["合计", "基本支出", "项目支出"]
FUND_TABLE_COLUMNS = ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"]
INCOME_COLUMNS = ["本年收入合计", *ROW_INCOME_SOURCES]

GPB = "一般公共预算财政拨款"


def _sum(values) -> Decimal:
    return sum(values, ZERO)


def row_value(row: FinalFunctionRow, column: str) -> Decimal:
    """A 功能分类 row's figure in one column of the 支出 tables."""
    if column in ("合计", "本年支出合计"):
        return row.shown_total()
    if column == "基本支出":
        return row.shown_basic()
    return row.get(column)


def gpb_rows(a: FinalAccounts) -> list[FinalFunctionRow]:
    return [r for r in a.支出.功能分类 if r.资金来源 == GPB]


def fund_rows(a: FinalAccounts, fund: str) -> list[FinalFunctionRow]:
    return [r for r in a.支出.功能分类 if r.资金来源 == fund]


def parent_names(a: FinalAccounts) -> dict[str, str]:
    return {sub.科目编码: sub.科目名称 for sub in a.支出.小计 if sub.科目名称}


def derived_row_income(a: FinalAccounts) -> dict[int, dict[str, Decimal]] | None:
    """Each 功能分类 row's income by source for the 收入决算表.

    Given on the row (``本年收入``) it is used as is. Otherwise it can only be derived when no money
    was carried or kept back (年初/年末结转和结余, 使用非财政拨款结余 and 结余分配 all zero): a 财政拨款
    row then received what it spent, and 其他资金 spending came from the single non-fiscal source
    that has income. None when neither holds (rule FINAL-INCOME-TABLE asks for 本年收入 per row)."""
    rows = a.支出.功能分类
    if all(r.本年收入 is not None for r in rows):
        return {i: {s: r.本年收入.get(s) for s in ROW_INCOME_SOURCES} for i, r in enumerate(rows)}  # type: ignore[union-attr]
    if any(r.本年收入 is not None for r in rows):
        return None
    inc = a.收入
    if inc.年初结转和结余.total() or a.支出.年末结转和结余.total() or inc.使用非财政拨款结余 or a.支出.结余分配:
        return None
    others = [s for s in FINAL_INCOME_SOURCES if INCOME_TO_FUND[s] == "其他资金" and inc.本年收入.get(s)]
    if len(others) > 1:
        return None
    out: dict[int, dict[str, Decimal]] = {}
    for i, r in enumerate(rows):
        values = dict.fromkeys(ROW_INCOME_SOURCES, ZERO)
        if r.资金来源 in FISCAL_FUNDS:
            values["财政拨款收入"] = r.total()
        elif others:
            values[others[0]] = r.total()
        elif r.total():
            return None
        out[i] = values
    return out


def income_tree(a: FinalAccounts, per_row: dict[int, dict[str, Decimal]]) -> Tree:
    leaf: dict[str, list[Decimal]] = {}
    names: dict[str, str] = dict(parent_names(a))
    for i, r in enumerate(a.支出.功能分类):
        vals = [per_row[i][s] for s in ROW_INCOME_SOURCES]
        if not any(vals):
            continue
        vals = [_sum(vals), *vals]
        prev = leaf.get(r.科目编码)
        leaf[r.科目编码] = vals if prev is None else [x + y for x, y in zip(prev, vals, strict=True)]
        names.setdefault(r.科目编码, r.科目名称)
    return _tree(leaf, names, INCOME_COLUMNS, [3, 5, 7], function_name)


def fund_table(a: FinalAccounts, fund: str, subjects: list[FundSubject]) -> Tree:
    """政府性基金 / 国有资本经营 收入支出决算表: carry and income per 科目 joined with its spending."""
    leaf: dict[str, list[Decimal]] = {}
    names: dict[str, str] = dict(parent_names(a))
    width = len(FUND_TABLE_COLUMNS)
    for s in subjects:
        vals = [s.年初结转和结余, s.本年收入, ZERO, ZERO, ZERO, s.年末结转和结余]
        prev = leaf.get(s.科目编码, [ZERO] * width)
        leaf[s.科目编码] = [x + y for x, y in zip(prev, vals, strict=True)]
        names.setdefault(s.科目编码, s.科目名称)
    for r in fund_rows(a, fund):
        if not r.total():
            continue
        vals = [ZERO, ZERO, r.shown_total(), r.shown_basic(), r.项目支出, ZERO]
        prev = leaf.get(r.科目编码, [ZERO] * width)
        leaf[r.科目编码] = [x + y for x, y in zip(prev, vals, strict=True)]
        names.setdefault(r.科目编码, r.科目名称)
    return _tree(leaf, names, FUND_TABLE_COLUMNS, [3, 5, 7], function_name)


@dataclass
class Completion:
    """A 项 (or a total) of 一般公共预算财政拨款: its 年初预算数 against its 决算, with the officer's reason."""

    code: str
    name: str
    budget: Decimal | None
    actual: Decimal
    reason: str = ""
    use: str = ""

    @property
    def ratio(self) -> Decimal | None:
        """完成年初预算 in percent, unrounded; None when there is no (or a zero) 年初预算."""
        if self.budget is None or self.budget == 0:
            return None
        return self.actual * 100 / self.budget


def completions(a: FinalAccounts) -> list[Completion]:
    """One Completion per 项 of 一般公共预算财政拨款, in code order (rows of one code summed)."""
    by_code: dict[str, Completion] = {}
    for r in gpb_rows(a):
        c = by_code.get(r.科目编码)
        if c is None:
            by_code[r.科目编码] = Completion(r.科目编码, r.科目名称, r.年初预算数, r.shown_total(), r.预决算差异原因,
                                            r.主要用途)
            continue
        c.actual += r.shown_total()
        if r.年初预算数 is not None:
            c.budget = (c.budget or ZERO) + r.年初预算数
        c.reason = c.reason or r.预决算差异原因
        c.use = c.use or r.主要用途
    return [by_code[k] for k in sorted(by_code) if by_code[k].actual or by_code[k].budget]


@dataclass
class FinalFigures:
    """Everything the 决算 tables and narrative quote, unrounded, in the file's unit."""

    accounts: FinalAccounts
    income_by_source: dict[str, Decimal]
    income_current: Decimal
    use_nonfiscal: Decimal
    carry_in: dict[str, Decimal]
    income_total: Decimal
    by_kind: dict[str, Decimal]
    basic: Decimal
    expense_current: Decimal
    distribution: Decimal
    carry_out: dict[str, Decimal]
    expense_total: Decimal
    expense_tree: Tree
    income_tree: Tree | None
    fiscal_tree: Tree
    gpb_tree: Tree
    economic: Tree
    fund_tables: dict[str, Tree]
    completions: list[Completion]
    changes: dict[str, Change] = field(default_factory=dict)

    @property
    def fiscal_income(self) -> Decimal:
        return _sum(self.income_by_source[s] for s in FINAL_INCOME_SOURCES[:3])

    @property
    def fiscal_carry_in(self) -> Decimal:
        return _sum(self.carry_in[f] for f in FISCAL_FUNDS)

    @property
    def fiscal_carry_out(self) -> Decimal:
        return _sum(self.carry_out[f] for f in FISCAL_FUNDS)

    @property
    def fiscal_total(self) -> Decimal:
        """财政拨款收入支出总计 = 本年财政拨款收入 + 年初财政拨款结转和结余."""
        return self.fiscal_income + self.fiscal_carry_in

    @property
    def fiscal_expense(self) -> Decimal:
        return self.fiscal_tree.total[0]

    @property
    def gpb_total(self) -> Decimal:
        return self.gpb_tree.total[0]

    @property
    def gpb_budget(self) -> Decimal | None:
        """一般公共预算财政拨款 年初预算 in all, when every 项 has one."""
        values = [c.budget for c in self.completions]
        return None if not values or any(v is None for v in values) else _sum(v for v in values if v is not None)


def current_final_figures(f: FinalFigures) -> dict[str, Decimal]:
    """This year's value of every item of 上年数 (FINAL_PRIOR_ITEMS); 机关运行经费 entered without its 决算数
    has none (absent is not zero: nothing is compared, the document leaves it out)."""
    t = f.accounts.三公经费.决算数
    op = f.accounts.机关运行经费
    return {
        "收入支出总计": f.income_total,
        "本年收入合计": f.income_current,
        "本年支出合计": f.expense_current,
        "财政拨款收入支出总计": f.fiscal_total,
        "一般公共预算财政拨款收入": f.income_by_source["一般公共预算财政拨款收入"],
        "政府性基金预算财政拨款收入": f.income_by_source["政府性基金预算财政拨款收入"],
        "国有资本经营预算财政拨款收入": f.income_by_source["国有资本经营预算财政拨款收入"],
        "一般公共预算财政拨款支出": f.gpb_total,
        "三公经费": t.shown_total(),
        "因公出国（境）费": t.因公出国境费,
        "公务用车购置及运行维护费": t.shown_vehicles(),
        "公务接待费": t.公务接待费,
    } | ({} if op is not None and op.决算数 is None else {"机关运行经费": op.决算数 if op is not None else ZERO})


def compute_final(a: FinalAccounts) -> FinalFigures:
    rows = a.支出.功能分类
    inc = a.收入
    income = {s: inc.本年收入.get(s) for s in FINAL_INCOME_SOURCES}
    carry_in = {f: inc.年初结转和结余.get(f) for f in FINAL_FUNDS}
    carry_out = {f: a.支出.年末结转和结余.get(f) for f in FINAL_FUNDS}
    by_kind = {k: _sum(r.get(k) for r in rows) for k in FINAL_EXPENSE_KINDS}
    parts = list(income.values())
    income_current = settled(inc.本年收入合计, parts)
    income_total = settled(inc.收入总计, [_sum(parts), inc.使用非财政拨款结余, *carry_in.values()],
                           income_current + inc.使用非财政拨款结余 + _sum(carry_in.values()))
    expense_current = settled(a.支出.本年支出合计, [r.total() for r in rows], _sum(r.shown_total() for r in rows))
    expense_total = settled(a.支出.支出总计, [_sum(r.total() for r in rows), a.支出.结余分配, *carry_out.values()],
                            expense_current + a.支出.结余分配 + _sum(carry_out.values()))
    parents = parent_names(a)
    declared = settled_subtotals(a.支出.功能分类, a.支出.小计, skip_equal=True)
    fiscal_rows = [r for r in rows if r.资金来源 in FISCAL_FUNDS]
    per_row = derived_row_income(a)
    figures = FinalFigures(
        accounts=a,
        income_by_source=income,
        income_current=income_current,
        use_nonfiscal=inc.使用非财政拨款结余,
        carry_in=carry_in,
        income_total=income_total,
        by_kind=by_kind,
        basic=_sum(r.shown_basic() for r in rows),  # as the 支出表 prints it (a declared one within 尾差, R12)
        expense_current=expense_current,
        distribution=a.支出.结余分配,
        carry_out=carry_out,
        expense_total=expense_total,
        expense_tree=function_tree(rows, EXPENSE_COLUMNS, row_value, parents,  # type: ignore[arg-type]
                                   declared, "本年支出合计"),
        income_tree=income_tree(a, per_row) if per_row is not None else None,
        fiscal_tree=function_tree(
            fiscal_rows, ["合计", *FISCAL_FUNDS[:3]],  # type: ignore[arg-type]
            lambda r, c: r.shown_total() if c in ("合计", r.资金来源) else ZERO, parents, declared),
        gpb_tree=function_tree(gpb_rows(a), GPB_COLUMNS, row_value, parents, declared),  # type: ignore[arg-type]
        economic=economic_tree(a.经济分类基本支出),
        fund_tables={"政府性基金预算财政拨款": fund_table(a, "政府性基金预算财政拨款", a.政府性基金),
                     "国有资本经营预算财政拨款": fund_table(a, "国有资本经营预算财政拨款", a.国有资本经营)},
        completions=completions(a),
    )
    now = current_final_figures(figures)
    for key in (k for k in FINAL_PRIOR_ITEMS if k in now):
        prior = a.上年数.item(key)
        figures.changes[key] = Change(now[key], None if prior is None else prior.金额, "" if prior is None else prior.增减原因)
    return figures

"""Compute stage: every table and derived figure of the disclosure, as exact Decimals.

Why this module exists: the tables and the narratives must quote the same numbers. Everything
is derived here once from the validated model (类/款 subtotals, totals by fund source, shares,
changes against last year), in the file's own unit and unrounded; formatting happens later in
``narrate.py``. Nothing here reads or writes files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import catalog
from ..reading.model import (
    EXPENSE_KINDS,
    FISCAL_SOURCES,
    FUND_SOURCES,
    INCOME_SOURCES,
    PRIOR_ITEMS,
    ZERO,
    Budget,
    DeclaredSubtotal,
    EconomicRow,
    FunctionRow,
    Prior,
    Project,
    settled,
)

if TYPE_CHECKING:  # the 决算 models are imported only for a 决算 (speed of a budget's validate)
    from ..reading.final_model import FinalFunctionRow


@dataclass
class TreeRow:
    """One row of a classification table: a 类 (level 1), 款 (2) or 项 (3), with its column values."""

    code: str
    name: str
    level: int
    values: list[Decimal]


@dataclass
class Tree:
    """A classification table body: rows in code order (each 类 followed by its 款 and 项) and a total."""

    columns: list[str]
    rows: list[TreeRow]
    total: list[Decimal]

    @property
    def empty(self) -> bool:
        return not self.rows

    def classes(self) -> list[TreeRow]:
        return [r for r in self.rows if r.level == 1]


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def gpb_rows(b: Budget) -> list:
    return [r for r in b.支出.功能分类 if r.资金来源 == "一般公共预算"]


# ---------------------------------------------------------------- the totals the document prints (R12)


def income_totals(b: Budget) -> tuple[Decimal, Decimal]:
    """(本年收入合计, 收入总计) as printed: each declared one within 尾差 of its parts, else computed
    (收入总计 from the printed 本年收入合计 and the 上年结转结余)."""
    inc = b.收入
    parts = [inc.本年收入.get(s) for s in INCOME_SOURCES]
    carry = [inc.上年结转结余.get(s) for s in FUND_SOURCES]
    current = settled(inc.本年收入合计, parts)
    return current, settled(inc.收入总计, [_sum(parts), *carry], current + _sum(carry))


def expense_totals(b: Budget) -> tuple[Decimal, Decimal]:
    """(本年支出合计, 支出总计) as printed: each declared one within 尾差 of its parts, else the sum of
    the printed row totals (支出总计: the printed 本年支出合计 and the 年终结转结余)."""
    exp = b.支出
    rows = exp.功能分类
    carry = [exp.年终结转结余.get(s) for s in FUND_SOURCES]
    current = settled(exp.本年支出合计, [r.total() for r in rows], _sum(r.shown_total() for r in rows))
    return current, settled(exp.支出总计, [_sum(r.total() for r in rows), *carry], current + _sum(carry))


def spending(b: Budget, rows: list[FunctionRow]) -> Decimal:
    """The printed 合计 of a scope of 功能分类 rows: the printed 本年支出合计 when the scope is all spending."""
    value = _sum(r.shown_total() for r in rows)
    return expense_totals(b)[0] if value == _sum(r.shown_total() for r in b.支出.功能分类) else value


def income_within(b: Budget, parts: list[Decimal], carry: list[Decimal]) -> tuple[Decimal, Decimal]:
    """(本年, 总计) of a subset of income (e.g. 财政拨款): the printed department totals when the subset
    is all of the income (same parts, same figure), else the subset's own sums."""
    now, total = _sum(parts), _sum(parts) + _sum(carry)
    dept_now, dept_total = income_totals(b)
    inc = b.收入
    all_now = inc.本年收入.total()
    return (dept_now if now == all_now else now,
            dept_total if total == all_now + inc.上年结转结余.total() else total)


def settled_subtotals(rows: Iterable[FunctionRow | FinalFunctionRow], subtotals: Iterable[DeclaredSubtotal],
                      skip_equal: bool = False) -> dict[str, tuple[Decimal, Decimal]]:
    """类/款 code → (Σ printed totals of the 项 under it in the whole input, printed figure) for each
    小计 the officer typed that prints otherwise than that sum (R12: as typed, within 尾差 of its 项).

    One rule for the budget and the 决算; ``skip_equal`` (the 决算) leaves out a 小计 equal to the exact
    sum of its 项 to the cent: it has nothing of its own to print (a row's own R12 shows there)."""
    rows = [r for r in rows if r.total()]
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for sub in subtotals:
        mine = [r for r in rows if r.科目编码.startswith(sub.科目编码)]
        parts = [r.total() for r in mine]
        if skip_equal and sub.合计 == _sum(parts):
            continue
        shown = _sum(r.shown_total() for r in mine)
        if (printed := settled(sub.合计, parts, shown)) != shown:
            out[sub.科目编码] = (shown, printed)
    return out


def declared_subtotals(b: Budget) -> dict[str, tuple[Decimal, Decimal]]:
    """Code ("" for 本年支出合计) → (Σ printed row totals under it in the whole input, printed figure),
    for the 类/款 小计 and the 本年支出合计 the officer typed within 尾差 of their parts."""
    out = settled_subtotals(b.支出.功能分类, b.支出.小计)
    if b.支出.本年支出合计 is not None:
        whole = (_sum(r.shown_total() for r in b.支出.功能分类 if r.total()), expense_totals(b)[0])
        if whole[0] != whole[1]:
            out[""] = whole
    return out


def _settle_tree(tree: Tree, declared: dict[str, tuple[Decimal, Decimal]], column: str = "合计") -> Tree:
    """Put the declared 小计 / 本年支出合计 in the ``column`` (合计) where the tree's scope is all of their parts."""
    if not declared or column not in tree.columns:
        return tree
    i = tree.columns.index(column)
    for row in tree.rows:
        if row.code in declared and row.values[i] == declared[row.code][0]:
            row.values[i] = declared[row.code][1]
    if "" in declared and tree.total and tree.total[i] == declared[""][0]:
        tree.total[i] = declared[""][1]
    return tree


def current_figures(b: Budget) -> dict[str, Decimal | None]:
    """This year's value of every item the narrative compares with last year (None: not given)."""
    rows = b.支出.功能分类
    gpb = gpb_rows(b)
    income = b.收入.本年收入
    t = b.三公经费
    fiscal_now, _ = income_within(b, [income.get(s + "拨款") for s in FISCAL_SOURCES], [])
    return {
        "收入总计": income_totals(b)[1],
        "支出总计": expense_totals(b)[1],
        "基本支出": sum((r.shown_basic() for r in rows), ZERO),
        "项目支出": sum((r.项目支出 for r in rows), ZERO),
        "财政拨款收入": fiscal_now,
        "一般公共预算拨款": income.一般公共预算拨款,
        "一般公共预算支出": spending(b, gpb),
        "一般公共预算基本支出": sum((r.shown_basic() for r in gpb), ZERO),
        "政府性基金预算支出": spending(b, [r for r in rows if r.资金来源 == "政府性基金预算"]),
        "国有资本经营预算支出": spending(b, [r for r in rows if r.资金来源 == "国有资本经营预算"]),
        "三公经费": t.total(),
        "因公出国（境）费": t.因公出国境费,
        "公务用车购置费": t.公务用车购置费,
        "公务用车运行维护费": t.公务用车运行维护费,
        "公务接待费": t.公务接待费,
        "机关运行经费": b.机关运行经费.金额,
        "政府采购": None if b.政府采购 is None else b.政府采购.total(),
        "政府购买服务": b.政府购买服务.合计,
    }


def function_name(code: str, fallback: str = "") -> str:
    entry = catalog.function_subject(code)
    return entry.name if entry else (fallback or "（科目表中无此科目）")


def economic_name(code: str, fallback: str = "") -> str:
    entry = catalog.economic_subject(code)
    return entry.name if entry else (fallback or "（科目表中无此科目）")


def function_tree(
    rows: list[FunctionRow], columns: list[str], value: Callable[[FunctionRow, str], Decimal],
    names_of_parents: dict[str, str] | None = None, declared: dict[str, tuple[Decimal, Decimal]] | None = None,
    total_column: str = "合计",
) -> Tree:
    """Group 项 rows (possibly several per code, one per fund source) into a 类/款/项 tree.

    ``names_of_parents`` (from the declared 小计) names a 类/款 the bundled catalog does not know;
    ``declared`` (declared_subtotals) puts the typed 小计 / 本年支出合计 in the 合计 column (R12)."""
    leaf: dict[str, list[Decimal]] = {}
    names: dict[str, str] = dict(names_of_parents or {})
    for row in rows:
        if not row.total():  # a row with nothing in it is not spending (rule FUNC-ZERO warns about it)
            continue
        vals = [value(row, c) for c in columns]
        if row.科目编码 in leaf:
            leaf[row.科目编码] = [a + b for a, b in zip(leaf[row.科目编码], vals, strict=True)]
        else:
            leaf[row.科目编码] = vals
            names[row.科目编码] = row.科目名称
    return _settle_tree(_tree(leaf, names, columns, [3, 5, 7], function_name), declared or {}, total_column)


def parent_names(b: Budget) -> dict[str, str]:
    """Names the officer gave 类/款 in 支出.小计 (used where the catalog has no entry)."""
    return {sub.科目编码: sub.科目名称 for sub in b.支出.小计 if sub.科目名称}


def qualified_function_name(code: str, b: Budget) -> str:
    """科学技术支出（类）科学技术管理事务（款）行政运行（项）, from the catalog, the declared 小计 or the row."""
    row_names = {r.科目编码: r.科目名称 for r in b.支出.功能分类}
    given = {**parent_names(b), **row_names}
    parts = []
    for n, level in ((3, "类"), (5, "款"), (7, "项")):
        if len(code) < n:
            break
        entry = catalog.function_subject(code[:n])
        name = (row_names.get(code[:n]) if n == 7 else None) or (entry.name if entry else given.get(code[:n], ""))
        if name:
            parts.append(f"{name}（{level}）")
    return "".join(parts) or code


def economic_tree(rows: list[EconomicRow]) -> Tree:
    columns = ["合计", "人员经费", "公用经费"]
    leaf: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    for row in rows:
        vals = [row.shown_total(), row.人员经费, row.公用经费]
        prev = leaf.get(row.科目编码)
        leaf[row.科目编码] = vals if prev is None else [a + b for a, b in zip(prev, vals, strict=True)]
        names.setdefault(row.科目编码, row.科目名称)
    return _tree(leaf, names, columns, [3, 5], economic_name)


def _tree(
    leaf: dict[str, list[Decimal]], names: dict[str, str], columns: list[str], lengths: list[int],
    name_of: Callable[[str, str], str],
) -> Tree:
    width = len(columns)
    nodes: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * width)
    for code, vals in leaf.items():
        for n in lengths[:-1]:
            prefix = code[:n]
            nodes[prefix] = [a + b for a, b in zip(nodes[prefix], vals, strict=True)]
        nodes[code] = vals
    rows = []
    for code in sorted(nodes):
        level = lengths.index(len(code)) + 1 if len(code) in lengths else len(lengths)
        name = names[code] if code in names and level == len(lengths) else name_of(code, names.get(code, ""))
        rows.append(TreeRow(code, name, level, nodes[code]))
    total = [_sum(v[i] for v in leaf.values()) for i in range(width)]
    return Tree(columns, rows, total)


# ---------------------------------------------------------------- comparisons


@dataclass
class Change:
    """This year's figure against last year's, with the officer's reason (None: not given)."""

    current: Decimal | None
    prior: Decimal | None
    reason: str = ""

    @property
    def delta(self) -> Decimal | None:
        return None if self.prior is None or self.current is None else self.current - self.prior

    @property
    def ratio(self) -> Decimal | None:
        """Change in percent, unrounded; None when last year was zero or either year absent."""
        if self.prior is None or self.prior == 0 or self.current is None:
            return None
        return (self.current - self.prior) * 100 / self.prior


def change(current: Decimal | None, prior: Prior | None) -> Change:
    if prior is None:
        return Change(current, None)
    return Change(current, prior.金额, prior.增减原因)


def class_prior(b: Budget, code: str) -> Prior | None:
    """Last year's figure of a 类: its own entry, else the sum of its 款 or 项 entries."""
    entries = b.上年数.功能分类
    if code in entries:
        return entries[code]
    for length in (5, 7):
        parts = [p for c, p in entries.items() if len(c) == length and c.startswith(code) and p.金额 is not None]
        if parts:
            return Prior(金额=sum((p.金额 for p in parts if p.金额 is not None), ZERO))
    return None


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """Percent of a total from unrounded values; None when the total is zero."""
    return None if whole == 0 else part * 100 / whole


# ---------------------------------------------------------------- the whole computation


FUNCTION_COLUMNS = ["合计", "基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出"]
GPB_COLUMNS = ["合计", "基本支出", "人员经费", "公用经费", "项目支出"]
FUND_COLUMNS = ["合计", "基本支出", "项目支出"]


def _value(row: FunctionRow, column: str) -> Decimal:
    if column == "合计":
        return row.shown_total()
    if column == "基本支出":
        return row.shown_basic()
    return row.get(column)


@dataclass
class Figures:
    """Everything the tables and narratives quote, unrounded, in the file's unit."""

    budget: Budget
    income_by_source: dict[str, Decimal]
    income_current: Decimal
    carry_in: dict[str, Decimal]
    carry_in_total: Decimal
    income_total: Decimal
    expense_current: Decimal
    carry_out: dict[str, Decimal]
    carry_out_total: Decimal
    expense_total: Decimal
    by_kind: dict[str, Decimal]
    basic: Decimal
    expense_tree: Tree
    gpb_tree: Tree
    fund_trees: dict[str, Tree]
    fiscal_by_class: Tree
    economic: Tree
    projects: list[Project]
    project_totals: dict[str, Decimal]
    fiscal_income: dict[str, Decimal]
    fiscal_carry: dict[str, Decimal]
    changes: dict[str, Change] = field(default_factory=dict)
    gpb_class_changes: dict[str, Change] = field(default_factory=dict)

    @property
    def gpb_total(self) -> Decimal:
        return self.gpb_tree.total[0]

    @property
    def fiscal_totals(self) -> tuple[Decimal, Decimal]:
        """(财政拨款本年收入, 财政拨款收入总计) as printed (the department's declared totals when all income is 财政拨款)."""
        return income_within(self.budget, list(self.fiscal_income.values()), list(self.fiscal_carry.values()))


def compute(b: Budget) -> Figures:
    rows = b.支出.功能分类
    income = {s: b.收入.本年收入.get(s) for s in INCOME_SOURCES}
    carry_in = {s: b.收入.上年结转结余.get(s) for s in FUND_SOURCES}
    carry_out = {s: b.支出.年终结转结余.get(s) for s in FUND_SOURCES}
    income_current, income_total = income_totals(b)
    expense_current, expense_total = expense_totals(b)
    by_kind = {k: _sum(r.get(k) for r in rows) for k in EXPENSE_KINDS}
    gpb = [r for r in rows if r.资金来源 == "一般公共预算"]
    parents = parent_names(b)
    declared = declared_subtotals(b)

    fund_trees = {
        fund: function_tree([r for r in rows if r.资金来源 == fund], FUND_COLUMNS, _value, parents, declared)
        for fund in ("政府性基金预算", "国有资本经营预算")
    }
    fiscal_rows = [r for r in rows if r.资金来源 in FISCAL_SOURCES]
    fiscal_by_class = function_tree(
        fiscal_rows, ["合计", *FISCAL_SOURCES],
        lambda r, c: r.shown_total() if c in ("合计", r.资金来源) else ZERO, parents, declared,
    )
    figures = Figures(
        budget=b,
        income_by_source=income,
        income_current=income_current,
        carry_in=carry_in,
        carry_in_total=_sum(carry_in.values()),
        income_total=income_total,
        expense_current=expense_current,
        carry_out=carry_out,
        carry_out_total=_sum(carry_out.values()),
        expense_total=expense_total,
        by_kind=by_kind,
        basic=_sum(r.shown_basic() for r in rows),
        expense_tree=function_tree(rows, FUNCTION_COLUMNS, _value, parents, declared),
        gpb_tree=function_tree(gpb, GPB_COLUMNS, _value, parents, declared),
        fund_trees=fund_trees,
        fiscal_by_class=fiscal_by_class,
        economic=economic_tree(b.经济分类基本支出),
        projects=list(b.项目),
        project_totals={s: _sum(p.资金来源.get(s) for p in b.项目) for s in FUND_SOURCES},
        fiscal_income={s: income[s + "拨款"] for s in FISCAL_SOURCES},
        fiscal_carry={s: carry_in[s] for s in FISCAL_SOURCES},
    )
    now = current_figures(b)
    figures.changes = {key: change(now[key], b.上年数.item(key)) for key in PRIOR_ITEMS}
    for cls in figures.gpb_tree.classes():
        figures.gpb_class_changes[cls.code] = change(cls.values[0], class_prior(b, cls.code))
    return figures

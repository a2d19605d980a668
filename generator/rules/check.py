"""Check stage: every accounting identity and domain rule, as small functions in a registry.

Why this module exists: published disclosures routinely contain totals that don't add up. Each
rule here looks at the validated model and returns findings (rule id, severity, Chinese message,
source location, expected/actual); all rules run and all findings are collected before anything
is reported, like bean-check. Severities can be overridden and rules disabled in the config.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from .. import catalog
from ..config import Settings
from ..findings import Finding, Path, Severity, SourceMap
from ..layout.compute import current_figures, function_tree, gpb_rows
from ..reading.model import (
    EXPENSE_KINDS,
    FISCAL_SOURCES,
    FUND_SOURCES,
    INCOME_FUND,
    INCOME_SOURCES,
    PRIOR_ITEMS,
    PROCUREMENT_FUNDS,
    THREE_PUBLIC_ITEMS,
    ZERO,
    Budget,
    Indicator,
    Node,
    tail_tolerance,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    func: Callable[[CheckContext], Iterable[Finding]]
    kinds: tuple[str, ...] = ("预算",)
    """The 文种 the rule checks: 预算 (Budget), 决算 (FinalAccounts, rules/final_checks.py) or both."""


RULES: dict[str, Rule] = {}

BOTH_KINDS: tuple[str, ...] = ("预算", "决算")


def rule(rule_id: str, severity: Severity, title: str, kinds: tuple[str, ...] = ("预算",)) -> Callable:
    """Register a rule function under ``rule_id`` with a default severity, a Chinese title and its 文种."""

    def register(func: Callable[[CheckContext], Iterable[Finding]]) -> Callable:
        RULES[rule_id] = Rule(rule_id, severity, title, func, kinds)
        return func

    return register


def document_kind(document: Any) -> str:
    """预算 or 决算: the 文种 of a validated model (its 基本信息.文种)."""
    return getattr(document.基本信息, "文种", "预算")


@dataclass
class CheckContext:
    budget: Any
    """The validated model: a Budget, or a FinalAccounts for the rules whose kinds include 决算."""
    source: SourceMap
    settings: Settings
    current: str = ""
    extra: list[Finding] = field(default_factory=list)
    _leaves: list[tuple[Path, Any, Node | None, str | None]] | None = None
    profile: Callable[[], Any] | None = None
    """Loads the layout the document will be generated in (pipeline.choose_profile: --profile, 基本信息.版式,
    config 版式, else 湖北); called only by a rule that asks what the layout prints (``prints``)."""
    _printed: frozenset[str] | None = None

    def prints(self, *names: str) -> bool:
        """Whether the chosen layout's template (the 决算 one for a 决算) uses any of these context names
        (``说明.资产情况``, ``说明.政府采购``, …; see layout.profile.printed_names, final_printed_names). True
        when no layout is known or it cannot be loaded: the layout's own error is reported by generate, and
        a check never goes quiet on a guess."""
        if self._printed is None:
            self._printed = self._load_printed()
        return not self._printed or any(n in self._printed for n in names)

    def _load_printed(self) -> frozenset[str]:
        """The names the layout's template for this 文种 uses: its 决算 template for a 决算 (none known when
        the layout has no 决算 layout), else its budget template."""
        from ..layout.profile import final_printed_names, printed_names

        layout = self.layout()
        if layout is None:
            return frozenset()
        final = document_kind(self.budget) == "决算"
        try:
            if final:
                return frozenset() if layout.决算 is None else final_printed_names(layout)
            return printed_names(layout)
        except OSError:
            return frozenset()

    def layout(self) -> Any:
        """The chosen layout (a layout.profile.Profile), or None when none is known or it cannot be loaded."""
        if not hasattr(self, "_layout"):
            from ..findings import InputError

            try:
                self._layout = self.profile() if self.profile is not None else None
            except (InputError, OSError):
                self._layout = None
        return self._layout

    def tables_with_column(self, column: str) -> list[str] | None:
        """Titles of the chosen layout's 功能分类 tables that have ``column`` (a row measure, e.g. 上年结转);
        None when no layout is known."""
        layout = self.layout()
        if layout is None:
            return None
        return [t.标题 for _, t in layout.tables() if t.来源 == "功能分类" and column in t.列]

    @property
    def leaves(self) -> list[tuple[Path, Any, Node | None, str | None]]:
        """walk(budget), computed once for the several hygiene rules that look at every value."""
        if self._leaves is None:
            self._leaves = list(walk(self.budget))
        return self._leaves

    @property
    def wan(self) -> Decimal:
        """One 万元 in the file's unit."""
        return Decimal("1") if self.budget.基本信息.金额单位 == "万元" else Decimal("10000")

    def finding(
        self,
        message: str,
        node: Node | None = None,
        key: str | int | None = None,
        expected: Decimal | None = None,
        actual: Decimal | None = None,
        rule_id: str | None = None,
        path: Path | None = None,
        labels: tuple[str, str, str] = ("期望", "实际", "差额"),
    ) -> Finding:
        rid = rule_id or self.current
        if path is None:
            path = (node.path if node is not None else ()) + ((key,) if key is not None else ())
        return Finding(
            rid,
            RULES[rid].severity,
            message,
            file=self.source.file,
            position=self.source.find(path),
            path=path,
            expected=expected,
            actual=actual,
            labels=labels,
        )

    def compare(
        self, what: str, node: Node | None, key: str | None, declared: Decimal | None, parts: list[Decimal],
        note: str = "，并在表下注明尾差",
    ) -> Iterator[Finding]:
        """A declared total against the sum of its parts: error, or a 尾差 warning when within 0.01 a part.

        Within 尾差 the document (预算 and 决算) prints the declared total (reading.model.settled: the exact
        figure from the 元 system, the parts were rounded); the warning says so, and where the 尾差 note
        goes (``note``)."""
        if declared is None:
            return
        expected = sum(parts, ZERO)
        diff = declared - expected
        if diff == 0:
            return
        if abs(diff) <= tail_tolerance(parts):
            shown = f"文档列示所填的 {declared:f}（视为元系统中的准确数，分项为四舍五入后的数）{note}"
            yield self.finding(
                f"{what}与分项之和有尾差 {diff:f}：{shown}，请确认所填 {declared:f} 是否四舍五入所致",
                node, key, expected, declared, rule_id="ROUNDING",
            )
        else:
            yield self.finding(f"{what}不等于分项之和", node, key, expected, declared)


def run_checks(budget: Any, source: SourceMap, settings: Settings | None = None,
               profile: Callable[[], Any] | None = None) -> list[Finding]:
    """Run every enabled rule of the document's 文种; returns all findings, in file order. ``profile`` loads
    the layout the document will be generated in, for the rules that depend on what it prints."""
    settings = settings or Settings()
    ctx = CheckContext(budget, source, settings, profile=profile)
    kind = document_kind(budget)
    findings: list[Finding] = []
    for rid, spec in RULES.items():
        if settings.规则.get(rid) == "off" or kind not in spec.kinds:
            continue
        ctx.current = rid
        findings.extend(spec.func(ctx))
    out = []
    for f in findings:
        override = settings.规则.get(f.rule)
        if override == "off":
            continue
        if override in ("error", "warning"):
            f.severity = override
        out.append(f)
    return sorted(out, key=lambda f: (f.position.line or 0, f.position.col or 0, f.rule))


# ================================================================= helpers over the model


@cache
def _field_keys(cls: type) -> tuple[tuple[str, str], ...]:
    """(attribute, input key) of a model class's fields, looked up once per class."""
    return tuple((name, fld.alias or name) for name, fld in cls.model_fields.items())


def walk(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any, Node | None, str | None]]:
    """Every leaf value of the model with its path, owning node and key."""
    if isinstance(node, Node):
        here = node.path  # a pydantic private attribute: read once per node, not once per field
        for name, key in _field_keys(type(node)):
            value = getattr(node, name)
            if isinstance(value, (Node, list, dict)):
                yield from walk(value, here + (key,))
            else:
                yield here + (key,), value, node, key
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, (Node, list, dict)):
                yield from walk(item, path + (i,))
            else:
                yield path + (i,), item, None, None
    elif isinstance(node, dict):
        for k, item in node.items():
            if isinstance(item, (Node, list, dict)):
                yield from walk(item, path + (k,))
            else:
                yield path + (k,), item, None, None


# ================================================================= 收支平衡


@rule("BAL-INCOME", "error", "收入总计 = 本年收入合计 + 上年结转结余；本年收入合计 = 各项收入之和")
def check_income(ctx: CheckContext) -> Iterator[Finding]:
    inc = ctx.budget.收入
    parts = [inc.本年收入.get(s) for s in INCOME_SOURCES]
    yield from ctx.compare("本年收入合计", inc, "本年收入合计", inc.本年收入合计, parts)
    carry = [inc.上年结转结余.get(s) for s in FUND_SOURCES]
    yield from ctx.compare("收入总计", inc, "收入总计", inc.收入总计, [sum(parts, ZERO), *carry])


@rule("BAL-EXPENSE", "error", "支出总计 = 本年支出合计 + 年终结转结余；本年支出合计 = 各功能分类行之和")
def check_expense(ctx: CheckContext) -> Iterator[Finding]:
    exp = ctx.budget.支出
    rows = [r.total() for r in exp.功能分类]
    yield from ctx.compare("本年支出合计", exp, "本年支出合计", exp.本年支出合计, rows)
    carry = [exp.年终结转结余.get(s) for s in FUND_SOURCES]
    yield from ctx.compare("支出总计", exp, "支出总计", exp.支出总计, [sum(rows, ZERO), *carry])


@rule("BAL-TOTAL", "error", "收入总计 = 支出总计")
def check_balance(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    income = b.收入.本年收入.total() + b.收入.上年结转结余.total()
    expense = sum((r.total() for r in b.支出.功能分类), ZERO) + b.支出.年终结转结余.total()
    if income != expense:
        yield ctx.finding("收入总计（本年收入 + 上年结转结余）不等于支出总计（本年支出 + 年终结转结余）",
                          b.支出, "功能分类", income, expense)


# ================================================================= 功能分类


@rule("FUNC-ROW", "error", "功能分类每行：合计 = 各支出列之和；基本支出 = 人员经费 + 公用经费")
def check_function_rows(ctx: CheckContext) -> Iterator[Finding]:
    for row in ctx.budget.支出.功能分类:
        name = f"{row.科目编码} {row.科目名称}"
        yield from ctx.compare(f"{name} 的基本支出", row, "基本支出", row.基本支出, [row.人员经费, row.公用经费])
        yield from ctx.compare(f"{name} 的合计", row, "合计", row.合计, [row.get(k) for k in EXPENSE_KINDS])


@rule("FUNC-CODE", "error", "功能分类科目编码为7位数字（项级）", BOTH_KINDS)
def check_function_code_format(ctx: CheckContext) -> Iterator[Finding]:
    for row in ctx.budget.支出.功能分类:
        if not re.fullmatch(r"\d{7}", row.科目编码):
            yield ctx.finding(
                f"功能分类科目编码“{row.科目编码}”应为7位数字的项级科目（如 2060101）；类、款小计由系统汇总，不必填写",
                row, "科目编码",
            )


@rule("FUNC-CATALOG", "warning", "功能分类科目编码和名称与政府收支分类科目一致", BOTH_KINDS)
def check_function_catalog(ctx: CheckContext) -> Iterator[Finding]:
    for row in ctx.budget.支出.功能分类:
        if not re.fullmatch(r"\d{7}", row.科目编码):
            continue
        yield from _catalog_match(ctx, row, row.科目编码, row.科目名称, catalog.function_subject, "功能分类")
        for prefix in (row.科目编码[:3], row.科目编码[:5]):
            if catalog.function_subject(prefix) is None:
                yield ctx.finding(f"科目“{row.科目编码}”的上级科目“{prefix}”不在科目表中，请核对编码", row, "科目编码")
    for sub in ctx.budget.支出.小计:
        if sub.科目名称:
            yield from _catalog_match(ctx, sub, sub.科目编码, sub.科目名称, catalog.function_subject, "功能分类")


def _catalog_match(ctx: CheckContext, node: Node, code: str, name: str, lookup: Callable, kind: str) -> Iterator[Finding]:
    entry = lookup(code)
    if entry is None:
        yield ctx.finding(f"{kind}科目“{code} {name}”不在内置科目表中，请核对编码（科目表每年修订，如确认无误可忽略）", node, "科目编码")
    elif _norm(entry.name) != _norm(name):
        yield ctx.finding(f"{kind}科目“{code}”的名称“{name}”与科目表不一致，科目表为“{entry.name}”", node, "科目名称")


def _norm(text: str) -> str:
    return re.sub(r"[\s（）()]", "", text)


@rule("FUNC-ZERO", "warning", "功能分类行不应全为 0（全为 0 的行不列入预算表）", BOTH_KINDS)
def check_zero_rows(ctx: CheckContext) -> Iterator[Finding]:
    for row in ctx.budget.支出.功能分类:
        if not row.total():
            yield ctx.finding(f"科目 {row.科目编码} {row.科目名称} 各项金额都是 0，不会列入表中；如无此项支出请删除该行",
                              row, "科目编码")


@rule("FUNC-DUPLICATE", "error", "同一科目、同一资金来源只填一行", BOTH_KINDS)
def check_function_duplicates(ctx: CheckContext) -> Iterator[Finding]:
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(ctx.budget.支出.功能分类):
        key = (row.科目编码, row.资金来源)
        if key in seen:
            yield ctx.finding(
                f"科目 {row.科目编码}（{row.资金来源}）重复，与第 {seen[key] + 1} 行相同；请合并为一行", row, "科目编码"
            )
        else:
            seen[key] = i


@rule("FUNC-SUBTOTAL", "error", "填写的类/款小计 = 其下各项之和", BOTH_KINDS)
def check_subtotals(ctx: CheckContext) -> Iterator[Finding]:
    rows = ctx.budget.支出.功能分类
    for sub in ctx.budget.支出.小计:
        if len(sub.科目编码) not in (3, 5) or not sub.科目编码.isdigit():
            yield ctx.finding(f"小计科目编码“{sub.科目编码}”应为3位（类）或5位（款）", sub, "科目编码")
            continue
        parts = [r.total() for r in rows if r.科目编码.startswith(sub.科目编码)]
        label = f"{sub.科目编码} {sub.科目名称 or ''}".strip()
        yield from ctx.compare(f"小计 {label}", sub, "合计", sub.合计, parts)


# ================================================================= 经济分类


@rule("ECON-BASIC", "error", "经济分类基本支出 = 一般公共预算功能分类基本支出（人员经费、公用经费分别相等）")
def check_economic_vs_function(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    for kind in ("人员经费", "公用经费"):
        econ = sum((getattr(r, kind) for r in b.经济分类基本支出), ZERO)
        func = sum((r.get(kind) for r in gpb_rows(b)), ZERO)
        if econ != func:
            rows = [r for r in b.经济分类基本支出 if getattr(r, kind)]
            named = "、".join(f"{r.科目编码} {r.科目名称} {getattr(r, kind):f}" for r in rows[:6])
            more = f" 等 {len(rows)} 款" if len(rows) > 6 else ""
            where = f"（填了{kind}的款：{named}{more}）" if rows else "（没有哪一款填了" + kind + "）"
            yield ctx.finding(
                f"按经济分类各款的{kind}之和{where}不等于一般公共预算功能分类的{kind}合计，请核对这些款的{kind}",
                rows[0] if rows else b, None if rows else "经济分类基本支出", func, econ,
                path=(rows[0].path + (kind,)) if rows else None,
            )


@rule("ECON-ROW", "error", "经济分类每行：合计 = 人员经费 + 公用经费；编码为5位（款级）", BOTH_KINDS)
def check_economic_rows(ctx: CheckContext) -> Iterator[Finding]:
    for row in ctx.budget.经济分类基本支出:
        if not re.fullmatch(r"\d{5}", row.科目编码):
            yield ctx.finding(f"经济分类科目编码“{row.科目编码}”应为5位数字的款级科目（如 30101）", row, "科目编码")
        yield from ctx.compare(f"{row.科目编码} {row.科目名称} 的合计", row, "合计", row.合计, [row.人员经费, row.公用经费])


@rule("ECON-CATALOG", "warning", "经济分类科目编码和名称与部门预算支出经济分类科目一致", BOTH_KINDS)
def check_economic_catalog(ctx: CheckContext) -> Iterator[Finding]:
    for row in ctx.budget.经济分类基本支出:
        if re.fullmatch(r"\d{5}", row.科目编码):
            yield from _catalog_match(ctx, row, row.科目编码, row.科目名称, catalog.economic_subject, "经济分类")


# ================================================================= 资金来源


@rule("FUND-BALANCE", "error", "各资金来源的支出 = 该来源本年收入 + 上年结转结余 − 年终结转结余")
def check_funds(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    for fund in FUND_SOURCES:
        income = sum((b.收入.本年收入.get(s) for s in INCOME_SOURCES if INCOME_FUND[s] == fund), ZERO)
        available = income + b.收入.上年结转结余.get(fund) - b.支出.年终结转结余.get(fund)
        spent = sum((r.total() for r in b.支出.功能分类 if r.资金来源 == fund), ZERO)
        if available != spent:
            yield ctx.finding(
                f"资金来源为“{fund}”的支出合计不等于该来源的本年收入 + 上年结转结余 − 年终结转结余",
                b.支出, "功能分类", available, spent,
            )


# ================================================================= 项目


@rule("CARRY-ROWS", "error", "功能分类各行的“其中：上年结转”：不超过本行合计；各资金来源之和不超过该来源的上年结转结余，"
                            "且不少于上年结转结余 − 年终结转结余（无年终结转结余时相等）")
def check_carry_rows(ctx: CheckContext) -> Iterator[Finding]:
    """The per-row 上年结转 (河北's 收入总表 splits each 功能分类 row into 本年收入 and 上年结转).

    Only when some row gives it (absent is not zero). For a fund, the rows' carry-over spends part of its
    上年结转结余; what is not spent goes to 年终结转结余, so carry_in − carry_out ≤ Σ rows ≤ carry_in."""
    b = ctx.budget
    rows = b.支出.功能分类
    if all(r.上年结转 is None for r in rows):
        return
    for r in rows:
        if r.上年结转 is not None and not ZERO <= r.上年结转 <= r.total():
            yield ctx.finding(f"{r.科目编码} {r.科目名称} 的“其中：上年结转”{r.上年结转:f}应在 0 和本行合计 {r.total():f} 之间",
                              r, "上年结转", r.total(), r.上年结转)
    for fund in FUND_SOURCES:
        carried = sum((r.上年结转 or ZERO for r in rows if r.资金来源 == fund), ZERO)
        carry_in, carry_out = b.收入.上年结转结余.get(fund), b.支出.年终结转结余.get(fund)
        low = max(carry_in - carry_out, ZERO)
        if carried > carry_in:
            yield ctx.finding(f"资金来源为“{fund}”的各行“其中：上年结转”之和 {carried:f} 超过该来源的上年结转结余 {carry_in:f}",
                              b.收入.上年结转结余, fund, carry_in, carried)
        elif carried < low:
            yield ctx.finding(f"资金来源为“{fund}”的各行“其中：上年结转”之和 {carried:f} 少于上年结转结余 − 年终结转结余 = {low:f}："
                              "其余的上年结转结余既未安排支出也未结转，收入总表的本年收入与上年结转分列不对",
                              b.收入.上年结转结余, fund, low, carried)


@rule("CARRY-ROWS-MISSING", "warning", "有上年结转结余在本年支出（上年结转结余 − 年终结转结余 > 0），而功能分类各行都没有填“上年结转”，"
                                    "所选版式的表又分列上年结转（如河北的收入总表）：提醒按行填写")
def check_carry_rows_missing(ctx: CheckContext) -> Iterator[Finding]:
    """Without any per-row 上年结转 the layout's 上年结转 column stays blank and 本年收入 shows each row's whole
    合计 (absent is not zero: nothing is guessed). Only for a layout whose 功能分类 table has that column
    (profile data: a table's 列), and only for a fund whose carry-over was spent this year."""
    b = ctx.budget
    rows = b.支出.功能分类
    if any(r.上年结转 is not None for r in rows):
        return  # CARRY-ROWS checks what was given
    spent = [(fund, b.收入.上年结转结余.get(fund), b.收入.上年结转结余.get(fund) - b.支出.年终结转结余.get(fund))
             for fund in FUND_SOURCES]
    spent = [(fund, carry_in, low) for fund, carry_in, low in spent if low > 0]
    tables = ctx.tables_with_column("上年结转") if spent else None
    if not tables:
        return
    shown = "、".join(f"“{t.replace('{主体}', '').replace('{部门}', '').replace('{年度}年', '')}”" for t in tables)
    unit = b.基本信息.金额单位
    for fund, carry_in, low in spent:
        yield ctx.finding(
            f"上年结转结余中的{fund} {carry_in:f}{unit}至少有 {low:f}{unit}在本年支出（上年结转结余 − 年终结转结余），"
            f"但功能分类各行都没有填“上年结转”：{shown}的“上年结转”栏将空白、“本年收入”按本行合计列示。"
            f"请在 支出.功能分类 中资金来源为“{fund}”、用到上年结转的各行填写 上年结转（各行之和"
            + (f"为 {low:f}）" if low == carry_in else f"在 {low:f} 至 {carry_in:f} 之间）"),
            b.收入.上年结转结余, fund)


@rule("PROJ-TOTAL", "error", "项目支出表合计 = 功能分类项目支出；每个项目合计 = 各资金来源之和；其他资金 = 非财政拨款部分")
def check_projects(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    for p in b.项目:
        yield from ctx.compare(f"项目“{p.项目名称}”的合计", p, "合计", p.合计,
                               [p.资金来源.get(s) for s in FUND_SOURCES])
        yield from ctx.compare(f"项目“{p.项目名称}”的其他资金（财政拨款以外的部分）", p, "其他资金", p.其他资金,
                               [p.资金来源.get(s) for s in FUND_SOURCES if s not in FISCAL_SOURCES], note="")
    if not b.项目 and not any(r.项目支出 for r in b.支出.功能分类):
        return
    for fund in FUND_SOURCES:
        proj = sum((p.资金来源.get(fund) for p in b.项目), ZERO)
        func = sum((r.项目支出 for r in b.支出.功能分类 if r.资金来源 == fund), ZERO)
        if proj != func:
            yield ctx.finding(
                f"项目支出表中资金来源“{fund}”的合计不等于功能分类中该来源的项目支出",
                b, "项目", func, proj,
            )


@rule("PROJ-CODE", "error", "项目编码不重复；项目的功能分类科目在支出中存在")
def check_project_codes(ctx: CheckContext) -> Iterator[Finding]:
    seen: set[str] = set()
    codes = {r.科目编码 for r in ctx.budget.支出.功能分类 if r.项目支出}
    for p in ctx.budget.项目:
        if p.项目编码 in seen:
            yield ctx.finding(f"项目编码“{p.项目编码}”重复", p, "项目编码")
        seen.add(p.项目编码)
        if p.功能分类科目 and p.功能分类科目 not in codes:
            yield ctx.finding(f"项目“{p.项目名称}”的功能分类科目“{p.功能分类科目}”在支出中没有项目支出", p, "功能分类科目")


# ================================================================= "三公"、机关运行经费


@rule("SANGONG", "error", "“三公”经费：公务用车购置及运行费 = 购置费 + 运行维护费；合计 = 三项之和；"
                          "因公出国（境）费 = 教学科研人员 + 其他（两项都填时）")
def check_three_public(ctx: CheckContext) -> Iterator[Finding]:
    t = ctx.budget.三公经费
    yield from ctx.compare("公务用车购置及运行费", t, "公务用车购置及运行费", t.公务用车购置及运行费,
                           [t.公务用车购置费, t.公务用车运行维护费])
    yield from ctx.compare("“三公”经费合计", t, "合计", t.合计,
                           [t.因公出国境费, t.公务用车购置费, t.公务用车运行维护费, t.公务接待费])
    if t.教学科研人员因公出国境费 is not None and t.其他因公出国境费 is not None:
        yield from ctx.compare("因公出国（境）费", t, "因公出国（境）费", t.因公出国境费,
                               [t.教学科研人员因公出国境费, t.其他因公出国境费])


@rule("SANGONG-FUNDS", "error", "“三公”经费按资金来源分列（填写时）：各来源之和 = 该项金额；分列的项须已填金额")
def check_three_public_funds(ctx: CheckContext) -> Iterator[Finding]:
    t = ctx.budget.三公经费
    if t.资金来源 is None:
        return
    for key in THREE_PUBLIC_ITEMS:
        split = t.资金来源.item(key)
        if split is None:
            continue
        value = t.item(key)
        if value is None:
            yield ctx.finding(f"填了{key}的资金来源分列，但没有填{key}的金额", split)
            continue
        yield from ctx.compare(f"“三公”经费{key}（按资金来源分列）", split, None, value, [split.get(s) for s in FISCAL_SOURCES])


@rule("SANGONG-SCOPE", "warning", "“三公”经费不超过一般公共预算支出")
def check_three_public_scope(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    t = b.三公经费
    total = sum((t.split(k)[FISCAL_SOURCES[0]] for k in ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")), ZERO)
    gpb = sum((r.total() for r in gpb_rows(b)), ZERO)
    if total > gpb:
        yield ctx.finding("“三公”经费合计超过一般公共预算支出合计，请核对", b.三公经费, None, gpb, total)


@rule("OPCOST", "warning", "机关运行经费 ≤ 一般公共预算公用经费")
def check_operating_cost(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    cost = b.机关运行经费
    public = sum((r.公用经费 for r in gpb_rows(b)), ZERO)
    if cost.金额 is not None and cost.金额 > public:
        yield ctx.finding("机关运行经费超过一般公共预算基本支出中的公用经费，请核对口径", cost, "金额", public, cost.金额)


@rule("OPCOST-ITEMS", "error", "机关运行经费明细之和 = 机关运行经费")
def check_operating_items(ctx: CheckContext) -> Iterator[Finding]:
    cost = ctx.budget.机关运行经费
    if cost.明细 and cost.金额 is None:
        yield ctx.finding("填写了机关运行经费明细，但没有填写机关运行经费金额", cost, "明细")
    elif cost.明细:
        yield from ctx.compare("机关运行经费", cost, "金额", cost.金额, [i.金额 for i in cost.明细],
                               note="，并在明细后注明尾差")


@rule("OPCOST-DETAIL", "warning", "机关运行经费明细的每一项不超过经济分类中同名款的公用经费（机关运行经费是公用经费的一部分）")
def check_operating_detail(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    if not b.机关运行经费.明细 or not b.经济分类基本支出:
        return
    public: dict[str, Decimal] = defaultdict(lambda: ZERO)
    names: dict[str, str] = {}
    for row in b.经济分类基本支出:
        public[row.科目编码] += row.公用经费
        entry = catalog.economic_subject(row.科目编码)
        for name in (row.科目名称, entry.name if entry else ""):
            if name:
                names.setdefault(_norm(name), row.科目编码)
    for item in b.机关运行经费.明细:
        code = names.get(_norm(item.名称))
        if code is None:  # a 明细 named otherwise (e.g. 其他) is not matched to a 款
            continue
        if item.金额 - public[code] > CENT:  # both are rounded figures: one cent over is 尾差
            yield ctx.finding(
                f"机关运行经费明细“{item.名称}”{item.金额:f} 超过经济分类 {code} {item.名称} 的公用经费 {public[code]:f}："
                "机关运行经费是行政单位和参公事业单位公用经费的一部分，请核对明细或经济分类",
                item, "金额", public[code], item.金额, labels=("经济分类公用经费", "明细", "超出"),
            )


@rule("GPS-TOTAL", "error", "政府购买服务：填了明细时，合计 = 明细之和")
def check_purchased_services(ctx: CheckContext) -> Iterator[Finding]:
    services = ctx.budget.政府购买服务
    if services is not None and services.明细 and services.合计 is not None:
        yield from ctx.compare("政府购买服务合计", services, "合计", services.合计, [i.金额 for i in services.明细],
                               note="（明细不列示）")


# ================================================================= 政府采购


@rule("PROC-TOTAL", "error", "政府采购：合计 = 货物 + 工程 + 服务；明细按类别之和 = 各类金额")
def check_procurement(ctx: CheckContext) -> Iterator[Finding]:
    p = ctx.budget.政府采购
    if p is None:
        return
    yield from ctx.compare("政府采购合计", p, "合计", p.合计, [p.货物, p.工程, p.服务])
    if p.明细:
        by_kind: dict[str, list[Decimal]] = defaultdict(list)
        for item in p.明细:
            by_kind[item.类别].append(item.金额)
        for kind in ("货物", "工程", "服务"):
            yield from ctx.compare(f"政府采购{kind}类金额", p, kind, getattr(p, kind), by_kind.get(kind, []))
        yield from ctx.compare("政府采购面向中小企业金额", p, "面向中小企业", p.面向中小企业,
                               [i.面向中小企业 for i in p.明细])
        yield from ctx.compare("政府采购面向小微企业金额", p, "面向小微企业", p.面向小微企业,
                               [i.面向小微企业 for i in p.明细])


@rule("PROC-FUNDS", "error", "政府采购明细按资金来源分列（填写时）：各来源之和 = 采购金额")
def check_procurement_funds(ctx: CheckContext) -> Iterator[Finding]:
    p = ctx.budget.政府采购
    for item in p.明细 if p is not None else []:
        if item.资金来源 is not None:
            yield from ctx.compare(f"采购品目“{item.品目}”的采购金额（按资金来源分列）", item.资金来源, None, item.金额,
                                   [item.资金来源.get(s) for s in PROCUREMENT_FUNDS])


@rule("PROC-PRICE", "warning", "政府采购明细（填了单价和数量时）：单价 × 数量 = 采购金额；所属项目预算资金（填写时）= 同名项目的预算数")
def check_procurement_price(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    p = b.政府采购
    projects = {x.项目名称: x.total() for x in b.项目}
    for item in p.明细 if p is not None else []:
        if item.单价 is not None and item.数量 is not None:
            product = item.单价 * item.数量
            if abs(product - item.金额) > CENT * max(abs(item.数量), Decimal(1)) / 2:  # 单价 rounded to the cent
                yield ctx.finding(f"采购品目“{item.品目}”：单价 {item.单价:f} × 数量 {item.数量.normalize():f} = {product:f}，"
                                  f"与采购金额 {item.金额:f} 不符，请核对", item, "金额", product, item.金额)
        if item.项目预算资金 is not None and item.项目 in projects and projects[item.项目] != item.项目预算资金:
            yield ctx.finding(f"采购品目“{item.品目}”的所属项目预算资金 {item.项目预算资金:f} 与项目“{item.项目}”的预算数 "
                              f"{projects[item.项目]:f} 不符", item, "项目预算资金", projects[item.项目], item.项目预算资金)


@rule("PROC-SME", "error", "面向中小企业 ≤ 采购合计；面向小微企业 ≤ 面向中小企业")
def check_procurement_sme(ctx: CheckContext) -> Iterator[Finding]:
    p = ctx.budget.政府采购
    if p is None:
        return
    if p.面向中小企业 is not None and p.面向中小企业 > p.total():
        yield ctx.finding("面向中小企业采购金额超过政府采购合计", p, "面向中小企业", p.total(), p.面向中小企业)
    if p.面向小微企业 is not None and p.面向小微企业 > (p.面向中小企业 or ZERO):
        yield ctx.finding("面向小微企业采购金额超过面向中小企业采购金额", p, "面向小微企业", p.面向中小企业, p.面向小微企业)
    for item in p.明细:
        if item.面向中小企业 > item.金额 or item.面向小微企业 > item.面向中小企业:
            yield ctx.finding(f"采购品目“{item.品目}”：应满足 面向小微企业 ≤ 面向中小企业 ≤ 采购金额", item, "面向中小企业")


# ================================================================= 绩效


@rule("PERF-REQUIRED", "error", "达到金额门槛的项目须设绩效目标（默认全覆盖）")
def check_performance_required(ctx: CheckContext) -> Iterator[Finding]:
    threshold = ctx.settings.绩效目标金额门槛 * ctx.wan
    for p in ctx.budget.项目:
        if p.绩效目标 is None and p.total() > threshold:
            yield ctx.finding(f"项目“{p.项目名称}”没有绩效目标，请补充“绩效目标”（总目标、年度目标和指标）", p, "项目名称")


def _target_sets(b: Budget) -> Iterator[tuple[str, Node, list[Indicator]]]:
    for p in b.项目:
        if p.绩效目标 is not None:
            yield f"项目“{p.项目名称}”", p.绩效目标, p.绩效目标.指标
    for kind in ("长期目标", "年度目标"):
        for i, t in enumerate(getattr(b.部门整体绩效, kind), 1):
            yield f"部门整体{kind}{i}", t, t.指标


@rule("PERF-INDICATORS", "error", "每组绩效目标至少有产出指标和效益指标")
def check_performance_levels(ctx: CheckContext) -> Iterator[Finding]:
    for label, node, indicators in _target_sets(ctx.budget):
        levels = {i.一级指标 for i in indicators}
        for need in ("产出指标", "效益指标"):
            if need not in levels:
                yield ctx.finding(f"{label}的绩效指标缺少{need}", node, "指标")


@rule("PERF-SATISFACTION", "warning", "每组绩效目标宜设满意度指标")
def check_performance_satisfaction(ctx: CheckContext) -> Iterator[Finding]:
    for label, node, indicators in _target_sets(ctx.budget):
        if not any(i.一级指标 == "满意度指标" for i in indicators):
            yield ctx.finding(f"{label}的绩效指标缺少满意度指标", node, "指标")


NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


@rule("PERF-VALUE", "error", "定量指标的指标值为数字，定性指标注明“定性”")
def check_performance_values(ctx: CheckContext) -> Iterator[Finding]:
    for label, _node, indicators in _target_sets(ctx.budget):
        for ind in indicators:
            if ind.符号 != "定性" and not NUMBER.fullmatch(ind.指标值.replace(",", "")):
                yield ctx.finding(
                    f"{label}的指标“{ind.三级指标}”符号为“{ind.符号}”，指标值应为数字（单位写在计量单位中），"
                    f"实际为“{ind.指标值}”；如为定性指标，请把符号改为“定性”",
                    ind, "指标值",
                )


# ================================================================= 上年数 (narrative prerequisites)


NARRATED_PRIOR: tuple[str, ...] = (
    "收入总计", "基本支出", "项目支出", "一般公共预算支出", "三公经费", "因公出国（境）费", "公务用车购置费",
    "公务用车运行维护费", "公务接待费", "机关运行经费", "政府采购", "政府性基金预算支出", "国有资本经营预算支出",
    "财政拨款收入", "一般公共预算基本支出", "政府购买服务",
)
ONLY_WHEN_SPENT = ("政府性基金预算支出", "国有资本经营预算支出", "政府购买服务")
"""Compared only when there is such spending (otherwise the narrative says there is none)."""
"""The figures the 情况说明 compares with last year (the others are optional)."""


@rule("PRIOR-MISSING", "warning", "情况说明要比较的数字须填上年数")
def check_prior_missing(ctx: CheckContext) -> Iterator[Finding]:
    prior = ctx.budget.上年数
    now = current_figures(ctx.budget)
    missing = [key for key in NARRATED_PRIOR if not (now[key] is None or (key in ONLY_WHEN_SPENT and not now[key]))
               and (prior.item(key) is None or prior.item(key).金额 is None)]
    given = any(prior.item(k) is not None and prior.item(k).金额 is not None for k in PRIOR_ITEMS)
    if missing and not given and not prior.功能分类 and not prior.项目:  # the whole section: say it once
        absent = "上年数" not in ctx.budget.model_fields_set
        yield ctx.finding(f"整节“上年数”{'没有填写' if absent else '是空的'}：情况说明的 {len(missing)} 处与上年比较"
                          f"（{'、'.join(missing[:4])} 等）都将略去；请按上年预算数填写“上年数”，上年确无的项填 0",
                          prior, None, path=("上年数",))
        return
    for key in missing:
        yield ctx.finding(f"缺少“{key}”的上年数，情况说明将不与上年比较；如上年确无此项，请填 0",
                          prior, None, path=("上年数",))


@rule("PRIOR-REASON", "warning", "与上年相比变动超过阈值的项目须填增减原因")
def check_prior_reason(ctx: CheckContext) -> Iterator[Finding]:
    prior = ctx.budget.上年数
    now = current_figures(ctx.budget)
    compared = [(key, prior.item(key), now[key]) for key in NARRATED_PRIOR]
    classes = {r.code: r.values[0] for r in _gpb_classes(ctx.budget)}
    compared += [(f"{code} 类", prior.功能分类[code], value) for code, value in classes.items() if code in prior.功能分类]
    compared += [(f"项目 {p.项目名称}", prior.项目[p.项目编码], p.total()) for p in ctx.budget.项目 if p.项目编码 in prior.项目]
    limit = ctx.settings.增减原因阈值
    for key, item, current in compared:
        if item is None or item.金额 is None or item.增减原因 or current is None:
            continue
        last = item.金额
        change = current - last
        if change == 0:
            continue
        pct = None if last == 0 else abs(change) * 100 / last
        if pct is None or pct > limit:
            shown = "上年为0、本年新增" if pct is None else f"与上年相比变动 {pct.quantize(CENT)}%，超过 {limit}%"
            yield ctx.finding(f"“{key}”{shown}，请填写增减原因", item, "增减原因", last, current,
                              labels=("上年", "本年", "变动"))


def _gpb_classes(b: Budget) -> list:
    tree = function_tree(gpb_rows(b), ["合计"], lambda r, _c: r.total())
    return tree.classes()


@rule("PRIOR-CODE", "warning", "上年数中的功能分类编码、项目编码对应本年的科目或项目")
def check_prior_codes(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    prior = b.上年数
    codes = {r.科目编码[:n] for r in gpb_rows(b) for n in (3, 5, 7)}
    for code, item in prior.功能分类.items():
        if not re.fullmatch(r"\d{3}|\d{5}|\d{7}", code):
            yield ctx.finding(f"上年数.功能分类的编码“{code}”应为3位（类）、5位（款）或7位（项）数字", item, None)
        elif code not in codes:
            yield ctx.finding(f"上年数.功能分类的编码“{code}”在本年一般公共预算支出中没有对应科目，请核对", item, None)
    projects = {p.项目编码 for p in b.项目}
    for code, item in prior.项目.items():
        if code not in projects:
            yield ctx.finding(f"上年数.项目的编码“{code}”不是本年的项目编码，请核对", item, None)
    if prior.功能分类:
        for cls in _gpb_classes(b):
            if not any(c.startswith(cls.code) for c in prior.功能分类):
                yield ctx.finding(f"上年数.功能分类缺少“{cls.code} {cls.name}”，情况说明将不与上年比较；上年确无此项请填 0",
                                  prior, "功能分类")


@rule("PRIOR-BALANCE", "warning", "上年数自身平衡：收入总计 = 支出总计 = 基本支出 + 项目支出")
def check_prior_balance(ctx: CheckContext) -> Iterator[Finding]:
    prior = ctx.budget.上年数
    income, expense = prior.收入总计, prior.支出总计
    if income and expense and income.金额 is not None and expense.金额 is not None and income.金额 != expense.金额:
        yield ctx.finding("上年数的收入总计与支出总计不相等，请核对", expense, "金额", income.金额, expense.金额)
    basic, project = prior.基本支出, prior.项目支出
    if expense and basic and project and None not in (expense.金额, basic.金额, project.金额):
        assert expense.金额 is not None and basic.金额 is not None and project.金额 is not None
        carry = ctx.budget.支出.年终结转结余.total()
        if carry == 0 and basic.金额 + project.金额 != expense.金额:
            yield ctx.finding("上年数的基本支出与项目支出之和不等于支出总计，请核对", expense, "金额",
                              basic.金额 + project.金额, expense.金额)


# ================================================================= absent is not zero


_PRINTS_STAFF = ("人员构成",)
_PRINTS_ASSETS = ("说明.资产情况", "说明.资产占用")
"""The context names (layout/narrate.py) that print these inputs; a layout prints them if its template uses one."""


@rule("INFO-MISSING", "warning", "可选的人数、车辆、设备、金额未填写：文档略去该项或写“未填报”（不当作 0）；整节“三公经费”未填时提醒表中将写 0；"
                                 "只提醒所选版式（--profile、基本信息.版式、配置 版式）印出的项")
def check_missing_optional(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    staff = b.部门概况.人员构成
    assets = b.国有资产
    leave_out = "文档将略去这一句（不会写成 0）；如确为 0 请填 0"
    say_missing = "情况说明将写“未填报”；如确无此项请填 0"
    shanghai_held = assets.单价100万元以上设备
    bought = assets.purchase_count() is not None or assets.购置单价100万元以上设备 is not None
    checks: list[tuple[bool, str, Node, str, str, tuple[str, ...]]] = [
        (staff.编制 is None, "人员构成.编制", staff, "编制", leave_out, _PRINTS_STAFF),
        (staff.实有人数 is None, "人员构成.实有人数", staff, "实有人数", leave_out, _PRINTS_STAFF),
        (staff.离退休人数 is None, "人员构成.离退休人数", staff, "离退休人数", leave_out, _PRINTS_STAFF),
        (assets.vehicle_count() is None, "国有资产.车辆（各类型数量）", assets, "车辆",
         "文档不写车辆情况（不会写“共有车辆0辆”）；没有车辆请按类型填 0", _PRINTS_ASSETS),
        # 上海's caliber (单价100万元（含）以上设备, counts bought this year) stands in for the other one
        (assets.单价50万元以上通用设备 is None and shanghai_held is None, "国有资产.单价50万元以上通用设备", assets,
         "单价50万元以上通用设备", leave_out, (*_PRINTS_ASSETS, "说明.通用设备")),
        (assets.单价100万元以上专用设备 is None and shanghai_held is None, "国有资产.单价100万元以上专用设备", assets,
         "单价100万元以上专用设备", leave_out, (*_PRINTS_ASSETS, "说明.专用设备")),
        (assets.资产配置预算 is None and not bought, "国有资产.资产配置预算", assets, "资产配置预算", leave_out,
         (*_PRINTS_ASSETS, "说明.资产配置预算", "数字.资产配置预算")),
        (b.机关运行经费.金额 is None, "机关运行经费.金额", b.机关运行经费, "金额", say_missing,
         ("说明.机关运行经费", "说明.有机关运行经费", "明细说明.机关运行经费", "明细说明.有机关运行经费")),
        (b.政府采购 is None, "政府采购", b, "政府采购", say_missing,
         ("说明.有政府采购", "说明.政府采购已填", "明细说明.有政府采购", "明细说明.政府采购已填")),
        (b.政府购买服务.合计 is None, "政府购买服务.合计", b.政府购买服务, "合计", say_missing,
         ("说明.政府购买服务", "说明.政府购买服务已填", "明细说明.政府购买服务")),
        ("三公经费" not in b.model_fields_set, "三公经费", b, "三公经费",
         "“三公”经费表和情况说明将把各项写成 0 万元；确为 0 请各项填 0，否则请填写实际数", ()),
    ]
    for missing, label, node, key, effect, printed_by in checks:
        # only what the chosen layout prints: a figure its template never places is no omission (() = tables)
        if missing and (not printed_by or ctx.prints(*printed_by)):
            yield ctx.finding(f"未填写“{label}”：{effect}", node, key)
    for label, _node, indicators in _target_sets(b):
        for ind in indicators:  # one of the two 近两年 values given, the other not: the table shows a gap
            if bool(ind.前年值) != bool(ind.上年值):
                gap = "前年值" if not ind.前年值 else "上年值"
                yield ctx.finding(f"{label}的指标“{ind.三级指标}”填了近两年指标值中的一个，缺少{gap}，表中将留空", ind, gap)


# ================================================================= hygiene


PLACEHOLDER = re.compile(
    r"XX|xx|××|待填写|待补充|请填写|TODO|TBD|(?<![A-Za-z])N/?A(?![A-Za-z])|\{\s*(单位|部门)\s*\}|（略）|\(略\)|【\s*】|\?\?\?|？？？|^\s*(……|\.\.\.)\s*$"
)


@rule("HYG-NEGATIVE", "error", "金额不得为负数", BOTH_KINDS)
def check_negative(ctx: CheckContext) -> Iterator[Finding]:
    for path, value, _node, _key in ctx.leaves:
        if isinstance(value, Decimal) and value < 0:
            yield ctx.finding(f"金额不能为负数：{value}", path=path, actual=value)


@rule("HYG-DECIMALS", "error", "金额最多两位小数", BOTH_KINDS)
def check_decimals(ctx: CheckContext) -> Iterator[Finding]:
    for path, value, _node, key in ctx.leaves:
        if isinstance(value, Decimal) and key != "数量" and value != value.quantize(CENT):
            yield ctx.finding(f"金额“{value}”超过两位小数，请四舍五入到分（{ctx.budget.基本信息.金额单位}）", path=path)


@rule("HYG-PLACEHOLDER", "error", "文字中不得留有占位符（XX局、XX单位、××、待填写、请填写、TODO、TBD、N/A、{单位}、{部门}、（略）、"
                                 "只有“……”、【】）", BOTH_KINDS)
def check_placeholders(ctx: CheckContext) -> Iterator[Finding]:
    for path, value, _node, _key in ctx.leaves:
        if isinstance(value, str):
            m = PLACEHOLDER.search(value)
            if m:
                yield ctx.finding(f"文字中有占位符“{m.group(0)}”，请填写实际内容：“{value[:40]}”", path=path)


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@rule("HYG-CONTROL", "error", "文字中不得有不可见的控制字符（常见于从 Word 复制的软回车）", BOTH_KINDS)
def check_control_chars(ctx: CheckContext) -> Iterator[Finding]:
    for path, value, _node, _key in ctx.leaves:
        if isinstance(value, str) and (m := CONTROL.search(value)):
            yield ctx.finding(f"文字中有不可见的控制字符 U+{ord(m.group(0)):04X}，请删除或改为换行：“{CONTROL.sub('␣', value)[:40]}”",
                              path=path)


@rule("HYG-COUNT", "error", "人数、车辆数、设备数等不得为负数", BOTH_KINDS)
def check_counts(ctx: CheckContext) -> Iterator[Finding]:
    for path, value, _node, key in ctx.leaves:
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            yield ctx.finding(f"“{key}”不能为负数：{value}", path=path)


@rule("INFO-DUTIES", "error", "主要职责至少填写一条", BOTH_KINDS)
def check_duties(ctx: CheckContext) -> Iterator[Finding]:
    overview = getattr(ctx.budget, "部门概况", None)
    if overview is not None and not getattr(overview, "主要职责", ["?"]):
        yield ctx.finding("“主要职责”是空的：请至少填写一条（每段一条，不带编号）", overview, "主要职责")


@rule("HYG-EMPTY", "error", "必填文字不得为空", BOTH_KINDS)
def check_empty_text(ctx: CheckContext) -> Iterator[Finding]:
    for path, value, node, key in ctx.leaves:
        if not isinstance(value, str) or value.strip():
            continue
        if node is None:  # an item of a text list, e.g. a blank 主要职责 paragraph
            yield ctx.finding("列表中有空白条目，请填写或删除", path=path)
            continue
        fld = next((f for n, f in type(node).model_fields.items() if (f.alias or n) == key), None)
        if fld is not None and fld.is_required():
            yield ctx.finding(f"“{key}”不能为空", path=path)


@rule("HYG-YEAR", "error", "预算年度在合理范围内（2010–2050）")
def check_year(ctx: CheckContext) -> Iterator[Finding]:
    info = ctx.budget.基本信息
    if not 2010 <= info.预算年度 <= 2050:
        yield ctx.finding(f"预算年度“{info.预算年度}”不合理，请填写四位年份，如 2024", info, "预算年度")


@rule("INFO-DATES", "warning", "公开日期、资产统计截至日期与预算年度相符")
def check_dates(ctx: CheckContext) -> Iterator[Finding]:
    info = ctx.budget.基本信息
    year = info.预算年度
    if info.公开日期 and not (year - 1 <= info.公开日期.year <= year):
        yield ctx.finding(f"公开日期 {info.公开日期} 与预算年度 {year} 不符（应在 {year - 1} 年底至 {year} 年内）",
                          info, "公开日期")
    assets = ctx.budget.国有资产
    if assets.截至日期 and assets.截至日期.year != year - 1:
        yield ctx.finding(f"国有资产统计截至日期 {assets.截至日期} 通常应为上年末（{year - 1}-12-31）", assets, "截至日期")


@rule("INFO-UNITS", "error", "预算单位：编码不重复，有且只有一个本级；汇总口径须含二级单位")
def check_units(ctx: CheckContext) -> Iterator[Finding]:
    info = ctx.budget.基本信息
    units = info.预算单位
    codes = [u.编码 for u in units]
    for i, u in enumerate(units):
        if u.编码 in codes[:i]:
            yield ctx.finding(f"预算单位编码“{u.编码}”重复", u, "编码")
    if units and sum(1 for u in units if u.类型 == "本级") != 1:
        yield ctx.finding("预算单位中应有且只有一个“本级”", info, "预算单位")
    if info.汇总 and not any(u.类型 == "二级单位" for u in units):
        yield ctx.finding("按汇总口径公开（汇总: true）时，预算单位中应列出二级单位", info, "汇总")


@rule("INCOME-UNITS", "error", "分单位收入：各单位都填写，且各单位之和 = 部门收入（按来源）")
def check_unit_income(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    units = b.基本信息.预算单位
    for key, sources, dept in (("本年收入", INCOME_SOURCES, b.收入.本年收入), ("上年结转结余", FUND_SOURCES, b.收入.上年结转结余)):
        given = [u for u in units if getattr(u, key) is not None]
        if not given:
            continue
        for u in units:
            if getattr(u, key) is None:
                yield ctx.finding(f"预算单位“{u.名称}”没有填写{key}；分单位列示时每个单位都要填写", u, "名称")
        if len(given) != len(units):
            continue
        for source in sources:
            parts = [getattr(u, key).get(source) for u in units]
            total = dept.get(source)
            if sum(parts, ZERO) != total:
                yield ctx.finding(f"各预算单位{key}中“{source}”之和不等于部门{key}", b.基本信息, "预算单位",
                                  total, sum(parts, ZERO))


@rule("ROUNDING", "warning", "填写的合计与分项之和相差不超过每项0.01（尾差）", BOTH_KINDS)
def check_rounding(ctx: CheckContext) -> Iterator[Finding]:
    """Reported by the other rules through ``CheckContext.compare``; registered for its id and severity."""
    return iter(())


from . import content_checks, final_checks  # noqa: E402, F401 - register the content and 决算 rules in the same RULES

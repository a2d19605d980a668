"""Check stage of the 决算: every identity of a 部门决算 (CONVENTIONS "决算"), registered in the one RULES.

Why this module exists: published 决算 break their own identities (the Zengdu reference has a 项
larger than its 类, parts 0.01 off their totals, 人员经费 items 1.06 short of their total, "增长100%"
from a zero base, "小于" between equal figures). Each rule is a small function registered with
``kinds=("决算",)`` in ``rules/check.py``'s registry, so the CLI, config overrides and docs/rules.md
treat both 文种 alike; the generic hygiene, code and catalog rules there apply to both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..findings import Finding
from ..reading.final_terms import (
    FINAL_EXPENSE_KINDS,
    FINAL_FUNDS,
    FINAL_INCOME_SOURCES,
    FISCAL_FUNDS,
    INCOME_TO_FUND,
    ROW_INCOME_SOURCES,
    SANGONG_GROUPS,
)
from ..reading.model import ZERO
from .check import CheckContext, rule

if TYPE_CHECKING:  # the 决算 models are built only when a 决算 is checked (a budget's validate never needs them)
    from ..reading.final_model import FinalAccounts

FINAL = ("决算",)


def compute_final(a: FinalAccounts) -> Any:
    """layout.final_compute.compute_final, imported on first use (speed of a budget's validate)."""
    from ..layout.final_compute import compute_final as compute

    return compute(a)


def derived_row_income(a: FinalAccounts) -> Any:
    from ..layout.final_compute import derived_row_income as derive

    return derive(a)


def gpb_rows(a: FinalAccounts) -> Any:
    from ..layout.final_compute import gpb_rows as rows

    return rows(a)


def _a(ctx: CheckContext) -> FinalAccounts:
    return ctx.budget


# ================================================================= totals and funds


@rule("FIN-INCOME", "error", "决算：本年收入合计 = 各项收入之和；收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余",
      FINAL)
def check_income(ctx: CheckContext) -> Iterator[Finding]:
    inc = _a(ctx).收入
    parts = [inc.本年收入.get(s) for s in FINAL_INCOME_SOURCES]
    yield from ctx.compare("本年收入合计", inc, "本年收入合计", inc.本年收入合计, parts)
    carry = [inc.年初结转和结余.get(f) for f in FINAL_FUNDS]
    yield from ctx.compare("收入总计", inc, "收入总计", inc.收入总计, [sum(parts, ZERO), inc.使用非财政拨款结余, *carry])


@rule("FIN-EXPENSE", "error", "决算：本年支出合计 = 各功能分类行之和；支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余",
      FINAL)
def check_expense(ctx: CheckContext) -> Iterator[Finding]:
    exp = _a(ctx).支出
    rows = [r.total() for r in exp.功能分类]
    yield from ctx.compare("本年支出合计", exp, "本年支出合计", exp.本年支出合计, rows)
    carry = [exp.年末结转和结余.get(f) for f in FINAL_FUNDS]
    yield from ctx.compare("支出总计", exp, "支出总计", exp.支出总计, [sum(rows, ZERO), exp.结余分配, *carry])


@rule("FIN-TOTAL", "error", "决算：收入总计 = 支出总计", FINAL)
def check_total(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)  # the sums of the parts: a declared total within 尾差 (printed, R12) is FIN-INCOME/FIN-EXPENSE's
    income = a.收入.本年收入.total() + a.收入.使用非财政拨款结余 + a.收入.年初结转和结余.total()
    expense = sum((r.total() for r in a.支出.功能分类), ZERO) + a.支出.结余分配 + a.支出.年末结转和结余.total()
    if income != expense:
        yield ctx.finding("收入总计（本年收入 + 使用非财政拨款结余 + 年初结转和结余）不等于支出总计（本年支出 + 结余分配 + 年末结转和结余）",
                          a.支出, "功能分类", income, expense)


@rule("FIN-FUND", "error", "决算：每种资金（一般公共预算、政府性基金、国有资本经营财政拨款及其他资金）年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余",
      FINAL)
def check_funds(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    for fund in FINAL_FUNDS:
        income = sum((a.收入.本年收入.get(s) for s in FINAL_INCOME_SOURCES if INCOME_TO_FUND[s] == fund), ZERO)
        spent = sum((r.total() for r in a.支出.功能分类 if r.资金来源 == fund), ZERO)
        available = income + a.收入.年初结转和结余.get(fund) - a.支出.年末结转和结余.get(fund)
        what = "年初结转和结余 + 本年收入 − 年末结转和结余"
        if fund == "其他资金":  # 非财政拨款: also the 结余 used and the 结余分配
            available += a.收入.使用非财政拨款结余 - a.支出.结余分配
            what = "年初结转和结余 + 非财政拨款收入 + 使用非财政拨款结余 − 结余分配 − 年末结转和结余"
        if available != spent:
            yield ctx.finding(f"资金“{fund}”的本年支出不等于{what}", a.支出, "功能分类", available, spent)


@rule("FIN-ROW", "error", "决算功能分类每行：合计 = 各支出列之和；基本支出 = 人员经费 + 公用经费；全年预算数 = 年初预算数 + 调整预算数",
      FINAL)
def check_rows(ctx: CheckContext) -> Iterator[Finding]:
    for row in _a(ctx).支出.功能分类:
        name = f"{row.科目编码} {row.科目名称}"
        yield from ctx.compare(f"{name} 的基本支出", row, "基本支出", row.基本支出, [row.人员经费, row.公用经费])
        yield from ctx.compare(f"{name} 的合计", row, "合计", row.合计, [row.get(k) for k in FINAL_EXPENSE_KINDS])
        if row.全年预算数 is not None and row.年初预算数 is not None and row.调整预算数 is not None:
            yield from ctx.compare(f"{name} 的全年预算数", row, "全年预算数", row.全年预算数,
                                   [row.年初预算数, row.调整预算数])


@rule("FIN-ITEM-EXCEEDS", "error", "决算：一个项（或款）的决算数不能超过其所属类（款）的小计", FINAL)
def check_item_exceeds(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    declared = {s.科目编码: s for s in a.支出.小计}
    totals: dict[str, Decimal] = {}
    for r in a.支出.功能分类:
        totals[r.科目编码] = totals.get(r.科目编码, ZERO) + r.total()
    for code in sorted(totals):
        for n in (3, 5):
            parent = declared.get(code[:n])
            if parent is not None and totals[code] > parent.合计:
                yield ctx.finding(f"项 {code} 的决算数 {totals[code]:f} 大于其所属{'类' if n == 3 else '款'} {parent.科目编码}"
                                  f" {parent.科目名称} 的小计 {parent.合计:f}；项的金额应计入其类，请核对科目",
                                  parent, "合计", totals[code], parent.合计)


@rule("FIN-INCOME-TABLE", "error", "决算：收入决算表（按功能分类）各来源之和 = 本年收入", FINAL)
def check_income_table(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    per_row = derived_row_income(a)
    if per_row is None:
        yield ctx.finding("收入决算表无法按科目列示：有结转和结余、结余分配或多种非财政拨款收入时，请在每个功能分类行填写“本年收入”"
                          "（财政拨款收入、事业收入、其他收入……）", a.支出, "功能分类")
        return
    inc = a.收入.本年收入
    for source in ROW_INCOME_SOURCES:
        total = sum((v[source] for v in per_row.values()), ZERO)
        expected = (sum((inc.get(s) for s in FINAL_INCOME_SOURCES[:3]), ZERO) if source == "财政拨款收入"
                    else inc.get(source))
        if total != expected:
            yield ctx.finding(f"各功能分类行的“{source}”之和不等于本年收入中的{source}", a.支出, "功能分类", expected, total)


@rule("FIN-FUND-TABLE", "error", "决算：政府性基金/国有资本经营收入支出决算表每科目 年初 + 收入 = 支出 + 年末，且各科目之和与收入、结转一致",
      FINAL)
def check_fund_tables(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    for key, fund, source in (("政府性基金", "政府性基金预算财政拨款", "政府性基金预算财政拨款收入"),
                              ("国有资本经营", "国有资本经营预算财政拨款", "国有资本经营预算财政拨款收入")):
        subjects = getattr(a, key)
        spent_by_code: dict[str, Decimal] = {}
        for r in a.支出.功能分类:
            if r.资金来源 == fund:
                spent_by_code[r.科目编码] = spent_by_code.get(r.科目编码, ZERO) + r.total()
        listed = {s.科目编码 for s in subjects}
        for s in subjects:
            spent = spent_by_code.get(s.科目编码, ZERO)
            if s.年初结转和结余 + s.本年收入 - s.年末结转和结余 != spent:
                yield ctx.finding(f"{key}科目 {s.科目编码} {s.科目名称}：年初结转和结余 + 本年收入 − 年末结转和结余 不等于该科目本年支出",
                                  s, "本年收入", spent, s.年初结转和结余 + s.本年收入 - s.年末结转和结余)
        if not subjects and not spent_by_code and not a.收入.本年收入.get(source):
            continue
        for code in sorted(set(spent_by_code) - listed):
            yield ctx.finding(f"{key}支出科目 {code} 没有列在“{key}”（收入和结转）中", a, key)
        for label, parts, total in (
            ("本年收入", [s.本年收入 for s in subjects], a.收入.本年收入.get(source)),
            ("年初结转和结余", [s.年初结转和结余 for s in subjects], a.收入.年初结转和结余.get(fund)),
            ("年末结转和结余", [s.年末结转和结余 for s in subjects], a.支出.年末结转和结余.get(fund)),
        ):
            if sum(parts, ZERO) != total:
                yield ctx.finding(f"“{key}”各科目的{label}之和不等于部门的{fund}{label}", a, key, total, sum(parts, ZERO))


# ================================================================= 基本支出 by 经济分类


@rule("FIN-ECON", "error", "决算：基本支出决算明细表的人员经费/公用经费 = 一般公共预算财政拨款基本支出的人员经费/公用经费；明细之和 = 所填合计",
      FINAL)
def check_economic(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    declared = a.经济分类合计
    for kind in ("人员经费", "公用经费"):
        econ = sum((getattr(r, kind) for r in a.经济分类基本支出), ZERO)
        func = sum((r.get(kind) for r in gpb_rows(a)), ZERO)
        given = getattr(declared, kind)
        if given is not None and given != econ:
            yield ctx.finding(f"经济分类各科目的{kind}之和不等于所填{kind}合计", declared, kind, given, econ)
        if a.经济分类基本支出 and econ != func:
            yield ctx.finding(f"经济分类的{kind}合计不等于一般公共预算财政拨款功能分类的{kind}合计", a, "经济分类基本支出", func, econ)


# ================================================================= "三公"


@rule("FIN-SANGONG", "error", "决算“三公”：预算数、决算数各自 合计 = 因公出国（境）费 + 公务用车（购置 + 运行维护）+ 公务接待费", FINAL)
def check_sangong(ctx: CheckContext) -> Iterator[Finding]:
    t = _a(ctx).三公经费
    for label, fig in (("预算数", t.预算数), ("决算数", t.决算数)):
        yield from ctx.compare(f"“三公”经费{label}的公务用车购置及运行维护费", fig, "公务用车购置及运行维护费",
                               fig.公务用车购置及运行维护费, [fig.公务用车购置费, fig.公务用车运行维护费])
        yield from ctx.compare(f"“三公”经费{label}合计", fig, "合计", fig.合计,
                               [fig.因公出国境费, fig.公务用车购置费, fig.公务用车运行维护费, fig.公务接待费])


@rule("FIN-SANGONG-ECON", "error", "决算：经济分类的公务接待费、公务用车运行维护费 ≤ 对应的“三公”决算数", FINAL)
def check_sangong_economic(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    t = a.三公经费.决算数
    for code, name, limit in (("30217", "公务接待费", t.公务接待费), ("30231", "公务用车运行维护费", t.公务用车运行维护费)):
        for row in a.经济分类基本支出:
            if row.科目编码 == code and row.total() > limit:
                yield ctx.finding(f"基本支出中的{name}（{row.total():f}）大于“三公”经费{name}决算数（{limit:f}）；"
                                  f"“三公”决算包含基本支出和项目支出中的{name}", row, "公用经费", limit, row.total())


@rule("FIN-SANGONG-DETAIL", "error", "决算“三公”：国内 + 外宾接待 = 公务接待费决算数；数量与金额相符", FINAL)
def check_sangong_detail(ctx: CheckContext) -> Iterator[Finding]:
    t = _a(ctx).三公经费
    if t.公务接待 is not None:
        parts = [t.公务接待.国内.金额, t.公务接待.外宾.金额]
        if sum(parts, ZERO) != t.决算数.公务接待费:
            yield ctx.finding("国内公务接待与外宾接待之和不等于公务接待费决算数", t.公务接待, "国内",
                              t.决算数.公务接待费, sum(parts, ZERO))
    if t.出国.团组数 == 0 and t.决算数.因公出国境费 > 0:
        yield ctx.finding("因公出国（境）费决算数大于0，但出国（境）团组为0", t.出国, "团组数")
    if t.公务用车.购置数 == 0 and t.决算数.公务用车购置费 > 0:
        yield ctx.finding("公务用车购置费决算数大于0，但购置（更新）公务用车为0辆", t.公务用车, "购置数")


@rule("FIN-SANGONG-MISSING", "warning", "决算“三公”：有支出时须填团组/人次、车辆购置数/保有量、接待批次/人次（不填则文档不写）", FINAL)
def check_sangong_missing(ctx: CheckContext) -> Iterator[Finding]:
    t = _a(ctx).三公经费
    d = t.决算数
    if d.因公出国境费 > 0 and (t.出国.团组数 is None or t.出国.人次 is None):
        yield ctx.finding("有因公出国（境）费，但未填出国（境）团组数或人次；情况说明将不写团组和人次", t, "出国")
    if d.公务用车购置费 > 0 and t.公务用车.购置数 is None:
        yield ctx.finding("有公务用车购置费，但未填购置（更新）车辆数", t, "公务用车")
    if d.vehicles() > 0 and t.公务用车.保有量 is None:
        yield ctx.finding("有公务用车购置及运行维护费，但未填公务用车保有量", t, "公务用车")
    if t.公务用车.保有量 == 0 and d.公务用车运行维护费 > 0:
        yield ctx.finding("公务用车保有量为0辆，却有公务用车运行维护费，请核对", t.公务用车, "保有量")
    if d.公务接待费 > 0 and t.公务接待 is None:
        yield ctx.finding("有公务接待费，但未填公务接待（国内、外宾的金额、批次、人次）", t, "决算数")


@rule("FIN-SANGONG-REASON", "warning", "决算“三公”：决算数与预算数不同、与上年相比有增减时须填原因；原因的键为 合计/因公出国（境）费/公务用车购置及运行维护费/公务接待费",
      FINAL)
def check_sangong_reason(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    t = a.三公经费
    for label, reasons in (("预决算差异原因", t.预决算差异原因), ("增减原因", t.增减原因)):
        for key in reasons:
            if key not in SANGONG_GROUPS:
                yield ctx.finding(f"{label}的“{key}”不是“三公”经费的项目，应为：{'、'.join(SANGONG_GROUPS)}", t, label)
    for item in SANGONG_GROUPS:
        if t.决算数.get(item) != t.预算数.get(item) and not t.预决算差异原因.get(item):
            yield ctx.finding(f"“三公”经费{item}决算数与预算数不同，请在“预决算差异原因”中填写“{item}”的原因", t, "预决算差异原因")
        prior = a.上年数.item("三公经费" if item == "合计" else item)
        if (prior is not None and prior.金额 is not None and prior.金额 != t.决算数.get(item)
                and not prior.增减原因 and not t.增减原因.get(item)):
            yield ctx.finding(f"“三公”经费{item}决算数较上年有增减，请填写增减原因", t, "增减原因")


# ================================================================= 预算 against 决算, and last year


def _over(ctx: CheckContext, budget: Decimal, actual: Decimal) -> bool:
    limit = ctx.settings.增减原因阈值
    if budget == 0:
        return actual != 0
    return abs(actual - budget) * 100 / budget > limit


@rule("FIN-COMPLETION", "warning", "决算：一般公共预算财政拨款各项须填年初预算数；决算数与年初预算相差超过阈值须填预决算差异原因",
      FINAL)
def check_completion(ctx: CheckContext) -> Iterator[Finding]:
    for row in gpb_rows(_a(ctx)):
        if not row.total() and row.年初预算数 is None:
            continue
        name = f"{row.科目编码} {row.科目名称}"
        if row.年初预算数 is None:
            yield ctx.finding(f"{name} 未填年初预算数；情况说明将不写其完成年初预算的比例", row, "科目编码")
        elif _over(ctx, row.年初预算数, row.total()) and not row.预决算差异原因:
            yield ctx.finding(f"{name} 决算数 {row.total():f} 与年初预算数 {row.年初预算数:f} 相差较大，请填写“预决算差异原因”",
                              row, "年初预算数", row.年初预算数, row.total())


@rule("FIN-PRIOR-MISSING", "warning", "决算：情况说明要与上年比较的数字须填上年决算数", FINAL)
def check_prior_missing(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    f = compute_final(a)
    by_budget = a.机关运行经费 is not None and a.机关运行经费.比较基数 == "年初预算"
    for key, c in f.changes.items():
        if key == "机关运行经费" and (by_budget or a.机关运行经费 is None):
            continue
        if c.prior is None and (c.current or key in ("收入支出总计", "本年收入合计", "本年支出合计", "三公经费")):
            yield ctx.finding(f"未填“{key}”的上年决算数；情况说明将不与上年比较", a, "上年数")


@rule("FIN-PRIOR-REASON", "warning", "决算：与上年决算相比变动超过阈值须填增减原因", FINAL)
def check_prior_reason(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    f = compute_final(a)
    for key, c in f.changes.items():
        if key in ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费", "三公经费"):
            continue  # FIN-SANGONG-REASON
        prior = a.上年数.item(key)
        if c.prior is None or prior is None or c.reason:
            continue
        if _over(ctx, c.prior, c.current):
            yield ctx.finding(f"“{key}”与上年决算相比变动较大，请填写增减原因", prior, "金额", c.prior, c.current)


_DIRECTION = re.compile(r"(大于|小于|等于|持平|一致)")
_GROWTH = re.compile(r"(增加|增长|减少|下降|降低|持平)")


@rule("FIN-WORDING", "warning", "决算：所填原因中的“大于/小于/等于/持平”“增加/减少”“增长100%”与数字相符", FINAL)
def check_wording(ctx: CheckContext) -> Iterator[Finding]:
    """The officer's reasons often restate the comparison; a restatement against the figures is caught."""
    a = _a(ctx)
    t = a.三公经费
    for item, reason in t.预决算差异原因.items():
        if item in SANGONG_GROUPS:
            yield from _direction(ctx, t.path + ("预决算差异原因", item), reason, t.决算数.get(item) - t.预算数.get(item))
    for item, reason in t.增减原因.items():
        prior = a.上年数.item("三公经费" if item == "合计" else item) if item in SANGONG_GROUPS else None
        if prior is not None and prior.金额 == 0 and "100%" in reason:
            yield ctx.finding(f"“三公”经费{item}上年为0，原因中写了“100%”：上年为0时不计算增长率（文档写“上年无此项支出”）",
                              path=t.path + ("增减原因", item))
    for row in gpb_rows(a):
        if row.年初预算数 is not None and row.预决算差异原因:
            yield from _direction(ctx, row.path + ("预决算差异原因",), row.预决算差异原因, row.total() - row.年初预算数)
    f = compute_final(a)
    for key, c in f.changes.items():
        prior = a.上年数.item(key)
        if prior is None or c.prior is None or not c.reason:
            continue
        if "100%" in c.reason and c.prior == 0:
            yield ctx.finding(f"“{key}”上年为0，原因中写了“100%”：上年为0时不计算增长率（文档写“上年无此项支出”）", prior, "增减原因")
        m = _GROWTH.search(c.reason)
        if m and (word := m.group(1)):
            up, down, same = word in ("增加", "增长"), word in ("减少", "下降", "降低"), word == "持平"
            delta = c.current - c.prior
            if (up and delta <= 0) or (down and delta >= 0) or (same and delta != 0):
                yield ctx.finding(f"“{key}”的增减原因写“{word}”，但本年 {c.current:f} 与上年 {c.prior:f} 不符", prior, "增减原因")


def _direction(ctx: CheckContext, path: tuple, reason: str, delta: Decimal) -> Iterator[Finding]:
    m = _DIRECTION.search(reason)
    if not m:
        return
    word = m.group(1)
    right = "大于" if delta > 0 else "小于" if delta < 0 else "等于"
    if (word == "大于" and delta <= 0) or (word == "小于" and delta >= 0) or (word in ("等于", "持平", "一致") and delta != 0):
        yield ctx.finding(f"原因中写“{word}”，但决算数实际{right}预算数（差 {delta:f}）；方向词由文档按数字生成，请改正原因", path=path)


# ================================================================= 机关运行经费, 采购, 资产


@rule("FIN-OPCOST", "warning", "决算：机关运行经费须填决算数，且 ≤ 一般公共预算财政拨款公用经费；按年初预算比较时须填年初预算数", FINAL)
def check_operating_cost(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    op = a.机关运行经费
    if op is None:
        return
    public = sum((r.公用经费 for r in gpb_rows(a)), ZERO)
    if op.决算数 is None:
        yield ctx.finding("填写了机关运行经费，但未填决算数；情况说明将不写机关运行经费", op, "决算数")
    elif op.决算数 > public:
        yield ctx.finding("机关运行经费大于一般公共预算财政拨款公用经费", op, "决算数", public, op.决算数)
    if op.比较基数 == "年初预算" and op.年初预算数 is None:
        yield ctx.finding("机关运行经费按年初预算比较，但未填年初预算数", op, "比较基数")


@rule("FIN-PROC", "error", "决算政府采购：合计 = 货物 + 工程 + 服务；授予中小企业 ≤ 各类合同金额；授予小微企业 ≤ 授予中小企业", FINAL)
def check_procurement(ctx: CheckContext) -> Iterator[Finding]:
    p = _a(ctx).政府采购
    if p is None:
        return
    yield from ctx.compare("政府采购合计", p, "合计", p.合计, [p.合同金额.货物, p.合同金额.工程, p.合同金额.服务],
                           note="，并在情况说明中注明尾差")
    for kind, sme in p.sme_kinds().items():  # 授予中小企业 not entered: nothing to compare (absent is not 0)
        whole = getattr(p.合同金额, kind)
        if sme > whole:
            yield ctx.finding(f"{kind}类授予中小企业合同金额大于{kind}类政府采购合同金额", p.授予中小企业, kind, whole, sme)
    micro, sme_total = p.micro(), p.sme()
    if micro is not None and sme_total is not None and micro > sme_total:
        where = (p, "授予小微企业") if p.授予小微企业 is not None else (p.授予小微企业按类别, None)
        yield ctx.finding("授予小微企业合同金额大于授予中小企业合同金额", *where, sme_total, micro)


@rule("FIN-PROC-SME-MISSING", "warning",
      "决算政府采购：有政府采购金额而未填授予中小企业合同金额时提醒（情况说明将略去中小企业、小微企业的金额，不写成 0）；"
      "只提醒所选版式的决算模板印出政府采购说明时", FINAL)
def check_procurement_sme_missing(ctx: CheckContext) -> Iterator[Finding]:
    p = _a(ctx).政府采购
    if p is None or p.授予中小企业 is not None or not p.shown_total():
        return  # a zero 政府采购 total: the document states no 中小企业 figure in any layout
    if not ctx.prints("说明.政府采购", "说明.模板式.政府采购"):
        return  # the chosen layout prints no 政府采购 sentence: nothing is left out
    also = "及授予小微企业" if p.micro() is not None else ""
    yield ctx.finding(f"填写了政府采购，但未填授予中小企业合同金额；情况说明将不写授予中小企业{also}合同金额"
                      "（不会写成 0）；如确为 0 请各类填 0", p, "授予中小企业")


@rule("FIN-PROC-MICRO", "error",
      "决算政府采购：授予小微企业按类别填写时，各类之和 = 授予小微企业合同金额（都填时）；各类授予小微企业 ≤ 该类授予中小企业", FINAL)
def check_procurement_micro(ctx: CheckContext) -> Iterator[Finding]:
    p = _a(ctx).政府采购
    if p is None or p.授予小微企业按类别 is None:
        return
    by = p.授予小微企业按类别
    yield from ctx.compare("授予小微企业合同金额", p, "授予小微企业", p.授予小微企业, [v for _, v in by.given()])
    sme_kinds = p.sme_kinds()
    for kind, micro in by.given():
        sme = sme_kinds.get(kind)  # that kind's 授予中小企业 not entered: no bound to check against
        if sme is not None and micro > sme:
            yield ctx.finding(f"{kind}类授予小微企业合同金额大于{kind}类授予中小企业合同金额", by, kind, sme, micro)


@rule("FIN-ASSETS", "warning", "决算国有资产：有公务用车运行维护费时应填车辆；统计截至日期为决算年度末", FINAL)
def check_assets(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    assets = a.国有资产
    year = a.基本信息.决算年度
    running = a.三公经费.决算数.公务用车运行维护费
    if running > 0 and (assets is None or not assets.车辆 or not any(v.数量 for v in assets.车辆)):
        yield ctx.finding("有公务用车运行维护费，但国有资产中没有车辆", assets if assets is not None else a, "车辆" if assets else "国有资产")
    if assets is not None and assets.截至日期 and (assets.截至日期.year, assets.截至日期.month, assets.截至日期.day) != (year, 12, 31):
        yield ctx.finding(f"国有资产统计截至日期 {assets.截至日期} 通常应为决算年度末（{year}-12-31）", assets, "截至日期")


# ================================================================= 绩效自评


@rule("FIN-PERF", "warning", "决算绩效自评：项目执行数之和覆盖一般公共预算财政拨款项目支出；执行数 ≤ 全年预算数", FINAL)
def check_performance(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    ev = a.绩效自评
    projects = sum((r.项目支出 for r in gpb_rows(a)), ZERO)
    executed = sum((p.执行数 for p in ev.项目), ZERO)
    if ev.项目 and executed != projects:
        share = "" if not projects else f"（覆盖{(executed * 100 / projects).quantize(Decimal('0.01'))}%）"
        yield ctx.finding(f"绩效自评项目的执行数之和不等于一般公共预算财政拨款项目支出{share}；情况说明所写的自评覆盖率以此为准",
                          ev, "项目", projects, executed)
    if not ev.项目 and projects:
        yield ctx.finding("有一般公共预算财政拨款项目支出，但没有填写项目绩效自评", a, "绩效自评")
    codes = {r.科目编码 for r in a.支出.功能分类}
    for p in ev.项目:
        if p.执行数 > p.全年预算数:
            yield ctx.finding(f"项目“{p.项目名称}”执行数大于全年预算数", p, "执行数", p.全年预算数, p.执行数)
        if p.功能分类科目 and p.功能分类科目 not in codes:
            yield ctx.finding(f"项目“{p.项目名称}”的功能分类科目 {p.功能分类科目} 不在支出中", p, "功能分类科目")


# ================================================================= 基本信息


@rule("FIN-INFO", "error", "决算基本信息：决算年度在 2010–2050；决算单位至少一个（本级）且不重复", FINAL)
def check_info(ctx: CheckContext) -> Iterator[Finding]:
    a = _a(ctx)
    info = a.基本信息
    if not 2010 <= info.决算年度 <= 2050:
        yield ctx.finding(f"决算年度“{info.决算年度}”不合理，请填写四位年份，如 2023", info, "决算年度")
    units = a.部门概况.决算单位
    if not units:
        yield ctx.finding("决算单位至少列出本级", a.部门概况, "决算单位")
    names = [u.名称 for u in units]
    for i, u in enumerate(units):
        if u.名称 in names[:i]:
            yield ctx.finding(f"决算单位“{u.名称}”重复", u, "名称")


@rule("FIN-DATES", "warning", "决算：公开日期在决算年度的次年", FINAL)
def check_dates(ctx: CheckContext) -> Iterator[Finding]:
    info = _a(ctx).基本信息
    if info.公开日期 and info.公开日期.year != info.决算年度 + 1:
        yield ctx.finding(f"公开日期 {info.公开日期} 与决算年度 {info.决算年度} 不符（决算在次年公开）", info, "公开日期")


__all__ = ["FINAL", "FISCAL_FUNDS"]

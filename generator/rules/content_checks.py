"""Check stage, content rules: what real publications get wrong beyond the accounting identities.

Why this module exists: a disclosure can add up and still be wrong — a 资金支出计划 ending below
the project's amount, a 成本指标 larger than the whole project, "2023年底前" in a 2024 budget, two
projects with the same copied targets, 公务用车运行维护费 with no vehicle, 固定资产 entered in 元
while the file says 万元, "人员经费251.05万元" in a reason text while the tables say otherwise,
placeholders and doubled words left in the officer's text. Each rule is a small registered
function in the one registry of ``rules/check.py`` (rule id, severity, Chinese message, location).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from ..findings import Finding
from ..reading.model import ZERO, Budget, Indicator, Project
from .check import BOTH_KINDS, CheckContext, _target_sets, rule

HUNDRED = Decimal("100")


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


# ================================================================= 资金支出计划


def _looks_like_percent(p: Project) -> bool:
    plan = p.资金支出计划
    if plan is None:
        return False
    values = [v for _, v in plan.points() if v is not None]
    return bool(values) and max(values) == HUNDRED and all(v <= HUNDRED for v in values) and p.total() != HUNDRED


@rule("PLAN-ORDER", "error", "资金支出计划：累计金额逐期不减少，12月底 = 项目预算数")
def check_spending_plan(ctx: CheckContext) -> Iterator[Finding]:
    for p in ctx.budget.项目:
        plan = p.资金支出计划
        if plan is None or _looks_like_percent(p):
            continue
        given = [(label, v) for label, v in plan.points() if v is not None]
        for (before, a), (after, b) in zip(given, given[1:], strict=False):
            if b < a:
                yield ctx.finding(f"项目“{p.项目名称}”的资金支出计划是累计数，{after}（{b:f}）不应小于{before}（{a:f}）",
                                  plan, after, a, b)
        if plan.至12月底 is not None and plan.至12月底 != p.total():
            yield ctx.finding(f"项目“{p.项目名称}”资金支出计划12月底累计 {plan.至12月底:f} 不等于项目预算数 {p.total():f}",
                              plan, "12月底", p.total(), plan.至12月底)


@rule("PLAN-PERCENT", "error", "资金支出计划填写累计金额，不是百分比")
def check_spending_plan_percent(ctx: CheckContext) -> Iterator[Finding]:
    unit = ctx.budget.基本信息.金额单位
    for p in ctx.budget.项目:
        if _looks_like_percent(p):
            yield ctx.finding(f"项目“{p.项目名称}”的资金支出计划看起来是百分比（最大为100）：请填写截至各月底的累计金额"
                              f"（{unit}），12月底应等于项目预算数 {p.total():f}", p, "资金支出计划")


# ================================================================= 绩效指标


def _cost_in_file_unit(ind: Indicator, file_unit: str) -> Decimal | None:
    """A 成本指标's value in the file's unit, when it is stated in 元 or 万元."""
    unit = ind.计量单位.strip()
    value = _number(ind.指标值)
    if value is None or unit not in ("元", "万元"):
        return None
    if unit == file_unit:
        return value
    return value / Decimal(10000) if unit == "元" else value * Decimal(10000)


def _is_cost(ind: Indicator) -> bool:
    return ind.一级指标 == "成本指标" or "成本" in ind.二级指标


@rule("PERF-COST", "warning", "以元/万元表示的成本指标不超过项目预算数")
def check_cost_indicators(ctx: CheckContext) -> Iterator[Finding]:
    unit = ctx.budget.基本信息.金额单位
    for p in ctx.budget.项目:
        if p.绩效目标 is None:
            continue
        for ind in p.绩效目标.指标:
            cost = _cost_in_file_unit(ind, unit) if _is_cost(ind) else None
            if cost is not None and cost > p.total():
                yield ctx.finding(f"项目“{p.项目名称}”的成本指标“{ind.三级指标}”为{ind.符号 if ind.符号 != '=' else ''}"
                                  f"{ind.指标值}{ind.计量单位}，超过项目预算数 {p.total():f}{unit}，请核对金额或单位",
                                  ind, "指标值", p.total(), cost)


YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")


def _is_time(ind: Indicator) -> bool:
    return "时效" in ind.二级指标 or any(w in ind.三级指标 for w in ("时间", "时限", "完成期"))


@rule("PERF-TIME", "warning", "时效指标不应写预算年度之前的年份（如2024年预算写“2023年底前”）")
def check_time_indicators(ctx: CheckContext) -> Iterator[Finding]:
    year = ctx.budget.基本信息.预算年度
    for label, _node, indicators in _target_sets(ctx.budget):
        for ind in indicators:
            if not _is_time(ind):
                continue
            for m in YEAR.finditer(f"{ind.三级指标} {ind.指标值}"):
                if int(m.group(1)) < year:
                    yield ctx.finding(f"{label}的时效指标“{ind.三级指标}”写的是{m.group(1)}年（{ind.指标值}），"
                                      f"早于预算年度{year}年，可能是照抄上年的指标", ind, "指标值")
                    break


def _signature(p: Project) -> tuple | None:
    perf = p.绩效目标
    if perf is None or not perf.指标:
        return None
    indicators = sorted((i.一级指标, i.二级指标, i.三级指标, i.符号, i.指标值, i.计量单位) for i in perf.指标)
    return perf.年度目标.strip(), tuple(indicators)


@rule("PERF-COPY", "warning", "不同项目的绩效目标和指标不应完全相同（复制粘贴）")
def check_copied_targets(ctx: CheckContext) -> Iterator[Finding]:
    seen: dict[tuple, Project] = {}
    for p in ctx.budget.项目:
        sig = _signature(p)
        if sig is None:
            continue
        first = seen.setdefault(sig, p)
        if first is not p:
            yield ctx.finding(f"项目“{p.项目名称}”的年度绩效目标和全部指标与项目“{first.项目名称}”完全相同，"
                              "请按本项目实际填写", p, "项目名称")


COUNT_UNITS = ("人次", "人", "个", "次", "件", "家", "项", "台", "套", "辆", "座", "户", "场", "期", "篇", "本", "册",
               "份", "处", "所", "名", "批", "条", "部", "万页", "页", "卷")


@rule("PERF-UNIT", "warning", "“率”或“%”指标的计量单位不应是人、个、次等计数单位")
def check_rate_units(ctx: CheckContext) -> Iterator[Finding]:
    for label, _node, indicators in _target_sets(ctx.budget):
        for ind in indicators:
            rate = ind.三级指标.endswith("率") or "%" in ind.三级指标 or "％" in ind.三级指标
            unit = ind.计量单位.strip()
            if rate and unit in COUNT_UNITS:
                yield ctx.finding(f"{label}的指标“{ind.三级指标}”是比率，计量单位却是“{unit}”（{ind.指标值}{unit}）；"
                                  "比率应以 % 表示", ind, "计量单位")


# ================================================================= 车辆、人员、资产与金额单位


def _vehicle_running(b: Budget) -> tuple[Decimal, Decimal]:
    econ = sum((r.total() for r in b.经济分类基本支出 if r.科目编码 == "30231"), ZERO)
    return b.三公经费.公务用车运行维护费, econ


@rule("VEHICLE-COST", "warning", "有公务用车运行维护费就应有车辆；有车辆一般应有运行维护费")
def check_vehicle_cost(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    three, econ = _vehicle_running(b)
    count = b.国有资产.vehicle_count()
    if (three > 0 or econ > 0) and not count:
        where = "“三公”经费" if three > 0 else "经济分类 30231 公务用车运行维护费"
        amount = three if three > 0 else econ
        state = "没有填写车辆" if count is None else "车辆数为 0"
        yield ctx.finding(f"{where}中公务用车运行维护费为 {amount:f}，但国有资产中{state}；请填写车辆，或核对运行维护费",
                          b.国有资产, "车辆", actual=amount)
    elif count and three == 0 and econ == 0:
        yield ctx.finding(f"国有资产中有车辆 {count} 辆，但“三公”经费和经济分类中的公务用车运行维护费都是 0，请核对",
                          b.国有资产, "车辆")


@rule("STAFF-ZERO", "warning", "人员经费大于 0 时在职实有人数不应为 0")
def check_staff_zero(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    staff = b.部门概况.人员构成
    personnel = sum((r.人员经费 for r in b.支出.功能分类), ZERO)
    if staff.实有人数 == 0 and personnel > 0:
        yield ctx.finding(f"人员经费为 {personnel:f}，但在职实有人数填的是 0；请核对人数（未统计请不填）",
                          staff, "实有人数", actual=personnel)


ASSET_FACTOR = Decimal(50)


@rule("ASSET-UNIT", "warning", "固定资产总额超过支出总计的50倍：金额单位可能有误")
def check_asset_unit(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    a = b.国有资产
    spending = sum((r.total() for r in b.支出.功能分类), ZERO) + b.支出.年终结转结余.total()
    unit = b.基本信息.金额单位
    held = a.上年末固定资产总额
    key = "上年末固定资产总额"
    if held is None and a.固定资产占用:
        held, key = sum((x.价值 or ZERO for x in a.固定资产占用), ZERO), "固定资产占用"
    if held is not None and spending > 0 and held > ASSET_FACTOR * spending:
        yield ctx.finding(f"固定资产总额 {held:f}{unit} 超过支出总计 {spending:f}{unit} 的 {ASSET_FACTOR} 倍，"
                          f"金额单位可能有误（文件的金额单位是{unit}）", a, key, ASSET_FACTOR * spending, held)


# ================================================================= text hygiene


DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,6})\1")
NOT_DOUBLED = ("研究研究", "看看", "常常", "谢谢", "层层", "步步", "年年", "时时", "处处", "事事")
CJK = "\u4e00-\u9fff"
ASCII_PUNCT = re.compile(rf"[{CJK}）”]([,.])\s*\d")
TITLE = re.compile(r"《[^》]*》(（[^）]*）|\([^)]*\))?")
"""A cited document, with the edition after it: 《预算法》（2018年修正）."""


def _officer_texts(ctx: CheckContext) -> Iterator[tuple[tuple, str]]:
    """Every free text of the input with its path (codes, names of 科目 and the like carry no prose)."""
    skip = {"科目编码", "科目名称", "项目编码", "编码", "部门编码", "联系电话", "符号", "计量单位", "类型", "资金来源",
            "一级指标", "二级指标", "起止日期"}
    for path, value, _node, key in ctx.leaves:
        if isinstance(value, str) and value.strip() and key not in skip:
            yield path, value


@rule("HYG-DOUBLED", "warning", "文字中不应有重复的词（如“预算预算”“财政拨款财政拨款”）", BOTH_KINDS)
def check_doubled_words(ctx: CheckContext) -> Iterator[Finding]:
    for path, text in _officer_texts(ctx):
        for m in DOUBLED.finditer(text):
            if m.group(0) not in NOT_DOUBLED:
                yield ctx.finding(f"文字中“{m.group(1)}”重复了一次（“{m.group(0)}”），请删去一个：“{text[:40]}”", path=path)
                break


def _year(ctx: CheckContext) -> int:
    """预算年度, or the 决算年度 of a 决算."""
    info = ctx.budget.基本信息
    return getattr(info, "预算年度", None) or info.决算年度


@rule("HYG-TEXT-YEAR", "warning", "文字中的年份应在预算年度前3年至后1年之间（书名号内的文件名除外）", BOTH_KINDS)
def check_text_years(ctx: CheckContext) -> Iterator[Finding]:
    year = _year(ctx)
    for path, text in _officer_texts(ctx):
        for m in YEAR.finditer(TITLE.sub("", text)):
            found = int(m.group(1))
            if not year - 3 <= found <= year + 1:
                yield ctx.finding(f"文字中的年份“{found}年”不在 {year - 3}–{year + 1} 年之间，可能是照抄旧文本或笔误："
                                  f"“{text[:40]}”", path=path)
                break


@rule("HYG-PUNCT", "warning", "中文文字中数字前不应用英文逗号或句点（应为“，”“。”）", BOTH_KINDS)
def check_ascii_punctuation(ctx: CheckContext) -> Iterator[Finding]:
    for path, text in _officer_texts(ctx):
        m = ASCII_PUNCT.search(text)
        if m:
            wanted = "，" if m.group(1) == "," else "。"
            around = text[max(0, m.start() - 8): m.end() + 4]
            yield ctx.finding(f"中文文字中数字前用了英文“{m.group(1)}”，应为“{wanted}”：“…{around}…”", path=path)


# ================================================================= figures quoted in the officer's text


def _figures(b: Budget) -> dict[str, tuple[Decimal, Decimal | None]]:
    """Label → (amount in the file's unit, the whole its share is taken of, or None)."""
    rows = b.支出.功能分类
    income = b.收入.本年收入.total() + b.收入.上年结转结余.total()
    expense = sum((r.total() for r in rows), ZERO) + b.支出.年终结转结余.total()
    basic = sum((r.basic() for r in rows), ZERO)
    project = sum((r.项目支出 for r in rows), ZERO)
    personnel = sum((r.人员经费 for r in b.经济分类基本支出), ZERO)
    public = sum((r.公用经费 for r in b.经济分类基本支出), ZERO)
    gpb = sum((r.total() for r in rows if r.资金来源 == "一般公共预算"), ZERO)
    t = b.三公经费
    out: dict[str, tuple[Decimal, Decimal | None]] = {
        "收入总计": (income, None), "支出总计": (expense, None), "收支总预算": (income, None),
        "基本支出": (basic, expense), "项目支出": (project, expense), "人员经费": (personnel, basic),
        "公用经费": (public, basic), "一般公共预算支出": (gpb, None),
        "三公经费": (t.total(), None), "“三公”经费": (t.total(), None), "\"三公\"经费": (t.total(), None),
        "因公出国（境）费": (t.因公出国境费, None), "公务用车购置费": (t.公务用车购置费, None),
        "公务用车运行维护费": (t.公务用车运行维护费, None), "公务接待费": (t.公务接待费, None),
    }
    if b.机关运行经费.金额 is not None:
        out["机关运行经费"] = (b.机关运行经费.金额, None)
    if b.政府采购 is not None:
        out["政府采购预算"] = (b.政府采购.total(), None)
    for s in ("一般公共预算拨款", "政府性基金预算拨款", "事业收入", "其他收入"):
        out[s] = (b.收入.本年收入.get(s), income)
    return out


FIGURE = re.compile(r"(预算|合计|共计|安排|共|为|是)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元)(?:\s*[，,]?\s*占[^0-9%]{0,12}?([0-9]+(?:\.[0-9]+)?)\s*[%％])?")
SHARE = re.compile(r"^\s*[，,]?\s*占[^0-9%，。；]{0,12}?([0-9]+(?:\.[0-9]+)?)\s*[%％]")
ALLOWED_BEFORE = set("中年括计为：:，,。；;、（( ")


def _quoted(text: str, labels: list[str], year: int) -> Iterator[tuple[str, Decimal, str, Decimal | None, int]]:
    """(label, number, unit, share or None, number of decimals) for each "label[连接词]number万元[，占x%]" in ``text``."""
    for label in labels:
        start = 0
        while (i := text.find(label, start)) >= 0:
            start = i + len(label)
            before = text[:i]
            if before and before[-1] not in ALLOWED_BEFORE and not before.endswith("其中"):
                continue
            if before.endswith(("上年", "去年")) or ((m := re.search(r"(\d{4})年$", before)) and int(m.group(1)) != year):
                continue
            rest = text[start:]
            m = FIGURE.match(rest)
            if m:
                number = _number(m.group(2))
                if number is None:
                    continue
                share = _number(m.group(4)) if m.group(4) else None
                decimals = len(m.group(2).split(".")[1]) if "." in m.group(2) else 0
                yield label, number, m.group(3), share, decimals
            elif (s := SHARE.match(rest)) is not None:
                yield label, Decimal(-1), "", _number(s.group(1)), 0


@rule("TEXT-FIGURE", "warning", "文字中写到的金额和占比与表中数字一致（如“人员经费251.05万元”“占46.45%”）")
def check_text_figures(ctx: CheckContext) -> Iterator[Finding]:
    b = ctx.budget
    figures = _figures(b)
    labels = sorted(figures, key=len, reverse=True)
    unit = b.基本信息.金额单位
    places = ctx.settings.百分比小数位
    for path, text in _officer_texts(ctx):
        for label, number, written_unit, share, decimals in _quoted(text, labels, b.基本信息.预算年度):
            value, whole = figures[label]
            if written_unit:
                in_unit = value if written_unit == unit else (value / 10000 if written_unit == "万元" else value * 10000)
                computed = in_unit.quantize(Decimal(1).scaleb(-decimals))
                if computed != number:
                    yield ctx.finding(f"文字中写“{label}{number:f}{written_unit}”，但按表中数字为 {computed:f}{written_unit}："
                                      f"“{text[:40]}”", path=path, expected=computed, actual=number)
                    continue
            if share is not None and whole:
                pct = (value * HUNDRED / whole).quantize(Decimal(1).scaleb(-max(places, _places(share))))
                if pct.quantize(Decimal(1).scaleb(-_places(share))) != share:
                    yield ctx.finding(f"文字中写{label}“占{share:f}%”，但按表中数字为 {pct:f}%：“{text[:40]}”",
                                      path=path, expected=pct, actual=share)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


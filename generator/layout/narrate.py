"""Narrate stage: the typed render context — every table cell and every sentence fragment, formatted.

Why this module exists: templates only place values. This module turns the computed figures
into exactly the strings the document shows (tables in the table unit, sentences in 万元,
change and share phrases by the wording rules), so the template author never computes and the
tests can compare the document with independent arithmetic. Variable names seen by templates
are Chinese, the officers' vocabulary; docs/context.md lists them all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .. import catalog
from ..config import Settings
from ..fmt import (
    change_direction,
    change_phrase,
    cn_number,
    ordinal,
    percent,
    reason_clause,
    share_phrase,
    table_amount,
    wan,
)
from ..layout.compute import Change, compute, qualified_function_name
from ..reading.model import (
    FISCAL_SOURCES,
    FUND_SOURCES,
    INCOME_SOURCES,
    ZERO,
    Assets,
    Budget,
    Indicator,
    Personnel,
    Procurement,
    Vehicle,
)
from .profile import DEFAULT_PROFILE, FileNames, Profile, load_profile
from .tables import HeaderCell, Row, TableCtx, build_tables, build_text_tables, scalar_figures

# ================================================================= table context (built in layout/tables.py)


@dataclass
class IndicatorRow:
    一级指标: str
    二级指标: str
    三级指标: str
    符号: str
    指标值: str
    计量单位: str
    前年值: str
    上年值: str
    指标值确定依据: str
    绩效指标描述: str = ""

    @property
    def 指标值文字(self) -> str:
        """符号 + 指标值 + 计量单位 as the tables show it: "≥95%", "达标"."""
        return f"{self.符号}{self.指标值}{self.计量单位}"

    @property
    def 前年文字(self) -> str:
        return _with_unit(self.前年值, self.计量单位)

    @property
    def 上年文字(self) -> str:
        return _with_unit(self.上年值, self.计量单位)


_BARE_NUMBER = re.compile(r"^[≥≤><=＞＜]?[\d.,\-+]+$")


def _with_unit(value: str, unit: str) -> str:
    """A 近两年 value gets its unit when it is a bare number ("9" → "9次"), as officers write it."""
    if value and unit and _BARE_NUMBER.match(value) and not value.endswith(unit):
        return value + unit
    return value


@dataclass
class PerfTable:
    """A 绩效目标表: label/value rows, then the indicators grouped by 一级/二级指标."""

    title: str
    info: list[tuple[str, str]]
    groups: list[tuple[str, str, list[IndicatorRow]]]
    indicators: list[IndicatorRow]
    years: tuple[str, str]
    show_history: bool
    show_description: bool = False
    """A 绩效指标描述 column (河北)."""


# ================================================================= narrative context


@dataclass
class Item:
    名称: str
    金额: str
    占比: str = ""
    比上年: str = ""
    原因: str = ""
    说明: str = ""
    其中: str = ""


@dataclass
class ChangeWords:
    """A figure compared with last year, as parts a profile's template words itself (河北: 较2023年预算增加X万元)."""

    方向: str
    """增加 / 减少 / 持平 / 上年无（上年为 0）/ ""（上年或本年未填：不作比较）."""
    差额: str
    """|本年 − 上年| in 万元 as the text shows amounts ("" unless 增加/减少)."""
    幅度: str
    """增长/下降的百分比，如 2.91% ("" unless 增加/减少)."""
    本年数: str
    上年数: str
    增减原因: str
    """The officer's reason without a leading 主要原因是 and trailing punctuation ("" when none or 持平)."""


def change_words(c: Change, src: str, places: int, decimals: int, grouping: bool) -> ChangeWords:
    """The parts of one comparison (ChangeWords); the same direction as fmt.change_phrase."""
    direction = change_direction(c.current, c.prior, src, decimals)
    moved = direction in ("增加", "减少")
    amount = wan(abs(c.delta), src, decimals, grouping) if moved and c.delta is not None else ""
    ratio = percent(c.ratio, places) if moved and c.ratio is not None else ""
    reason = reason_clause(c.reason).removeprefix("，主要原因是") if direction and direction != "持平" else ""
    shown = lambda v: "" if v is None else wan(v, src, decimals, grouping)  # noqa: E731
    return ChangeWords(direction, amount, ratio, shown(c.current), shown(c.prior), reason)


@dataclass
class Narrative:
    """Sentence fragments of 第三部分, by section; each amount in 万元, each phrase ready to place."""

    收入总计: str
    支出总计: str
    收支比上年: str
    收支原因: str
    收入列表: str
    支出列表: str
    基本支出: str
    项目支出: str
    基本支出比上年: str
    基本支出原因: str
    项目支出比上年: str
    项目支出原因: str
    财政拨款总计: str
    财政拨款本年收入: str
    财政拨款比上年: str
    财政拨款原因: str
    财政拨款收入列表: str
    财政拨款支出列表: str
    一般公共预算支出: str
    一般公共预算比上年: str
    一般公共预算原因: str
    一般公共预算按类: list[Item]
    一般公共预算基本支出: str
    基本支出比上年一般公共预算: str
    基本支出原因一般公共预算: str
    人员经费: str
    公用经费: str
    人员经费构成: list[Item]
    人员经费用途: str
    公用经费用途: str
    三公合计: str
    三公比上年: str
    三公原因: str
    三公明细: list[Item]
    公务用车合计: str
    """公务用车购置及运行费 (购置费 + 运行维护费), with its change when both prior figures are given."""
    公务用车比上年: str
    公务用车原因: str
    有政府性基金: bool
    政府性基金支出: str
    政府性基金按类: str
    政府性基金比上年: str
    政府性基金原因: str
    有国有资本经营: bool
    国有资本经营支出: str
    国有资本经营按类: str
    国有资本经营比上年: str
    国有资本经营原因: str
    项目总额: str
    项目列表: list[Item]
    机关运行经费: str
    机关运行经费比上年: str
    机关运行经费原因: str
    机关运行经费明细: str
    机关运行经费范围: str
    有机关运行经费: bool
    政府采购合计: str
    政府采购比上年: str
    政府采购原因: str
    政府采购货物: str
    政府采购工程: str
    政府采购服务: str
    面向中小企业: str
    面向中小企业占比: str
    面向小微企业: str
    面向小微企业占比: str
    面向小微企业比例: str
    有政府采购: bool
    政府采购已填: bool
    政府购买服务已填: bool
    政府购买服务: str
    政府购买服务比上年: str
    政府购买服务原因: str
    资产截至: str
    有车辆: bool
    车辆总数: str
    车辆明细: str
    通用设备: str
    专用设备: str
    资产配置预算: str
    资产说明: str
    资产情况: str
    资产占用: str
    资产购置: str
    绩效项目数: str
    绩效项目金额: str
    绩效覆盖: str
    其他事项: str


@dataclass
class RenderContext:
    """Every variable a template may use (see docs/context.md)."""

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
    职能概述: str
    内设机构: str
    内设机构数: str
    预算单位说明: str
    二级单位: list[str]
    人员构成: str
    工作任务: list[str]
    机构设置表: TableCtx | None
    文中表: dict[str, TableCtx | None]
    数字: dict[str, str]
    """Every named figure of docs/profiles.md in 万元 as the text shows it ("" when not entered)."""
    词语: dict[str, str]
    序数: list[str]
    """Chinese numerals by index (序数[3] = "三"), for numbering in a profile's template."""
    表: dict[str, TableCtx]
    表目录: list[str]
    说明: Narrative
    文件名: FileNames
    """The profile's 文种 words of the output file names (文件名.文档 / 文件名.工作簿)."""
    明细说明: Narrative
    """The narrative again with the profile's 文字.明细小数位 (上海: two decimals in 其他相关情况说明)."""
    增减: dict[str, ChangeWords]
    """Each compared figure of 上年数 (收入总计, 支出总计, 基本支出, 项目支出, 三公经费 …) as parts (ChangeWords)."""
    整体绩效: PerfTable
    整体绩效目标: list[PerfTable]
    项目绩效: list[PerfTable]
    名词解释: list[tuple[str, str]]
    科目解释: list[tuple[str, str]]
    绩效表: list[str] = field(default_factory=lambda: ["整体", "项目"])
    """The 绩效目标表 the profile's document holds ([[整体绩效]] → 整体, [[项目绩效]] → 项目), in that order."""

    def as_dict(self) -> dict:
        """The mapping handed to the template engine (attributes, not a deep copy)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# ================================================================= performance tables


def _indicator_rows(indicators: list[Indicator]) -> list[IndicatorRow]:
    return [IndicatorRow(i.一级指标, i.二级指标, i.三级指标, "" if i.符号 in ("定性", "=") else i.符号, i.指标值, i.计量单位,
                         i.前年值, i.上年值, i.指标值确定依据, i.绩效指标描述) for i in indicators]


LEVEL1_ORDER = ["产出指标", "成本指标", "效益指标", "满意度指标"]
LEVEL2_ORDER = ["数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
                "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"]
"""The order of the standard 绩效目标表; a 二级指标 not listed keeps its place after these."""


def _rank(order: list[str], name: str) -> int:
    key = name if name in order else name.removesuffix("指标") + "指标"
    return order.index(key) if key in order else len(order)


def _groups(rows: list[IndicatorRow]) -> list[tuple[str, str, list[IndicatorRow]]]:
    """Indicators grouped by 一级 then 二级 in the standard order (数量 before 质量 …), input order within."""
    buckets: dict[tuple[str, str], list[IndicatorRow]] = {}
    ranked = sorted(enumerate(rows), key=lambda ir: (_rank(LEVEL1_ORDER, ir[1].一级指标),
                                                      _rank(LEVEL2_ORDER, ir[1].二级指标), ir[0]))
    for _, r in ranked:
        buckets.setdefault((r.一级指标, r.二级指标), []).append(r)
    return [(first, second, items) for (first, second), items in buckets.items()]


def _perf(title: str, info: list[tuple[str, str]], indicators: list[Indicator], year: int,
          description: bool = False) -> PerfTable:
    rows = _indicator_rows(indicators)
    # keep stable input order within a group, but group in the standard 一级 order
    return PerfTable(title, info, _groups(rows), rows, (f"{year - 2}年", f"{year - 1}年"),
                     any(r.前年值 or r.上年值 for r in rows), description)


PROJECT_INFO = ("项目编码", "项目名称", "项目单位", "项目类型", "项目属性", "项目负责人", "项目起止日期", "项目资金",
                "预算规模及资金用途", "资金用途", "资金支出计划", "资金支出计划（%）", "项目概况", "立项依据", "项目总目标",
                "年度绩效目标", "绩效目标")
"""The rows a profile's 项目绩效.信息 may list (a row whose data is not entered is left out)."""


def _project_info(p, perf, cell, names: list[str], dept: str) -> list[tuple[str, str]]:
    """The info rows of a project's 绩效目标表, in the profile's order, each only when entered."""
    fiscal = sum((p.资金来源.get(s) for s in FISCAL_SOURCES), ZERO)
    total = p.total()
    plan = [(label, v) for label, v in p.资金支出计划.points() if v is not None] if p.资金支出计划 else []
    values = {
        "项目编码": p.项目编码, "项目名称": p.项目名称, "项目单位": p.项目单位 or dept,
        "项目类型": p.项目类型, "项目属性": p.项目属性, "项目负责人": p.项目负责人, "项目起止日期": p.起止日期,
        "项目资金": f"{cell(total)}万元",
        "预算规模及资金用途": (f"预算数{cell(total)}万元，其中：财政资金{cell(fiscal)}万元，其他资金{cell(p.other_funds())}万元"
                        + (f"。资金用途：{p.资金用途.rstrip('。')}" if p.资金用途 else "")),
        "资金用途": p.资金用途,
        "资金支出计划": "；".join(f"{label}{cell(v)}万元" for label, v in plan),
        "资金支出计划（%）": "；".join(f"{label}{percent(v * 100 / total) if total else '—'}" for label, v in plan),
        "项目概况": p.项目概况, "立项依据": p.立项依据, "项目总目标": perf.总目标 or perf.年度目标,
        "年度绩效目标": perf.年度目标, "绩效目标": perf.年度目标,
    }
    return [(name, values[name]) for name in names if values.get(name)]


# ================================================================= the whole context


def _joined(parts: list[str], sep: str = "；") -> str:
    return sep.join(p for p in parts if p)


def build_context(b: Budget, settings: Settings | None = None, failed: list[str] | None = None,
                  profile: Profile | None = None) -> RenderContext:
    """Build the complete render context from a validated budget, laid out by ``profile`` (default 湖北)."""
    settings = settings or Settings()
    profile = profile or load_profile(DEFAULT_PROFILE)
    f = compute(b)
    info = b.基本信息
    src = info.金额单位
    places = settings.百分比小数位 if profile.百分比小数位 is None else profile.百分比小数位
    text_fmt = profile.文字
    year = info.预算年度
    subject = info.部门名称 + ("（汇总）" if info.汇总 else "")
    who = text_fmt.资产主语.replace("{部门}", info.部门名称)
    w = lambda v: wan(v, src, text_fmt.小数位, text_fmt.千分位)  # noqa: E731
    wording = {"lead": text_fmt.比较.replace("{上年}", str(year - 1)),
               "level": text_fmt.持平.replace("{上年}", str(year - 1)), "ratio": text_fmt.增减幅度}
    sh = lambda part, whole: share_phrase(part, whole, places)  # noqa: E731

    table_list = build_tables(b, f, profile, subject)
    tmap = {t.key: t for t in table_list}
    text_tables = build_text_tables(b, f, profile, subject)

    ov = b.部门概况
    duties = [f"{ordinal(i, '（一）')}{d}" for i, d in enumerate(ov.主要职责, 1)]
    people = _people(ov.人员构成)
    subs = [s for s in ov.二级单位 if s.纳入本预算]
    units_text = (f"纳入{info.部门名称}{year}年部门预算编制范围的预算单位包括本级"
                  + (f"及所属{len(subs)}个二级单位：{'、'.join(s.名称 + ('（' + s.性质 + '）' if s.性质 else '') for s in subs)}"
                     if subs else "") + "。")

    # --- narrative
    kinds = [("基本支出", f.basic), ("项目支出", f.by_kind["项目支出"]),
             *[(k, f.by_kind[k]) for k in ("事业单位经营支出", "上缴上级支出", "对附属单位补助支出") if f.by_kind[k]]]
    if f.carry_out_total:  # 支出总计 includes it: the shares below add up to 支出总计
        kinds.append(("年终结转结余", f.carry_out_total))
    perf_projects = [p for p in b.项目 if p.绩效目标 is not None]

    def narrative_at(decimals: int) -> Narrative:
        """The narrative with its 万元 amounts to ``decimals`` places (a profile may want two sets)."""
        w = lambda v: wan(v, src, decimals, text_fmt.千分位, text_fmt.零值 == "带小数")  # noqa: E731
        ch = lambda c: change_phrase(c.current, c.prior, src, places, decimals=decimals,  # noqa: E731
                                     grouping=text_fmt.千分位, **wording)
        rs = lambda c: _reason(ch(c), c.reason, wording["level"])  # noqa: E731
        income_items = [(s, f.income_by_source[s]) for s in INCOME_SOURCES if f.income_by_source[s]]
        if f.carry_in_total:
            income_items.append(("上年结转结余", f.carry_in_total))
        gpb_total = f.gpb_total
        gpb_classes = []
        for cls in f.gpb_tree.classes():
            c = f.gpb_class_changes[cls.code]
            gpb_classes.append(Item(cls.name, w(cls.values[0]), sh(cls.values[0], gpb_total), ch(c), rs(c)))
        econ_classes = [r for r in f.economic.rows if r.level == 1]
        personnel_items = [Item(r.name, w(r.values[1])) for r in econ_classes if r.values[1]]
        public_items = [r.name for r in f.economic.rows if r.level == 2 and r.values[2]]
        personnel_uses = [r.name for r in f.economic.rows if r.level == 2 and r.values[1]]
        t = b.三公经费
        tp = [("因公出国（境）费", t.因公出国境费), ("公务用车购置费", t.公务用车购置费),
              ("公务用车运行维护费", t.公务用车运行维护费), ("公务接待费", t.公务接待费)]
        three_items = []
        for name, value in tp:
            c = f.changes[name]
            three_items.append(Item(name, w(value), "", ch(c), rs(c)))
        car = _car_change(t.公务用车购置费 + t.公务用车运行维护费, f.changes)
        if t.教学科研人员因公出国境费 is not None or t.其他因公出国境费 is not None:
            three_items[0].其中 = "、".join(f"{n}{w(v)}万元" for n, v in (
                ("教学科研人员因公出国（境）费", t.教学科研人员因公出国境费), ("其他因公出国（境）费", t.其他因公出国境费))
                if v is not None)
        fiscal_in = [f"{s}财政拨款本年收入{w(f.fiscal_income[s])}万元、上年结转{w(f.fiscal_carry[s])}万元"
                     for s in FISCAL_SOURCES if f.fiscal_income[s] or f.fiscal_carry[s]]
        fiscal_out = [f"{r.name}{w(r.values[0])}万元" for r in f.fiscal_by_class.classes()]
        fiscal_carry_out = sum((f.carry_out[s] for s in FISCAL_SOURCES), ZERO)
        if fiscal_carry_out:  # the 财政拨款 总计 includes it, as table 4 shows
            fiscal_out.append(f"年终结转结余{w(fiscal_carry_out)}万元")
        proc = b.政府采购 or Procurement()
        op_cost = b.机关运行经费.金额
        service = b.政府购买服务.合计
        c_all = f.changes

        def by_subject(fund: str) -> str:
            """A fund's spending by 款 (named with its 类), e.g. 城乡社区支出（类）国有土地…支出（款）998.50万元."""
            tree = f.fund_trees[fund]
            names = {r.code: r.name for r in tree.rows}
            return _joined([f"{names.get(r.code[:3], '')}（类）{r.name}（款）{w(r.values[0])}万元"
                            for r in tree.rows if r.level == 2], "，")

        return Narrative(
            收入总计=w(f.income_total), 支出总计=w(f.expense_total),
            收支比上年=ch(c_all["收入总计"]), 收支原因=rs(c_all["收入总计"]),
            收入列表=_joined([f"{n}{w(v)}万元，{sh(v, f.income_total)}" for n, v in income_items]),
            支出列表=_joined([f"{n}{w(v)}万元，{sh(v, f.expense_total)}" for n, v in kinds]),
            基本支出=w(f.basic), 项目支出=w(f.by_kind["项目支出"]),
            基本支出比上年=ch(c_all["基本支出"]), 基本支出原因=rs(c_all["基本支出"]),
            项目支出比上年=ch(c_all["项目支出"]), 项目支出原因=rs(c_all["项目支出"]),
            财政拨款总计=w(f.fiscal_totals[1]), 财政拨款本年收入=w(f.fiscal_totals[0]),
            财政拨款比上年=ch(c_all["财政拨款收入"]), 财政拨款原因=rs(c_all["财政拨款收入"]),
            财政拨款收入列表=_joined(fiscal_in, "；"), 财政拨款支出列表=_joined(fiscal_out, "，"),
            一般公共预算支出=w(gpb_total), 一般公共预算比上年=ch(c_all["一般公共预算支出"]),
            一般公共预算原因=rs(c_all["一般公共预算支出"]), 一般公共预算按类=gpb_classes,
            一般公共预算基本支出=w(f.gpb_tree.total[1]) if not f.gpb_tree.empty else "0",
            基本支出比上年一般公共预算=ch(c_all["一般公共预算基本支出"]),
            基本支出原因一般公共预算=rs(c_all["一般公共预算基本支出"]),
            人员经费=w(f.economic.total[1]), 公用经费=w(f.economic.total[2]),
            人员经费构成=personnel_items, 人员经费用途="、".join(personnel_uses), 公用经费用途="、".join(public_items),
            三公合计=w(t.total()), 三公比上年=ch(c_all["三公经费"]),
            三公原因=rs(c_all["三公经费"]), 三公明细=three_items,
            公务用车合计=w(car.current), 公务用车比上年=ch(car), 公务用车原因=rs(car),
            有政府性基金=not f.fund_trees["政府性基金预算"].empty,
            政府性基金支出=w(f.fund_trees["政府性基金预算"].total[0]), 政府性基金按类=by_subject("政府性基金预算"),
            政府性基金比上年=ch(c_all["政府性基金预算支出"]), 政府性基金原因=rs(c_all["政府性基金预算支出"]),
            有国有资本经营=not f.fund_trees["国有资本经营预算"].empty,
            国有资本经营支出=w(f.fund_trees["国有资本经营预算"].total[0]), 国有资本经营按类=by_subject("国有资本经营预算"),
            国有资本经营比上年=ch(c_all["国有资本经营预算支出"]), 国有资本经营原因=rs(c_all["国有资本经营预算支出"]),
            项目总额=w(sum((p.total() for p in b.项目), ZERO)),
            项目列表=[_project_item(p, b, src, places) for p in b.项目],
            机关运行经费=w(op_cost) if op_cost is not None else "", 机关运行经费比上年=ch(c_all["机关运行经费"]),
            机关运行经费原因=rs(c_all["机关运行经费"]),
            机关运行经费明细=_items_text(b.机关运行经费.明细, op_cost, w),
            机关运行经费范围=_operating_scope(b), 有机关运行经费=op_cost is not None,
            政府采购合计=w(proc.total()),
            政府采购比上年="" if proc.total() == 0 and not c_all["政府采购"].prior else ch(c_all["政府采购"]),
            政府采购原因=rs(c_all["政府采购"]),
            政府采购货物=w(proc.货物), 政府采购工程=w(proc.工程), 政府采购服务=w(proc.服务),
            **_sme_words(proc, w, sh),
            有政府采购=proc.total() != 0, 政府采购已填=b.政府采购 is not None, 政府购买服务已填=service is not None,
            政府购买服务=w(service) if service is not None else "",
            政府购买服务比上年="" if not service and not c_all["政府购买服务"].prior else ch(c_all["政府购买服务"]),
            政府购买服务原因=rs(c_all["政府购买服务"]),
            资产截至=_date_cn(b.国有资产.截至日期) or f"{year - 1}年12月31日",
            有车辆=bool(b.国有资产.vehicle_count()),
            车辆总数=_count(b.国有资产.vehicle_count()),
            车辆明细="、".join(f"{v.类型}{v.数量}辆" for v in b.国有资产.车辆 or [] if v.数量),
            通用设备=_count(b.国有资产.单价50万元以上通用设备), 专用设备=_count(b.国有资产.单价100万元以上专用设备),
            资产配置预算=w(b.国有资产.资产配置预算) if b.国有资产.资产配置预算 is not None else "", 资产说明=b.国有资产.说明,
            资产情况=_assets_sentence(b.国有资产, year, src, who),
            资产占用=_assets_sentence(b.国有资产, year, src, who, purchases=False),
            资产购置=_purchase_sentence(b.国有资产, year),
            绩效项目数=str(len(perf_projects)), 绩效项目金额=w(sum((p.total() for p in perf_projects), ZERO)),
            绩效覆盖=("实现全覆盖" if b.项目 and len(perf_projects) == len(b.项目) else
                     f"覆盖{len(perf_projects)}个项目（共{len(b.项目)}个）"),
            其他事项=b.其他需要说明的事项,
        )
    narrative = narrative_at(text_fmt.小数位)
    detail = narrative if text_fmt.明细小数位 is None else narrative_at(text_fmt.明细小数位)

    # --- performance (amounts in table cells: always two decimals)
    cell = lambda v: table_amount(v, src, "万元")  # noqa: E731
    whole_info = [
        ("部门名称", info.部门名称),
        ("收入总计（万元）", cell(f.income_total)),
        ("其中：财政拨款（万元）", cell(f.fiscal_totals[1])),
        ("支出总计（万元）", cell(f.expense_total)),
        *[(f"{'其中：' if i == 0 else ''}{name}（万元）", f"{cell(value)}（{sh(value, f.expense_total)[1:]}）")
          for i, (name, value) in enumerate(kinds)],
        ("部门职能概述", "\n".join(f"{i}.{d}" for i, d in enumerate(ov.主要职责, 1))),
        ("年度主要工作任务", "\n".join(f"{i}.{d}" for i, d in enumerate(ov.年度主要工作任务, 1)) or "—"),
        ("长期目标", _sentences([f"目标{i}：{tg.目标}" for i, tg in enumerate(b.部门整体绩效.长期目标, 1)]) or "—"),
        ("年度目标", _sentences([f"目标{i}：{tg.目标}" for i, tg in enumerate(b.部门整体绩效.年度目标, 1)]) or "—"),
    ]
    whole = _perf(f"{subject}{year}年部门整体支出绩效目标表", whole_info, [], year)
    whole_targets = [
        _perf(f"{kind}{i}：{tg.目标}", [], tg.指标, year)
        for kind in ("长期目标", "年度目标") for i, tg in enumerate(getattr(b.部门整体绩效, kind), 1)
    ]
    project_perf = []
    pspec = profile.项目绩效
    for number, p in enumerate(perf_projects, 1):
        perf = p.绩效目标
        assert perf is not None
        title = (pspec.标题.replace("{序}", str(number)).replace("{项目名称}", p.项目名称)
                 .replace("{项目编码}", p.项目编码))
        if pspec.信息:
            rows = _project_info(p, perf, cell, pspec.信息, info.部门名称)
            project_perf.append(_perf(title, rows, perf.指标, year, description=pspec.指标描述列))
            continue
        funds = "；".join(f"{s}{cell(p.资金来源.get(s))}万元" for s in FUND_SOURCES if p.资金来源.get(s))
        pinfo = [("项目名称", p.项目名称), ("项目编码", p.项目编码), ("项目单位", p.项目单位 or info.部门名称),
                 ("项目类型", p.项目类型 or "—"), ("项目属性", p.项目属性 or "—"),
                 ("项目资金（万元）", f"{cell(p.total())}（{funds or '—'}）"),
                 ("项目概况", p.项目概况 or "—"), ("立项依据", p.立项依据 or "—"),
                 ("项目总目标", perf.总目标 or perf.年度目标), ("年度绩效目标", perf.年度目标)]
        if p.项目负责人:
            pinfo.insert(5, ("项目负责人", p.项目负责人))
        if p.起止日期:
            pinfo.insert(5, ("项目起止日期", p.起止日期))
        if p.资金用途:
            pinfo.insert(pinfo.index(("项目概况", p.项目概况 or "—")), ("资金用途", p.资金用途))
        plan = p.资金支出计划
        if plan is not None and any(v is not None for _, v in plan.points()):
            pinfo.insert(pinfo.index(("项目概况", p.项目概况 or "—")), ("资金支出计划（累计，万元）", "；".join(
                f"{label}{cell(v)}" for label, v in plan.points() if v is not None)))
        project_perf.append(_perf(title, pinfo, perf.指标, year, description=pspec.指标描述列))

    # --- glossary
    fiscal_level = settings.财政级次 or (f"{info.地区}本级财政" if info.地区 else "本级财政")
    overrides = {t.术语: t.解释 for t in b.名词解释}
    terms = []
    for term, text in [(t.术语, t.解释) for t in profile.名词解释] or catalog.default_terms():
        terms.append((term, overrides.pop(term, text).replace("{财政级次}", fiscal_level)))
    terms += list(overrides.items())
    used = sorted({r.科目编码 for r in b.支出.功能分类 if r.total()})
    row_names = {r.科目编码: r.科目名称 for r in b.支出.功能分类}
    subjects = []
    for code in used:
        entry = catalog.function_subject(code)
        meaning = entry.meaning if entry and entry.meaning else _fallback_meaning(row_names[code])
        subjects.append((qualified_function_name(code, b), meaning))

    date = _date_cn(info.公开日期) or _source_date()
    prefix = f"{subject}{year}年"
    names = [t.toc_name or t.title.removeprefix(prefix) for t in table_list] + list(profile.目录附加)
    toc = [profile.目录格式.replace("{序}", str(n)).replace("{名称}", name) for n, name in enumerate(names, 1)]
    return RenderContext(
        部门名称=info.部门名称, 年度=str(year), 上年度=str(year - 1), 标题=f"{subject}{year}年{profile.文件名.文档.removesuffix('公开')}",
        公开主体=subject, 公开日期=date, 金额单位=src, 表格单位=info.表格金额单位 or src,
        未通过校验=bool(failed), 校验说明="；".join(failed or []),
        职责=duties, 职能概述=ov.职能概述, 内设机构="、".join(ov.内设机构), 内设机构数=str(len(ov.内设机构)), 预算单位说明=units_text,
        二级单位=[s.名称 for s in subs], 人员构成=people, 工作任务=[f"{i}.{t}" for i, t in enumerate(ov.年度主要工作任务, 1)],
        机构设置表=text_tables.get("机构设置"), 文中表=text_tables,
        数字={k: ("" if v is None else w(v)) for k, v in scalar_figures(f).items()}, 词语=dict(profile.词语), 序数=["", *[cn_number(i) for i in range(1, 100)]],
        表=tmap, 表目录=toc, 说明=narrative, 文件名=profile.文件名, 明细说明=detail,
        增减={k: change_words(c, src, places, text_fmt.小数位, text_fmt.千分位) for k, c in f.changes.items()}, 整体绩效=whole, 整体绩效目标=whole_targets, 项目绩效=project_perf,
        名词解释=terms, 科目解释=subjects, 绩效表=_perf_slots(profile),
    )


def _perf_slots(profile: Profile) -> list[str]:
    """Which 绩效目标表 the profile's template places (the tables workbook follows the document)."""
    from ..writing.template_build import SourceError, assemble

    try:
        lines = {line.strip() for line in assemble(profile)}
    except (SourceError, OSError):  # the render reports a broken template source; keep both here
        return ["整体", "项目"]
    return [key for key, slot in (("整体", "[[整体绩效]]"), ("项目", "[[项目绩效]]")) if slot in lines]


def _items_text(items: list, total: Decimal | None, w) -> str:
    """明细 of a declared total, with the 尾差 note when they do not add up to it exactly: the
    total is the exact figure the officer declared (from the 元 system), the items were rounded."""
    text = "、".join(f"{i.名称}{w(i.金额)}万元" for i in items)
    if items and total is not None and sum((i.金额 for i in items), ZERO) != total:
        text += "；因四舍五入，明细之和与合计存在尾差"
    return text


def _project_item(p, b: Budget, src: str, places: int) -> Item:
    """A project in 十、项目支出情况: amount, purpose, and the change when last year's figure is given."""
    prior = b.上年数.项目.get(p.项目编码)
    compared = change_phrase(p.total(), prior.金额, src, places) if prior is not None and prior.金额 is not None else ""
    return Item(p.项目名称, wan(p.total(), src), 比上年=compared,
                原因=_reason(compared, prior.增减原因) if prior is not None else "",
                说明=(p.主要用途 or p.项目概况).rstrip("。"))


def _sme_words(proc: Procurement, w: Callable[[Decimal], str], sh: Callable[[Decimal, Decimal], str]) -> dict[str, str]:
    """面向中小企业/小微企业 amounts and shares: "" for what was not entered (the template then leaves the clause out)."""
    sme, micro = proc.面向中小企业, proc.面向小微企业
    return {"面向中小企业": w(sme) if sme is not None else "",
            "面向中小企业占比": sh(sme, proc.total()) if sme is not None else "",
            "面向小微企业": w(micro) if micro is not None else "",
            "面向小微企业占比": sh(micro, sme) if micro is not None and sme else "",
            "面向小微企业比例": sh(micro, sme)[1:] if micro is not None and sme else ""}


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _people(staff: Personnel) -> str:
    """编制总数…；在职实有人数…；离退休人员… — each clause only when its count was given (absent is not 0)."""
    parts = []
    if staff.编制 is not None:
        detail = "、".join(f"{s.类型}{s.人数}人" for s in staff.编制)
        parts.append(f"编制总数{sum(s.人数 for s in staff.编制)}人" + (f"，其中：{detail}" if detail else ""))
    if staff.实有人数 is not None:
        parts.append(f"在职实有人数{staff.实有人数}人")
    if staff.离退休人数 is not None:
        parts.append(f"离退休人员{staff.离退休人数}人" + (f"（{staff.说明}）" if staff.说明 else ""))
    elif staff.说明 and parts:
        parts.append(staff.说明.rstrip("。"))
    return "；".join(parts) + "。" if parts else "人员构成情况未填报。"


def _vehicle_clause(rows: list[Vehicle] | None, lead: str) -> str:
    """共有车辆0辆，其中：机要通信用车0辆、… — every type entered, zeros included, as the references write it."""
    counts = [(v.类型, v.数量) for v in rows or [] if v.数量 is not None]
    if not counts:
        return ""
    detail = "、".join(f"{kind}{n}辆" for kind, n in counts)
    return f"{lead}{sum(n for _, n in counts)}辆" + (f"，其中：{detail}" if detail else "")


def _held_clauses(a: Assets, src: str, who: str) -> list[str]:
    clauses = [c for c in [_vehicle_clause(a.车辆, f"{who}共有车辆")] if c]
    for label, value in (("单价50万元以上通用设备", a.单价50万元以上通用设备), ("单价100万元以上专用设备", a.单价100万元以上专用设备),
                         ("单价100万元（含）以上设备（不含车辆）", a.单价100万元以上设备)):
        if value is not None:
            clauses.append(f"{label}{value}台（套）")
    if a.上年末固定资产总额 is not None:
        clauses.insert(0, f"{who}固定资产总额{wan(a.上年末固定资产总额, src)}万元")
    return clauses


def _purchase_sentence(a: Assets, year: int) -> str:
    """2025年部门预算安排购置车辆0辆，其中：…；部门预算安排购置单价100万元（含）以上设备（不含车辆）0台（套）。"""
    clauses = [c for c in [_vehicle_clause(a.购置车辆, "部门预算安排购置车辆")] if c]
    if a.购置单价100万元以上设备 is not None:
        clauses.append(f"部门预算安排购置单价100万元（含）以上设备（不含车辆）{a.购置单价100万元以上设备}台（套）")
    return f"{year}年" + "；".join(clauses) + "。" if clauses else ""


def _assets_sentence(a: Assets, year: int, src: str, who: str = "本部门", purchases: bool = True) -> str:
    """国有资产占用: each clause only for what was entered; nothing entered → says so. ``who`` is the
    profile's subject of the sentence (本部门 / the unit's name); ``purchases`` adds this year's purchases."""
    clauses = _held_clauses(a, src, who)
    sentences = []
    if clauses:
        when = f"截至{_date_cn(a.截至日期) or f'{year - 1}年12月31日'}，"
        sentences.append(when + "；".join(clauses) + "。")
    held = []
    for x in a.固定资产占用:
        facts = ([f"数量{x.数量}"] if x.数量 is not None else []) + \
            ([f"价值{wan(x.价值, src)}万元"] if x.价值 is not None else [])
        held.append(x.类别 + (f"（{'，'.join(facts)}）" if facts else ""))
    if held:
        sentences.append("固定资产占用情况：" + "；".join(held) + "。")
    sentences += [p for p in [_purchase_sentence(a, year)] if p and purchases]
    if a.资产配置预算 is not None:
        sentences.append(f"{year}年资产配置预算{wan(a.资产配置预算, src)}万元。")
    if not sentences:
        return a.说明 or "国有资产占用情况未填报。"
    return "".join(sentences) + a.说明


def _fallback_meaning(name: str) -> str:
    """For a 科目 the catalog has no explanation of: 反映城市公共设施方面的支出。 / 反映城市建设支出。"""
    return f"反映{name}。" if name.endswith("支出") else f"反映{name}方面的支出。"


def _car_change(current: Decimal, changes: dict[str, Change]) -> Change:
    """公务用车购置及运行费 against last year: only when both of its prior parts are given."""
    parts = [changes["公务用车购置费"].prior, changes["公务用车运行维护费"].prior]
    prior = None if any(v is None for v in parts) else sum(parts, Decimal(0))
    reasons = [changes[k].reason for k in ("公务用车购置费", "公务用车运行维护费") if changes[k].reason]
    return Change(current, prior, "；".join(reasons))


def _reason(phrase: str, reason: str, level: str = "与上年持平") -> str:
    """The officer's reason follows a change; "与上年持平" (the profile's wording of it) needs none."""
    return "" if not phrase or phrase == level else reason_clause(reason)


def _operating_scope(b: Budget) -> str:
    return b.机关运行经费.范围 or "本部门"


def _sentences(parts: list[str], sep: str = "；") -> str:
    """Join text items without doubled punctuation: 'a。' + 'b。' -> 'a；b'."""
    return sep.join(p.strip().rstrip("。；;，,") for p in parts if p.strip())


def _date_cn(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _source_date() -> str:
    """Reproducible date: SOURCE_DATE_EPOCH when set, else no date at all (never the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.isdigit():
        return ""
    return _date_cn(dt.datetime.fromtimestamp(int(epoch), dt.UTC).date())


__all__ = ["Change", "HeaderCell", "PerfTable", "RenderContext", "Row", "TableCtx", "build_context"]

"""The fill-in workbook's layout, shared by the reader and the writer: sheets, sections, columns.

Workbook layout (both directions share one specification, ``SHEETS``): every input sheet has a
title in row 1, a note in row 2, then sections. A section is a title cell 【…】 in column A, a
header row, and data rows up to the next section. Columns are found by their header text, rows
of a key/value section by their label in column A, so inserted rows, blank rows and reordered
columns are harmless."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..findings import Finding, InputError
from .budget_terms import (
    FISCAL_SOURCES,
    FUND_SOURCES,
    INCOME_SOURCES,
    PRIOR_ITEMS,
    PROCUREMENT_FUNDS,
    THREE_PUBLIC_ITEMS,
)

MAX_BYTES = 20 * 1024 * 1024
"""Workbooks above this size are refused (a filled budget workbook is well under 1 MB)."""
MAX_UNPACKED = 200 * 1024 * 1024
"""Refuse archives that would unpack to more than this (zip bombs)."""


class ExcelError(InputError):
    """Problems found in a workbook; ``.findings`` holds all of them (cell-located), ``.finding`` the first."""

    def __init__(self, findings: Iterable[Finding]):
        self.findings = list(findings)
        if not self.findings:
            self.findings = [Finding("XLSX-FILE", "error", "工作簿有问题")]
        super().__init__(self.findings[0])

    def __str__(self) -> str:
        return "\n".join(f.render() for f in self.findings)


# ================================================================= the layout specification

TEXT, CODE, AMOUNT, INT, NUMBER, DATE, BOOL, CHOICE, LONG = (
    "text", "code", "amount", "int", "number", "date", "bool", "choice", "long",
)
YES, NO = "是", "否"
LEVEL1 = ("产出指标", "成本指标", "效益指标", "满意度指标")
LEVEL2 = ("数量指标", "质量指标", "时效指标", "经济成本指标", "社会成本指标", "生态环境成本指标", "经济效益指标",
          "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标")
SIGNS = ("≥", "≤", "=", ">", "<", "定性")
SIGN_ALIASES = {">=": "≥", "=>": "≥", "＞＝": "≥", "<=": "≤", "=<": "≤", "＜＝": "≤", "＝": "=", "＞": ">", "＜": "<"}
VEHICLE_TYPES = ("机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车", "其他用车")


@dataclass(frozen=True)
class Col:
    """One column of a table section (or one value column of a key/value section)."""

    header: str
    key: tuple[str, ...] | None
    """Path of the value inside the row object; () for a list of plain values; None: shown, never read."""
    kind: str = TEXT
    width: float = 12
    choices: tuple[str, ...] = ()
    strict: bool = True
    """For dropdowns: refuse other values (False: suggestions only)."""
    lengths: tuple[int, ...] = ()
    """Allowed text lengths of a code."""
    zero_blank: bool = False
    """Write a zero as an empty cell (the field defaults to 0)."""
    note: str = ""
    optional: bool = False
    """A column added in a later version: a workbook without it is still read (the values are absent)."""


@dataclass(frozen=True)
class Line:
    """One labelled row of a key/value section."""

    label: str
    path: tuple[str, ...]
    kind: str = TEXT
    choices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    cols: tuple[Col, ...]
    path: tuple[str, ...] | None = None
    """The list in the data this section holds (None: assembled by hand)."""
    spare: int = 10
    note: str = ""
    optional: bool = False
    """A section added in a later version: a workbook without it is still read."""


@dataclass(frozen=True)
class KV:
    title: str
    lines: tuple[Line, ...]
    values: tuple[Col, ...] = (Col("内容", None, width=44),)
    """Value columns; with more than one, each line's data is an object keyed by the columns."""
    note_col: bool = True
    optional: bool = False
    """A section added in a later version: a workbook without it is still read."""
    spread: bool = False
    """Each value column's key is a path prefix and each line's path is appended to it (a grid: lines ×
    columns, e.g. "三公" items × 预算数/决算数); a cell's kind is its line's, or its column's for a TEXT line."""


Section = Table | KV


def cell_kind(line: Line, col: Col) -> str:
    """The kind of the cell of ``line`` under ``col`` in a spread KV section."""
    return line.kind if line.kind != TEXT else col.kind


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    note: str
    sections: tuple[Section, ...]
    roots: tuple[tuple[str, ...], ...] = ()
    """Top-level data paths this sheet holds (for positions of findings on a whole part)."""


@dataclass(frozen=True)
class WorkbookKind:
    """One 文种's fill-in workbook: its sheets, and the words its furniture uses."""

    文种: str
    title: str
    document: str
    tables: str
    sheets: tuple[Sheet, ...]

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sheets)


def _amount(header: str, key: tuple[str, ...] | None = None, zero_blank: bool = True, note: str = "") -> Col:
    return Col(header, key if key is not None else (header,), AMOUNT, 15, zero_blank=zero_blank, note=note)


def _fund_lines(prefix: tuple[str, ...]) -> tuple[Line, ...]:
    return tuple(Line(s, prefix + (s,), AMOUNT) for s in FUND_SOURCES)


BASIC_INFO = KV("【基本信息】", (
    Line("部门名称", ("基本信息", "部门名称"), note="公开主体的全称，如 武汉市青山区科学技术和经济信息化局"),
    Line("部门编码", ("基本信息", "部门编码"), CODE, note="如 307（按文本填写，保留开头的 0）"),
    Line("预算年度", ("基本信息", "预算年度"), INT, note="如 2024"),
    Line("金额单位", ("基本信息", "金额单位"), CHOICE, ("元", "万元"), "本工作簿所有金额的单位：元 或 万元"),
    Line("表格金额单位", ("基本信息", "表格金额单位"), CHOICE, ("元", "万元"), "预算表显示的单位；不填则同金额单位"),
    Line("公开口径", ("基本信息", "口径"), CHOICE, ("部门", "单位"), "部门（汇总）或 单位；不填为 部门"),
    Line("是否汇总", ("基本信息", "汇总"), BOOL, (YES, NO), "部门含二级单位、按汇总口径公开时填 是"),
    Line("地区", ("基本信息", "地区"), note="如 青山区"),
    Line("版式（可选）", ("基本信息", "版式"), note="公开文本的地区版式：湖北（默认）、河北、上海"),
    Line("公开日期", ("基本信息", "公开日期"), DATE, note="如 2024-02-05"),
    Line("填报人", ("基本信息", "填报人")),
    Line("联系电话", ("基本信息", "联系电话"), CODE),
))

SHEETS: tuple[Sheet, ...] = (
    Sheet("基本信息", "基本信息", "部门名称、年度、金额单位等；下方列出纳入本预算的预算单位（本级和二级单位）。", (
        BASIC_INFO,
        Table("【预算单位】", (
            Col("单位编码", ("编码",), CODE, 14, note="预算单位编码，如 307001"),
            Col("单位名称", ("名称",), TEXT, 40),
            Col("类型", ("类型",), CHOICE, 12, ("本级", "二级单位"), note="本级 或 二级单位；不填为 本级"),
            Col("单位性质", ("单位性质",), TEXT, 30, note="如 行政单位、公益一类事业单位"),
            *(Col(f"本年收入：{s}", ("本年收入", s), AMOUNT, 14, note="可选：各单位都填时收入总表按单位列示")
              for s in INCOME_SOURCES),
            *(Col(f"上年结转结余：{s}", ("上年结转结余", s), AMOUNT, 14, note="可选") for s in FUND_SOURCES),
        ), ("基本信息", "预算单位"), spare=8),
    ), (("基本信息",),)),
    Sheet("部门概况", "部门概况", "第一部分的文字：每条职责、每个机构、每项任务各占一行，不要自己编号。", (
        Table("【主要职责】", (Col("主要职责（每行一条，不带编号）", (), LONG, 100),), ("部门概况", "主要职责"), spare=8),
        Table("【内设机构】", (Col("内设机构名称", (), TEXT, 40),), ("部门概况", "内设机构"), spare=8),
        Table("【所属二级单位】", (
            Col("单位名称", ("名称",), TEXT, 40),
            Col("单位性质", ("性质",), TEXT, 30),
            Col("纳入本预算", ("纳入本预算",), BOOL, 12, (YES, NO), note="是 或 否；不填为 是"),
        ), ("部门概况", "二级单位"), spare=5),
        KV("【人员构成】", (
            Line("在职实有人数", ("部门概况", "人员构成", "实有人数"), INT),
            Line("离退休人数", ("部门概况", "人员构成", "离退休人数"), INT),
            Line("补充说明", ("部门概况", "人员构成", "说明"), LONG, note="如 离退休人员中离休0人、退休32人"),
        )),
        Table("【编制数（按类型）】", (
            Col("编制类型", ("类型",), TEXT, 20, note="行政编制、事业编制、工勤编制 等"),
            Col("编制人数", ("人数",), INT, 12),
        ), ("部门概况", "人员构成", "编制"), spare=4),
        Table("【年度主要工作任务（可选）】", (Col("年度主要工作任务（每行一条）", (), LONG, 100),),
              ("部门概况", "年度主要工作任务"), spare=8),
        Table("【机构设置（可选）】", (
            Col("单位名称", ("单位名称",), TEXT, 40),
            Col("单位性质", ("单位性质",), TEXT, 20, note="如 行政、参公事业、公益一类事业"),
            Col("单位规格", ("单位规格",), TEXT, 14, note="如 正科级"),
            Col("经费保障形式", ("经费保障形式",), TEXT, 16, note="如 财政拨款"),
        ), ("部门概况", "机构设置"), spare=5, optional=True),
        KV("【其他需要说明的事项（可选）】", (
            Line("其他需要说明的事项", ("其他需要说明的事项",), LONG, note="自由文字；不填则文档不列此节"),
        ), optional=True),
        KV("【职能概述（可选）】", (
            Line("职能概述", ("部门概况", "职能概述"), LONG,
                 note="职责前的一句，如 上海市财政局是主管全市财政工作的市政府组成部门。不填则不写"),
        ), optional=True),
    ), (("部门概况",), ("其他需要说明的事项",))),
    Sheet("收入", "收入与结转结余", "本年收入按来源填写；上年结转结余、年终结转结余按资金来源填写；合计、总计可选，填写则校验。", (
        KV("【本年收入】", tuple(Line(s, ("收入", "本年收入", s), AMOUNT) for s in INCOME_SOURCES)
           + (Line("本年收入合计（可选）", ("收入", "本年收入合计"), AMOUNT, note="填写则校验 = 各项收入之和"),),
           (Col("金额", None, AMOUNT, 18),)),
        KV("【上年结转结余】", _fund_lines(("收入", "上年结转结余")), (Col("金额", None, AMOUNT, 18),)),
        KV("【年终结转结余】", _fund_lines(("支出", "年终结转结余")), (Col("金额", None, AMOUNT, 18),)),
        KV("【总计（可选，填写则校验）】", (
            Line("收入总计", ("收入", "收入总计"), AMOUNT, note="= 本年收入合计 + 上年结转结余"),
            Line("本年支出合计", ("支出", "本年支出合计"), AMOUNT, note="= 各功能分类行之和"),
            Line("支出总计", ("支出", "支出总计"), AMOUNT, note="= 本年支出合计 + 年终结转结余"),
        ), (Col("金额", None, AMOUNT, 18),)),
    ), (("收入",),)),
    Sheet("功能分类支出", "支出（按功能分类，项级）",
          "每个“项”（7位编码）一行；同一科目由两种资金来源支付时填两行。基本支出 = 人员经费 + 公用经费。", (
        Table("【功能分类支出】", (
            Col("科目编码", ("科目编码",), CODE, 12, lengths=(7,), note="项级，7位，如 2060101"),
            Col("科目名称", ("科目名称",), TEXT, 30, note="如 行政运行"),
            Col("资金来源", ("资金来源",), CHOICE, 16, FUND_SOURCES, note="不填为 一般公共预算"),
            _amount("人员经费", note="基本支出：人员经费"),
            _amount("公用经费", note="基本支出：公用经费"),
            _amount("项目支出"),
            _amount("事业单位经营支出"),
            _amount("上缴上级支出"),
            _amount("对附属单位补助支出"),
            _amount("基本支出（可选）", ("基本支出",), False, "填写则校验 = 人员经费 + 公用经费"),
            _amount("合计（可选）", ("合计",), False, "填写则校验 = 各支出列之和"),
            replace(_amount("其中：上年结转（可选）", ("上年结转",), False, "本行支出中由上年结转结余安排的部分（河北收入总表分列）"), optional=True),
        ), ("支出", "功能分类"), spare=30),
        Table("【类/款小计（可选，填写则校验）】", (
            Col("科目编码", ("科目编码",), CODE, 12, lengths=(3, 5), note="类3位或款5位"),
            Col("科目名称", ("科目名称",), TEXT, 30),
            _amount("合计", zero_blank=False),
        ), ("支出", "小计"), spare=10),
    ), (("支出",),)),
    Sheet("经济分类基本支出", "一般公共预算基本支出（按经济分类，款级）", "每个“款”（5位编码）一行，与功能分类的基本支出相等。", (
        Table("【经济分类基本支出】", (
            Col("科目编码", ("科目编码",), CODE, 12, lengths=(5,), note="款级，5位，如 30101"),
            Col("科目名称", ("科目名称",), TEXT, 30, note="如 基本工资"),
            _amount("人员经费"),
            _amount("公用经费"),
            _amount("合计（可选）", ("合计",), False, "填写则校验 = 人员经费 + 公用经费"),
        ), ("经济分类基本支出",), spare=30),
    ), (("经济分类基本支出",),)),
    Sheet("三公经费", "一般公共预算“三公”经费与机关运行经费", "没有的项目填 0。", (
        KV("【一般公共预算“三公”经费】", (
            Line("因公出国（境）费", ("三公经费", "因公出国（境）费"), AMOUNT),
            Line("公务用车购置费", ("三公经费", "公务用车购置费"), AMOUNT),
            Line("公务用车运行维护费", ("三公经费", "公务用车运行维护费"), AMOUNT),
            Line("公务接待费", ("三公经费", "公务接待费"), AMOUNT),
            Line("其中：教学科研人员因公出国（境）费（可选）", ("三公经费", "教学科研人员因公出国（境）费"), AMOUNT,
                 note="两项都填时校验之和 = 因公出国（境）费"),
            Line("其中：其他因公出国（境）费（可选）", ("三公经费", "其他因公出国（境）费"), AMOUNT),
            Line("会议费（可选）", ("三公经费", "会议费"), AMOUNT, note="部分地区同表公开；不计入“三公”合计"),
            Line("培训费（可选）", ("三公经费", "培训费"), AMOUNT, note="部分地区同表公开；不计入“三公”合计"),
            Line("公务用车购置及运行费（可选）", ("三公经费", "公务用车购置及运行费"), AMOUNT, note="填写则校验 = 购置费 + 运行维护费"),
            Line("合计（可选）", ("三公经费", "合计"), AMOUNT, note="填写则校验 = 三项之和"),
        ), (Col("金额", None, AMOUNT, 18),)),
        KV("【“三公”经费按资金来源分列（可选）】", tuple(
            Line(k, ("三公经费", "资金来源", k), AMOUNT) for k in THREE_PUBLIC_ITEMS
        ), tuple(Col(s, (s,), AMOUNT, 16) for s in FISCAL_SOURCES), optional=True),
        KV("【机关运行经费】", (
            Line("机关运行经费", ("机关运行经费", "金额"), AMOUNT),
            Line("口径范围", ("机关运行经费", "范围"), TEXT, note="如 本级机关；不填则写“本部门”"),
        ), (Col("金额", None, AMOUNT, 18),)),
        Table("【机关运行经费明细（可选）】", (
            Col("名称", ("名称",), TEXT, 30, note="如 办公费、印刷费"),
            _amount("金额", zero_blank=False),
        ), ("机关运行经费", "明细"), spare=15),
    ), (("三公经费",), ("机关运行经费",))),
    Sheet("政府采购", "政府采购预算", "按类别填写合计；采购明细可选，填写则按类别校验。", (
        KV("【政府采购预算】", (
            Line("货物", ("政府采购", "货物"), AMOUNT),
            Line("工程", ("政府采购", "工程"), AMOUNT),
            Line("服务", ("政府采购", "服务"), AMOUNT),
            Line("面向中小企业", ("政府采购", "面向中小企业"), AMOUNT, note="面向中小企业采购金额"),
            Line("面向小微企业", ("政府采购", "面向小微企业"), AMOUNT, note="其中面向小微企业采购金额"),
            Line("合计（可选）", ("政府采购", "合计"), AMOUNT, note="填写则校验 = 货物 + 工程 + 服务"),
        ), (Col("金额", None, AMOUNT, 18),)),
        Table("【采购明细（可选）】", (
            Col("所属项目", ("项目",), TEXT, 26),
            Col("采购品目", ("品目",), TEXT, 30, note="如 [C21040000]物业管理服务"),
            Col("类别", ("类别",), CHOICE, 10, ("货物", "工程", "服务")),
            Col("采购数量", ("数量",), NUMBER, 10),
            Col("计量单位", ("计量单位",), TEXT, 10),
            _amount("采购金额", ("金额",), False),
            _amount("其中面向中小企业", ("面向中小企业",)),
            _amount("其中面向小微企业", ("面向小微企业",)),
            Col("政府采购目录序号（可选）", ("目录序号",), CODE, 16, note="如 A02010105；不填时取品目开头 [ ] 中的序号",
                optional=True),
            Col("单价（可选）", ("单价",), AMOUNT, 14, optional=True),
            Col("所属项目预算资金（可选）", ("项目预算资金",), AMOUNT, 16, note="不填时取同名项目的预算数", optional=True),
            *(Col(f"资金来源：{s}（可选）", ("资金来源", s), AMOUNT, 14, optional=True,
                  note="按资金来源分列采购金额（河北版式）；填写则校验之和 = 采购金额") for s in PROCUREMENT_FUNDS),
        ), ("政府采购", "明细"), spare=20),
    ), (("政府采购",),)),
    Sheet("国有资产", "国有资产占用", "车辆按类型逐行填写数量（没有填 0）。", (
        KV("【国有资产占用】", (
            Line("统计截至日期", ("国有资产", "截至日期"), DATE, note="如 2023-12-31"),
            Line("单价50万元以上通用设备（台/套）", ("国有资产", "单价50万元以上通用设备"), INT),
            Line("单价100万元以上专用设备（台/套）", ("国有资产", "单价100万元以上专用设备"), INT),
            Line("单价100万元（含）以上设备（不含车辆）（台/套，可选）", ("国有资产", "单价100万元以上设备"), INT,
                 note="上海的口径"),
            Line("本年预算安排购置单价100万元（含）以上设备（台/套，可选）", ("国有资产", "购置单价100万元以上设备"), INT),
            Line("本年资产配置预算金额", ("国有资产", "资产配置预算"), AMOUNT),
            Line("上年末固定资产总额（可选）", ("国有资产", "上年末固定资产总额"), AMOUNT),
            Line("补充说明", ("国有资产", "说明"), LONG),
        )),
        Table("【车辆】", (
            Col("车辆类型", ("类型",), TEXT, 24, note="如 机要通信用车、应急保障用车、执法执勤用车"),
            Col("数量（辆）", ("数量",), INT, 12),
        ), ("国有资产", "车辆"), spare=5),
        Table("【本年预算安排购置车辆（可选）】", (
            Col("车辆类型", ("类型",), TEXT, 24, note="如 机要通信用车、应急保障用车；不购置请按类型填 0"),
            Col("数量（辆）", ("数量",), INT, 12),
        ), ("国有资产", "购置车辆"), spare=5, optional=True),
        Table("【固定资产占用（可选）】", (
            Col("资产类别", ("类别",), TEXT, 24, note="如 房屋、车辆、单价100万元以上设备"),
            Col("数量", ("数量",), INT, 12),
            _amount("价值", ("价值",), False),
        ), ("国有资产", "固定资产占用"), spare=6, optional=True),
    ), (("国有资产",),)),
    Sheet("政府购买服务", "政府购买服务", "合计必填（没有填 0），明细可选。", (
        KV("【政府购买服务】", (Line("政府购买服务预算合计", ("政府购买服务", "合计"), AMOUNT),),
           (Col("金额", None, AMOUNT, 18),)),
        Table("【明细（可选）】", (
            Col("名称", ("名称",), TEXT, 30),
            _amount("金额", zero_blank=False),
        ), ("政府购买服务", "明细"), spare=15),
    ), (("政府购买服务",),)),
    Sheet("项目", "项目支出", "每个项目一行，金额按资金来源分列；绩效目标和指标在“绩效目标”“绩效指标”表填写。", (
        Table("【项目支出】", (
            Col("项目编码", ("项目编码",), CODE, 24),
            Col("项目名称", ("项目名称",), TEXT, 30),
            Col("项目单位", ("项目单位",), TEXT, 26, note="不填为部门名称"),
            *(_amount(s, ("资金来源", s)) for s in FUND_SOURCES),
            _amount("合计（可选）", ("合计",), False, "填写则校验 = 各资金来源之和"),
            Col("项目类型", ("项目类型",), TEXT, 14, note="如 经常性项目、一次性项目"),
            Col("项目属性", ("项目属性",), TEXT, 14, note="如 延续性项目、新增项目"),
            Col("功能分类科目", ("功能分类科目",), CODE, 14, lengths=(7,), note="可选，7位"),
            Col("项目概况", ("项目概况",), LONG, 40),
            Col("立项依据", ("立项依据",), LONG, 40),
            Col("主要用途", ("主要用途",), LONG, 30, note="情况说明中“主要用于……”的内容"),
            Col("资金用途（可选）", ("资金用途",), LONG, 30, note="绩效目标表“预算规模及资金用途”的说明", optional=True),
            Col("其他资金（可选）", ("其他资金",), AMOUNT, 15, note="财政拨款以外的部分；填写则校验", optional=True),
            *(Col(f"资金支出计划：{m}累计（可选）", ("资金支出计划", m), AMOUNT, 15, optional=True,
                  note="截至该月底的累计支出金额（不是百分比）；12月底 = 项目预算数") for m in ("3月底", "6月底", "10月底", "12月底")),
            Col("项目负责人", ("项目负责人",), TEXT, 12),
            Col("起止日期", ("起止日期",), TEXT, 26, note="如 2024年1月1日至2024年12月31日"),
        ), ("项目",), spare=30),
    ), (("项目",),)),
    Sheet("绩效目标", "绩效目标",
          "每个设绩效目标的项目一行（归属填项目编码）；部门整体目标每个一行，归属填 整体-长期目标1、整体-年度目标1 ……", (
        Table("【绩效目标】", (
            Col("归属", None, CODE, 26, note="项目编码，或 整体-长期目标N、整体-年度目标N"),
            Col("项目名称（参考，不导入）", None, TEXT, 30),
            Col("总目标（项目中期目标）", ("总目标",), LONG, 50, note="仅项目填写；可不填"),
            Col("年度目标 / 目标内容", ("年度目标",), LONG, 50, note="项目的年度绩效目标，或部门整体目标的内容"),
        ), None, spare=20),
    ), (("部门整体绩效",),)),
    Sheet("绩效指标", "绩效指标", "每个指标一行；归属同“绩效目标”表（项目编码，或 整体-长期目标N、整体-年度目标N）。", (
        Table("【绩效指标】", (
            Col("归属", None, CODE, 26, note="项目编码，或 整体-长期目标N、整体-年度目标N"),
            Col("一级指标", ("一级指标",), CHOICE, 12, LEVEL1),
            Col("二级指标", ("二级指标",), CHOICE, 18, LEVEL2, strict=False, note="可从下拉选择，也可填写其他"),
            Col("三级指标", ("三级指标",), TEXT, 30, note="指标名称"),
            Col("符号", ("符号",), CHOICE, 8, SIGNS, note="≥ ≤ = > < 或 定性；不填为 ="),
            Col("指标值", ("指标值",), TEXT, 14, note="定量指标填数字，定性指标填文字"),
            Col("计量单位", ("计量单位",), TEXT, 10, note="如 %、家、次"),
            Col("指标值确定依据", ("指标值确定依据",), TEXT, 16, note="如 计划标准、历史标准"),
            Col("前年值", ("前年值",), TEXT, 12),
            Col("上年值", ("上年值",), TEXT, 12),
            Col("绩效指标描述（可选）", ("绩效指标描述",), LONG, 30, optional=True),
        ), None, spare=40),
    )),
    Sheet("上年数", "上年预算数与增减原因", "情况说明与上年比较时使用；金额和原因都不填的行不导入。", (
        KV("【上年数】", tuple(Line(k, ("上年数", k)) for k in PRIOR_ITEMS),
           (Col("上年预算数", ("金额",), AMOUNT, 18), Col("增减原因", ("增减原因",), LONG, 50)), note_col=False),
        Table("【一般公共预算支出按功能分类（类或项）】", (
            Col("科目编码", None, CODE, 12, lengths=(3, 5, 7)),
            _amount("上年预算数", ("金额",), False),
            Col("增减原因", ("增减原因",), LONG, 50),
            Col("科目名称（参考，不导入）", None, TEXT, 30),
        ), None, spare=10),
        Table("【项目】", (
            Col("项目编码", None, CODE, 24),
            _amount("上年预算数", ("金额",), False),
            Col("增减原因", ("增减原因",), LONG, 50),
            Col("项目名称（参考，不导入）", None, TEXT, 30),
        ), None, spare=10),
    ), (("上年数",),)),
    Sheet("名词解释", "名词解释", "补充名词，或与内置名词同名以覆盖内置解释；不需要可以不填。", (
        Table("【名词解释】", (
            Col("术语", ("术语",), TEXT, 24),
            Col("解释", ("解释",), LONG, 90),
        ), ("名词解释",), spare=15),
    ), (("名词解释",),)),
)
SHEET_NAMES = tuple(s.name for s in SHEETS)
BUDGET_WORKBOOK = WorkbookKind("预算", "部门预算填报工作簿", "部门预算公开", "预算表", SHEETS)


def _section(sheet: str, title: str) -> Section:
    spec = next(s for s in SHEETS if s.name == sheet)
    return next(sec for sec in spec.sections if sec.title == title)

INFO_SHEET = "说明"
TARGETS = _section("绩效目标", "【绩效目标】")
INDICATORS = _section("绩效指标", "【绩效指标】")
SUBTOTALS = _section("功能分类支出", "【类/款小计（可选，填写则校验）】")
PRIOR_TABLES = {"【一般公共预算支出按功能分类（类或项）】": "功能分类", "【项目】": "项目"}
WHOLE_RE = re.compile(r"^整体\s*[-－—–_:：]?\s*(长期目标|年度目标)\s*(\d+)$")


# ================================================================= reading



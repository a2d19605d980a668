"""Excel in and out: a fill-in workbook for the budget input, and the standard tables as a workbook.

Why this module exists: budget officers live in Excel. They get a workbook laid out like the
standard tables (``excel-template``, optionally prefilled from a YAML/JSON budget), fill it, and
either feed it to ``validate``/``generate`` directly or convert it to YAML (``import``). Reading
a workbook gives exactly the plain data ``load.load_file`` gives for YAML (``Decimal`` amounts,
``str`` codes, Chinese keys) plus a ``SourceMap`` whose positions are cells, so every later
finding says ``预算.xlsx:功能分类支出!F12``. A bad workbook (not an .xlsx, a renamed sheet, text
in an amount cell, merged or formula cells) becomes findings, never a traceback.

``write_tables_xlsx`` writes the standard tables of the render context as a print-ready workbook
(A4, header rows repeated, fit to width) whose cells show exactly the figures of the Word tables.

Workbook layout (both directions share one specification, ``SHEETS``): every input sheet has a
title in row 1, a note in row 2, then sections. A section is a title cell 【…】 in column A, a
header row, and data rows up to the next section. Columns are found by their header text, rows
of a key/value section by their label in column A, so inserted rows, blank rows and reordered
columns are harmless.

Numbers: Excel stores IEEE doubles. A float cell is read as the number Excel displays, at most
15 significant digits (``1234.5600000000001`` → ``Decimal("1234.56")``); integers stay exact.
Extra decimals are not rounded away here: the HYG-DECIMALS rule reports them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from . import files
from .findings import Finding, InputError, Position, SourceMap
from .model import FUND_SOURCES, INCOME_SOURCES, PRIOR_ITEMS, Budget, build

if TYPE_CHECKING:
    from .narrate import PerfTable, RenderContext, TableCtx

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


@dataclass(frozen=True)
class KV:
    title: str
    lines: tuple[Line, ...]
    values: tuple[Col, ...] = (Col("内容", None, width=44),)
    """Value columns; with more than one, each line's data is an object keyed by the columns."""
    note_col: bool = True


Section = Table | KV


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    note: str
    sections: tuple[Section, ...]
    roots: tuple[tuple[str, ...], ...] = ()
    """Top-level data paths this sheet holds (for positions of findings on a whole part)."""


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
    ), (("部门概况",),)),
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
            Line("公务用车购置及运行费（可选）", ("三公经费", "公务用车购置及运行费"), AMOUNT, note="填写则校验 = 购置费 + 运行维护费"),
            Line("合计（可选）", ("三公经费", "合计"), AMOUNT, note="填写则校验 = 三项之和"),
        ), (Col("金额", None, AMOUNT, 18),)),
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
        ), ("政府采购", "明细"), spare=20),
    ), (("政府采购",),)),
    Sheet("国有资产", "国有资产占用", "车辆按类型逐行填写数量（没有填 0）。", (
        KV("【国有资产占用】", (
            Line("统计截至日期", ("国有资产", "截至日期"), DATE, note="如 2023-12-31"),
            Line("单价50万元以上通用设备（台/套）", ("国有资产", "单价50万元以上通用设备"), INT),
            Line("单价100万元以上专用设备（台/套）", ("国有资产", "单价100万元以上专用设备"), INT),
            Line("本年资产配置预算金额", ("国有资产", "资产配置预算"), AMOUNT),
            Line("补充说明", ("国有资产", "说明"), LONG),
        )),
        Table("【车辆】", (
            Col("车辆类型", ("类型",), TEXT, 24, note="如 机要通信用车、应急保障用车、执法执勤用车"),
            Col("数量（辆）", ("数量",), INT, 12),
        ), ("国有资产", "车辆"), spare=5),
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


@dataclass
class _Cell:
    value: Any
    pos: Position


@dataclass
class _Row:
    pos: Position
    cells: dict[str, _Cell]
    """By column header; every column of the spec that the sheet has (blank cells too)."""

    def get(self, header: str) -> Any:
        cell = self.cells.get(header)
        return None if cell is None else cell.value


@dataclass
class _Parsed:
    title_pos: Position
    rows: list[_Row] = field(default_factory=list)
    lines: dict[str, _Row] = field(default_factory=dict)
    """Key/value sections: rows by label."""


class _Reader:
    """Reads the sections of every sheet, collecting cell problems as findings."""

    def __init__(self, path: Path, display: str):
        self.path = path
        self.display = display
        self.findings: list[Finding] = []
        self.wb = self._open()
        self._values_wb: Any = None

    # -------------------------------------------------------------- file level

    def _fail(self, message: str) -> InputError:
        return InputError(Finding("XLSX-FILE", "error", message, file=self.display))

    def _open(self) -> Any:
        path = self.path
        try:
            size = path.stat().st_size
            with path.open("rb") as fh:
                magic = fh.read(8)
        except FileNotFoundError:
            raise InputError(Finding("FILE-NOT-FOUND", "error", "找不到文件，请检查路径", file=self.display)) from None
        except IsADirectoryError:
            raise self._fail("这是一个目录，不是 Excel 工作簿") from None
        except OSError as exc:
            raise self._fail(f"无法读取文件：{exc.strerror}") from None
        if size == 0:
            raise self._fail("文件是空的，不是 Excel 工作簿")
        if size > MAX_BYTES:
            raise self._fail(f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节），请确认选对了文件")
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise self._fail("工作簿设置了打开密码，或是旧版 .xls 格式：请在 Excel 中取消密码并“另存为 .xlsx”后重试")
        if not magic.startswith(b"PK"):
            raise self._fail("不是 Excel 工作簿（.xlsx）：请用 Excel 或 WPS 打开后“另存为 .xlsx”，或用 budgetdoc excel-template 生成填报表")
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
                if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
                    raise self._fail("工作簿解压后过大，拒绝读取")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
            raise self._fail("工作簿已损坏（不是完整的 .xlsx 文件），请重新保存或重新生成") from None
        if "xl/workbook.xml" not in names:
            raise self._fail("不是 Excel 工作簿（.xlsx）：文件里没有工作表（可能是 Word 文档或其他压缩文件）")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
                return load_workbook(path, data_only=False)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
            raise self._fail(f"工作簿无法读取（{type(exc).__name__}），请在 Excel 中打开并另存为 .xlsx 后重试") from None

    def values_sheet(self, name: str) -> Worksheet:
        """The same sheet with formulas replaced by their cached values (loaded only when needed)."""
        if self._values_wb is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._values_wb = load_workbook(self.path, data_only=True)
        return self._values_wb[name]

    def issue(self, rule: str, message: str, pos: Position) -> None:
        self.findings.append(Finding(rule, "error", message, file=self.display, position=pos))

    def check_sheets(self) -> bool:
        present = self.wb.sheetnames
        missing = [n for n in SHEET_NAMES if n not in present]
        extra = [n for n in present if n not in SHEET_NAMES and n != INFO_SHEET]
        for name in missing:
            near = get_close_matches(name, extra, n=1, cutoff=0.3)
            hint = f"；工作表“{near[0]}”是否由它改名而来？请改回“{name}”" if near else ""
            self.issue("XLSX-SHEET", f"缺少工作表“{name}”{hint}。填报工作簿应包含：{'、'.join(SHEET_NAMES)}"
                       "（请勿删除或重命名工作表；可用 budgetdoc excel-template 重新生成）", Position(sheet=name))
        return not missing

    # -------------------------------------------------------------- sheet level

    def read_sheet(self, spec: Sheet) -> dict[str, _Parsed]:
        ws = self.wb[spec.name]
        titles = {_norm(s.title): s for s in spec.sections}
        starts: list[tuple[int, Section]] = []
        boundaries: list[int] = []
        for row in range(1, ws.max_row + 1):
            sec = titles.get(_norm(_text(ws.cell(row, 1).value)))
            if sec is not None and all(s is not sec for _, s in starts):
                starts.append((row, sec))
                boundaries.append(row)
        boundaries.append(ws.max_row + 1)
        merged = _merged_map(ws)
        out: dict[str, _Parsed] = {}
        for sec in spec.sections:
            start = next((r for r, s in starts if s is sec), None)
            if start is None:
                self.issue("XLSX-SECTION", f"工作表“{spec.name}”中找不到“{sec.title}”这一部分（A列的标题被改动或删除了），"
                           "请改回原标题", Position(sheet=spec.name, cell="A1"))
                continue
            end = min(b for b in boundaries if b > start)
            parsed = _Parsed(Position(sheet=spec.name, cell=f"A{start}"))
            self._read_section(ws, spec.name, sec, start, end, merged, parsed)
            out[sec.title] = parsed
        return out

    def _read_section(self, ws: Worksheet, name: str, sec: Section, start: int, end: int,
                      merged: dict[tuple[int, int], str], parsed: _Parsed) -> None:
        header_row = next((r for r in range(start + 1, end) if any(
            _text(ws.cell(r, c).value) for c in range(1, ws.max_column + 1))), None)
        cols = sec.cols if isinstance(sec, Table) else sec.values
        if header_row is None:
            self.issue("XLSX-HEADER", f"“{sec.title}”下面缺少表头行", parsed.title_pos)
            return
        found: dict[str, int] = {}
        headers = {_norm(_text(ws.cell(header_row, c).value)): c for c in range(1, ws.max_column + 1)}
        for i, col in enumerate(cols):
            c = headers.get(_norm(col.header))
            if c is None:
                where = Position(sheet=name, cell=f"{get_column_letter(i + (1 if isinstance(sec, Table) else 2))}{header_row}")
                self.issue("XLSX-HEADER", f"“{sec.title}”缺少列“{col.header}”（表头被改动或删除了），请改回原表头", where)
                continue
            found[col.header] = c
        reported: set[str] = set()
        for r in range(header_row + 1, end):
            cells: dict[str, _Cell] = {}
            for col in cols:
                c = found.get(col.header)
                if c is None:
                    continue
                pos = Position(sheet=name, cell=f"{get_column_letter(c)}{r}")
                raw = isinstance(sec, KV) and len(sec.values) == 1  # converted below by the line's kind
                value = self._value(ws, name, r, c, col, merged, reported, pos, raw)
                cells[col.header] = _Cell(value, pos)
            row = _Row(Position(sheet=name, cell=f"A{r}"), cells)
            if isinstance(sec, KV):
                label = _norm(_text(ws.cell(r, 1).value))
                if not label:
                    if any(cell.value is not None for cell in cells.values()):
                        self.issue("XLSX-LABEL", "这一行A列没有项目名称，填写的数值无法识别，请补上名称或删除这一行",
                                   row.pos)
                    continue
                line = next((ln for ln in sec.lines if _norm(ln.label) == label), None)
                if line is None:
                    self.issue("XLSX-LABEL", f"不认识的项目“{_text(ws.cell(r, 1).value)}”，应为："
                               f"{'、'.join(ln.label for ln in sec.lines)}（请勿修改A列的名称）", row.pos)
                    continue
                if len(sec.values) == 1:  # one value column: convert by the line's kind
                    cell = next(iter(cells.values()), None)
                    if cell is not None and cell.value is not None:
                        cell.value = self.convert(cell.value, line.kind, cell.pos, line.label)
                if line.label in parsed.lines:
                    self.issue("XLSX-LABEL", f"项目“{line.label}”出现了两次，请删除其中一行", row.pos)
                    continue
                parsed.lines[line.label] = row
            elif any(cell.value is not None for h, cell in cells.items()):
                parsed.rows.append(row)

    def _value(self, ws: Worksheet, name: str, r: int, c: int, col: Col, merged: dict[tuple[int, int], str],
               reported: set[str], pos: Position, raw: bool) -> Any:
        area = merged.get((r, c))
        if area is not None:
            if area not in reported:
                reported.add(area)
                self.issue("XLSX-MERGED", f"单元格 {area} 是合并单元格：填写内容的位置不能合并，请取消合并后逐格填写", pos)
            return None
        cell = ws.cell(r, c)
        value = cell.value
        if cell.data_type == "f":
            cached = self.values_sheet(name).cell(r, c)
            if cached.value is None:
                self.issue("XLSX-FORMULA", f"单元格是公式（{str(value)[:40]}），但工作簿里没有保存计算结果："
                           "请在 Excel 中打开并保存一次，或把公式改为数值", pos)
                return None
            if cached.data_type == "e":
                self.issue("XLSX-FORMULA", f"公式的结果是错误值 {cached.value}，请修正公式或改为数值", pos)
                return None
            value = cached.value
        elif cell.data_type == "e":
            self.issue("XLSX-NUMBER", f"单元格是错误值 {value}，请改为数值", pos)
            return None
        if isinstance(value, str):
            value = value.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n").strip()
            if not value:
                return None
        if value is None or raw:
            return value
        if col.key is None:
            return _as_text(value)
        return self.convert(value, col.kind, pos, col.header)

    # -------------------------------------------------------------- cell values

    def convert(self, value: Any, kind: str, pos: Position, label: str) -> Any:
        """A cell value as the loader would give it for YAML; problems become findings (value None)."""
        if kind in (AMOUNT, NUMBER):
            number = _as_decimal(value)
            if number is None:
                what = "金额" if kind == AMOUNT else "数量"
                self.issue("XLSX-NUMBER", f"“{label}”应为{what}数字，实际为“{_show(value)}”：请只填数字（如 1234.56），"
                           "不要带单位、文字或空格", pos)
            return number
        if kind == INT:
            number = _as_decimal(value)
            if number is None or number != number.to_integral_value():
                self.issue("XLSX-NUMBER", f"“{label}”应为整数，实际为“{_show(value)}”", pos)
                return None
            return int(number)
        if kind == DATE:
            date = _as_date(value)
            if date is None:
                self.issue("XLSX-VALUE", f"“{label}”应为日期（如 2024-02-05），实际为“{_show(value)}”", pos)
            return date
        if kind == BOOL:
            if isinstance(value, bool):
                return value
            text = _as_text(value).lower()
            if text in ("是", "true", "1", "y", "yes", "√"):
                return True
            if text in ("否", "false", "0", "n", "no", "×"):
                return False
            self.issue("XLSX-VALUE", f"“{label}”应填“是”或“否”，实际为“{_show(value)}”", pos)
            return None
        text = _as_text(value)
        if kind == CHOICE:
            text = SIGN_ALIASES.get(text, text)
        return text


def _merged_map(ws: Worksheet) -> dict[tuple[int, int], str]:
    """Every cell covered by a merged range (within the used area: a whole-column merge stays cheap)."""
    out: dict[tuple[int, int], str] = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, min(rng.max_row, ws.max_row) + 1):
            for c in range(rng.min_col, min(rng.max_col, ws.max_column) + 1):
                out[(r, c)] = rng.coord
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _from_float(value: float) -> Decimal:
    """The number Excel shows for a double: at most 15 significant digits."""
    number = Decimal(repr(value))
    if len(number.as_tuple().digits) > 15:
        number = Decimal(format(value, ".15g"))
    return number


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _from_float(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    text = re.sub(r"[\s,，\u00a0]", "", str(value))
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        value = _from_float(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() and abs(value) < 10**15 else format(value, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError):
            return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(value).strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


# ---------------------------------------------------------------- assembling the data


class _Assembler:
    """Turns parsed sections into the plain data of the YAML input, recording a cell for every path."""

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.data: dict[str, Any] = {}
        self.positions: dict[tuple, Position] = {}

    def pos(self, path: tuple, where: Position) -> None:
        self.positions.setdefault(path, where)

    def put(self, path: tuple, value: Any) -> None:
        node = self.data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    def row_object(self, row: _Row, cols: tuple[Col, ...], base: tuple) -> Any:
        """One table row as the list item (a dict, or the value itself for a list of plain values)."""
        self.pos(base, row.pos)
        item: dict[str, Any] = {}
        for col in cols:
            cell = row.cells.get(col.header)
            if col.key is None or cell is None:
                continue
            if col.key == ():
                self.pos(base, cell.pos)
                return cell.value
            self.pos(base + col.key, cell.pos)
            if cell.value is None:
                continue
            node = item
            for key in col.key[:-1]:
                node = node.setdefault(key, {})
            node[col.key[-1]] = cell.value
        return item

    def table(self, parsed: _Parsed, sec: Table, path: tuple) -> list:
        self.pos(path, parsed.title_pos)
        items = [self.row_object(row, sec.cols, path + (i,)) for i, row in enumerate(parsed.rows)]
        if items:
            self.put(path, items)
        return items

    def kv(self, parsed: _Parsed, sec: KV) -> None:
        for line in sec.lines:
            row = parsed.lines.get(line.label)
            if line.path[:-1]:
                self.pos(line.path[:-1], parsed.title_pos)
            if row is None:
                continue
            if len(sec.values) == 1:
                cell = next(iter(row.cells.values()), None)
                if cell is None:
                    continue
                self.pos(line.path, cell.pos)
                if cell.value is not None:
                    self.put(line.path, cell.value)
                continue
            obj = self.row_object(row, sec.values, line.path)
            if any(v is not None and v != "" for v in obj.values()):
                self.put(line.path, obj)

    # -------------------------------------------------------------- the whole workbook

    def run(self, parsed: dict[str, dict[str, _Parsed]]) -> None:
        projects: list = []
        for spec in SHEETS:
            sections = parsed.get(spec.name, {})
            for root in spec.roots:
                self.pos(root, Position(sheet=spec.name, cell="A1"))
            for sec in spec.sections:
                got = sections.get(sec.title)
                if got is None:
                    continue
                if isinstance(sec, KV):
                    self.kv(got, sec)
                elif sec.path is not None:
                    if sec is SUBTOTALS:
                        self.subtotal_codes(got, sec)
                    items = self.table(got, sec, sec.path)
                    if sec.path == ("项目",):
                        projects = items
                elif sec.title in PRIOR_TABLES:
                    self.prior_dict(got, sec, PRIOR_TABLES[sec.title])
        self.performance(parsed.get("绩效目标", {}).get(TARGETS.title), parsed.get("绩效指标", {}).get(INDICATORS.title),
                         projects)
        for root in ("基本信息", "部门概况", "收入", "支出"):
            # the required parts exist as sheets: a missing value is then reported at its own cell
            self.data.setdefault(root, {})
        self.pos((), Position(sheet="基本信息", cell="A1"))

    def subtotal_codes(self, parsed: _Parsed, sec: Table) -> None:
        """A 类/款小计 row must have a 3- or 5-digit code. A 项 (7 digits) typed into the spare rows
        below the 功能分类支出 table lands here: say so at its code, rather than the model's
        “缺少必填项‘合计’” (the amount columns of the 项 are not columns of this section)."""
        header = sec.cols[0].header
        for row in parsed.rows:
            cell = row.cells.get(header)
            code = None if cell is None else cell.value
            if code is not None and not re.fullmatch(r"[0-9]{3}|[0-9]{5}", str(code)):
                self.reader.issue("XLSX-VALUE", f"科目编码“{code}”：小计的科目编码应为3位（类）或5位（款）；"
                                  "项级科目请填在上方的功能分类支出表中", cell.pos)

    def prior_dict(self, parsed: _Parsed, sec: Table, key: str) -> None:
        """上年数 by code: {code: {金额, 增减原因}}; rows with neither figure nor reason are not entered."""
        base = ("上年数", key)
        self.pos(base, parsed.title_pos)
        code_header = sec.cols[0].header
        out: dict[str, Any] = {}
        for row in parsed.rows:
            code = row.get(code_header)
            if all(row.get(c.header) is None for c in sec.cols if c.key):
                continue
            if not code:
                self.reader.issue("XLSX-VALUE", f"这一行填了上年数，但没有填“{code_header}”", row.pos)
                continue
            if code in out:
                self.reader.issue("XLSX-VALUE", f"“{code_header}”{code} 出现了两次，请合并为一行", row.pos)
                continue
            self.pos(base + (code,), row.cells[code_header].pos)
            out[code] = self.row_object(row, sec.cols, base + (code,))
        if out:
            self.put(base, out)

    def owner(self, row: _Row, what: str, by_code: dict[str, int]) -> tuple[str, Any] | None:
        """Whom a 绩效目标/指标 row belongs to: ("project", index) or ("whole", (长期目标|年度目标, N))."""
        cell = row.cells.get("归属")
        ref = None if cell is None else cell.value
        where = row.pos if cell is None else cell.pos
        if not ref:
            self.reader.issue("XLSX-REF", f"这一行{what}没有填“归属”（项目编码，或 整体-长期目标N、整体-年度目标N）", where)
            return None
        m = WHOLE_RE.match(ref)
        if m:
            return "whole", (m[1], int(m[2]))
        if ref in by_code:
            return "project", by_code[ref]
        self.reader.issue("XLSX-REF", f"归属“{ref}”不是“项目”表中的项目编码，也不是 整体-长期目标N 或 整体-年度目标N", where)
        return None

    def performance(self, targets: _Parsed | None, indicators: _Parsed | None, projects: list) -> None:
        by_code: dict[str, int] = {}
        for i, p in enumerate(projects):
            if isinstance(p, dict) and isinstance(p.get("项目编码"), str):
                by_code.setdefault(p["项目编码"], i)
        goal_total, goal = TARGETS.cols[2].header, TARGETS.cols[3].header
        # owner → (target row or None, indicator rows)
        owners: dict[tuple[str, Any], list] = {}
        for row in targets.rows if targets else []:
            got = self.owner(row, "绩效目标", by_code)
            if got is None:
                continue
            entry = owners.setdefault(got, [None, []])
            if entry[0] is not None:
                self.reader.issue("XLSX-REF", f"归属“{row.get('归属')}”的绩效目标出现了两次，请合并为一行", row.pos)
                continue
            entry[0] = row
            if got[0] == "whole" and row.get(goal_total) is not None:
                self.reader.issue("XLSX-VALUE", "部门整体目标只填“年度目标 / 目标内容”，“总目标”一列请留空",
                                  row.cells[goal_total].pos)
        for row in indicators.rows if indicators else []:
            got = self.owner(row, "绩效指标", by_code)
            if got is not None:
                owners.setdefault(got, [None, []])[1].append(row)
        cols = INDICATORS.cols[1:]
        whole: dict[str, list[tuple[int, Any, list]]] = {"长期目标": [], "年度目标": []}
        for (kind, ref), (target, rows) in owners.items():
            if kind == "whole":
                whole[ref[0]].append((ref[1], target, rows))
                continue
            base = ("项目", ref, "绩效目标")
            first = target if target is not None else rows[0]
            self.pos(base, first.cells["归属"].pos)
            perf: dict[str, Any] = {}
            if target is not None:
                for key, header in (("总目标", goal_total), ("年度目标", goal)):
                    cell = target.cells.get(header)
                    if cell is not None:
                        self.pos(base + (key,), cell.pos)
                        if cell.value is not None:
                            perf[key] = cell.value
            perf["指标"] = [self.row_object(r, cols, base + ("指标", j)) for j, r in enumerate(rows)]
            self.pos(base + ("指标",), first.cells["归属"].pos)
            projects[ref]["绩效目标"] = perf
        for kind, numbered in whole.items():
            base = ("部门整体绩效", kind)
            items = []
            for j, (_, target, rows) in enumerate(sorted(numbered, key=lambda x: x[0])):
                first = target if target is not None else rows[0]
                self.pos(base + (j,), first.cells["归属"].pos)
                item: dict[str, Any] = {}
                cell = target.cells.get(goal) if target is not None else None
                if cell is not None:
                    self.pos(base + (j, "目标"), cell.pos)
                    if cell.value is not None:
                        item["目标"] = cell.value
                item["指标"] = [self.row_object(r, cols, base + (j, "指标", k)) for k, r in enumerate(rows)]
                items.append(item)
            if items:
                self.put(base, items)


def read_workbook(path: str | Path) -> tuple[dict, SourceMap]:
    """Load stage for .xlsx: plain data exactly as ``load.load_file`` gives for YAML, and cell positions.

    Raises ``InputError`` (XLSX-FILE) for a file that is not a readable workbook, and ``ExcelError``
    with every problem found for a workbook with missing sheets or bad cells.
    """
    fs = Path(path)
    display = str(path)
    reader = _Reader(fs, display)
    if not reader.check_sheets():
        raise ExcelError(reader.findings)
    parsed = {spec.name: reader.read_sheet(spec) for spec in SHEETS}
    assembler = _Assembler(reader)
    assembler.run(parsed)
    if reader.findings:
        raise ExcelError(reader.findings)
    return assembler.data, SourceMap(display, assembler.positions)


# ================================================================= writing the fill-in workbook

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="FCE4D6")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
FONT = "宋体"
FORMATS = {AMOUNT: "#,##0.00", INT: "0", NUMBER: "General", DATE: "yyyy-mm-dd"}


def _display_width(text: str) -> float:
    """Approximate Excel width units: 2 per CJK / full-width character, 1.1 per other character."""
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)


XML_ILLEGAL_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""Characters XML forbids that openpyxl's ILLEGAL_CHARACTERS_RE does not cover (it would fail on saving)."""


def _clean(text: str) -> str:
    """Text as a cell can hold it. A vertical tab (a Word soft line break pasted into the data) and a
    form feed become line breaks; other control characters and characters XML forbids are dropped:
    openpyxl refuses them (IllegalCharacterError) or cannot save them."""
    text = text.replace("\v", "\n").replace("\f", "\n")
    return XML_ILLEGAL_RE.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))


def _text_at(ws: Worksheet, row: int, col: int, text: Any) -> Any:
    """Put a caption or note into a cell as text (never a formula, even when it starts with "=")."""
    cell = ws.cell(row, col)
    if isinstance(text, str):
        text = _clean(text)
    cell.value = text if text != "" else None
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _set(cell: Any, value: Any, kind: str = TEXT) -> None:
    """Write a value into an input cell: text stays text (also "=…"), numbers numbers, no formulas."""
    if isinstance(value, str):
        value = _clean(value)
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith("="):
            cell.quotePrefix = True  # Excel keeps it text when the officer edits the cell
    elif isinstance(value, bool):
        cell.value = YES if value else NO
        cell.data_type = "s"
    elif kind in (TEXT, CODE, LONG, CHOICE):
        cell.value = _clean(_as_text(value))
        cell.data_type = "s"
    else:
        cell.value = value
    cell.number_format = FORMATS.get(kind, "@")


def _export(budget: Budget | None) -> dict[str, Any]:
    """The budget as sections' contents: {title: list of row dicts by header | {label: value}}."""
    out: dict[str, Any] = {}
    dump = budget.model_dump(by_alias=True) if budget is not None else None

    def get(node: Any, path: tuple) -> Any:
        for key in path:
            if node is None:
                return None
            node = node.get(key) if isinstance(node, dict) else None
        return node

    for spec in SHEETS:
        for sec in spec.sections:
            if isinstance(sec, KV):
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


class _TemplateWriter:
    def __init__(self, budget: Budget | None, source: str):
        self.budget = budget
        self.source = source
        self.content = _export(budget)
        self.wb = Workbook()
        self.wb.remove(self.wb.active)

    def write(self) -> Workbook:
        self.info_sheet()
        for spec in SHEETS:
            self.sheet(spec)
        self.wb.active = 0
        props = self.wb.properties
        props.creator = "budgetdoc"
        props.title = "部门预算填报"
        return self.wb

    def info_sheet(self) -> None:
        ws = self.wb.create_sheet(INFO_SHEET)
        ws.sheet_properties.tabColor = "C00000"
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 90
        _print_setup(ws, landscape=False)
        unit = self.budget.基本信息.金额单位 if self.budget else "（在“基本信息”中选择）"
        rows: list[tuple[str, str]] = [
            ("部门预算填报工作簿", ""),
            ("用途", "填写本部门的年度预算数据，用 budgetdoc 校验并生成《部门预算公开》文档和预算表。"
                    + (f"本工作簿已按 {self.source} 预填。" if self.source else "")),
            ("金额单位", f"所有金额按“基本信息”表中的“金额单位”填写（本工作簿：{unit}），保留两位小数，只填数字，不带单位。"),
            ("填写规则", "1. 不要删除、重命名工作表，不要改动 A 列的【标题】、表头和项目名称；"
                     "2. 行不够时在表内插入行，可以留空行；3. 不要合并单元格；"
                     "4. 只填数值和文字，不用公式（如用了公式，请在 Excel 中保存一次后再导入）；"
                     "5. 编码按文本填写，保留开头的 0；6. 合计、总计列“可选”，填写则校验。"),
            ("命令", "budgetdoc validate 本工作簿.xlsx —— 校验，问题会指出单元格，如 功能分类支出!F12；\n"
                   "budgetdoc generate 本工作簿.xlsx --xlsx —— 生成 Word 文档和预算表 .xlsx；\n"
                   "budgetdoc import 本工作簿.xlsx -o 预算.yaml —— 转换为 YAML 输入文件。"),
            ("", ""),
            ("工作表", "内容"),
        ]
        rows += [(s.name, f"{s.title}：{s.note}") for s in SHEETS]
        for r, (a, b) in enumerate(rows, 1):
            ca, cb = _text_at(ws, r, 1, a or None), _text_at(ws, r, 2, b or None)
            ca.font = Font(name=FONT, bold=True, size=16 if r == 1 else 11)
            cb.font = Font(name=FONT, size=11, bold=(a == "工作表"))
            cb.alignment = Alignment(wrap_text=True, vertical="top")
            ca.alignment = Alignment(vertical="top")
            if r == 1:
                ws.row_dimensions[r].height = 28
            elif b:
                lines = sum(int(_display_width(part) / 84) + 1 for part in b.split("\n"))
                ws.row_dimensions[r].height = 16 * lines + 2

    def sheet(self, spec: Sheet) -> None:
        ws = self.wb.create_sheet(spec.name)
        widths: dict[int, float] = {}
        ncols = max((len(s.cols) if isinstance(s, Table) else 1 + len(s.values) + (1 if s.note_col else 0))
                    for s in spec.sections)
        title = _text_at(ws, 1, 1, spec.title)
        title.font = Font(name=FONT, bold=True, size=14)
        note = _text_at(ws, 2, 1, spec.note)
        note.font = Font(name=FONT, size=10, color="595959")
        row = 3
        validations = _Validations(ws)
        for index, sec in enumerate(spec.sections):
            head = _text_at(ws, row, 1, sec.title)
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
        _print_setup(ws, landscape=True)
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = round(min(max(w, 8), 100), 1)
        validations.finish()

    def header(self, ws: Worksheet, row: int, texts: list[tuple[str, str]]) -> None:
        for c, (text, note) in enumerate(texts, 1):
            cell = _text_at(ws, row, c, text)
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
        widths[1] = max(widths.get(1, 0), max(_display_width(ln.label) for ln in sec.lines) + 2)
        for i, c in enumerate(sec.values, 2):
            widths[i] = max(widths.get(i, 0), c.width)
        if sec.note_col:
            n = len(sec.values) + 2
            widths[n] = max(widths.get(n, 0), 30)
        values = self.content.get(sec.title, {})
        for line in sec.lines:
            row += 1
            label = _text_at(ws, row, 1, line.label)
            label.font = Font(name=FONT, size=10)
            label.fill = LABEL_FILL
            label.border = BORDER
            if len(sec.values) == 1:
                cell = ws.cell(row, 2)
                _set(cell, values.get(line.label), line.kind)
                self.style_value(cell, line.kind)
                val.add(cell, line.kind, line.choices, strict=True)
                if line.kind in (TEXT, LONG, CODE, CHOICE, BOOL) and cell.value:
                    shown = _display_width(str(cell.value)) + 2
                    widths[2] = min(max(widths.get(2, 0), shown), 60)
                    if line.kind == LONG and shown > 60:
                        ws.row_dimensions[row].height = 14 * min(int(shown / 58) + 1 + str(cell.value).count("\n"), 12)
            else:
                got = values.get(line.label) or {}
                for c, col in enumerate(sec.values, 2):
                    cell = ws.cell(row, c)
                    _set(cell, got.get(col.header), col.kind)
                    self.style_value(cell, col.kind)
                    val.add(cell, col.kind, col.choices, col.strict)
                    if col.kind == LONG and isinstance(cell.value, str):
                        shown = _display_width(cell.value) + 2
                        if shown > col.width:
                            ws.row_dimensions[row].height = 14 * min(int(shown / (col.width - 2)) + 1, 12)
            if sec.note_col:
                note = _text_at(ws, row, len(sec.values) + 2, line.note or _choice_note(line))
                note.font = Font(name=FONT, size=9, color="595959")
                note.alignment = Alignment(vertical="center", wrap_text=False)
                if note.value:
                    n = len(sec.values) + 2
                    widths[n] = min(max(widths.get(n, 0), _display_width(str(note.value)) + 2), 70)
        return row + 1

    def table(self, ws: Worksheet, sec: Table, row: int, widths: dict[int, float], val: _Validations,
              last: bool) -> int:
        self.header(ws, row, [(c.header, c.note) for c in sec.cols])
        for c, col in enumerate(sec.cols, 1):
            widths[c] = max(widths.get(c, 0), col.width, min(_display_width(col.header) / 2 + 2, 20))
        rows = self.content.get(sec.title, [])
        first = row + 1
        total = len(rows) + sec.spare
        for i in range(total):
            r = first + i
            data = rows[i] if i < len(rows) else {}
            tall = 1
            for c, col in enumerate(sec.cols, 1):
                cell = ws.cell(r, c)
                _set(cell, data.get(col.header), col.kind)
                self.style_value(cell, col.kind)
                if isinstance(cell.value, str) and col.kind in (TEXT, LONG, CODE, CHOICE):
                    w = _display_width(cell.value) + 2
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


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


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


def _load_budget(from_file: Path) -> Budget:
    if str(from_file).lower().endswith((".xlsx", ".xlsm")):
        data, source = read_workbook(from_file)
    else:
        from .load import load_file

        data, source = load_file(from_file)
    budget, findings = build(data, source)
    if budget is None:
        raise ExcelError(findings)
    return budget


def write_template(path: str | Path, from_file: str | Path | None = None) -> None:
    """Write the fill-in workbook; with ``from_file`` (YAML/JSON/.xlsx) prefilled from that budget.

    A budget whose rules fail still prefills as long as it builds; one that does not build raises
    ``ExcelError`` with the model findings, an unreadable file ``InputError``.
    """
    budget = _load_budget(Path(from_file)) if from_file is not None else None
    wb = _TemplateWriter(budget, Path(from_file).name if from_file is not None else "").write()
    _save(wb, Path(path))


# ================================================================= import: workbook → YAML

CODE_KEYS = {"编码", "部门编码", "科目编码", "项目编码", "功能分类科目"}
FLOW_ITEMS = {"预算单位", "编制", "功能分类", "小计", "经济分类基本支出", "明细", "车辆", "指标"}
"""Lists whose items are written on one line each, like the sample inputs."""


def import_workbook(path: str | Path, target: str | Path) -> None:
    """Convert a filled workbook to the YAML input file (written atomically).

    Raises ``InputError`` for an unreadable workbook and ``ExcelError`` (all findings, located at
    cells) for problems in it, including type errors of the model (missing or invalid values).
    """
    data, source = read_workbook(path)
    budget, findings = build(data, source)
    if budget is None:
        raise ExcelError(findings)
    text = budget_yaml(budget, Path(path).name)
    _check_yaml(text, budget, str(target))
    files.write_atomic(Path(target), text.encode("utf-8"))


def budget_yaml(budget: Budget, origin: str = "") -> str:
    """The budget as YAML input text: keys in model order, only what was entered, amounts with two decimals."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    class Number(str):
        """An amount or quantity written as a plain YAML number from its exact text."""

    def number(value: Decimal, key: Any) -> Number:
        if key == "数量":  # a quantity, not money: as entered
            return Number(format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f"))
        return Number(f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else format(value, "f"))

    def convert(value: Any, path: tuple) -> Any:
        key = path[-1] if path else None
        if isinstance(value, dict):
            prior = len(path) == 2 and path[0] == "上年数" or len(path) == 3 and path[0] == "上年数" and path[1] in (
                "功能分类", "项目")
            if prior and set(value) == {"金额"}:
                return number(value["金额"], "金额")  # a bare amount is a 上年数 without reason
            out = CommentedMap()
            for k, v in value.items():
                if v is not None:
                    name = DoubleQuotedScalarString(k) if path[-1:] in (("功能分类",), ("项目",)) and path[0] == "上年数" else k
                    out[name] = convert(v, path + (k,))
            if prior or (isinstance(key, int) and path[-2] in FLOW_ITEMS):
                out.fa.set_flow_style()
            return out
        if isinstance(value, list):
            seq = CommentedSeq()
            for i, item in enumerate(value):
                seq.append(convert(item, path + (i,)))
            return seq
        if isinstance(value, Decimal):
            return number(value, key)
        if isinstance(value, str):
            if key in CODE_KEYS or (key == "符号" and value in SIGNS):
                return DoubleQuotedScalarString(value)
            if "\n" in value:
                return LiteralScalarString(value)
        return value

    def represent_number(representer: Any, value: Number) -> Any:
        tag = "tag:yaml.org,2002:int" if re.fullmatch(r"-?\d+", value) else "tag:yaml.org,2002:float"
        return representer.represent_scalar(tag, str(value))

    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    yaml.representer.add_representer(Number, represent_number)
    tree = convert(budget.model_dump(by_alias=True, exclude_unset=True, exclude_none=True), ())
    if origin:
        tree.yaml_set_start_comment(f"由 {origin} 导入（budgetdoc import）。金额单位：{budget.基本信息.金额单位}")
    buf = io.StringIO()
    yaml.dump(tree, buf)
    return buf.getvalue()


def _check_yaml(text: str, budget: Budget, shown: str) -> None:
    """Guard: the YAML written must load back to the very same model."""
    from .load import parse_yaml

    data, source = parse_yaml(text, shown)
    again, findings = build(data, source)
    if again is None or again.model_dump() != budget.model_dump():
        raise ExcelError(findings or [Finding("XLSX-IMPORT", "error", "内部错误：导出的 YAML 与工作簿内容不一致，请报告此问题",
                                              file=shown)])


# ================================================================= saving


def _fixed_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


def _save(wb: Workbook, path: Path) -> None:
    """Save deterministically (fixed document times and zip entry times) and atomically."""
    stamp = _fixed_time()
    wb.properties.created = stamp
    buf = io.BytesIO()
    wb.save(buf)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              lambda m: m[1] + iso.encode() + m[2], data)
            entry = zipfile.ZipInfo(info.filename, date_time=(max(stamp.year, 1980),) + stamp.timetuple()[1:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    files.write_atomic(path, out.getvalue())


# ================================================================= the tables as a workbook

AMOUNT_RE = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
TABLE_FONT = "宋体"


def _number(text: str, yuan: bool) -> tuple[Decimal, str] | None:
    """A right-aligned table cell back as a number and the format that shows exactly that text:
    amounts ``#,##0.00`` in a 元 table, ``0.00`` in a 万元 table; other numbers (数量) as written."""
    if not AMOUNT_RE.fullmatch(text):
        return None
    decimals = len(text.split(".")[1]) if "." in text else 0
    grouped = "," in text or (yuan and decimals == 2)
    body = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    return Decimal(text.replace(",", "")), body


def _place(header: list[list[Any]]) -> list[tuple[int, int, Any]]:
    """Grid positions of header cells with row/column spans (like an HTML table)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(header):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def body_rows(t: TableCtx) -> list:
    """The body rows shown: none for an empty table (as in the Word table)."""
    return [] if t.empty else list(t.rows)


def table_notes(t: TableCtx) -> list[str]:
    """Notes under a table: the empty-table note when it applies, then the 尾差 notes.

    An empty table carries its note; the “三公” table (never marked empty: its zero row is shown)
    sets a note only when it is all zero.
    """
    return ([t.empty_note] if t.empty_note else []) + list(t.notes)


def _sheet_name(prefix: str, name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", f"{prefix} {name}")[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


class _TablesWriter:
    def __init__(self, ctx: RenderContext):
        self.ctx = ctx
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.used: set[str] = set()
        self.thin = Side(style="thin", color="000000")
        self.border = Border(left=self.thin, right=self.thin, top=self.thin, bottom=self.thin)

    def font(self, size: float = 10, bold: bool = False) -> Font:
        return Font(name=TABLE_FONT, size=size, bold=bold)

    def write(self) -> Workbook:
        for t in sorted(self.ctx.表.values(), key=lambda t: t.number):
            self.table(t)
        number = max((t.number for t in self.ctx.表.values()), default=0)
        self.perf_sheet(f"表{number + 1}", "部门整体支出绩效目标表", whole=True)
        self.perf_sheet(f"表{number + 2}", "项目支出绩效目标表", whole=False)
        props = self.wb.properties
        props.creator = "budgetdoc"
        props.title = _clean(f"{self.ctx.公开主体}{self.ctx.年度}年部门预算表")
        return self.wb

    @property
    def lead(self) -> int:
        """Rows above each sheet's title: one for the notice of a document that failed validation."""
        return 1 if self.ctx.未通过校验 else 0

    def notice(self, ws: Worksheet, widths: list[float]) -> None:
        """Generated with --force despite errors: a red line above the title, as on the Word cover."""
        if not self.ctx.未通过校验:
            return
        if len(widths) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(widths))
        cell = _text_at(ws, 1, 1, f"本表未通过校验：{self.ctx.校验说明}")
        cell.font = Font(name=TABLE_FONT, size=10, bold=True, color="FF0000")
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        text = str(cell.value or "")
        lines = sum(int(_display_width(part) / max(sum(widths) * 0.95, 1)) + 1 for part in text.split("\n"))
        ws.row_dimensions[1].height = min(16 * lines + 4, 409)

    def setup(self, ws: Worksheet, landscape: bool, title_rows: str | None) -> None:
        _print_setup(ws, landscape)
        ws.print_options.horizontalCentered = True
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.oddFooter.center.size = 9
        if title_rows:
            ws.print_title_rows = title_rows
        ws.sheet_view.showGridLines = False

    def table(self, t: TableCtx) -> None:
        ws = self.wb.create_sheet(_sheet_name(f"表{t.number}", t.key, self.used))
        ncols = len(t.align)
        last = get_column_letter(ncols)
        widths = [0.0] * ncols
        # (the notice of a failed validation,) title, then 部门 line left and 单位 line right
        head, info = 1 + self.lead, 2 + self.lead
        ws.merge_cells(f"A{head}:{last}{head}")
        title = _text_at(ws, head, 1, t.title)
        title.font = self.font(16, True)
        title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[head].height = 36
        if ncols > 2:
            ws.merge_cells(f"A{info}:{get_column_letter(ncols - 1)}{info}")
        _text_at(ws, info, 1, t.dept).alignment = Alignment(horizontal="left", vertical="bottom")
        _text_at(ws, info, ncols, t.unit).alignment = Alignment(horizontal="right", vertical="bottom")
        ws.cell(info, 1).font = ws.cell(info, ncols).font = self.font(10)
        ws.row_dimensions[info].height = 20
        # header
        top = info + 1
        for r, c, cell in _place(t.header):
            target = _text_at(ws, top + r, 1 + c, cell.text)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=top + r, start_column=1 + c, end_row=top + r + cell.rowspan - 1,
                               end_column=c + cell.colspan)
            target.font = self.font(10, True)
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if cell.colspan == 1:
                widths[c] = max(widths[c], min(_display_width(cell.text), 16) + 1)
        header_rows = len(t.header)
        for r in range(top, top + header_rows):
            ws.row_dimensions[r].height = 30 if max(len(h.text) for h in t.header[r - top]) > 6 else 20
            for c in range(1, ncols + 1):
                ws.cell(r, c).border = self.border
        body = top + header_rows
        yuan = t.unit.endswith("元") and not t.unit.endswith("万元")
        for i, row in enumerate(body_rows(t)):
            r = body + i
            bold = row.kind in ("total", "class")
            for c, shown in enumerate(row.cells):
                cell = ws.cell(r, c + 1)
                align = t.align[c] if c < len(t.align) else "left"
                # the 类/款/项 levels: leading full-width spaces become the cell's indent, so that the
                # code and name stay plain text (sorting, filtering and lookups in Excel work)
                text = _clean(shown).lstrip("\u3000")
                indent = len(shown) - len(shown.lstrip("\u3000"))
                parsed = _number(text, yuan) if align == "right" and text else None
                if parsed is not None:
                    cell.value, cell.number_format = parsed
                    widths[c] = max(widths[c], len(shown) + 2)
                else:
                    cell.value = text or None
                    if text:
                        cell.data_type = "s"
                        widths[c] = max(widths[c], _display_width(shown) + 1.5)
                cell.font = self.font(10, bold)
                horizontal = align if align in ("left", "right", "center") else "general"
                if indent and horizontal not in ("left", "right"):
                    horizontal = "left"  # Excel shows an indent only for left or right alignment
                cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=align != "right",
                                           indent=indent)
                cell.border = self.border
            for c in range(len(row.cells), ncols):
                ws.cell(r, c + 1).border = self.border
            ws.row_dimensions[r].height = 18
        r = body + len(body_rows(t))
        notes = table_notes(t)
        for note in notes:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            cell = _text_at(ws, r, 1, note)
            cell.font = self.font(10)
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            ws.row_dimensions[r].height = 20
            r += 1
        # widths: content, at least the share TableCtx.widths gives the column of a landscape page
        share = sum(t.widths) or 1
        page = 200 if t.landscape else 140
        for c in range(ncols):
            hint = page * t.widths[c] / share if c < len(t.widths) else 10
            width = max(widths[c], min(hint, 40), 8)
            ws.column_dimensions[get_column_letter(c + 1)].width = round(min(width, 60), 1)
        final = [ws.column_dimensions[get_column_letter(c + 1)].width for c in range(ncols)]
        if _display_width(t.title) > sum(final) * 0.9 / 1.6:
            ws.row_dimensions[head].height = 56
        self.notice(ws, final)
        ws.freeze_panes = ws.cell(body, 1)
        self.setup(ws, t.landscape, f"{top}:{top + header_rows - 1}")

    # -------------------------------------------------------------- 绩效目标表

    def perf_sheet(self, prefix: str, name: str, whole: bool) -> None:
        """The 绩效目标表 laid out as in the Word document (render.py): a title, label/value rows
        (label over two columns), the indicators grouped by 一级/二级指标; projects one per page."""
        ctx = self.ctx
        ws = self.wb.create_sheet(_sheet_name(prefix, name, self.used))
        tables = [ctx.整体绩效, *ctx.整体绩效目标] if whole else list(ctx.项目绩效)
        history = any(p.show_history for p in tables if p.indicators)
        widths = [12, 16, 30, 16, 12, 12, 18] if history else [12, 16, 36, 18, 22]
        ncols = len(widths)
        for c, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = w
        self.notice(ws, [float(w) for w in widths])
        r = 1 + self.lead
        if not whole and not tables:
            self.caption(ws, r, f"{ctx.公开主体}{ctx.年度}年项目支出绩效目标表", True, widths)
            _text_at(ws, r + 1, 1, f"本部门{ctx.年度}年无设置绩效目标的项目支出。").font = self.font(10)
        for n, p in enumerate(tables):
            big = not whole or n == 0
            if n and not whole:
                ws.row_breaks.append(Break(id=r - 1))
            self.caption(ws, r, p.title, big, widths)
            r += 1
            for label, value in p.info:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
                ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=ncols)
                a, b = _text_at(ws, r, 1, label), _text_at(ws, r, 3, value or "—")
                b.data_type = "s"
                a.font, b.font = self.font(10, True), self.font(10)
                a.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                b.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
                self.box(ws, r, ncols)
                lines = sum(int(_display_width(part) / (sum(widths[2:]) - 1)) + 1 for part in (value or "").split("\n"))
                ws.row_dimensions[r].height = max(18, 14 * lines + 4)
                r += 1
            if p.indicators:
                r = self.indicators(ws, p, r, history, widths)
            r += 1
        self.setup(ws, False, None)

    def caption(self, ws: Worksheet, r: int, text: str, big: bool, widths: list[int]) -> None:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(widths))
        cell = _text_at(ws, r, 1, text)
        cell.font = self.font(16 if big else 11, True)
        cell.alignment = Alignment(horizontal="center" if big else "left", vertical="center", wrap_text=True)
        lines = int(_display_width(text) * (1.6 if big else 1.0) / (sum(widths) * 0.95)) + 1
        ws.row_dimensions[r].height = lines * (26 if big else 16) + 6

    def box(self, ws: Worksheet, r: int, ncols: int) -> None:
        for c in range(1, ncols + 1):
            ws.cell(r, c).border = self.border

    def indicators(self, ws: Worksheet, p: PerfTable, r: int, history: bool, widths: list[int]) -> int:
        ncols = len(widths)
        heads = ["一级指标", "二级指标", "三级指标", "指标值"]
        if history:
            for c, text in enumerate([*heads, "近两年指标值", None, "指标值确定依据"], 1):
                if text:
                    _text_at(ws, r, c, text)
            _text_at(ws, r + 1, 5, p.years[0])
            _text_at(ws, r + 1, 6, p.years[1])
            for c in (1, 2, 3, 4, 7):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
            ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=6)
            head_rows = 2
        else:
            for c, text in enumerate([*heads, "指标值确定依据"], 1):
                _text_at(ws, r, c, text)
            head_rows = 1
        for rr in range(r, r + head_rows):
            for c in range(1, ncols + 1):
                cell = ws.cell(rr, c)
                cell.font = self.font(10, True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                cell.border = self.border
            ws.row_dimensions[rr].height = 20
        r += head_rows
        spans: list[tuple[int, int, int]] = []  # (column, first row, last row) to merge
        level1_start = r
        for g, (level1, level2, rows) in enumerate(p.groups):
            if g and p.groups[g - 1][0] != level1:
                spans.append((1, level1_start, r - 1))
                level1_start = r
            spans.append((2, r, r + len(rows) - 1))
            for ind in rows:
                values = [level1, level2, ind.三级指标, ind.指标值文字]
                if history:
                    values += [ind.前年文字, ind.上年文字]
                values.append(ind.指标值确定依据)
                tall = 1
                for c, value in enumerate(values, 1):
                    cell = _text_at(ws, r, c, value or None)
                    if value:
                        cell.data_type = "s"
                        tall = max(tall, int(_display_width(value) / max(widths[c - 1] - 1, 1)) + 1)
                    cell.font = self.font(10)
                    cell.alignment = Alignment(horizontal="left" if c in (3, ncols) else "center", vertical="center",
                                               wrap_text=True)
                    cell.border = self.border
                ws.row_dimensions[r].height = max(18, 14 * tall + 4)
                r += 1
        if p.groups:
            spans.append((1, level1_start, r - 1))
        for c, first, last in spans:
            if last > first:
                ws.merge_cells(start_row=first, start_column=c, end_row=last, end_column=c)
        return r


def write_tables_xlsx(ctx: RenderContext, path: str | Path) -> None:
    """Write the standard tables (and the 绩效目标表) of ``ctx`` as a print-ready workbook."""
    wb = _TablesWriter(ctx).write()
    _save(wb, Path(path))


__all__ = ["ExcelError", "budget_yaml", "import_workbook", "read_workbook", "write_tables_xlsx", "write_template"]

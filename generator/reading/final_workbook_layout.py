"""The 决算 fill-in workbook's layout: the same sections, columns and rules as the budget's, other sheets.

Why this module exists: the issue asks for "the same file format, Excel workbook and schema" for
the 决算. The reader (``workbook.py``) and the writer (``writing/fill_in.py``) are driven by a sheet
specification; this module is that specification for ``FinalAccounts`` (``final_model.py``), in
the vocabulary of ``workbook_layout.py``. Sections that need more than "one row, one list item"
(the 各类支出主要用途 by 类 code, 绩效指标 tied to their project by 归属) are named here and
assembled by the reader's 决算 hooks.
"""

from __future__ import annotations

from typing import Any

from .final_model import (
    FINAL_FUNDS,
    FINAL_INCOME_SOURCES,
    FINAL_PRIOR_ITEMS,
    ROW_INCOME_SOURCES,
    ByKind,
)
from .workbook_layout import (
    AMOUNT,
    CHOICE,
    CODE,
    DATE,
    INT,
    KV,
    LONG,
    NUMBER,
    SHEETS,
    SUBTOTALS,
    TEXT,
    Col,
    Line,
    Sheet,
    Table,
    WorkbookKind,
    _amount,
)


def _budget_section(sheet: str, title: str):
    spec = next(s for s in SHEETS if s.name == sheet)
    return next(sec for sec in spec.sections if sec.title == title)


def _money(header: str, key: tuple[str, ...] | None = None) -> Col:
    """An optional amount: blank is absent (not zero), so a zero is written as 0."""
    return _amount(header, key, False)


FINAL_INFO = KV("【基本信息】", (
    Line("文种", ("基本信息", "文种"), CHOICE, ("决算",), "本工作簿为部门决算：填 决算"),
    Line("部门名称", ("基本信息", "部门名称"), note="公开主体的全称"),
    Line("部门编码", ("基本信息", "部门编码"), CODE, note="按文本填写，保留开头的 0"),
    Line("决算年度", ("基本信息", "决算年度"), INT, note="决算所属的年度，如 2023（次年公开）"),
    Line("金额单位", ("基本信息", "金额单位"), CHOICE, ("元", "万元"), "本工作簿所有金额的单位：元 或 万元"),
    Line("表格金额单位", ("基本信息", "表格金额单位"), CHOICE, ("元", "万元"), "决算表显示的单位；不填则同金额单位"),
    Line("版式（可选）", ("基本信息", "版式"), note="公开文本的地区版式：湖北（默认）、上海，或版式文件的路径"),
    Line("地区", ("基本信息", "地区"), note="如 曾都区，用于名词解释"),
    Line("公开日期", ("基本信息", "公开日期"), DATE, note="如 2024-10-22"),
))

CLASS_USES = Table("【各类支出主要用途（可选）】", (
    Col("类编码", None, CODE, 10, lengths=(3,), note="功能分类的类，3位，如 206"),
    Col("主要用途", None, LONG, 60, note="情况说明中“主要用于……”的内容"),
), None, spare=6)
"""支出.类说明 (类 code → text), assembled by the reader's 决算 hook."""

INDICATOR_ROWS = Table("【绩效指标完成情况】", (
    Col("归属", None, TEXT, 26, note="项目名称（与上表一致），或 整体（部门整体支出绩效自评）"),
    Col("一级指标", ("一级指标",), TEXT, 12),
    Col("二级指标", ("二级指标",), TEXT, 14),
    Col("三级指标", ("三级指标",), TEXT, 26, note="指标名称"),
    Col("年初目标值", ("年初目标值",), TEXT, 12),
    Col("实际完成值", ("实际完成值",), TEXT, 12),
    Col("偏差原因", ("偏差原因",), LONG, 30, note="偏差原因及改进措施；没有偏差可不填"),
), None, spare=30)
"""Indicators of 绩效自评.项目[i].指标 and 绩效自评.整体.指标, tied to their owner by 归属."""
WHOLE = "整体"

SANGONG_LINES = tuple(Line(label, (key,)) for label, key in (
    ("合计（可选，填写则校验）", "合计"),
    ("因公出国（境）费", "因公出国（境）费"),
    ("公务用车购置及运行维护费（可选）", "公务用车购置及运行维护费"),
    ("公务用车购置费", "公务用车购置费"),
    ("公务用车运行维护费", "公务用车运行维护费"),
    ("公务接待费", "公务接待费"),
))

FINAL_SHEETS: tuple[Sheet, ...] = (
    Sheet("基本信息", "基本信息", "部门名称、决算年度、金额单位等。", (FINAL_INFO,), (("基本信息",),)),
    Sheet("部门概况", "部门概况", "第一部分的文字：每条职责、每个单位、每个机构各占一行，不要自己编号。", (
        Table("【主要职责】", (Col("主要职责（每行一条，不带编号）", (), LONG, 100),), ("部门概况", "主要职责"), spare=8),
        Table("【纳入本部门决算编制范围的单位】", (
            Col("单位名称", ("名称",), TEXT, 40, note="第一行为本级"),
            Col("备注", ("备注",), TEXT, 24, note="如 行政单位、公益一类事业单位"),
        ), ("部门概况", "决算单位"), spare=5),
        Table("【本级内设机构】", (Col("内设机构名称", (), TEXT, 40),), ("部门概况", "内设机构"), spare=8),
        Table("【其他需要说明的情况（可选）】", (Col("其他需要说明的情况（每行一段）", (), LONG, 100),),
              ("其他需要说明的情况",), spare=3),
    ), (("部门概况",), ("其他需要说明的情况",))),
    Sheet("收入", "收入与结转结余", "本年收入按来源填写；年初、年末结转和结余按资金填写；合计、总计可选，填写则校验。", (
        KV("【本年收入】", tuple(Line(s, ("收入", "本年收入", s), AMOUNT) for s in FINAL_INCOME_SOURCES)
           + (Line("本年收入合计（可选）", ("收入", "本年收入合计"), AMOUNT, note="填写则校验 = 各项收入之和"),),
           (Col("金额", None, AMOUNT, 18),)),
        KV("【结余的使用和分配】", (
            Line("使用非财政拨款结余", ("收入", "使用非财政拨款结余"), AMOUNT, note="含使用专用结余"),
            Line("结余分配", ("支出", "结余分配"), AMOUNT),
        ), (Col("金额", None, AMOUNT, 18),)),
        KV("【结转和结余（按资金）】", tuple(Line(f, (f,), AMOUNT) for f in FINAL_FUNDS), (
            Col("年初结转和结余", ("收入", "年初结转和结余"), AMOUNT, 18),
            Col("年末结转和结余", ("支出", "年末结转和结余"), AMOUNT, 18),
        ), spread=True),
        KV("【总计（可选，填写则校验）】", (
            Line("收入总计", ("收入", "收入总计"), AMOUNT, note="= 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余"),
            Line("本年支出合计", ("支出", "本年支出合计"), AMOUNT, note="= 各功能分类行之和"),
            Line("支出总计", ("支出", "支出总计"), AMOUNT, note="= 本年支出合计 + 结余分配 + 年末结转和结余"),
        ), (Col("金额", None, AMOUNT, 18),)),
        KV("【一般公共预算财政拨款支出与年初预算（可选）】", (
            Line("差异的总体原因", ("支出", "年初预算原因"), LONG, note="决算与年初预算差异的总体原因"),
        )),
    ), (("收入",),)),
    Sheet("功能分类支出", "本年支出（按功能分类，项级）",
          "每个“项”（7位编码）一行；同一科目由两种资金支付时填两行。基本支出 = 人员经费 + 公用经费。"
          "财政拨款行填年初预算数；本年收入各列在有结转结余或多种非财政收入时填写（收入决算表）。", (
        Table("【功能分类支出】", (
            Col("科目编码", ("科目编码",), CODE, 12, lengths=(7,), note="项级，7位，如 2060101"),
            Col("科目名称", ("科目名称",), TEXT, 30),
            Col("资金来源", ("资金来源",), CHOICE, 22, FINAL_FUNDS, note="不填为 一般公共预算财政拨款"),
            _amount("人员经费", note="基本支出：人员经费"),
            _amount("公用经费", note="基本支出：公用经费"),
            _amount("项目支出"),
            _amount("上缴上级支出"),
            _amount("经营支出"),
            _amount("对附属单位补助支出"),
            _money("基本支出（可选）", ("基本支出",)),
            _money("本年支出合计（可选）", ("合计",)),
            _money("年初预算数", ("年初预算数",)),
            _money("调整预算数（可选）", ("调整预算数",)),
            _money("全年预算数（可选）", ("全年预算数",)),
            Col("预决算差异原因", ("预决算差异原因",), LONG, 30, note="决算数与年初预算数差异的主要原因"),
            Col("主要用途", ("主要用途",), LONG, 30, note="情况说明中“主要用于……”的内容"),
            *(_money(f"本年收入：{s}", ("本年收入", s)) for s in ROW_INCOME_SOURCES),
        ), ("支出", "功能分类"), spare=30),
        SUBTOTALS,
        CLASS_USES,
    ), (("支出",),)),
    Sheet("经济分类基本支出", "一般公共预算财政拨款基本支出（按经济分类，款级）", "每个“款”（5位编码）一行。", (
        _budget_section("经济分类基本支出", "【经济分类基本支出】"),
        KV("【人员经费、公用经费合计（可选，填写则校验）】", (
            Line("人员经费合计", ("经济分类合计", "人员经费"), AMOUNT),
            Line("公用经费合计", ("经济分类合计", "公用经费"), AMOUNT),
        ), (Col("金额", None, AMOUNT, 18),)),
    ), (("经济分类基本支出",), ("经济分类合计",))),
    Sheet("政府性基金", "政府性基金、国有资本经营预算财政拨款（按科目）",
          "每个科目一行：年初结转和结余、本年收入、年末结转和结余；本年支出取自功能分类支出表。", (
        Table("【政府性基金预算财政拨款】", (
            Col("科目编码", ("科目编码",), CODE, 12, lengths=(7,)),
            Col("科目名称", ("科目名称",), TEXT, 30),
            _amount("年初结转和结余"), _amount("本年收入"), _amount("年末结转和结余"),
        ), ("政府性基金",), spare=5),
        Table("【国有资本经营预算财政拨款】", (
            Col("科目编码", ("科目编码",), CODE, 12, lengths=(7,)),
            Col("科目名称", ("科目名称",), TEXT, 30),
            _amount("年初结转和结余"), _amount("本年收入"), _amount("年末结转和结余"),
        ), ("国有资本经营",), spare=5),
    ), (("政府性基金",), ("国有资本经营",))),
    Sheet("三公经费", "财政拨款“三公”经费", "预算数为全年预算数；没有的项目填 0；原因按项目填写。", (
        KV("【财政拨款“三公”经费】", SANGONG_LINES, (
            Col("预算数", ("三公经费", "预算数"), AMOUNT, 16),
            Col("决算数", ("三公经费", "决算数"), AMOUNT, 16),
            Col("预决算差异原因", ("三公经费", "预决算差异原因"), LONG, 40),
            Col("较上年增减原因", ("三公经费", "增减原因"), LONG, 40),
        ), note_col=False, spread=True),
        KV("【因公出国（境）】", (
            Line("团组数（个）", ("三公经费", "出国", "团组数"), INT),
            Line("累计人次", ("三公经费", "出国", "人次"), INT),
            Line("主要用于", ("三公经费", "出国", "用途"), LONG),
        )),
        KV("【公务用车】", (
            Line("本年购置（更新）公务用车（辆）", ("三公经费", "公务用车", "购置数"), INT),
            Line("年末公务用车保有量（辆）", ("三公经费", "公务用车", "保有量"), INT),
            Line("购置费主要用于", ("三公经费", "公务用车", "购置用途"), LONG),
            Line("运行维护费主要用于", ("三公经费", "公务用车", "运行用途"), LONG),
        )),
        KV("【公务接待】", (
            Line("金额", ("金额",), AMOUNT),
            Line("接待批次（团组）", ("批次",), INT),
            Line("接待人次（不含陪同）", ("人次",), INT),
            Line("接待对象及主要事由", ("对象",), LONG),
        ), (
            Col("国内公务接待", ("三公经费", "公务接待", "国内"), TEXT, 30),
            Col("外宾接待", ("三公经费", "公务接待", "外宾"), TEXT, 30),
        ), note_col=False, spread=True),
    ), (("三公经费",),)),
    Sheet("机关运行经费", "机关运行经费、政府采购、国有资产", "不填的部分，文档不作说明。", (
        KV("【机关运行经费】", (
            Line("支出决算数", ("机关运行经费", "决算数"), AMOUNT),
            Line("与什么相比", ("机关运行经费", "比较基数"), CHOICE, ("上年决算", "年初预算"),
                 "湖北体例与年初预算比，上海体例与上年决算比"),
            Line("年初预算数", ("机关运行经费", "年初预算数"), AMOUNT, note="与年初预算比时填写"),
            Line("增减主要原因", ("机关运行经费", "原因"), LONG),
        )),
        KV("【政府采购（合同金额）】", tuple(Line(k, (k,), AMOUNT) for k in ("货物", "工程", "服务")), (
            Col("合同金额", ("政府采购", "合同金额"), AMOUNT, 18),
            Col("授予中小企业合同金额", ("政府采购", "授予中小企业"), AMOUNT, 18),
            Col("其中授予小微企业合同金额（可选）", ("政府采购", "授予小微企业按类别"), AMOUNT, 20),
        ), note_col=False, spread=True),
        KV("【政府采购（其他）】", (
            Line("合计（可选，填写则校验）", ("政府采购", "合计"), AMOUNT),
            Line("其中授予小微企业合同金额", ("政府采购", "授予小微企业"), AMOUNT,
                 note="不填时取按类别各项之和；都填则校验"),
            Line("面向中小企业预留项目预算金额（可选）", ("政府采购", "预留中小企业预算"), AMOUNT),
            Line("面向小微企业预留项目预算金额（可选）", ("政府采购", "预留小微企业预算"), AMOUNT),
        ), (Col("金额", None, AMOUNT, 18),)),
        KV("【国有资产占有使用】", (
            Line("统计截至日期", ("国有资产", "截至日期"), DATE, note="通常为决算年度的12月31日"),
            Line("单位价值100万元以上专用设备（台/套）", ("国有资产", "单价100万元以上设备"), INT),
            Line("其他用车主要是", ("国有资产", "其他用车说明")),
        )),
        Table("【车辆（按类型）】", (
            Col("车辆类型", ("类型",), TEXT, 24, note="如 主要领导干部用车、机要通信用车、应急保障用车、执法执勤用车、其他用车"),
            Col("数量（辆）", ("数量",), INT, 12),
        ), ("国有资产", "车辆"), spare=5),
    ), (("机关运行经费",), ("政府采购",), ("国有资产",))),
    Sheet("绩效自评", "预算绩效（自评）", "每个项目一行；指标每个一行，归属填项目名称或 整体。", (
        KV("【预算绩效管理工作开展情况（可选）】", (
            Line("工作开展情况", ("绩效自评", "工作开展情况"), LONG),
        )),
        Table("【项目支出绩效自评】", (
            Col("项目名称", ("项目名称",), TEXT, 30),
            Col("功能分类科目（可选）", ("功能分类科目",), CODE, 14, lengths=(7,)),
            _money("全年预算数", ("全年预算数",)),
            _money("全年执行数", ("执行数",)),
            Col("自评得分（可选）", ("得分",), NUMBER, 10),
            Col("主要产出和效益", ("主要产出和效益",), LONG, 40),
            Col("发现的问题及原因", ("问题及原因",), LONG, 30),
            Col("下一步改进措施", ("改进措施",), LONG, 30),
        ), ("绩效自评", "项目"), spare=10),
        KV("【部门整体支出绩效自评（可选）】", (
            Line("自评得分", ("绩效自评", "整体", "得分"), NUMBER),
            Line("年度目标", ("绩效自评", "整体", "年度目标"), LONG),
            Line("整体绩效目标完成情况", ("绩效自评", "整体", "完成情况"), LONG),
            Line("存在的问题和原因", ("绩效自评", "整体", "问题及原因"), LONG),
            Line("下一步改进措施", ("绩效自评", "整体", "改进措施"), LONG),
        )),
        INDICATOR_ROWS,
        Table("【绩效评价结果应用情况】", (Col("结果应用（每行一条）", (), LONG, 100),), ("绩效自评", "结果应用"), spare=5),
    ), (("绩效自评",),)),
    Sheet("上年数", "上年决算数与增减原因", "情况说明与上年比较时使用；金额和原因都不填的行不导入。", (
        KV("【上年决算数】", tuple(Line(k, ("上年数", k)) for k in FINAL_PRIOR_ITEMS),
           (Col("上年决算数", ("金额",), AMOUNT, 18), Col("增减原因", ("增减原因",), LONG, 50)), note_col=False),
    ), (("上年数",),)),
    next(s for s in SHEETS if s.name == "名词解释"),
)

def final_export(out: dict, accounts: Any) -> dict:
    """The special sections' rows of a 决算 (``FinalAccounts`` or None for a blank workbook), added to
    the generic export of ``writing/fill_in.py``."""
    info = out.setdefault(FINAL_INFO.title, {})
    info["文种"] = "决算"
    if accounts is None:
        return out
    code_h, text_h = (c.header for c in CLASS_USES.cols)
    out[CLASS_USES.title] = [{code_h: code, text_h: text} for code, text in accounts.支出.类说明.items()]
    owner = INDICATOR_ROWS.cols[0].header
    rows = []
    owners = [(p.项目名称, p.指标) for p in accounts.绩效自评.项目]
    if accounts.绩效自评.整体 is not None:
        owners.append((WHOLE, accounts.绩效自评.整体.指标))
    for name, indicators in owners:
        for ind in indicators:
            dump = ind.model_dump(by_alias=True)
            rows.append({owner: name, **{c.header: dump.get(c.key[0]) for c in INDICATOR_ROWS.cols[1:] if c.key}})
    out[INDICATOR_ROWS.title] = rows
    _blank_kinds_not_entered(out, accounts)
    return out


def _blank_kinds_not_entered(out: dict, accounts: Any) -> None:
    """A 货物/工程/服务 amount the input left out (合同金额, 授予中小企业) is exported as a blank cell: the model
    dump fills in 0, which read back would be an entered 0 the document then states (absent is not zero)."""
    for spec in FINAL_SHEETS:
        for sec in spec.sections:
            if not (isinstance(sec, KV) and sec.spread):
                continue
            for col in sec.values:
                node: Any = accounts
                for key in col.key or ():
                    node = getattr(node, key, None)
                if not isinstance(node, ByKind):
                    continue
                entered = dict(node.entered())
                for line in sec.lines:
                    if line.path[-1] not in entered:
                        out[sec.title][line.label][col.header] = None


FINAL_WORKBOOK = WorkbookKind("决算", "部门决算填报工作簿", "部门决算公开", "决算表", FINAL_SHEETS)

__all__ = ["CLASS_USES", "FINAL_SHEETS", "FINAL_WORKBOOK", "INDICATOR_ROWS", "WHOLE", "final_export"]

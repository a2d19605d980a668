"""The input model of the second 文种: one department's 部门决算 (final accounts) of a closed year.

Why this module exists: after the year closes the same officers publish the 决算 with the same
skeleton as the budget but other figures (使用非财政拨款结余, 年初/年末结转和结余, 结余分配, 年初预算
against 决算 per 功能分类 项, "三公" 预算数 and 决算数, contracts awarded to SMEs, 绩效自评). This
is the contract between the input file (``基本信息.文种: 决算``) and the 决算 stages; as for the
budget, types are checked here and every identity lives in ``rules/final_checks.py``.

Absent is not zero: counts and figures the officer may not know (团组, 批次, vehicles, equipment,
年初预算数, 上年决算数) are ``None`` when not given, and the document then says nothing about them.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, ValidationError

from .. import schema_cache
from ..findings import Finding, SourceMap
from .final_terms import (  # noqa: F401 - the 决算 vocabulary, importable without the models
    FINAL_EXPENSE_KINDS,
    FINAL_FUNDS,
    FINAL_INCOME_SOURCES,
    FISCAL_FUNDS,
    INCOME_TO_FUND,
    ROW_INCOME_SOURCES,
    SANGONG_GROUPS,
    SANGONG_ITEMS,
    is_final,
)
from .model import (
    ZERO,
    Amount,
    Code,
    DeclaredSubtotal,
    EconomicRow,
    NamedAmounts,
    Node,
    Prior,
    Term,
    Text,
    _message,
    assign_paths,
    settled,
)

# ---------------------------------------------------------------- 基本信息 and 概况


class FinalInfo(Node):
    文种: Literal["决算"] = Field(title="文种", description="决算（部门决算公开）；不填为预算")
    部门名称: Text = Field(title="部门名称", description="公开主体的全称")
    部门编码: Code = Field("", title="部门编码")
    决算年度: int = Field(title="决算年度", description="决算所属的年度，如 2023（次年公开）")
    金额单位: Literal["元", "万元"] = Field(title="金额单位", description="本文件中所有金额的单位：元 或 万元")
    表格金额单位: Literal["元", "万元"] | None = Field(None, title="表格金额单位", description="不填则同金额单位")
    版式: Text = Field("", title="地区版式", description="有决算版式的版式名（湖北：曾都区体例，上海：市级模板）或版式文件的路径；"
                                                     "不填则按 --profile、配置文件的 版式，否则湖北")
    地区: Text = Field("", title="地区", description="如 曾都区，用于名词解释")
    公开日期: dt.date | None = Field(None, title="公开日期", description="YYYY-MM-DD")


class FinalUnit(Node):
    名称: Text = Field(title="单位名称")
    备注: Text = Field("", title="备注", description="如 行政单位、公益一类事业单位")


class FinalOverview(Node):
    主要职责: list[Text] = Field(title="主要职责", description="每段一条，不带编号")
    决算单位: list[FinalUnit] = Field(title="纳入本部门决算编制范围的单位", description="第一个为本级")
    内设机构: list[Text] = Field(default_factory=list, title="本级内设机构")


# ---------------------------------------------------------------- 收入


class FinalCurrentIncome(NamedAmounts):
    PARTS = FINAL_INCOME_SOURCES

    一般公共预算财政拨款收入: Amount = ZERO
    政府性基金预算财政拨款收入: Amount = ZERO
    国有资本经营预算财政拨款收入: Amount = ZERO
    上级补助收入: Amount = ZERO
    事业收入: Amount = ZERO
    经营收入: Amount = ZERO
    附属单位上缴收入: Amount = ZERO
    其他收入: Amount = ZERO


class FinalByFund(NamedAmounts):
    """年初/年末结转和结余 by fund: the three 财政拨款 and 其他资金 (非财政拨款)."""

    PARTS = FINAL_FUNDS

    一般公共预算财政拨款: Amount = ZERO
    政府性基金预算财政拨款: Amount = ZERO
    国有资本经营预算财政拨款: Amount = ZERO
    其他资金: Amount = ZERO

    def fiscal(self) -> Decimal:
        return sum((self.get(f) for f in FISCAL_FUNDS), ZERO)


class FinalIncome(Node):
    本年收入: FinalCurrentIncome = Field(default_factory=FinalCurrentIncome, title="本年收入（按来源）")
    本年收入合计: Amount | None = Field(None, title="本年收入合计（可选，填写则校验）")
    使用非财政拨款结余: Amount = Field(ZERO, title="使用非财政拨款结余（和专用结余）")
    年初结转和结余: FinalByFund = Field(default_factory=FinalByFund, title="年初结转和结余（按资金）")
    收入总计: Amount | None = Field(None, title="收入总计（可选，填写则校验）")


# ---------------------------------------------------------------- 支出


class RowIncome(Node):
    """The income a 功能分类 项 received, by source (the 收入决算表); optional when it can be derived."""

    财政拨款收入: Amount = ZERO
    上级补助收入: Amount = ZERO
    事业收入: Amount = ZERO
    经营收入: Amount = ZERO
    附属单位上缴收入: Amount = ZERO
    其他收入: Amount = ZERO

    def get(self, source: str) -> Decimal:
        return getattr(self, source)


class FinalFunctionRow(Node):
    """One 项 of expenditure by 功能分类, paid from one fund, with its 年初预算 and the reason for the gap."""

    科目编码: Code = Field(title="功能分类科目编码（项，7位）")
    科目名称: Text = Field(title="科目名称")
    资金来源: Literal["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "其他资金"] = Field(
        "一般公共预算财政拨款", title="资金来源")
    人员经费: Amount = Field(ZERO, title="基本支出：人员经费")
    公用经费: Amount = Field(ZERO, title="基本支出：公用经费")
    项目支出: Amount = Field(ZERO, title="项目支出")
    上缴上级支出: Amount = Field(ZERO, title="上缴上级支出")
    经营支出: Amount = Field(ZERO, title="经营支出")
    对附属单位补助支出: Amount = Field(ZERO, title="对附属单位补助支出")
    基本支出: Amount | None = Field(None, title="基本支出（可选，填写则校验）")
    合计: Amount | None = Field(None, title="本年支出合计（可选，填写则校验）")
    年初预算数: Amount | None = Field(None, title="年初预算数（财政拨款行）")
    调整预算数: Amount | None = Field(None, title="预算调整数（可选）")
    全年预算数: Amount | None = Field(None, title="全年预算数（可选，= 年初预算数 + 调整预算数）")
    预决算差异原因: Text = Field("", title="决算数与年初预算数差异的主要原因")
    主要用途: Text = Field("", title="主要用于（情况说明）")
    本年收入: RowIncome | None = Field(None, title="本科目本年收入（收入决算表；有结转结余或多种非财政收入时填写）")

    def get(self, kind: str) -> Decimal:
        return getattr(self, kind)

    def basic(self) -> Decimal:
        return self.人员经费 + self.公用经费

    def total(self) -> Decimal:
        return sum((self.get(k) for k in FINAL_EXPENSE_KINDS), ZERO)

    def shown_basic(self) -> Decimal:
        """The 基本支出 the 决算 prints for this row: the declared one within 尾差 (see settled, R12)."""
        return settled(self.基本支出, [self.人员经费, self.公用经费])

    def shown_total(self) -> Decimal:
        """The 合计 the 决算 prints for this row: the declared one within 尾差 (see settled, R12)."""
        return settled(self.合计, [self.get(k) for k in FINAL_EXPENSE_KINDS])


class FinalExpenditure(Node):
    功能分类: list[FinalFunctionRow] = Field(title="本年支出（按功能分类，项级）")
    小计: list[DeclaredSubtotal] = Field(default_factory=list, title="类/款小计（可选，填写则校验）")
    类说明: dict[Code, Text] = Field(default_factory=dict, title="各类支出主要用途（类编码 → 说明）")
    本年支出合计: Amount | None = Field(None, title="本年支出合计（可选，填写则校验）")
    结余分配: Amount = Field(ZERO, title="结余分配")
    年末结转和结余: FinalByFund = Field(default_factory=FinalByFund, title="年末结转和结余（按资金）")
    支出总计: Amount | None = Field(None, title="支出总计（可选，填写则校验）")
    年初预算原因: Text = Field("", title="一般公共预算财政拨款支出决算与年初预算差异的总体原因（可选）")


class DeclaredBasicTotals(Node):
    """The 人员经费合计 / 公用经费合计 lines of the 基本支出决算明细表, when typed (checked against the items)."""

    人员经费: Amount | None = Field(None, title="人员经费合计")
    公用经费: Amount | None = Field(None, title="公用经费合计")


class FundSubject(Node):
    """One 科目 of the 政府性基金 / 国有资本经营 收入支出决算表: carry-in, income, carry-out (支出 from 功能分类)."""

    科目编码: Code = Field(title="功能分类科目编码（项，7位）")
    科目名称: Text = Field(title="科目名称")
    年初结转和结余: Amount = ZERO
    本年收入: Amount = ZERO
    年末结转和结余: Amount = ZERO


# ---------------------------------------------------------------- "三公"、机关运行经费、采购、资产


class SangongFigures(Node):
    因公出国境费: Amount = Field(ZERO, alias="因公出国（境）费", title="因公出国（境）费")
    公务用车购置费: Amount = Field(ZERO, title="公务用车购置费")
    公务用车运行维护费: Amount = Field(ZERO, title="公务用车运行维护费")
    公务接待费: Amount = Field(ZERO, title="公务接待费")
    公务用车购置及运行维护费: Amount | None = Field(None, title="公务用车购置及运行维护费（可选，填写则校验）")
    合计: Amount | None = Field(None, title="合计（可选，填写则校验）")

    def get(self, item: str) -> Decimal:
        if item == "合计":
            return self.total()
        if item == "公务用车购置及运行维护费":
            return self.vehicles()
        return getattr(self, "因公出国境费" if item == "因公出国（境）费" else item)

    def vehicles(self) -> Decimal:
        return self.公务用车购置费 + self.公务用车运行维护费

    def total(self) -> Decimal:
        return self.因公出国境费 + self.vehicles() + self.公务接待费

    def shown_vehicles(self) -> Decimal:
        """公务用车购置及运行维护费 as printed: the declared one within 尾差 of 购置 + 运行维护 (see settled)."""
        return settled(self.公务用车购置及运行维护费, [self.公务用车购置费, self.公务用车运行维护费])

    def shown_total(self) -> Decimal:
        """The “三公” 合计 as printed: the declared one within 尾差 of the four items (see settled)."""
        return settled(self.合计, [self.因公出国境费, self.公务用车购置费, self.公务用车运行维护费, self.公务接待费])

    def shown(self, item: str) -> Decimal:
        """An item as the 决算 prints it: 合计 and 公务用车购置及运行维护费 as declared within 尾差."""
        if item == "合计":
            return self.shown_total()
        if item == "公务用车购置及运行维护费":
            return self.shown_vehicles()
        return self.get(item)


class Abroad(Node):
    团组数: int | None = Field(None, title="出国（境）团组（个）")
    人次: int | None = Field(None, title="累计人次")
    用途: Text = Field("", title="主要用于")


class Cars(Node):
    购置数: int | None = Field(None, title="本年购置（更新）公务用车（辆）")
    保有量: int | None = Field(None, title="年末开支财政拨款的公务用车保有量（辆）")
    购置用途: Text = Field("", title="购置费主要用于")
    运行用途: Text = Field("", title="运行维护费主要用于")


class Reception(Node):
    金额: Amount = Field(ZERO, title="金额")
    批次: int | None = Field(None, title="接待批次（团组）")
    人次: int | None = Field(None, title="接待人次（不包括陪同人员）")
    对象: Text = Field("", title="接待对象及主要事由")


class Receptions(Node):
    国内: Reception = Field(default_factory=Reception, title="国内公务接待")
    外宾: Reception = Field(default_factory=Reception, title="外宾接待")


class FinalSangong(Node):
    预算数: SangongFigures = Field(default_factory=SangongFigures, title="全年预算数")
    决算数: SangongFigures = Field(default_factory=SangongFigures, title="支出决算数")
    出国: Abroad = Field(default_factory=Abroad, title="因公出国（境）情况")
    公务用车: Cars = Field(default_factory=Cars, title="公务用车情况")
    公务接待: Receptions | None = Field(None, title="公务接待（国内、外宾）")
    预决算差异原因: dict[str, Text] = Field(default_factory=dict, title="决算数与预算数差异原因（合计/各项 → 原因）")
    增减原因: dict[str, Text] = Field(default_factory=dict, title="决算数较上年增减原因（合计/各项 → 原因）")


class FinalOperatingCost(Node):
    决算数: Amount | None = Field(None, title="机关运行经费支出决算", description="不填则文档不说明机关运行经费；确无此项填 0")
    比较基数: Literal["年初预算", "上年决算"] = Field("上年决算", title="与什么相比",
                                                 description="湖北体例与年初预算比，上海体例与上年决算比")
    年初预算数: Amount | None = Field(None, title="年初预算数（比较基数为年初预算时）")
    原因: Text = Field("", title="增减主要原因")


class ByKind(Node):
    货物: Amount = ZERO
    工程: Amount = ZERO
    服务: Amount = ZERO

    def total(self) -> Decimal:
        return self.货物 + self.工程 + self.服务

    def entered(self) -> list[tuple[str, Decimal]]:
        """The kinds the input gives, in 货物/工程/服务 order: the document lists only these (a kind left
        out counts as 0 in the sums and checks, but is never stated as 0)."""
        return [(k, getattr(self, k)) for k in ("货物", "工程", "服务") if k in self.model_fields_set]


class MicroByKind(Node):
    """授予小微企业 contracts by kind; a kind left out is not stated (it is not zero)."""

    货物: Amount | None = None
    工程: Amount | None = None
    服务: Amount | None = None

    def given(self) -> list[tuple[str, Decimal]]:
        return [(k, v) for k in ("货物", "工程", "服务") if (v := getattr(self, k)) is not None]

    def total(self) -> Decimal:
        return sum((v for _, v in self.given()), ZERO)


class FinalProcurement(Node):
    合同金额: ByKind = Field(default_factory=ByKind, title="政府采购支出（合同金额，按类别）")
    合计: Amount | None = Field(None, title="合计（可选，填写则校验）")
    授予中小企业: ByKind | None = Field(None, title="授予中小企业合同金额（按类别）",
                                    description="只说明填写的类别；不填则文档不说明授予中小企业（及小微企业）合同金额")
    授予小微企业: Amount | None = Field(None, title="其中授予小微企业合同金额",
                                      description="不填时取按类别各项之和；都不填则文档不说明授予小微企业金额")
    授予小微企业按类别: MicroByKind | None = Field(
        None, title="其中授予小微企业合同金额（按类别，可选）",
        description="只说明填写的类别；与合计都填时校验各类之和 = 合计")
    预留中小企业预算: Amount | None = Field(None, title="面向中小企业预留项目预算金额（上海体例）")
    预留小微企业预算: Amount | None = Field(None, title="面向小微企业预留项目预算金额（上海体例）")

    def shown_total(self) -> Decimal:
        """The 政府采购 合计 as printed: the declared one within 尾差 of 货物 + 工程 + 服务 (see settled)."""
        k = self.合同金额
        return settled(self.合计, [k.货物, k.工程, k.服务])

    def sme(self) -> Decimal | None:
        """授予中小企业 in total: the sum of the kinds entered, or None when it was not entered (the document
        then leaves the 中小企业 clause out, and the 小微企业 one with it — absent is not zero)."""
        return None if self.授予中小企业 is None else self.授予中小企业.total()

    def sme_kinds(self) -> dict[str, Decimal]:
        """The kinds whose 授予中小企业 amount was entered, in 货物/工程/服务 order (a kind left out is not 0)."""
        return {} if self.授予中小企业 is None else dict(self.授予中小企业.entered())

    def micro(self) -> Decimal | None:
        """授予小微企业 in total: as entered, else the sum of the kinds entered, else None (neither entered:
        the document leaves the clause out — absent is not zero)."""
        if self.授予小微企业 is not None:
            return self.授予小微企业
        by = self.授予小微企业按类别
        return None if by is None or not by.given() else by.total()

    def micro_kinds(self) -> list[tuple[str, Decimal]]:
        """The kinds whose 授予小微企业 amount was entered, in 货物/工程/服务 order (absent is not zero)."""
        by = self.授予小微企业按类别
        return [] if by is None else by.given()


class FinalVehicle(Node):
    类型: Text = Field(title="车辆类型", description="如 主要负责人用车、机要通信用车、应急保障用车、执法执勤用车、其他用车")
    数量: int = Field(title="数量（辆）")


class FinalAssets(Node):
    截至日期: dt.date | None = Field(None, title="统计截至日期", description="通常为决算年度的12月31日")
    车辆: list[FinalVehicle] | None = Field(None, title="车辆（按类型）；不填则不说明车辆")
    其他用车说明: Text = Field("", title="其他用车主要是")
    单价100万元以上设备: int | None = Field(None, title="单位价值100万元以上专用设备（台/套）")


# ---------------------------------------------------------------- 绩效自评


class SelfIndicator(Node):
    一级指标: Text = Field("", title="一级指标")
    二级指标: Text = Field("", title="二级指标")
    三级指标: Text = Field(title="三级指标（指标名称）")
    年初目标值: Text = Field(title="年初目标值")
    实际完成值: Text = Field(title="实际完成值")
    偏差原因: Text = Field("", title="偏差原因及改进措施")


class ProjectSelfEval(Node):
    项目名称: Text = Field(title="项目名称")
    功能分类科目: Code = Field("", title="功能分类科目编码（可选）")
    全年预算数: Amount = Field(title="全年预算数")
    执行数: Amount = Field(title="全年执行数")
    得分: Decimal | None = Field(None, title="自评得分（可选）")
    主要产出和效益: Text = Field(title="主要产出和效益")
    问题及原因: Text = Field("", title="发现的问题及原因")
    改进措施: Text = Field("", title="下一步改进措施")
    指标: list[SelfIndicator] = Field(default_factory=list, title="绩效指标完成情况")


class WholeSelfEval(Node):
    得分: Decimal | None = Field(None, title="整体绩效自评得分")
    完成情况: Text = Field("", title="整体绩效目标完成情况")
    年度目标: Text = Field("", title="年度目标")
    指标: list[SelfIndicator] = Field(default_factory=list, title="整体绩效指标完成情况")
    问题及原因: Text = Field("", title="存在的问题和原因")
    改进措施: Text = Field("", title="下一步改进措施")


class SelfEvaluation(Node):
    工作开展情况: Text = Field("", title="预算绩效管理工作开展情况（可选）")
    项目: list[ProjectSelfEval] = Field(default_factory=list, title="项目支出绩效自评")
    整体: WholeSelfEval | None = Field(None, title="部门整体支出绩效自评（附件）")
    结果应用: list[Text] = Field(default_factory=list, title="绩效评价结果应用情况")


# ---------------------------------------------------------------- 上年决算数 and the whole


FINAL_PRIOR_ITEMS: tuple[str, ...] = (
    "收入支出总计",
    "本年收入合计",
    "本年支出合计",
    "财政拨款收入支出总计",
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "一般公共预算财政拨款支出",
    "三公经费",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "公务接待费",
    "机关运行经费",
)
"""The keys of 上年数 in a 决算: last year's 决算 of every figure the narrative compares."""


class FinalPrior(Node):
    收入支出总计: Prior | None = None
    本年收入合计: Prior | None = None
    本年支出合计: Prior | None = None
    财政拨款收入支出总计: Prior | None = None
    一般公共预算财政拨款收入: Prior | None = None
    政府性基金预算财政拨款收入: Prior | None = None
    国有资本经营预算财政拨款收入: Prior | None = None
    一般公共预算财政拨款支出: Prior | None = None
    三公经费: Prior | None = Field(None, title="“三公”经费合计")
    因公出国境费: Prior | None = Field(None, alias="因公出国（境）费")
    公务用车购置及运行维护费: Prior | None = None
    公务接待费: Prior | None = None
    机关运行经费: Prior | None = None

    def item(self, key: str) -> Prior | None:
        return getattr(self, "因公出国境费" if key == "因公出国（境）费" else key)


class FinalAccounts(Node):
    """One department's 部门决算: the root of a file whose 基本信息.文种 is 决算."""

    基本信息: FinalInfo
    部门概况: FinalOverview
    收入: FinalIncome
    支出: FinalExpenditure
    经济分类基本支出: list[EconomicRow] = Field(default_factory=list, title="一般公共预算财政拨款基本支出（按经济分类，款级）")
    经济分类合计: DeclaredBasicTotals = Field(default_factory=DeclaredBasicTotals, title="基本支出明细表的人员经费/公用经费合计（可选）")
    政府性基金: list[FundSubject] = Field(default_factory=list, title="政府性基金预算财政拨款收入和结转（按科目）")
    国有资本经营: list[FundSubject] = Field(default_factory=list, title="国有资本经营预算财政拨款收入和结转（按科目）")
    三公经费: FinalSangong = Field(default_factory=FinalSangong, title="财政拨款“三公”经费")
    机关运行经费: FinalOperatingCost | None = Field(None, title="机关运行经费")
    政府采购: FinalProcurement | None = Field(None, title="政府采购支出（以合同签订为准）")
    国有资产: FinalAssets | None = Field(None, title="国有资产占有使用情况")
    绩效自评: SelfEvaluation = Field(default_factory=SelfEvaluation, title="预算绩效（自评）")
    上年数: FinalPrior = Field(default_factory=FinalPrior, title="上年决算数与增减原因")
    其他需要说明的情况: list[Text] = Field(default_factory=list, title="其他需要说明的情况（可选）")
    名词解释: list[Term] = Field(default_factory=list, title="名词解释（补充或覆盖内置条目）")


def build_final(data: Any, source: SourceMap) -> tuple[FinalAccounts | None, list[Finding]]:
    """Model stage for a 决算: validate plain data into ``FinalAccounts``; type errors become findings."""
    try:
        schema_cache.complete(FinalAccounts)
        accounts = FinalAccounts.model_validate(data)
    except ValidationError as exc:
        findings = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            message = _message(err, FinalAccounts).replace("“预算年度”", "“决算年度”")
            findings.append(Finding("MODEL-TYPE", "error", message, file=source.file, position=source.find(loc), path=loc))
        return None, findings
    assign_paths(accounts)
    return accounts, []

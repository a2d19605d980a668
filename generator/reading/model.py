"""The input model: one department's annual budget, as the officer describes it.

Why this module exists: it is the contract between the input file (YAML/JSON/Excel, keys in
the officers' own Chinese vocabulary) and every later stage. Types are checked here (pydantic);
arithmetic and domain rules are *not* — they live in ``check.py`` so that every problem is
reported as a finding with a source location, all at once.

Amounts are ``Decimal`` in the unit declared in 基本信息.金额单位 (元 or 万元). Negative amounts
and extra decimals are accepted by the model and reported by the hygiene rules.
"""

import datetime as dt
import re
from decimal import Decimal
from difflib import get_close_matches
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from .. import schema_cache
from ..findings import Finding, SourceMap

ZERO = Decimal("0")
CENT = Decimal("0.01")


def tail_tolerance(parts: list[Decimal]) -> Decimal:
    """How far a declared total may differ from the sum of its parts and still be 尾差: 0.01 per part
    that carries a figure (only those were rounded), at least 0.01."""
    return CENT * max(sum(1 for p in parts if p), 1)


def settled(declared: Decimal | None, parts: list[Decimal], otherwise: Decimal | None = None) -> Decimal:
    """The figure the document prints for a total the officer may have typed (R12).

    Within 尾差 of its parts, the declared total is the exact figure from the 元 system and the parts
    were rounded: it is printed (with the 尾差 note under the table). Not declared, or off by more (an
    error, printed only under --force): ``otherwise`` when given, else the sum of the parts."""
    total = sum(parts, ZERO)
    if declared is not None and abs(declared - total) <= tail_tolerance(parts):
        return declared
    return total if otherwise is None else otherwise


MAX_AMOUNT_YUAN = Decimal(10) ** 15
"""Amounts at or above 10^15 元 (a thousand trillion) are refused: no department budget comes near,
and larger figures would exceed the precision every later sum and percentage is computed with."""

_UNIT_FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}


def _foreign_digit(text: str) -> str | None:
    """The first digit that is not ASCII 0-9 (full-width １, Arabic-Indic ١ …): Decimal() would accept it."""
    return next((ch for ch in text if ch.isdigit() and not ("0" <= ch <= "9")), None)


def _to_decimal(value: Any, info: ValidationInfo) -> Any:
    """Accept int/str/Decimal amounts; refuse floats (they would lose cents), booleans, non-ASCII
    digits and amounts beyond MAX_AMOUNT_YUAN (in the file's unit, passed as validation context)."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, bool):
        raise ValueError("金额不能是 true/false")
    if isinstance(value, float):
        # The loader never produces floats; a float here means a caller passed one in code.
        value = Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace("，", ",")
        digit = _foreign_digit(text)
        if digit is not None:
            raise ValueError(f"“{value}”含有非半角数字“{digit}”（U+{ord(digit):04X}），请改用半角数字 0-9，如 1234.56")
        if "," in text and not _GROUPED.fullmatch(text):
            raise ValueError(f"“{value}”的千分位逗号位置不对，请填写数字，如 1,234.56 或 1234.56")
        try:
            value = Decimal(text.replace(",", ""))
        except Exception as exc:  # noqa: BLE001 - any parse failure is the same user error
            raise ValueError(f"“{value}”不是金额，请填写数字，如 1234.56") from exc
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"“{value}”不是金额，请填写数字，如 1234.56")
        unit = (info.context or {}).get("unit")
        factor = _UNIT_FACTOR.get(unit, Decimal(1))
        if abs(value) * factor >= MAX_AMOUNT_YUAN:
            shown = f"{value:E}" if abs(value.adjusted()) > 20 else f"{value:f}"
            raise ValueError(f"金额“{shown}”{unit or ''}超出合理范围（须小于 10^15 元，即一千万亿元），请检查是否多填了数位")
    return value


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


Amount = Annotated[Decimal, BeforeValidator(_to_decimal)]
"""A money amount in the file's unit; empty means 0."""


def _to_text(value: Any) -> Any:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return value


Code = Annotated[str, BeforeValidator(_to_text)]
"""A classification or organisation code; numbers typed without quotes are accepted."""
Text = Annotated[str, BeforeValidator(_to_text)]

from .budget_terms import (  # noqa: E402, F401 - the budget's vocabulary, importable without the models
    FISCAL_SOURCES,
    FUND_SOURCES,
    INCOME_FUND,
    INCOME_SOURCES,
    PRIOR_ITEMS,
    PROCUREMENT_FUNDS,
    THREE_PUBLIC_ITEMS,
)

EXPENSE_KINDS: tuple[str, ...] = ("人员经费", "公用经费", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出")
"""The expenditure columns of a 功能分类 row (基本支出 = 人员经费 + 公用经费)."""


class Node(BaseModel):
    """Base of every input object: Chinese keys, unknown keys refused, source path remembered."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True, defer_build=True)
    _path: tuple[str | int, ...] = PrivateAttr(default=())

    @property
    def path(self) -> tuple[str | int, ...]:
        """Where this object stands in the input, e.g. ('支出', '功能分类', 3)."""
        return self._path


# ---------------------------------------------------------------- 基本信息


class BudgetUnit(Node):
    编码: Code = Field(title="单位编码", description="预算单位编码，如 307001")
    名称: Text = Field(title="单位名称")
    类型: Literal["本级", "二级单位"] = Field("本级", title="本级或二级单位")
    单位性质: Text | None = Field(
        None, title="单位性质", description="如 行政单位、参照公务员法管理事业单位、公益一类事业单位"
    )
    本年收入: "CurrentIncome | None" = Field(  # defined below: a forward reference
        None, title="本单位本年收入（可选）", description="各单位都填时，收入总表按单位列示；各单位之和须等于部门收入"
    )
    上年结转结余: "ByFund | None" = Field(None, title="本单位上年结转结余（可选）")


class BasicInfo(Node):
    文种: Literal["预算"] = Field("预算", title="文种", description="预算（部门预算公开，默认）；决算文件见 final_model")
    部门名称: Text = Field(title="部门名称", description="公开主体的全称，如 武汉市青山区科学技术和经济信息化局")
    部门编码: Code = Field("", title="部门编码")
    预算年度: int = Field(title="预算年度", description="如 2024")
    金额单位: Literal["元", "万元"] = Field(title="金额单位", description="本文件中所有金额的单位：元 或 万元")
    表格金额单位: Literal["元", "万元"] | None = Field(
        None, title="表格金额单位", description="预算表显示的单位；不填则同金额单位。情况说明一律用万元。"
    )
    口径: Literal["部门", "单位"] = Field("部门", title="公开口径", description="部门（汇总）或 单位")
    汇总: bool = Field(False, title="是否汇总", description="部门含二级单位、按汇总口径公开时为 true（标题加“（汇总）”）")
    地区: Text = Field("", title="地区", description="如 青山区，用于名词解释中的“区级财政”")
    版式: Text = Field("", title="版式（可选）", description="公开文本的地区版式：湖北（默认）、河北、上海，或版式文件的路径")
    预算单位: list[BudgetUnit] = Field(default_factory=list, title="纳入本预算的预算单位（本级和二级单位）")
    公开日期: dt.date | None = Field(None, title="公开日期", description="YYYY-MM-DD；用于文档日期")
    填报人: Text = Field("", title="填报人")
    联系电话: Text = Field("", title="联系电话")


# ---------------------------------------------------------------- 部门概况


class Staffing(Node):
    类型: Text = Field(title="编制类型", description="行政编制、事业编制、工勤编制 等")
    人数: int = Field(title="编制人数")


class Personnel(Node):
    """Headcounts. Each is optional: not given (absent) is not 0 — the document leaves its clause out."""

    编制: list[Staffing] | None = Field(None, title="编制数（按类型）", description="不填则文档不写编制数；确无编制填 []")
    实有人数: int | None = Field(None, title="在职实有人数", description="不填则文档不写；确为0人填 0")
    离退休人数: int | None = Field(None, title="离退休人数", description="不填则文档不写；确为0人填 0")
    说明: Text = Field("", title="补充说明", description="如 离退休人员中离休0人、退休32人")


class SubUnit(Node):
    名称: Text = Field(title="二级单位名称")
    性质: Text = Field("", title="单位性质", description="如 公益一类事业单位")
    纳入本预算: bool = Field(True, title="是否纳入本部门预算")


class Institution(Node):
    """One row of the 机构设置 table (河北: 部门机构设置情况)."""

    单位名称: Text = Field(title="单位名称")
    单位性质: Text = Field("", title="单位性质", description="如 行政、参公事业、公益一类事业")
    单位规格: Text = Field("", title="单位规格", description="如 正科级、副处级")
    经费保障形式: Text = Field("", title="经费保障形式", description="如 财政拨款、财政补助、经费自理")


class Overview(Node):
    职能概述: Text = Field("", title="职能概述（可选）",
                       description="职责前的一句（上海：“上海市财政局是主管全市财政工作的市政府组成部门。”）；不填则不写")
    主要职责: list[Text] = Field(title="主要职责", description="每段一条，不带编号；编号由文档生成")
    内设机构: list[Text] = Field(default_factory=list, title="内设机构")
    机构设置: list[Institution] = Field(
        default_factory=list, title="机构设置（可选）", description="单位名称、单位性质、单位规格、经费保障形式，每个单位一行"
    )
    二级单位: list[SubUnit] = Field(default_factory=list, title="所属二级单位")
    人员构成: Personnel = Field(default_factory=Personnel, title="人员构成")
    年度主要工作任务: list[Text] = Field(default_factory=list, title="年度主要工作任务（可选）")


# ---------------------------------------------------------------- 收入


class NamedAmounts(Node):
    """Amounts under a fixed list of names, ``PARTS`` (income sources, fund sources): ``get`` one by its
    name, ``total`` the sum of all. Each subclass declares the amounts as fields and names them in PARTS."""

    PARTS: ClassVar[tuple[str, ...]] = ()

    def get(self, source: str) -> Decimal:
        return getattr(self, source)

    def total(self) -> Decimal:
        return sum((self.get(s) for s in self.PARTS), ZERO)


class CurrentIncome(NamedAmounts):
    PARTS = INCOME_SOURCES

    一般公共预算拨款: Amount = ZERO
    政府性基金预算拨款: Amount = ZERO
    国有资本经营预算拨款: Amount = ZERO
    财政专户管理资金: Amount = ZERO
    事业收入: Amount = ZERO
    事业单位经营收入: Amount = ZERO
    上级补助收入: Amount = ZERO
    附属单位上缴收入: Amount = ZERO
    其他收入: Amount = ZERO


class ByFund(NamedAmounts):
    """Amounts by fund source (上年结转结余, 年终结转结余, a project's funding)."""

    PARTS = FUND_SOURCES

    一般公共预算: Amount = ZERO
    政府性基金预算: Amount = ZERO
    国有资本经营预算: Amount = ZERO
    财政专户管理资金: Amount = ZERO
    单位资金: Amount = ZERO


class Income(Node):
    本年收入: CurrentIncome = Field(default_factory=CurrentIncome, title="本年收入（按来源）")
    本年收入合计: Amount | None = Field(None, title="本年收入合计（可选，填写则校验）")
    上年结转结余: ByFund = Field(default_factory=ByFund, title="上年结转结余（按资金来源）")
    收入总计: Amount | None = Field(None, title="收入总计（可选，填写则校验）")


# ---------------------------------------------------------------- 支出


class FunctionRow(Node):
    """One 项-level row of expenditure by 功能分类, paid from one fund source.

    A 项 paid from two sources is entered as two rows with the same code.
    """

    科目编码: Code = Field(title="功能分类科目编码（项，7位）", description="如 2060101")
    科目名称: Text = Field(title="科目名称", description="如 行政运行")
    资金来源: Literal["一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"] = Field(
        "一般公共预算", title="资金来源"
    )
    人员经费: Amount = Field(ZERO, title="基本支出：人员经费")
    公用经费: Amount = Field(ZERO, title="基本支出：公用经费")
    项目支出: Amount = Field(ZERO, title="项目支出")
    事业单位经营支出: Amount = Field(ZERO, title="事业单位经营支出")
    上缴上级支出: Amount = Field(ZERO, title="上缴上级支出")
    对附属单位补助支出: Amount = Field(ZERO, title="对附属单位补助支出")
    基本支出: Amount | None = Field(None, title="基本支出（可选，填写则校验 = 人员经费 + 公用经费）")
    合计: Amount | None = Field(None, title="合计（可选，填写则校验）")
    上年结转: Amount | None = Field(
        None, title="其中：上年结转结余安排（可选）",
        description="本行支出中由上年结转结余安排的部分；河北等版式的收入总表按功能分类分列本年收入和上年结转",
    )

    def get(self, kind: str) -> Decimal:
        return getattr(self, kind)

    def basic(self) -> Decimal:
        return self.人员经费 + self.公用经费

    def total(self) -> Decimal:
        return sum((self.get(k) for k in EXPENSE_KINDS), ZERO)

    def shown_basic(self) -> Decimal:
        """The 基本支出 the tables print for this row: the declared one within 尾差 (see settled)."""
        return settled(self.基本支出, [self.人员经费, self.公用经费])

    def shown_total(self) -> Decimal:
        """The 合计 the tables print for this row: the declared one within 尾差 (see settled)."""
        return settled(self.合计, [self.get(k) for k in EXPENSE_KINDS])


class DeclaredSubtotal(Node):
    """A 类 or 款 subtotal the officer typed (optional); checked against the sum of its 项."""

    科目编码: Code = Field(title="类（3位）或款（5位）编码")
    科目名称: Text = Field("", title="科目名称")
    合计: Amount = Field(title="合计")


class Expenditure(Node):
    功能分类: list[FunctionRow] = Field(title="支出（按功能分类，项级）")
    小计: list[DeclaredSubtotal] = Field(default_factory=list, title="类/款小计（可选，填写则校验）")
    本年支出合计: Amount | None = Field(None, title="本年支出合计（可选，填写则校验）")
    年终结转结余: ByFund = Field(default_factory=ByFund, title="年终结转结余（按资金来源）")
    支出总计: Amount | None = Field(None, title="支出总计（可选，填写则校验）")


class EconomicRow(Node):
    科目编码: Code = Field(title="经济分类科目编码（款，5位）", description="如 30101")
    科目名称: Text = Field(title="科目名称", description="如 基本工资")
    人员经费: Amount = ZERO
    公用经费: Amount = ZERO
    合计: Amount | None = Field(None, title="合计（可选，填写则校验）")

    def total(self) -> Decimal:
        return self.人员经费 + self.公用经费

    def shown_total(self) -> Decimal:
        """The 合计 the 基本支出表 prints for this 款: the declared one within 尾差 (see settled)."""
        return settled(self.合计, [self.人员经费, self.公用经费])


# ---------------------------------------------------------------- 重要事项


class FiscalSplit(NamedAmounts):
    """One "三公" item split by the three 财政拨款 sources (河北's 三公 table has them as columns)."""

    PARTS = FISCAL_SOURCES

    一般公共预算: Amount = ZERO
    政府性基金预算: Amount = ZERO
    国有资本经营预算: Amount = ZERO





class ThreePublicFunds(Node):
    """The fund split of each "三公" item (optional; an item without one is all 一般公共预算)."""

    因公出国境费: FiscalSplit | None = Field(None, alias="因公出国（境）费")
    教学科研人员因公出国境费: FiscalSplit | None = Field(None, alias="教学科研人员因公出国（境）费")
    其他因公出国境费: FiscalSplit | None = Field(None, alias="其他因公出国（境）费")
    公务用车购置费: FiscalSplit | None = None
    公务用车运行维护费: FiscalSplit | None = None
    公务接待费: FiscalSplit | None = None
    会议费: FiscalSplit | None = None
    培训费: FiscalSplit | None = None

    def item(self, key: str) -> FiscalSplit | None:
        """The split of one item, by its input key (THREE_PUBLIC_ITEMS)."""
        return getattr(self, key.replace("（境）", "境"))


class ThreePublic(Node):
    因公出国境费: Amount = Field(ZERO, alias="因公出国（境）费", title="因公出国（境）费")
    教学科研人员因公出国境费: Amount | None = Field(
        None, alias="教学科研人员因公出国（境）费", title="其中：教学科研人员因公出国（境）费（可选）"
    )
    其他因公出国境费: Amount | None = Field(None, alias="其他因公出国（境）费", title="其中：其他因公出国（境）费（可选）")
    公务用车购置费: Amount = Field(ZERO, title="公务用车购置费")
    公务用车运行维护费: Amount = Field(ZERO, title="公务用车运行维护费")
    公务接待费: Amount = Field(ZERO, title="公务接待费")
    公务用车购置及运行费: Amount | None = Field(None, title="公务用车购置及运行费（可选，填写则校验）")
    合计: Amount | None = Field(None, title="“三公”经费合计（可选，填写则校验）")
    会议费: Amount | None = Field(None, title="会议费（可选）", description="部分地区在“三公”经费表中同时公开；不计入“三公”合计")
    培训费: Amount | None = Field(None, title="培训费（可选）", description="同上，不计入“三公”合计")
    资金来源: ThreePublicFunds | None = Field(
        None, title="按资金来源分列（可选）",
        description="各项按一般公共预算、政府性基金预算、国有资本经营预算分列（河北“三公”经费表的资金性质列）；"
                    "某项不填则全部视为一般公共预算；填写则校验各来源之和 = 该项金额",
    )

    def item(self, key: str) -> Decimal | None:
        """An item's amount by its input key (THREE_PUBLIC_ITEMS); None when an optional one was not entered."""
        return getattr(self, key.replace("（境）", "境"))

    def split(self, key: str) -> dict[str, Decimal] | None:
        """An item's amount by 财政拨款 source: the entered split, else all 一般公共预算; None when not entered."""
        value = self.item(key)
        if value is None:
            return None
        given = self.资金来源.item(key) if self.资金来源 is not None else None
        if given is not None:
            return {s: given.get(s) for s in FISCAL_SOURCES}
        return {s: value if s == FISCAL_SOURCES[0] else ZERO for s in FISCAL_SOURCES}

    def vehicles(self) -> Decimal:
        """公务用车购置及运行费: the declared one within 尾差 of 购置 + 运行维护 (see settled)."""
        return settled(self.公务用车购置及运行费, [self.公务用车购置费, self.公务用车运行维护费])

    def total(self) -> Decimal:
        """The “三公” 合计 the document prints: the declared one within 尾差 of the four items (see settled)."""
        return settled(self.合计, [self.因公出国境费, self.公务用车购置费, self.公务用车运行维护费, self.公务接待费])


class Item(Node):
    名称: Text = Field(title="名称")
    金额: Amount = Field(title="金额")


class OperatingCost(Node):
    金额: Amount | None = Field(None, title="机关运行经费", description="不填则情况说明写“未填报”；确无此项填 0")
    范围: Text = Field("", title="口径范围", description="如 本级机关、部门本级机关及下属3家参公事业单位；不填则写“本部门”")
    明细: list[Item] = Field(default_factory=list, title="明细（可选），如 办公费、印刷费")


class ProcurementFunds(NamedAmounts):
    """A procurement item's amount by fund source (河北: 政府采购金额（当年部门预算安排资金） columns)."""

    PARTS = PROCUREMENT_FUNDS

    一般公共预算: Amount = ZERO
    政府性基金预算: Amount = ZERO
    国有资本经营预算: Amount = ZERO
    财政专户管理资金: Amount = ZERO
    单位资金: Amount = ZERO
    上年结转结余: Amount = ZERO





class ProcurementItem(Node):
    项目: Text = Field("", title="所属项目")
    项目预算资金: Amount | None = Field(
        None, title="所属项目预算资金（可选）", description="采购所属项目的预算金额（河北：政府采购项目来源的预算资金）")
    品目: Text = Field(title="政府采购品目", description="如 [C21040000]物业管理服务，或只填物品名称（目录序号另填）")
    目录序号: Code = Field("", title="政府采购目录序号（可选）",
                      description="如 A02010105；不填时从品目开头的 [序号] 取")
    类别: Literal["货物", "工程", "服务"] = Field(title="类别")
    数量: Decimal | None = Field(None, title="采购数量")
    计量单位: Text = Field("", title="计量单位")
    单价: Amount | None = Field(None, title="单价（可选）")
    金额: Amount = Field(title="采购金额")
    资金来源: ProcurementFunds | None = Field(
        None, title="按资金来源分列（可选）",
        description="一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金、单位资金、上年结转结余；填写则校验之和 = 采购金额")
    面向中小企业: Amount = Field(ZERO, title="其中面向中小企业")
    面向小微企业: Amount = Field(ZERO, title="其中面向小微企业")

    def catalog_code(self) -> str:
        """The 政府采购目录序号: as entered, else the [code] the 品目 starts with, else ""."""
        if self.目录序号:
            return self.目录序号
        m = _BRACKETED.match(self.品目)
        return m.group(1) if m else ""

    def item_name(self) -> str:
        """The 采购物品名称: the 品目 without a leading [code]."""
        m = _BRACKETED.match(self.品目)
        return m.group(2).strip() if m else self.品目


_BRACKETED = re.compile(r"^\s*[\[【［]\s*([A-Za-z0-9]+)\s*[\]】］]\s*(.*)$")


class Procurement(Node):
    货物: Amount = ZERO
    工程: Amount = ZERO
    服务: Amount = ZERO
    面向中小企业: Amount | None = Field(None, title="面向中小企业采购金额", description="不填则文档不写面向中小企业的金额和占比（不会写 0）")
    面向小微企业: Amount | None = Field(None, title="其中面向小微企业采购金额", description="不填则文档不写面向小微企业的金额")
    合计: Amount | None = Field(None, title="合计（可选，填写则校验）")
    明细: list[ProcurementItem] = Field(default_factory=list, title="采购明细（可选）")

    def total(self) -> Decimal:
        """The 合计 the document prints: the declared one within 尾差 of 货物 + 工程 + 服务 (see settled)."""
        return settled(self.合计, [self.货物, self.工程, self.服务])


class Vehicle(Node):
    类型: Text = Field(title="车辆类型", description="如 机要通信用车、应急保障用车、执法执勤用车、特种专业技术用车、其他用车")
    数量: int | None = Field(None, title="数量（辆）", description="不填视为未填报；没有填 0")


class FixedAsset(Node):
    """One kind of fixed asset held (河北: 部门固定资产占用情况表)."""

    类别: Text = Field(title="资产类别", description="如 房屋、车辆、单价100万元以上设备")
    数量: int | None = Field(None, title="数量（可选）")
    价值: Amount | None = Field(None, title="价值（可选）")


class Assets(Node):
    """国有资产占用. Every count and amount is optional: not given leaves its clause out of the document."""

    截至日期: dt.date | None = Field(None, title="统计截至日期", description="如 2023-12-31")
    车辆: list[Vehicle] | None = Field(
        None, title="车辆（按类型）", description="不填则文档不写车辆情况；没有车辆请按类型填 0"
    )
    单价50万元以上通用设备: int | None = Field(None, title="单价50万元以上通用设备（台/套）", description="不填则不写；没有填 0")
    单价100万元以上专用设备: int | None = Field(None, title="单价100万元以上专用设备（台/套）", description="不填则不写；没有填 0")
    单价100万元以上设备: int | None = Field(
        None, title="单价100万元（含）以上设备（不含车辆）（台/套）", description="上海的口径；不填则不写；没有填 0")
    购置车辆: list[Vehicle] | None = Field(
        None, title="本年预算安排购置车辆（按类型，可选）", description="不填则文档不写购置车辆；不购置请按类型填 0")
    购置单价100万元以上设备: int | None = Field(
        None, title="本年预算安排购置单价100万元（含）以上设备（不含车辆）（台/套，可选）", description="不填则不写；不购置填 0")
    资产配置预算: Amount | None = Field(None, title="本年资产配置预算金额", description="不填则不写；没有填 0")
    上年末固定资产总额: Amount | None = Field(None, title="上年末固定资产总额（可选）")
    固定资产占用: list[FixedAsset] = Field(default_factory=list, title="固定资产占用（按类别，可选）")
    说明: Text = Field("", title="补充说明")

    def vehicle_count(self) -> int | None:
        """Vehicles held, None when no count was entered (a type listed without 数量 is not a count)."""
        return _vehicles(self.车辆)

    def purchase_count(self) -> int | None:
        """Vehicles the budget buys this year, None when no count was entered."""
        return _vehicles(self.购置车辆)


def _vehicles(rows: list[Vehicle] | None) -> int | None:
    counts = [v.数量 for v in rows or [] if v.数量 is not None]
    return sum(counts) if counts else None


class PurchasedService(Node):
    合计: Amount | None = Field(None, title="政府购买服务预算合计", description="不填则情况说明写“未填报”；确无此项填 0")
    明细: list[Item] = Field(default_factory=list, title="明细（可选）")


# ---------------------------------------------------------------- 绩效


Sign = Literal["≥", "≤", "=", ">", "<", "定性"]


class Indicator(Node):
    一级指标: Literal["产出指标", "效益指标", "满意度指标", "成本指标"] = Field(title="一级指标")
    二级指标: Text = Field(title="二级指标", description="如 数量指标、质量指标、时效指标、经济效益指标、服务对象满意度指标")
    三级指标: Text = Field(title="三级指标（指标名称）")
    符号: Sign = Field("=", title="计算符号", description="≥ ≤ = > < 或 定性")
    指标值: Text = Field(title="指标值", description="定量指标填数字，如 95；定性指标填文字，如 达标")
    计量单位: Text = Field("", title="计量单位", description="如 %、家、次")
    指标值确定依据: Text = Field("", title="指标值确定依据", description="如 计划标准、历史标准")
    前年值: Text = Field("", title="前年指标值（近两年）")
    上年值: Text = Field("", title="上年指标值（近两年）")
    绩效指标描述: Text = Field("", title="绩效指标描述（可选）", description="指标的含义或计算方法")


class TargetSet(Node):
    """A 绩效目标 with its indicators (a project's, or one of the department's 长期/年度 targets)."""

    目标: Text = Field(title="目标内容")
    指标: list[Indicator] = Field(default_factory=list, title="绩效指标")


class ProjectPerformance(Node):
    总目标: Text = Field("", title="项目总目标（中期目标）")
    年度目标: Text = Field(title="年度绩效目标")
    指标: list[Indicator] = Field(title="绩效指标")


class SpendingPlan(Node):
    """A project's 资金支出计划: cumulative amounts spent by the end of each quarter-mark."""

    至3月底: Amount | None = Field(None, alias="3月底", title="截至3月底累计支出")
    至6月底: Amount | None = Field(None, alias="6月底", title="截至6月底累计支出")
    至10月底: Amount | None = Field(None, alias="10月底", title="截至10月底累计支出")
    至12月底: Amount | None = Field(None, alias="12月底", title="截至12月底累计支出（应等于项目预算数）")

    def points(self) -> list[tuple[str, Decimal | None]]:
        """(label, cumulative amount) in time order."""
        return [("3月底", self.至3月底), ("6月底", self.至6月底), ("10月底", self.至10月底), ("12月底", self.至12月底)]


class Project(Node):
    项目编码: Code = Field(title="项目编码")
    项目名称: Text = Field(title="项目名称")
    项目单位: Text = Field("", title="项目单位")
    资金来源: ByFund = Field(default_factory=ByFund, title="资金来源（按来源的金额）")
    合计: Amount | None = Field(None, title="合计（可选，填写则校验）")
    项目类型: Text = Field("", title="项目类型", description="如 经常性项目、一次性项目")
    项目属性: Text = Field("", title="项目属性", description="如 延续性项目、新增项目")
    功能分类科目: Code = Field("", title="功能分类科目编码（可选）")
    项目概况: Text = Field("", title="项目概况")
    立项依据: Text = Field("", title="立项依据")
    主要用途: Text = Field("", title="主要用途", description="情况说明中“主要用于……”的内容")
    资金用途: Text = Field("", title="资金用途（可选）", description="绩效目标表“预算规模及资金用途”中的说明文字")
    其他资金: Amount | None = Field(
        None, title="其他资金（可选，填写则校验）", description="项目资金中财政拨款以外的部分（财政专户管理资金 + 单位资金）"
    )
    资金支出计划: SpendingPlan | None = Field(
        None, title="资金支出计划（可选）", description="3月底、6月底、10月底、12月底的累计支出金额；12月底应等于项目预算数"
    )
    项目负责人: Text = Field("", title="项目负责人")
    起止日期: Text = Field("", title="项目起止日期")
    绩效目标: ProjectPerformance | None = Field(None, title="项目绩效目标")

    def total(self) -> Decimal:
        """The project's 合计 the document prints: the declared one within 尾差 of its sources (see settled)."""
        return settled(self.合计, [self.资金来源.get(s) for s in FUND_SOURCES])

    def other_funds(self) -> Decimal:
        """其他资金 (财政拨款以外的来源) as printed: the declared one within 尾差 (see settled)."""
        return settled(self.其他资金, [self.资金来源.get(s) for s in FUND_SOURCES if s not in FISCAL_SOURCES])


class DepartmentPerformance(Node):
    长期目标: list[TargetSet] = Field(default_factory=list, title="长期目标")
    年度目标: list[TargetSet] = Field(default_factory=list, title="年度目标")


# ---------------------------------------------------------------- 上年数


class Prior(Node):
    """Last year's figure for one compared item, with the officer's reason for the change."""

    金额: Amount | None = Field(None, title="上年预算数")
    增减原因: Text = Field("", title="增减原因")

    @model_validator(mode="before")
    @classmethod
    def _bare_amount(cls, value: Any) -> Any:
        if isinstance(value, (int, str, Decimal)) and not isinstance(value, bool):
            return {"金额": value}
        return value





class PriorYear(Node):
    收入总计: Prior | None = None
    支出总计: Prior | None = None
    基本支出: Prior | None = None
    项目支出: Prior | None = None
    财政拨款收入: Prior | None = None
    一般公共预算拨款: Prior | None = None
    一般公共预算支出: Prior | None = None
    一般公共预算基本支出: Prior | None = None
    政府性基金预算支出: Prior | None = None
    国有资本经营预算支出: Prior | None = None
    三公经费: Prior | None = Field(None, title="“三公”经费合计")
    因公出国境费: Prior | None = Field(None, alias="因公出国（境）费")
    公务用车购置费: Prior | None = None
    公务用车运行维护费: Prior | None = None
    公务接待费: Prior | None = None
    机关运行经费: Prior | None = None
    政府采购: Prior | None = None
    政府购买服务: Prior | None = None
    功能分类: dict[Code, Prior] = Field(
        default_factory=dict, title="一般公共预算支出按功能分类（类或项编码 → 上年数）"
    )
    项目: dict[Code, Prior] = Field(default_factory=dict, title="项目（项目编码 → 上年数）")

    def item(self, key: str) -> Prior | None:
        """Look up by the Chinese key of PRIOR_ITEMS."""
        attr = "因公出国境费" if key == "因公出国（境）费" else key
        return getattr(self, attr)


# ---------------------------------------------------------------- 名词解释 and the whole


class Term(Node):
    术语: Text = Field(title="术语")
    解释: Text = Field(title="解释", description="与内置术语同名时覆盖内置解释")


class Budget(Node):
    """One department's budget: the root of the input file."""

    基本信息: BasicInfo
    部门概况: Overview
    收入: Income
    支出: Expenditure
    经济分类基本支出: list[EconomicRow] = Field(
        default_factory=list, title="一般公共预算基本支出（按经济分类，款级）"
    )
    三公经费: ThreePublic = Field(default_factory=ThreePublic, title="一般公共预算“三公”经费")
    机关运行经费: OperatingCost = Field(default_factory=OperatingCost)
    政府采购: Procurement | None = Field(None, title="政府采购预算", description="不填则情况说明写“未填报”；确无采购请各项填 0")
    国有资产: Assets = Field(default_factory=Assets, title="国有资产占用")
    政府购买服务: PurchasedService = Field(default_factory=PurchasedService)
    项目: list[Project] = Field(default_factory=list, title="项目支出")
    部门整体绩效: DepartmentPerformance = Field(default_factory=DepartmentPerformance, title="部门整体绩效目标")
    上年数: PriorYear = Field(default_factory=PriorYear, title="上年数与增减原因")
    名词解释: list[Term] = Field(default_factory=list, title="名词解释（补充或覆盖内置条目）")
    其他需要说明的事项: Text = Field("", title="其他需要说明的事项（可选）", description="自由文字；填写则作为单独一节列示")


def assign_paths(node: Any, path: tuple[str | int, ...] = ()) -> None:
    """Record on every Node where it stands in the input (by its Chinese key), for findings."""
    if isinstance(node, Node):
        node._path = path
        for name, field in type(node).model_fields.items():
            key = field.alias or name
            assign_paths(getattr(node, name), path + (key,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            assign_paths(item, path + (i,))
    elif isinstance(node, dict):
        for k, item in node.items():
            assign_paths(item, path + (k,))


def key_of(model: type[Node], attr: str) -> str:
    """The Chinese input key of attribute ``attr`` (its alias where it has one)."""
    field = model.model_fields[attr]
    return field.alias or attr


# ---------------------------------------------------------------- building the model


def _allowed_keys(loc: tuple, root: type[Node] | None = None) -> list[str]:
    """The keys allowed at the object holding ``loc`` (for did-you-mean suggestions)."""
    cls: Any = root or Budget
    for part in loc[:-1]:
        if isinstance(part, int) or cls is None:
            continue
        field = next((f for n, f in cls.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return []
        cls = _node_class(field.annotation)
    if cls is None:
        return []
    return [f.alias or n for n, f in cls.model_fields.items()]


def _node_class(annotation: Any) -> type[Node] | None:
    if isinstance(annotation, type) and issubclass(annotation, Node):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _node_class(arg)
        if found:
            return found
    return None


def _message(err: dict, root: type[Node] | None = None) -> str:
    kind = err["type"]
    loc = err["loc"]
    key = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"缺少必填项“{key}”，请补上"
    if kind == "extra_forbidden":
        near = get_close_matches(key, _allowed_keys(loc, root), n=1, cutoff=0.3)
        hint = f"，是否应为“{near[0]}”？" if near else "，请删除或改为规定的名称"
        return f"不认识的项“{key}”{hint}"
    if kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")
        return f"“{key}”的值“{err.get('input')}”不在可选范围内，应为：{expected}"
    if kind == "value_error":  # our own validators speak Chinese already
        return str(err["msg"]).removeprefix("Value error, ")
    if kind.startswith("int"):
        return f"“{key}”应为整数，实际为“{err.get('input')}”"
    if kind in ("finite_number",) or kind.startswith("decimal"):
        return f"“{key}”应为金额数字，实际为“{err.get('input')}”"
    if kind in ("list_type",):
        return f"“{key}”应为列表（每项以“- ”开头）"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"“{key}”应为一组“名称: 值”"
    if kind.startswith("string"):
        return f"“{key}”应为文字"
    if kind.startswith("date"):
        return f"“{key}”应为日期，格式 YYYY-MM-DD"
    if kind.startswith("bool"):
        return f"“{key}”应为 true 或 false"
    return f"“{key}”的值不正确：{err.get('msg', '')}"


def build(data: Any, source: SourceMap) -> tuple[Budget | None, list[Finding]]:
    """Model stage: validate plain data into a ``Budget``; type errors become findings."""
    if not isinstance(data, dict):
        return None, [Finding("MODEL-ROOT", "error", "文件最外层应为“基本信息、部门概况、收入、支出……”等各部分",
                              file=source.file, position=source.find(()))]
    try:
        info = data.get("基本信息")
        unit = info.get("金额单位") if isinstance(info, dict) else None
        schema_cache.complete(Budget)
        budget = Budget.model_validate(data, context={"unit": unit if unit in _UNIT_FACTOR else None})
    except ValidationError as exc:
        findings = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            findings.append(
                Finding("MODEL-TYPE", "error", _message(err), file=source.file, position=source.find(loc), path=loc)
            )
        return None, findings
    assign_paths(budget)
    return budget, []

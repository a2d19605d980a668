"""The budget's vocabulary: fund and income sources, the prior-year items.

Why this module exists: the workbook layout and the batch summary need these names, not the
pydantic models (whose classes cost a noticeable share of a process that only writes a summary);
reading/model.py re-exports them.
"""

FUND_SOURCES: tuple[str, ...] = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
"""Fund sources an expenditure row or a project can be paid from."""
FISCAL_SOURCES: tuple[str, ...] = FUND_SOURCES[:3]
"""The three 财政拨款 sources."""

INCOME_SOURCES: tuple[str, ...] = (
    "一般公共预算拨款",
    "政府性基金预算拨款",
    "国有资本经营预算拨款",
    "财政专户管理资金",
    "事业收入",
    "事业单位经营收入",
    "上级补助收入",
    "附属单位上缴收入",
    "其他收入",
)
"""本年收入 by source, in the order of the 收支总表."""

INCOME_FUND: dict[str, str] = {
    "一般公共预算拨款": "一般公共预算",
    "政府性基金预算拨款": "政府性基金预算",
    "国有资本经营预算拨款": "国有资本经营预算",
    "财政专户管理资金": "财政专户管理资金",
    "事业收入": "单位资金",
    "事业单位经营收入": "单位资金",
    "上级补助收入": "单位资金",
    "附属单位上缴收入": "单位资金",
    "其他收入": "单位资金",
}
"""Which fund source each income source feeds."""

PRIOR_ITEMS: tuple[str, ...] = (
    "收入总计",
    "支出总计",
    "基本支出",
    "项目支出",
    "财政拨款收入",
    "一般公共预算拨款",
    "一般公共预算支出",
    "一般公共预算基本支出",
    "政府性基金预算支出",
    "国有资本经营预算支出",
    "三公经费",
    "因公出国（境）费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
    "机关运行经费",
    "政府采购",
    "政府购买服务",
)
"""The keys of 上年数. The narrative compares those in check.NARRATED_PRIOR; 支出总计 and
一般公共预算拨款 are accepted for completeness and checked against the others (PRIOR-BALANCE)."""

PROCUREMENT_FUNDS: tuple[str, ...] = (*FUND_SOURCES, "上年结转结余")
"""The fund columns of a procurement item: the five sources of this year's money, then 上年结转结余."""

THREE_PUBLIC_ITEMS: tuple[str, ...] = ("因公出国（境）费", "教学科研人员因公出国（境）费", "其他因公出国（境）费", "公务用车购置费",
                                       "公务用车运行维护费", "公务接待费", "会议费", "培训费")
"""The "三公" items (and 会议费/培训费) that can be split by fund source, by their input keys."""

"""The 决算's vocabulary (funds, income sources, expense kinds, "三公" groups) and how an input declares it.

Why this module exists: the 决算 rules are registered with every rule (rules/check.py), so every
`validate` imports them; a budget never needs the 决算 models, whose pydantic classes cost a
noticeable share of a `validate` process. The rules read these names from here and build the
models only for a 决算 (reading/final_model.py re-exports everything).
"""

from __future__ import annotations

from typing import Any

FINAL_FUNDS: tuple[str, ...] = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "其他资金")
"""Fund sources of a 决算 expenditure row; the first three are 财政拨款."""
FISCAL_FUNDS: tuple[str, ...] = FINAL_FUNDS[:3]

FINAL_INCOME_SOURCES: tuple[str, ...] = (
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
)
"""本年收入 by source, in the order of the 收入支出决算总表."""

INCOME_TO_FUND: dict[str, str] = {
    "一般公共预算财政拨款收入": "一般公共预算财政拨款",
    "政府性基金预算财政拨款收入": "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款收入": "国有资本经营预算财政拨款",
    **{s: "其他资金" for s in ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")},
}

FINAL_EXPENSE_KINDS: tuple[str, ...] = ("人员经费", "公用经费", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
"""The 本年支出 columns of a 功能分类 row (基本支出 = 人员经费 + 公用经费)."""

SANGONG_ITEMS: tuple[str, ...] = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
SANGONG_GROUPS: tuple[str, ...] = ("合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务接待费")
"""The "三公" figures the narrative explains, each with a reason against 预算 and against 上年."""

ROW_INCOME_SOURCES: tuple[str, ...] = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
"""The columns of the 收入决算表 (income by 功能分类)."""


def is_final(data: Any) -> bool:
    """Whether plain input data declares the 决算 文种 (基本信息.文种: 决算)."""
    info = data.get("基本信息") if isinstance(data, dict) else None
    return isinstance(info, dict) and str(info.get("文种", "")).strip() == "决算"

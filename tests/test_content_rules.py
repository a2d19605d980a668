"""The content rules (rules/content_checks.py) on edge cases the corpus does not show: each fires on the
mistake real publications make and stays silent on the correct text next to it."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from generator.findings import SourceMap
from generator.reading.load import load_file
from generator.reading.model import build
from generator.rules.check import run_checks

DATA = Path(__file__).parent / "data"
BASE, _ = load_file(DATA / "good_small.yaml")


def _rules(edit) -> list[tuple[str, str]]:
    data = copy.deepcopy(BASE)
    edit(data)
    budget, findings = build(data, SourceMap("t.yaml", {}))
    assert budget is not None, [f.render() for f in findings]
    return [(f.rule, f.message) for f in run_checks(budget, SourceMap("t.yaml", {}))]


def _fired(edit, rule: str) -> list[str]:
    return [m for r, m in _rules(edit) if r == rule]


def _project(data: dict) -> dict:
    return data["项目"][0]


@pytest.mark.parametrize(("plan", "fires"), [
    ({"3月底": "10.00", "6月底": "20.00", "10月底": "30.00", "12月底": "40.00"}, False),
    ({"3月底": "10.00", "12月底": "40.00"}, False),  # only some points given
    ({"3月底": "0", "6月底": "0", "10月底": "0", "12月底": "40.00"}, False),
    ({"6月底": "20.00", "10月底": "19.99", "12月底": "40.00"}, True),
    ({"3月底": "10.00", "6月底": "20.00", "10月底": "30.00", "12月底": "10.50"}, True),  # ends below 预算数
])
def test_spending_plan(plan: dict, fires: bool):
    def edit(data):
        _project(data)["资金支出计划"] = plan
    assert bool(_fired(edit, "PLAN-ORDER")) is fires
    assert not _fired(edit, "PLAN-PERCENT")


def test_spending_plan_in_percent_is_named_once():
    def edit(data):
        _project(data)["资金支出计划"] = {"3月底": 25, "6月底": 50, "10月底": 75, "12月底": 100}
    assert len(_fired(edit, "PLAN-PERCENT")) == 1
    assert not _fired(edit, "PLAN-ORDER")  # not a second, misleading message about the same plan


@pytest.mark.parametrize(("value", "unit", "fires"), [
    ("100000", "元", False),    # "≤100000元" for a 40.00万元 project: 10万元, not above it
    ("487.4", "万元", True),     # the real one: 487.4万元 for a 462.27 project
    ("500000", "元", True),
    ("40", "万元", False),       # equal to the project: not above it
    ("1.2", "元", False),
    ("95", "%", False),          # not an amount
])
def test_cost_indicator(value: str, unit: str, fires: bool):
    def edit(data):
        _project(data)["资金来源"] = {"一般公共预算": Decimal("40.00")}
        _project(data)["绩效目标"]["指标"].append({"一级指标": "成本指标", "二级指标": "经济成本指标", "三级指标": "单位成本",
                                              "符号": "≤", "指标值": value, "计量单位": unit})
    assert bool(_fired(edit, "PERF-COST")) is fires


def test_cost_indicator_in_yuan_above_a_small_project():
    """The real case: "≤100000元" for a 5.00万元 project."""
    def edit(data):
        data["支出"]["功能分类"][1]["项目支出"] = Decimal("5.00")
        for key in ("本年支出合计", "支出总计"):
            data["支出"].pop(key, None)
        _project(data)["资金来源"] = {"一般公共预算": Decimal("5.00")}
        _project(data).pop("合计", None)
        _project(data)["绩效目标"]["指标"].append({"一级指标": "产出指标", "二级指标": "成本指标", "三级指标": "项目成本",
                                              "符号": "≤", "指标值": "100000", "计量单位": "元"})
    assert any("100000元" in m for m in _fired(edit, "PERF-COST"))


@pytest.mark.parametrize(("value", "fires"), [("2023年底前完成", True), ("2024年12月31日前完成", False),
                                              ("12月底前完成", False)])
def test_time_indicator_year(value: str, fires: bool):
    def edit(data):
        _project(data)["绩效目标"]["指标"].append({"一级指标": "产出指标", "二级指标": "时效指标", "三级指标": "完成时间",
                                              "符号": "定性", "指标值": value})
    assert bool(_fired(edit, "PERF-TIME")) is fires


def test_copied_targets_need_the_same_indicators_too():
    def edit(data, change_one: bool):
        twin = copy.deepcopy(_project(data))
        twin["项目编码"], twin["项目名称"] = "901T0002", "另一个项目"
        if change_one:
            twin["绩效目标"]["指标"][0]["指标值"] = "12"
        data["项目"].append(twin)
    assert _fired(lambda d: edit(d, False), "PERF-COPY")
    assert not _fired(lambda d: edit(d, True), "PERF-COPY")


@pytest.mark.parametrize(("name", "unit", "fires"), [("覆盖率", "人", True), ("覆盖率", "%", False),
                                                    ("培训人数", "人", False), ("完成率", "个", True)])
def test_rate_with_count_unit(name: str, unit: str, fires: bool):
    def edit(data):
        _project(data)["绩效目标"]["指标"][0].update({"三级指标": name, "计量单位": unit})
    assert bool(_fired(edit, "PERF-UNIT")) is fires


def test_vehicle_cost_from_the_economic_classification():
    """30231 公务用车运行维护费 in the 经济分类 with no vehicle entered: fires even when the “三公” table says 0."""
    def edit(data):
        del data["国有资产"]["车辆"]
        rows = data["经济分类基本支出"]
        other = next(r for r in rows if r["科目编码"] == "30299")
        other["公用经费"] -= Decimal("1.00")
        rows.append({"科目编码": "30231", "科目名称": "公务用车运行维护费", "公用经费": Decimal("1.00")})
    found = _fired(edit, "VEHICLE-COST")
    assert found and "没有填写车辆" in found[0]


def test_staff_zero_only_when_given_as_zero():
    def absent(data):
        del data["部门概况"]["人员构成"]["实有人数"]
    assert not _fired(absent, "STAFF-ZERO")  # not entered is not 0 (INFO-MISSING says so instead)
    assert _fired(absent, "INFO-MISSING")


@pytest.mark.parametrize(("text", "rule", "fires"), [
    ("人员经费98.00万元，主要用于工资福利", "TEXT-FIGURE", False),
    ("人员经费98万元", "TEXT-FIGURE", False),
    ("人员经费99.00万元", "TEXT-FIGURE", True),
    ("上年人员经费120.00万元", "TEXT-FIGURE", False),          # last year's figure, not this year's
    ("2023年人员经费120.00万元", "TEXT-FIGURE", False),
    ("其中基本支出110.00万元，占73.33%", "TEXT-FIGURE", False),
    ("其中基本支出110.00万元，占70.00%", "TEXT-FIGURE", True),
    ("“三公”经费1.0万元", "TEXT-FIGURE", False),
    ("三公经费1.5万元", "TEXT-FIGURE", True),
    ("依据《预算法》（2018年修正）", "HYG-TEXT-YEAR", False),
    ("2018年起实施", "HYG-TEXT-YEAR", True),
    ("到2026年完成", "HYG-TEXT-YEAR", True),
    ("工作常常加班", "HYG-DOUBLED", False),
    ("财政拨款财政拨款收入", "HYG-DOUBLED", True),
    ("完成率达到98.5%", "HYG-PUNCT", False),
    ("完成任务.2024年继续", "HYG-PUNCT", True),
    ("N/A", "HYG-PLACEHOLDER", True),
    ("原因：N/A", "HYG-PLACEHOLDER", True),
    ("DNA检测", "HYG-PLACEHOLDER", False),
    ("请填写", "HYG-PLACEHOLDER", True),
    ("……", "HYG-PLACEHOLDER", True),
    ("等等……", "HYG-PLACEHOLDER", False),
    ("（略）", "HYG-PLACEHOLDER", True),
    ("XX单位", "HYG-PLACEHOLDER", True),
])
def test_officer_text(text: str, rule: str, fires: bool):
    def edit(data):
        data["上年数"]["基本支出"] = {"金额": Decimal("105.00"), "增减原因": text}
    assert bool(_fired(edit, rule)) is fires, _rules(edit)


def test_three_public_section_left_out_is_named():
    """No 三公经费 section at all: the table and 说明 would print 0 万元 for every item, so the officer is told."""
    def absent(data):
        del data["三公经费"]

    def zero(data):
        data["三公经费"] = {"因公出国（境）费": 0, "公务用车购置费": 0, "公务用车运行维护费": 0, "公务接待费": 0}
    found = [m for m in _fired(absent, "INFO-MISSING") if "三公" in m]
    assert found and "0" in found[0], found
    assert not [m for m in _fired(zero, "INFO-MISSING") if "三公" in m]

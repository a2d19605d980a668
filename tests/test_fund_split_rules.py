"""The fund-split rules of the 河北 layout: CARRY-ROWS (per-row 上年结转), SANGONG-FUNDS ("三公" by fund source)
and PROC-FUNDS (procurement items by fund source). Each fires on the inconsistent input and stays silent on
the consistent one beside it; none of them says anything when the optional split is not entered."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from pathlib import Path

import pytest

from generator.findings import SourceMap
from generator.layout.profile import load_profile
from generator.reading.load import load_file
from generator.reading.model import build
from generator.rules.check import run_checks

DATA = Path(__file__).parent / "data"
BASE, _ = load_file(DATA / "good_small.yaml")


def _fired(edit, rule: str, profile: str | None = None) -> list[str]:
    data = copy.deepcopy(BASE)
    edit(data)
    budget, findings = build(data, SourceMap("t.yaml", {}))
    assert budget is not None, [f.render() for f in findings]
    layout = (lambda: load_profile(profile)) if profile else None
    return [f.message for f in run_checks(budget, SourceMap("t.yaml", {}), profile=layout) if f.rule == rule]


def _carry(carry_in: str, carry_out: str, rows: list[str | None]):
    """上年结转结余/年终结转结余 of 一般公共预算, and the per-row 上年结转 of the first rows (None: not given)."""
    def edit(data):
        data["收入"]["上年结转结余"] = {"一般公共预算": D(carry_in)}
        data["支出"]["年终结转结余"] = {"一般公共预算": D(carry_out)}
        for row, value in zip(data["支出"]["功能分类"], rows, strict=False):
            if value is not None:
                row["上年结转"] = D(value)
    return edit


@pytest.mark.parametrize(("carry_in", "carry_out", "rows", "fires"), [
    ("10.00", "0", ["4.00", "6.00"], False),       # all carried money spent on the rows: equal
    ("10.00", "0", ["4.00", "5.00"], True),        # 1.00 neither spent nor carried on
    ("10.00", "0", ["4.00", "7.00"], True),        # more than was carried over
    ("10.00", "4.00", ["6.00"], False),            # 4.00 goes on to 年终结转结余
    ("10.00", "4.00", ["10.00"], False),           # or the carry-out is this year's money
    ("10.00", "4.00", ["5.00"], True),             # 10 − 4 = 6 at least
    ("10.00", "0", [None, None], False),           # not given at all: nothing to say (absent is not zero)
    ("0", "0", ["0", None], False),
])
def test_carry_rows_against_the_carry_over(carry_in: str, carry_out: str, rows: list, fires: bool):
    assert bool(_fired(_carry(carry_in, carry_out, rows), "CARRY-ROWS")) is fires


@pytest.mark.parametrize(("carry_in", "carry_out", "rows", "profile", "fires"), [
    ("10.00", "0", [None], "河北", True),          # carried money spent, no row says where: 上年结转 column blank
    ("10.00", "4.00", [None], "河北", True),       # 6.00 at least was spent
    ("10.00", "10.00", [None], "河北", False),     # all of it goes on to 年终结转结余: a blank column is right
    ("10.00", "0", ["4.00", "6.00"], "河北", False),  # given: CARRY-ROWS checks it
    ("0", "0", [None], "河北", False),
    ("10.00", "0", [None], "湖北", False),         # 湖北/上海 tables have no per-row 上年结转 column
    ("10.00", "0", [None], "上海", False),
    ("10.00", "0", [None], None, False),           # no layout known: nothing to say about its columns
])
def test_carry_rows_missing_where_the_layout_splits_them(carry_in, carry_out, rows, profile, fires):
    messages = _fired(_carry(carry_in, carry_out, rows), "CARRY-ROWS-MISSING", profile)
    assert bool(messages) is fires, messages
    if fires:  # which figure, where, and the range it must fall in
        low = D(carry_in) - D(carry_out)
        assert messages == [f"上年结转结余中的一般公共预算 {carry_in}万元至少有 {low:.2f}万元在本年支出（上年结转结余 − 年终结转结余），"
                            "但功能分类各行都没有填“上年结转”：“部门预算收入总表”的“上年结转”栏将空白、“本年收入”按本行合计列示。"
                            "请在 支出.功能分类 中资金来源为“一般公共预算”、用到上年结转的各行填写 上年结转（各行之和"
                            + (f"为 {low:.2f}）" if low == D(carry_in) else f"在 {low:.2f} 至 {carry_in} 之间）")]


def test_carry_rows_missing_follows_the_table_columns_of_the_layout(tmp_path: Path):
    """Profile data decides: a layout extending 湖北 whose 收入总表 gains a 上年结转 column is asked too."""
    (tmp_path / "带结转.yaml").write_text("继承: 湖北\n名称: 带结转\n表:\n  收入总表:\n    来源: 功能分类\n    列: [合计, 本年收入, 上年结转]\n"
                                        "    表头: [[科目编码, 科目名称, 合计, 本年收入, 上年结转]]\n"
                                        "    宽度: [10, 30, 10, 10, 10]\n    对齐: [left, left, right, right, right]\n",
                                        encoding="utf-8")
    assert load_profile(tmp_path / "带结转.yaml").表["收入总表"].列[-1] == "上年结转"  # it loads (else silent)
    assert _fired(_carry("10.00", "0", [None]), "CARRY-ROWS-MISSING", str(tmp_path / "带结转.yaml"))


def test_carry_rows_by_fund_source():
    """A row paid from 单位资金 draws on 单位资金's carry-over, not on 一般公共预算's."""
    def edit(data):
        data["收入"]["上年结转结余"] = {"一般公共预算": D("5.00")}
        row = data["支出"]["功能分类"][0]
        row["上年结转"] = D("5.00")
        row["资金来源"] = "单位资金"
    messages = _fired(edit, "CARRY-ROWS")
    assert any("单位资金" in m for m in messages) and any("一般公共预算" in m for m in messages)


@pytest.mark.parametrize(("value", "fires"), [("-1.00", True), ("92.00", False), ("92.01", True), ("0", False)])
def test_carry_row_within_its_total(value: str, fires: bool):
    """Row 0 (行政运行) totals 92.00; its 上年结转 lies between 0 and that."""
    def edit(data):
        data["收入"]["上年结转结余"] = {"一般公共预算": D("100.00")}
        data["支出"]["年终结转结余"] = {"一般公共预算": D("100.00")}
        data["支出"]["功能分类"][0]["上年结转"] = D(value)
    assert any("本行合计" in m for m in _fired(edit, "CARRY-ROWS")) is fires


@pytest.mark.parametrize(("split", "fires"), [
    ({"一般公共预算": "0.60", "政府性基金预算": "0.40"}, False),
    ({"一般公共预算": "0.60", "国有资本经营预算": "0.30"}, True),
    ({"政府性基金预算": "1.00"}, False),
    ({"一般公共预算": "1.50"}, True),
])
def test_three_public_split_sums_to_the_item(split: dict, fires: bool):
    def edit(data):
        data["三公经费"]["资金来源"] = {"公务接待费": {k: D(v) for k, v in split.items()}}
    assert bool(_fired(edit, "SANGONG-FUNDS")) is fires


def test_three_public_split_of_an_item_not_entered():
    def edit(data):
        data["三公经费"]["资金来源"] = {"培训费": {"一般公共预算": D("1.00")}}
    assert _fired(edit, "SANGONG-FUNDS") == ["填了培训费的资金来源分列，但没有填培训费的金额"]

    def entered(data):
        edit(data)
        data["三公经费"]["培训费"] = D("1.00")
    assert not _fired(entered, "SANGONG-FUNDS")


def test_three_public_scope_counts_only_the_general_budget_part():
    """三公 paid from 政府性基金 does not count against the 一般公共预算 expenditure (SANGONG-SCOPE)."""
    def edit(data):
        data["三公经费"]["公务接待费"] = D("200.00")
        data["三公经费"]["合计"] = D("200.00")
    assert _fired(edit, "SANGONG-SCOPE")

    def split(data):
        edit(data)
        data["三公经费"]["资金来源"] = {"公务接待费": {"一般公共预算": D("1.00"), "政府性基金预算": D("199.00")}}
    assert not _fired(split, "SANGONG-SCOPE")


def _items(*funds: dict | None):
    def edit(data):
        data["政府采购"]["明细"] = [
            {"品目": "办公设备", "类别": "货物", "金额": D("8.00"), "面向中小企业": D("8.00"), "面向小微企业": D("6.00")},
            {"品目": "物业服务", "类别": "服务", "金额": D("2.00"), "面向中小企业": D("2.00")},
        ]
        for item, split in zip(data["政府采购"]["明细"], funds, strict=False):
            if split is not None:
                item["资金来源"] = {k: D(v) for k, v in split.items()}
    return edit


@pytest.mark.parametrize(("funds", "fires"), [
    ((None, None), False),
    (({"一般公共预算": "5.00", "上年结转结余": "3.00"}, {"单位资金": "2.00"}), False),
    (({"一般公共预算": "5.00"}, None), True),
    ((None, {"财政专户管理资金": "2.50"}), True),
])
def test_procurement_split_sums_to_the_item(funds: tuple, fires: bool):
    assert bool(_fired(_items(*funds), "PROC-FUNDS")) is fires
    assert not _fired(_items(*funds), "PROC-TOTAL")


@pytest.mark.parametrize(("price", "quantity", "fires"), [
    ("2.00", "4", False),
    ("2.67", "3", False),    # 8.01: 单价 rounded to the cent
    ("1.50", "4", True),
    (None, "4", False),      # no 单价: nothing to compare
    ("2.00", None, False),
])
def test_procurement_price_times_quantity(price, quantity, fires: bool):
    def edit(data):
        _items()(data)
        item = data["政府采购"]["明细"][0]
        for key, value in (("单价", price), ("数量", quantity)):
            if value is not None:
                item[key] = D(value)
    assert bool(_fired(edit, "PROC-PRICE")) is fires


@pytest.mark.parametrize(("budget", "fires"), [("40.00", False), ("35.00", True), (None, False)])
def test_procurement_project_budget_matches_the_project(budget, fires: bool):
    """good_small's project 示例业务专项 has 40.00."""
    def edit(data):
        _items()(data)
        item = data["政府采购"]["明细"][0]
        item["项目"] = "示例业务专项"
        if budget is not None:
            item["项目预算资金"] = D(budget)
    assert bool(_fired(edit, "PROC-PRICE")) is fires

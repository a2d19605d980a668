"""Excel in and out: the fill-in workbook round-trips every budget, bad workbooks give cell-located
findings (never a traceback), and the tables workbook shows exactly the Word tables' cells."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from generator.cli import app
from generator.findings import InputError
from generator.pipeline import validate
from generator.reading.load import load_file
from generator.reading.model import Assets, Budget, build
from generator.reading.workbook import read_workbook
from generator.reading.workbook_layout import SHEET_NAMES, ExcelError
from generator.writing.fill_in import write_template
from generator.writing.input_yaml import import_workbook
from generator.writing.tables_xlsx import body_rows, table_notes, write_tables_xlsx
from tests.workbook_cells import built, cell_findings, displayed, mutate

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
runner = CliRunner()

INLINE = """\
# 边界情况：元、选填合计为 0、汇总、多行文字、符号 "="、以 0 开头的编码、整体目标、上年数只填原因
基本信息:
  部门名称: 测试县边界局
  部门编码: "0901"
  预算年度: 2025
  金额单位: 元
  表格金额单位: 万元
  口径: 部门
  汇总: true
  地区: 测试县
  预算单位:
    - {编码: "0901001", 名称: 测试县边界局本级, 类型: 本级, 单位性质: 行政单位}
    - {编码: "0901002", 名称: 测试县边界中心, 类型: 二级单位}
  公开日期: 2025-02-10
  联系电话: "0123-4567"
部门概况:
  主要职责:
    - 负责边界工作。
    - "第二条职责：含冒号、引号“”和 # 号"
  内设机构: [办公室]
  二级单位:
    - {名称: 测试县边界中心, 性质: 公益一类事业单位, 纳入本预算: true}
    - {名称: 测试县边界协会, 纳入本预算: false}
  人员构成:
    编制: [{类型: 行政编制, 人数: 5}, {类型: 事业编制, 人数: 0}]
    实有人数: 5
    说明: |-
      第一行说明
      第二行说明
  年度主要工作任务: [完成边界任务]
收入:
  本年收入:
    一般公共预算拨款: 1000000.10
    事业收入: 5000.00
  上年结转结余:
    一般公共预算: 100.05
  收入总计: 1005100.15
支出:
  功能分类:
    - {科目编码: "2010301", 科目名称: 行政运行, 人员经费: 600000.00, 公用经费: 100000.10, 合计: 700000.10}
    - {科目编码: "2010301", 科目名称: 行政运行, 资金来源: 单位资金, 公用经费: 5000.00, 合计: 0}
    - {科目编码: "2010302", 科目名称: 一般行政管理事务, 项目支出: 300000.05, 事业单位经营支出: 0.01}
  小计:
    - {科目编码: "201", 科目名称: 一般公共服务支出, 合计: 1005000.16}
  年终结转结余:
    一般公共预算: 99.99
经济分类基本支出:
  - {科目编码: "30101", 科目名称: 基本工资, 人员经费: 600000.00}
  - {科目编码: "30201", 科目名称: 办公费, 公用经费: 100000.10, 合计: 100000.10}
三公经费:
  公务接待费: 1234.56
  合计: 1234.56
机关运行经费:
  金额: 100000.10
  明细:
    - {名称: 办公费, 金额: 100000.10}
    - {名称: 印刷费, 金额: 0}
政府采购:
  货物: 1.5
  面向中小企业: 1.5
  明细:
    - {品目: 复印纸, 类别: 货物, 数量: 1.5, 计量单位: 箱, 金额: 1.5, 面向中小企业: 1.5}
国有资产:
  截至日期: 2024-12-31
  车辆: [{类型: 其他用车, 数量: 1}]
  单价50万元以上通用设备: 2
  说明: 无
政府购买服务:
  合计: 10.00
  明细: [{名称: 物业, 金额: 10.00}]
项目:
  - 项目编码: "001"
    项目名称: 边界专项
    资金来源: {一般公共预算: 300000.05}
    功能分类科目: "2010302"
    项目概况: |-
      第一段
      第二段
    绩效目标:
      年度目标: 完成边界专项
      指标: []
  - 项目编码: "002"
    项目名称: 无绩效项目
    资金来源: {单位资金: 0}
部门整体绩效:
  长期目标:
    - 目标: 长期稳定
      指标:
        - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 覆盖率, 符号: "=", 指标值: "100", 计量单位: "%", 前年值: "99", 上年值: "100"}
        - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 影响, 符号: 定性, 指标值: "=良好"}
  年度目标:
    - 目标: 年度完成
上年数:
  收入总计: 900000
  三公经费: {增减原因: 接待减少}
  功能分类:
    "201": {金额: 1.00, 增减原因: 增加人员}
    "2010302": 5
  项目:
    "001": {金额: 0, 增减原因: 新增项目}
名词解释:
  - {术语: 边界, 解释: 指测试用的边界情况。}
"""


def _samples() -> list[Path]:
    return sorted((REPO / "inputs").glob("*.yaml")) + [DATA / "good_small.yaml", DATA / "hebei_split.yaml",
                                                       REPO / "generator/data/example.yaml"]


@pytest.fixture(scope="module")
def inline(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("inline") / "边界.yaml"
    path.write_text(INLINE, encoding="utf-8")
    return path


def _budget(path: Path) -> Budget:
    return built(build, load_file(path))


def _from_workbook(path: Path) -> Budget:
    return built(build, read_workbook(path))


@pytest.fixture(scope="module")
def good_xlsx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "预算.xlsx"
    write_template(path, DATA / "good_small.yaml")
    return path


# ================================================================= round trip


@pytest.mark.parametrize("sample", [*_samples(), "inline"], ids=lambda p: getattr(p, "name", str(p)))
def test_round_trip_yaml_template_import(sample, inline, tmp_path):
    """YAML → excel-template --from → read → the same model; and import → YAML → the same model."""
    source = inline if sample == "inline" else sample
    original = _budget(source)
    book = tmp_path / "填报.xlsx"
    write_template(book, source)
    assert _from_workbook(book).model_dump() == original.model_dump()
    target = tmp_path / "out" / "导入.yaml"
    import_workbook(book, target)
    assert _budget(target).model_dump() == original.model_dump()
    assert not list(target.parent.glob(".*.tmp")), "the temporary file must be renamed away"


def test_inline_sample_is_meaningful(inline):
    """The inline budget exercises the awkward cases the round trip must keep."""
    b = _budget(inline)
    assert b.支出.功能分类[1].合计 == 0 and b.支出.功能分类[0].基本支出 is None
    assert b.部门整体绩效.长期目标[0].指标[0].符号 == "=" and b.部门整体绩效.长期目标[0].指标[1].指标值 == "=良好"
    assert b.项目[0].绩效目标 is not None and b.项目[0].绩效目标.指标 == [] and b.项目[1].绩效目标 is None
    assert b.上年数.三公经费 is not None and b.上年数.三公经费.金额 is None
    assert b.基本信息.部门编码 == "0901" and b.项目[0].项目编码 == "001"
    assert "\n" in b.部门概况.人员构成.说明


def test_imported_yaml_is_plain(inline, tmp_path):
    book, target = tmp_path / "b.xlsx", tmp_path / "b.yaml"
    write_template(book, inline)
    import_workbook(book, target)
    text = target.read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"^\S[^:]*:", line)]
    assert keys == ["基本信息", "部门概况", "收入", "支出", "经济分类基本支出", "三公经费", "机关运行经费", "政府采购",
                    "国有资产", "政府购买服务", "项目", "部门整体绩效", "上年数", "名词解释"]
    assert '部门编码: "0901"' in text and '科目编码: "2010301"' in text and '项目编码: "001"' in text
    assert "一般公共预算拨款: 1000000.10" in text and "人员经费: 600000.00" in text
    assert "说明: |-\n      第一行说明\n      第二行说明" in text
    assert '"201": {金额: 1.00, 增减原因: 增加人员}' in text and '"2010302": 5.00' in text


def test_template_from_budget_that_does_not_build(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("基本信息:\n  部门名称: 甲\n  预算年度: 二〇二四\n", encoding="utf-8")
    with pytest.raises(ExcelError) as info:
        write_template(tmp_path / "x.xlsx", bad)
    assert all(f.rule == "MODEL-TYPE" for f in info.value.findings) and len(info.value.findings) > 1
    assert not (tmp_path / "x.xlsx").exists()


def test_template_from_budget_with_rule_errors_still_prefills(tmp_path):
    path = DATA / "bad" / "bal_income_total.yaml"
    book = tmp_path / "x.xlsx"
    write_template(book, path)
    assert _from_workbook(book).model_dump() == _budget(path).model_dump()


# ================================================================= the template itself


def test_blank_template_layout(tmp_path):
    book = tmp_path / "空白.xlsx"
    write_template(book)
    wb = load_workbook(book)
    assert wb.sheetnames == ["说明", *SHEET_NAMES]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"
        if ws.title != "说明":
            assert ws.freeze_panes == "A5"
            assert int(ws.page_setup.paperSize) == 9  # A4
    func = wb["功能分类支出"]
    assert [func.cell(4, c).value for c in range(1, 5)] == ["科目编码", "科目名称", "资金来源", "人员经费"]
    assert func["A5"].number_format == "@" and func["D5"].number_format == "#,##0.00"
    assert func.column_dimensions["B"].width >= 20
    rules = {(dv.type, dv.formula1) for dv in func.data_validations.dataValidation}
    assert ("textLength", "7") in rules and ("decimal", "0") in rules
    assert any(t == "list" and "政府性基金预算" in f for t, f in rules)
    info = {(dv.type, dv.formula1) for dv in wb["基本信息"].data_validations.dataValidation}
    assert ("list", '"元,万元"') in info
    perf = {(dv.type, dv.formula1) for dv in wb["绩效指标"].data_validations.dataValidation}
    assert ("list", '"产出指标,成本指标,效益指标,满意度指标"') in perf and any("≥" in f for _, f in perf)
    assert any("数量指标" in f for _, f in perf)
    econ = {(dv.type, dv.formula1) for dv in wb["经济分类基本支出"].data_validations.dataValidation}
    assert ("textLength", "5") in econ
    # a blank template is not a budget: importing it names the cells to fill
    with pytest.raises(ExcelError) as info:
        import_workbook(book, tmp_path / "x.yaml")
    rendered = "\n".join(f.render() for f in info.value.findings)
    assert "基本信息!B5" in rendered  # 部门名称
    assert not (tmp_path / "x.yaml").exists()


def test_template_is_deterministic(tmp_path):
    write_template(tmp_path / "a.xlsx", DATA / "good_small.yaml")
    write_template(tmp_path / "b.xlsx", DATA / "good_small.yaml")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


# ================================================================= reading: tolerance and positions


def test_positions_are_cells(good_xlsx):
    data, source = read_workbook(good_xlsx)
    assert source.file == str(good_xlsx)
    assert source.find(("支出", "功能分类", 0, "人员经费")).render() == "功能分类支出!D5"
    assert source.find(("支出", "功能分类", 2, "合计")).render() == "功能分类支出!K7"
    assert source.find(("基本信息", "部门名称")).render() == "基本信息!B5"
    assert source.find(("收入", "本年收入", "一般公共预算拨款")).render() == "收入!B5"
    assert source.find(("项目", 0, "资金来源", "一般公共预算")).render() == "项目!D5"
    assert source.find(("项目", 0, "绩效目标", "指标", 1, "三级指标")).render() == "绩效指标!D6"
    assert source.find(("上年数", "政府采购", "增减原因")).render().startswith("上年数!C")
    assert isinstance(data["支出"]["功能分类"][0]["人员经费"], Decimal)
    assert data["支出"]["功能分类"][0]["科目编码"] == "2010301"


def test_tolerates_blank_rows_spaces_text_numbers_and_float_noise(good_xlsx, tmp_path):
    def change(wb):
        ws = wb["功能分类支出"]
        ws.insert_rows(6, 2)  # blank rows inside the table
        ws["B5"] = "  行政运行  "
        ws["D5"] = "80,000.00"  # number typed as text with a thousands separator (万元 here, still a number)
        ws["E5"] = 0.1 + 0.2  # float noise from a calculation
        ws["A8"] = 2010302  # a code typed as a number
        wb["基本信息"]["B6"] = 901  # 部门编码 typed as a number
        wb["部门概况"]["A6"] = "  负责全市示例工作的统筹协调。 "

    book = mutate(good_xlsx, tmp_path / "t.xlsx", change)
    data, source = read_workbook(book)
    rows = data["支出"]["功能分类"]
    assert len(rows) == 5
    assert rows[0]["科目名称"] == "行政运行"
    assert rows[0]["人员经费"] == Decimal("80000.00") and rows[0]["公用经费"] == Decimal("0.3")
    assert rows[1]["科目编码"] == "2010302" and source.find(("支出", "功能分类", 1)).render() == "功能分类支出!A8"
    assert data["基本信息"]["部门编码"] == "901"


def test_text_in_amount_cell(good_xlsx, tmp_path):
    book = mutate(good_xlsx, tmp_path / "t.xlsx", lambda wb: wb["功能分类支出"].__setitem__("D6", "四十万"))
    findings = cell_findings(book)
    assert [(f.rule, f.position.render()) for f in findings] == [("XLSX-NUMBER", "功能分类支出!D6")]
    assert "四十万" in findings[0].message
    assert findings[0].render().startswith(f"{book}:功能分类支出!D6: 错误 [XLSX-NUMBER]")


def test_all_cell_problems_are_reported_at_once(good_xlsx, tmp_path):
    def change(wb):
        wb["功能分类支出"]["D5"] = "八十"
        wb["项目"]["D5"] = "四十万元"
        ws = wb["部门概况"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "在职实有人数")
        ws.cell(row, 2).value = "很多"  # a whole number is expected

    findings = cell_findings(mutate(good_xlsx, tmp_path / "t.xlsx", change))
    where = {f.position.render() for f in findings}
    assert {"功能分类支出!D5", "项目!D5"} <= where and len(findings) == 3


def test_new_fields_round_trip_through_the_workbook(tmp_path):
    """The fields added for the 河北 layout (资金支出计划, 其他资金, 机构设置, 固定资产 …) survive template → import."""
    example = REPO / "generator/data/example.yaml"
    book = tmp_path / "填报.xlsx"
    write_template(book, example)
    got = _from_workbook(book)
    project = got.项目[0]
    assert project.资金支出计划 is not None and project.资金支出计划.至12月底 == project.total() == Decimal("48.00")
    assert project.资金支出计划.至3月底 == Decimal("8.00") and project.其他资金 == 0 and project.资金用途
    assert project.绩效目标 is not None and project.绩效目标.指标[0].绩效指标描述 == "全年完成馆藏档案数字化加工的页数"
    assert got.部门概况.机构设置[0].单位规格 == "正科级" and got.其他需要说明的事项.startswith("本部门无")
    assert got.国有资产.上年末固定资产总额 == Decimal("286.40")
    assert [(a.类别, a.数量, a.价值) for a in got.国有资产.固定资产占用][0] == ("房屋", 1, Decimal("212.60"))
    assert got.三公经费.会议费 == Decimal("0.40") and got.三公经费.教学科研人员因公出国境费 == 0


def test_shanghai_asset_counts_round_trip_through_the_workbook(tmp_path):
    """上海's 单价100万元（含）以上设备 and this year's purchases (车辆 by type, 设备) survive template → import;
    0 stays 0 and a budget without them reads them as not given."""
    sample = REPO / "inputs" / "上海市财政局_2025.yaml"
    book = tmp_path / "填报.xlsx"
    write_template(book, sample)
    got = _from_workbook(book)
    assert got.部门概况.职能概述 == "上海市财政局是主管全市财政工作的市政府组成部门。"  # the 职能 preamble too
    a = got.国有资产
    assert a.单价100万元以上设备 == 1 and a.购置单价100万元以上设备 == 0
    assert a.购置车辆 is not None and len(a.购置车辆) == 8 and a.purchase_count() == 0
    assert [v.类型 for v in a.购置车辆][:2] == ["部级领导干部用车", "主要领导干部用车"]
    other = tmp_path / "other.xlsx"
    write_template(other, REPO / "generator/data/example.yaml")
    assert _from_workbook(other).部门概况.职能概述 == ""
    b = _from_workbook(other).国有资产
    assert b.单价100万元以上设备 is None and b.购置单价100万元以上设备 is None and b.purchase_count() is None


def test_blank_template_leaves_counts_not_given(tmp_path):
    """The blank workbook lists the vehicle types with empty counts: read back, that is “not given”, not 0 vehicles."""
    book = tmp_path / "空白.xlsx"
    write_template(book)
    data, _ = read_workbook(book)
    vehicles = data["国有资产"]["车辆"]
    assert vehicles and all("数量" not in v for v in vehicles)
    assert Assets.model_validate({"车辆": vehicles}).vehicle_count() is None
    assert "政府采购" not in data and "实有人数" not in data.get("部门概况", {}).get("人员构成", {})


def test_workbook_without_the_newer_sections_is_still_read(good_xlsx, tmp_path):
    """A workbook made before the optional sections/columns existed reads as before (the new values absent)."""
    def change(wb):
        ws = wb["部门概况"]
        for row in range(1, ws.max_row + 1):
            if str(ws.cell(row, 1).value or "").startswith(("【机构设置", "【其他需要说明")):
                ws.cell(row, 1).value = None
        ws = wb["项目"]
        for col in range(1, ws.max_column + 1):
            for row in range(1, 8):
                if str(ws.cell(row, col).value or "").startswith(("资金支出计划", "其他资金", "资金用途")):
                    ws.cell(row, col).value = None
        ws = wb["功能分类支出"]
        for col in range(1, ws.max_column + 1):
            for row in range(1, 8):
                if str(ws.cell(row, col).value or "").startswith("其中：上年结转"):
                    ws.cell(row, col).value = None

    got = _from_workbook(mutate(good_xlsx, tmp_path / "old.xlsx", change))
    assert got.部门概况.机构设置 == [] and got.其他需要说明的事项 == ""
    assert all(p.资金支出计划 is None and p.其他资金 is None for p in got.项目)
    assert all(r.上年结转 is None for r in got.支出.功能分类)


def test_renamed_and_missing_sheets(good_xlsx, tmp_path):
    def change(wb):
        wb["项目"].title = "项目表"
        del wb["名词解释"]

    findings = cell_findings(mutate(good_xlsx, tmp_path / "t.xlsx", change))
    assert {f.rule for f in findings} == {"XLSX-SHEET"}
    messages = " ".join(f.message for f in findings)
    assert "缺少工作表“项目”" in messages and "项目表" in messages and "缺少工作表“名词解释”" in messages


def test_renamed_header_and_section(good_xlsx, tmp_path):
    def change(wb):
        wb["功能分类支出"]["D4"] = "人员"
        wb["三公经费"]["A3"] = "三公"

    findings = cell_findings(mutate(good_xlsx, tmp_path / "t.xlsx", change))
    got = {(f.rule, f.position.render()) for f in findings}
    assert ("XLSX-HEADER", "功能分类支出!D4") in got and ("XLSX-SECTION", "三公经费!A1") in got


def test_formula_without_cached_value(good_xlsx, tmp_path):
    book = mutate(good_xlsx, tmp_path / "t.xlsx", lambda wb: wb["功能分类支出"].__setitem__("D5", "=60+20"))
    findings = cell_findings(book)
    assert [(f.rule, f.position.render()) for f in findings] == [("XLSX-FORMULA", "功能分类支出!D5")]
    assert "保存一次" in findings[0].message


def test_formula_with_cached_value_is_read(good_xlsx, tmp_path):
    book = mutate(good_xlsx, tmp_path / "t.xlsx", lambda wb: wb["功能分类支出"].__setitem__("D5", "=60+20"))
    patched = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if b"<f>60+20</f>" in data:
                data = re.sub(rb"<f>60\+20</f>(<v\s*/>|<v></v>)?", b"<f>60+20</f><v>80</v>", data)
            dst.writestr(info, data)
    data, _ = read_workbook(patched)
    assert data["支出"]["功能分类"][0]["人员经费"] == Decimal("80")


def test_merged_cells(good_xlsx, tmp_path):
    book = mutate(good_xlsx, tmp_path / "t.xlsx", lambda wb: wb["功能分类支出"].merge_cells("D5:D6"))
    findings = cell_findings(book)
    assert [(f.rule, f.position.render()) for f in findings] == [("XLSX-MERGED", "功能分类支出!D5")]
    assert "D5:D6" in findings[0].message


def test_item_code_in_the_subtotal_section(good_xlsx, tmp_path):
    """A 7-digit 项 typed in the spare rows below the 功能分类支出 table lands in the 【类/款小计】
    section: the finding says so at its code, not “缺少必填项‘合计’”."""
    row = {}

    def change(wb):
        ws = wb["功能分类支出"]
        title = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("【类/款小计"))
        row["n"] = next(r for r in range(title + 2, ws.max_row + 2) if ws.cell(r, 1).value is None)
        ws.cell(row["n"], 1).value = "2010350"
        ws.cell(row["n"], 2).value = "事业运行"
        ws.cell(row["n"] + 1, 1).value = 20103  # a 款 (typed as a number) is fine
        ws.cell(row["n"] + 1, 2).value = "政府办公厅（室）及相关机构事务"
        ws.cell(row["n"] + 1, 3).value = 132

    findings = cell_findings(mutate(good_xlsx, tmp_path / "t.xlsx", change))
    assert [(f.rule, f.position.render()) for f in findings] == [("XLSX-VALUE", f"功能分类支出!A{row['n']}")]
    assert "小计的科目编码应为3位（类）或5位（款）；项级科目请填在上方的功能分类支出表中" in findings[0].message
    assert "2010350" in findings[0].message and "合计" not in findings[0].message.split("；")[0]


def test_unknown_performance_owner(good_xlsx, tmp_path):
    book = mutate(good_xlsx, tmp_path / "t.xlsx", lambda wb: wb["绩效指标"].__setitem__("A5", "901T9999"))
    findings = cell_findings(book)
    assert [(f.rule, f.position.render()) for f in findings] == [("XLSX-REF", "绩效指标!A5")]


def test_model_errors_are_located_at_cells(good_xlsx, tmp_path):
    def change(wb):
        wb["功能分类支出"]["B6"] = None  # 科目名称 is required
        wb["功能分类支出"]["C7"] = "预算外"  # not a fund source

    book = mutate(good_xlsx, tmp_path / "t.xlsx", change)
    with pytest.raises(ExcelError) as info:
        import_workbook(book, tmp_path / "x.yaml")
    got = {(f.rule, f.position.render()) for f in info.value.findings}
    assert got == {("MODEL-TYPE", "功能分类支出!B6"), ("MODEL-TYPE", "功能分类支出!C7")}


@pytest.mark.parametrize("content", [b"hello, not a workbook", b"", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "zip"])
def test_unreadable_files(tmp_path, content):
    path = tmp_path / "坏.xlsx"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("word/document.xml", "<w/>")
    else:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert not isinstance(info.value, ExcelError)
    assert info.value.finding.rule == "XLSX-FILE"
    assert info.value.finding.file == str(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        read_workbook(tmp_path / "无.xlsx")
    assert info.value.finding.rule == "FILE-NOT-FOUND"


# ================================================================= the command line


def test_cli_template_import_validate(tmp_path):
    book, target = tmp_path / "填报.xlsx", tmp_path / "导入.yaml"
    result = runner.invoke(app, ["excel-template", str(book), "--from", str(DATA / "good_small.yaml")])
    assert result.exit_code == 0, result.output
    assert book.exists()
    again = runner.invoke(app, ["excel-template", str(book)])
    assert again.exit_code == 2  # no overwrite without --force
    result = runner.invoke(app, ["import", str(book), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert _budget(target).model_dump() == _budget(DATA / "good_small.yaml").model_dump()
    result = runner.invoke(app, ["validate", str(book)])
    assert result.exit_code == 0, result.output
    assert "通过" in result.output


def test_cli_validate_wrong_amount_names_the_cell(tmp_path):
    book = tmp_path / "填报.xlsx"
    write_template(book, DATA / "good_small.yaml")
    wb = load_workbook(book)
    ws = wb["功能分类支出"]
    row = next(r for r in range(5, 40) if ws.cell(r, 1).value == "2010302")
    ws.cell(row, 6).value = 41  # 项目支出 (F) of 2010302: no longer equals the 项目支出表
    ws.cell(row, 11).value = 40  # and a declared 合计 (K) that does not add up
    wb.save(book)
    result = runner.invoke(app, ["validate", str(book)])
    assert result.exit_code == 1, result.output
    assert f"{book}:功能分类支出!K{row}: 错误 [FUNC-ROW]" in result.output
    assert re.search(r"功能分类支出!F\d+", result.output) or "功能分类支出!A" in result.output


def test_cli_validate_text_file_renamed_xlsx(tmp_path):
    fake = tmp_path / "预算.xlsx"
    fake.write_text("基本信息:\n  部门名称: 甲\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(fake)])
    assert result.exit_code == 2
    assert "[XLSX-FILE]" in result.output and "Traceback" not in result.output


def test_cli_import_bad_workbook_is_not_a_traceback(good_xlsx, tmp_path):
    book = mutate(good_xlsx, tmp_path / "t.xlsx", lambda wb: wb["功能分类支出"].__setitem__("D5", "很多"))
    result = runner.invoke(app, ["import", str(book), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code != 0
    assert "功能分类支出!D5" in result.output and "[XLSX-NUMBER]" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "x.yaml").exists()


def test_cli_import_does_not_overwrite_without_force(tmp_path):
    book = tmp_path / "预算.xlsx"
    write_template(book, DATA / "good_small.yaml")
    target = tmp_path / "预算.yaml"  # the default target: the workbook's name with .yaml
    target.write_text("# 手工改过的预算\n", encoding="utf-8")
    for args in (["import", str(book)], ["import", str(book), "-o", str(target)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "文件已存在，未覆盖（如需覆盖请加 --force）" in result.output
        assert target.read_text(encoding="utf-8") == "# 手工改过的预算\n"
    result = runner.invoke(app, ["import", str(book), "--force"])
    assert result.exit_code == 0, result.output
    assert _budget(target).model_dump() == _budget(DATA / "good_small.yaml").model_dump()


# ================================================================= the tables as a workbook


def _context(path: Path):
    from generator.layout.narrate import build_context

    return build_context(_budget(path))


def _header_grid(header) -> dict[tuple[int, int], Any]:
    taken, out = set(), {}
    for r, row in enumerate(header):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out[(r, c)] = cell
            taken |= {(r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)}
            c += cell.colspan
    return out


@pytest.mark.parametrize("sample", [*_samples(), "inline"], ids=lambda p: getattr(p, "name", str(p)))
def test_tables_workbook_matches_the_word_tables(sample, inline, tmp_path):
    ctx = _context(inline if sample == "inline" else sample)
    path = tmp_path / "表.xlsx"
    write_tables_xlsx(ctx, path)
    wb = load_workbook(path)
    tables = sorted(ctx.表.values(), key=lambda t: t.number)
    assert len(tables) == 11
    assert wb.sheetnames[: len(tables)] == [f"表{t.number} {t.key}" for t in tables]
    indented = 0
    for t, ws in zip(tables, wb.worksheets, strict=False):
        ncols = len(t.align)
        merged = {str(m) for m in ws.merged_cells.ranges}
        assert ws["A1"].value == t.title and ws["A1"].font.b
        assert ws["A2"].value == t.dept and ws.cell(2, ncols).value == t.unit
        for (r, c), cell in _header_grid(t.header).items():
            target = ws.cell(3 + r, 1 + c)
            assert target.value == cell.text, (t.key, r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                assert f"{target.coordinate}:{ws.cell(3 + r + cell.rowspan - 1, c + cell.colspan).coordinate}" in merged
        body = 3 + len(t.header)
        for i, row in enumerate(body_rows(t)):
            for c, shown in enumerate(row.cells):
                cell = ws.cell(body + i, c + 1)
                # the 类/款/项 indentation (leading full-width spaces) is the cell's indent, not text
                text = shown.lstrip("\u3000")
                assert displayed(cell) == text, (t.key, i, c, cell.value, cell.number_format)
                assert (cell.alignment.indent or 0) == len(shown) - len(text), (t.key, i, c)
                assert not str(cell.value or "").startswith("\u3000"), (t.key, i, c)
                indented += bool(cell.alignment.indent)
                if text and t.align[c] == "right" and re.fullmatch(r"-?[\d,]+\.\d\d", text):
                    assert isinstance(cell.value, (int, float)), (t.key, i, c)
                    assert cell.number_format == ("#,##0.00" if ctx.表格单位 == "元" else "0.00")
                assert bool(cell.font.b) == (row.kind in ("total", "class"))
        after = body + len(body_rows(t))
        notes = [ws.cell(r, 1).value for r in range(after, ws.max_row + 1) if ws.cell(r, 1).value]
        assert notes == table_notes(t)
        assert ws.page_setup.orientation == ("landscape" if t.landscape else "portrait")
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"$3:${2 + len(t.header)}"
    assert indented, "the 款/项 rows are indented"
    # 绩效目标表: every label/value and every indicator as the Word document shows it
    texts = {str(c.value) for ws in wb.worksheets[len(tables):] for row in ws.iter_rows() for c in row if c.value}
    for p in [ctx.整体绩效, *ctx.整体绩效目标, *ctx.项目绩效]:
        assert p.title in texts
        for label, value in p.info:
            assert label in texts and (value or "—") in texts
        for ind in p.indicators:
            assert {ind.三级指标, ind.指标值文字} <= texts
            if p.show_history:
                assert {ind.前年文字, ind.上年文字} <= texts | {""}


def test_tables_workbook_is_deterministic(tmp_path):
    ctx = _context(DATA / "good_small.yaml")
    write_tables_xlsx(ctx, tmp_path / "a.xlsx")
    write_tables_xlsx(ctx, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


CONTROL_YAML = (DATA / "good_small.yaml").read_text(encoding="utf-8").replace(
    "项目名称: 示例业务专项", '项目名称: "示例\\v业务\\x07专项\\f二期"').replace(
    "- 负责全市示例工作的统筹协调。", '- "负责全市示例工作的\\x01统筹协调。"').replace(
    "{名称: 办公费, 金额: 5.00}", '{名称: "办公\\x1b费", 金额: 5.00}')


def _all_texts(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_control_characters_are_cleaned_not_fatal(tmp_path):
    """Text pasted from Word may hold a soft line break (\\v) or other control characters that
    openpyxl refuses: both workbooks are still written, \\v and \\f as line breaks, the rest dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    source = tmp_path / "控制字符.yaml"
    source.write_text(CONTROL_YAML, encoding="utf-8")
    budget = _budget(source)
    assert budget.项目[0].项目名称 == "示例\v业务\x07专项\f二期"  # the sample really carries them
    from generator.layout.narrate import build_context

    tables = tmp_path / "表.xlsx"
    write_tables_xlsx(build_context(budget), tables)
    book = tmp_path / "填报.xlsx"
    write_template(book, source)
    for path in (tables, book):
        texts = _all_texts(path)
        assert not [t for t in texts if ILLEGAL_CHARACTERS_RE.search(t)], path.name
        assert any("示例\n业务专项\n二期" in t for t in texts), path.name
    book_texts = _all_texts(book)
    assert "负责全市示例工作的统筹协调。" in book_texts and "办公费" in book_texts
    assert load_workbook(book)["项目"]["B5"].value == "示例\n业务专项\n二期"


def test_tables_workbook_marks_a_document_that_failed_validation(tmp_path):
    """generate --force: a red bold line above the title of every sheet, as the Word cover has."""
    from generator.layout.narrate import build_context

    budget = _budget(DATA / "good_small.yaml")
    failed = ["预算.yaml:20:5 [BAL-INCOME] 收入合计不等于各项之和", "预算.yaml:30:7 [FUNC-ROW] 合计不等于分项之和"]
    ctx = build_context(budget, failed=failed)
    assert ctx.未通过校验
    path = tmp_path / "表.xlsx"
    write_tables_xlsx(ctx, path)
    wb = load_workbook(path)
    tables = sorted(ctx.表.values(), key=lambda t: t.number)
    assert len(wb.worksheets) == len(tables) + 2
    for ws in wb.worksheets:
        notice = ws["A1"]
        assert notice.value == f"本表未通过校验：{ctx.校验说明}", ws.title
        assert "BAL-INCOME" in notice.value and "FUNC-ROW" in notice.value
        assert notice.font.b and notice.font.color is not None and notice.font.color.rgb.endswith("FF0000"), ws.title
    for t, ws in zip(tables, wb.worksheets, strict=False):  # everything else one row lower
        assert ws["A2"].value == t.title and ws["A3"].value == t.dept
        assert ws.cell(4, 1).value == t.header[0][0].text
        assert ws.print_title_rows == f"$4:${3 + len(t.header)}"
        assert ws.freeze_panes == f"A{4 + len(t.header)}"
    perf = wb.worksheets[len(tables):]
    assert perf[0]["A2"].value == ctx.整体绩效.title and perf[1]["A2"].value == ctx.项目绩效[0].title
    # a document that passed carries no such line
    ok = tmp_path / "ok.xlsx"
    write_tables_xlsx(build_context(budget), ok)
    assert not [t for t in _all_texts(ok) if "未通过校验" in t]
    assert load_workbook(ok).worksheets[0]["A1"].value == tables[0].title


def test_generate_force_marks_the_tables_workbook(tmp_path):
    pytest.importorskip("generator.writing.render")
    from generator.pipeline import generate

    result = generate(DATA / "bad" / "bal_income_total.yaml", tmp_path / "out", force=True, xlsx=True)
    book = next(p for p in result.written if p.suffix == ".xlsx")
    for ws in load_workbook(book).worksheets:
        assert str(ws["A1"].value).startswith("本表未通过校验：") and "bal_income_total.yaml" in ws["A1"].value


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_written_files_are_readable_by_others(tmp_path):
    """Like the .docx (and any file made normally): 0666 less the umask, not mkstemp's 0600."""
    ctx = _context(DATA / "good_small.yaml")
    old = os.umask(0o022)
    try:
        tables, book, yaml = tmp_path / "表.xlsx", tmp_path / "填报.xlsx", tmp_path / "导入.yaml"
        write_tables_xlsx(ctx, tables)
        write_template(book, DATA / "good_small.yaml")
        import_workbook(book, yaml)
        for path in (tables, book, yaml):
            assert path.stat().st_mode & 0o777 == 0o644, path.name
        os.umask(0o027)
        write_tables_xlsx(ctx, tables)
        assert tables.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_indicator_texts_come_from_the_context():
    from generator.layout.narrate import IndicatorRow

    row = IndicatorRow("产出指标", "数量指标", "次数", "≥", "10", "次", "9", "≥10", "计划标准")
    assert (row.指标值文字, row.前年文字, row.上年文字) == ("≥10次", "9次", "≥10次")
    assert IndicatorRow("效益指标", "社会效益指标", "影响", "", "明显", "", "较好", "", "").前年文字 == "较好"


def test_generate_writes_the_tables_workbook(tmp_path):
    pytest.importorskip("generator.writing.render")
    from generator.pipeline import generate

    source = tmp_path / "预算.xlsx"
    write_template(source, DATA / "good_small.yaml")
    result = generate(source, tmp_path / "out", xlsx=True)
    names = [p.name for p in result.written]
    assert "测试市示例局_2024年部门预算表.xlsx" in names
    wb = load_workbook(tmp_path / "out" / "测试市示例局_2024年部门预算表.xlsx")
    assert wb.sheetnames[0] == "表1 收支总表"


def test_validate_accepts_xlsx_like_yaml(good_xlsx):
    from_yaml = validate(DATA / "good_small.yaml")
    from_xlsx = validate(good_xlsx)
    assert from_xlsx.ok and from_yaml.ok
    assert from_xlsx.budget.model_dump() == from_yaml.budget.model_dump()



def test_docs_describe_every_sheet():
    text = (REPO / "docs" / "excel.md").read_text(encoding="utf-8")
    for name in SHEET_NAMES:
        assert f"### {name}" in text
    for rule in ("XLSX-FILE", "XLSX-SHEET", "XLSX-NUMBER", "XLSX-MERGED", "XLSX-FORMULA"):
        assert rule in text


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_workbook_saved_by_another_program(tmp_path):
    """Opened and saved by a spreadsheet program (LibreOffice here): still the same budget, and a
    formula typed by the officer is read through the value the program saved with it."""
    import subprocess

    book = tmp_path / "in" / "填报.xlsx"
    write_template(book, DATA / "good_small.yaml")
    mutate(book, book, lambda wb: wb["功能分类支出"].__setitem__("D5", "=60+20"))
    out = tmp_path / "out"
    subprocess.run(["soffice", "--headless", "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(out), str(book)], check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp_path)})
    budget = _from_workbook(out / "填报.xlsx")
    assert budget.支出.功能分类[0].人员经费 == Decimal("80")
    assert budget.model_dump() == _budget(DATA / "good_small.yaml").model_dump()

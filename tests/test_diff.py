"""`budgetdoc diff`: every differing table cell and sentence, grouped by part; exit 0 same / 1 different / 2 unreadable."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app
from generator.review.diff import diff_files, sentence_changes

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good_small.yaml"
runner = CliRunner()


def _edited(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = GOOD.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _project_amount(tmp_path: Path, amount: str) -> Path:
    return _edited(
        tmp_path, "changed.yaml",
        ('{科目编码: "2010302", 科目名称: 一般行政管理事务, 项目支出: 40.00}',
         f'{{科目编码: "2010302", 科目名称: 一般行政管理事务, 项目支出: {amount}}}'),
        ("资金来源: {一般公共预算: 40.00}\n    合计: 40.00", f"资金来源: {{一般公共预算: {amount}}}\n    合计: {amount}"),
    )


def test_identical_inputs_exit_0():
    result = runner.invoke(app, ["diff", str(GOOD), str(GOOD)])
    assert result.exit_code == 0, result.output
    assert "完全相同" in result.output


def test_a_changed_sentence_is_reported_in_its_part(tmp_path: Path):
    new = _edited(tmp_path, "new.yaml", ("负责全市示例工作的统筹协调。", "负责全市示例工作的统筹协调和督办。"))
    diff = diff_files(GOOD, new)
    cells = [c for p in diff.parts for c in p.cells]  # 职责 also stand in 部门整体支出绩效目标表's 部门职能概述
    assert [(c.table.split("2024年")[-1], c.row) for c in cells] == [("部门整体支出绩效目标表", "部门职能概述")]
    first = [p for p in diff.parts if p.part.startswith("第一部分")]
    assert len(first) == 1 and first[0].part == "第一部分 测试市示例局概况"
    assert [(s.old, s.new) for s in first[0].sentences] == [
        ("（一）负责全市示例工作的统筹协调。", "（一）负责全市示例工作的统筹协调和督办。")]
    result = runner.invoke(app, ["diff", str(GOOD), str(new)])
    assert result.exit_code == 1
    assert "原为：（一）负责全市示例工作的统筹协调。" in result.output
    assert "改为：（一）负责全市示例工作的统筹协调和督办。" in result.output


def test_changed_figures_name_table_row_column_old_and_new(tmp_path: Path):
    old_amount, new_amount = Decimal("40.00"), Decimal("45.50")
    new = _project_amount(tmp_path, f"{new_amount}")
    diff = diff_files(GOOD, new)
    cells = {(c.table.split("2024年")[-1], c.row, c.column): (c.old, c.new) for p in diff.parts for c in p.cells}
    assert cells[("项目支出表", "901T0001 示例业务专项 测试市示例局本级", "合计")] == (f"{old_amount}", f"{new_amount}")
    assert cells[("一般公共预算支出表", "2010302 一般行政管理事务", "项目支出")] == (f"{old_amount}", f"{new_amount}")
    assert cells[("部门支出总表", "201 一般公共服务支出", "合计")] == ("132.00", f"{Decimal('92.00') + new_amount}")
    part_of = {c.table.split("2024年")[-1]: p.part for p in diff.parts for c in p.cells}
    assert part_of["项目支出表"].startswith("第二部分")
    # the narrative follows: the 项目支出 figure in 万元 with its change against last year
    said = [s.new for p in diff.parts if p.part.startswith("第三部分") for s in p.sentences]
    assert any(s and f"项目支出{new_amount}万元" in s for s in said), said
    assert not diff.identical and diff.cell_count == len(cells)


def test_json_format_lists_the_same_changes(tmp_path: Path):
    new = _project_amount(tmp_path, "41.00")
    result = runner.invoke(app, ["diff", str(GOOD), str(new), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["identical"] is False and data["old"] == str(GOOD) and data["new"] == str(new)
    assert data["new_findings"]["errors"] > 0  # the edit broke 收支平衡: still compared, and said
    cells = [c for p in data["parts"] for c in p["cells"]]
    assert len(cells) == data["cells"] == diff_files(GOOD, new).cell_count
    assert {"table", "row", "column", "old", "new"} <= set(cells[0])
    assert any(c["column"] == "合计" and c["old"] == "40.00" and c["new"] == "41.00" for c in cells)


def test_a_row_on_one_side_only(tmp_path: Path):
    new = _edited(tmp_path, "new.yaml", ('{科目编码: "2101101", 科目名称: 行政单位医疗, 人员经费: 4.00}\n',
                                          '{科目编码: "2101101", 科目名称: 行政单位医疗, 人员经费: 4.00}\n'
                                          '    - {科目编码: "2101102", 科目名称: 事业单位医疗, 人员经费: 1.00}\n'))
    diff = diff_files(GOOD, new)
    added = [c for p in diff.parts for c in p.cells if c.row.startswith("2101102")]
    assert added and all(c.old is None for c in added)
    assert any(c.column == "合计" and c.new == "1.00" for c in added)
    assert "（无此行） → 1.00" in diff.render_text()


def test_any_format_same_budget_as_workbook_is_identical(tmp_path: Path):
    from generator.writing.fill_in import write_template

    workbook = tmp_path / "预算.xlsx"
    write_template(workbook, GOOD)
    as_json = tmp_path / "预算.json"
    from generator.reading.load import load_file

    data, _ = load_file(GOOD)
    as_json.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    for other in (workbook, as_json):
        result = runner.invoke(app, ["diff", str(GOOD), str(other)])
        assert result.exit_code == 0, result.output


def test_unreadable_input_exits_2_with_its_location(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("基本信息: [\n", encoding="utf-8")
    result = runner.invoke(app, ["diff", str(GOOD), str(broken)])
    assert result.exit_code == 2
    assert "broken.yaml" in result.output and "不能比较" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["diff", str(tmp_path / "none.yaml"), str(GOOD)])
    assert missing.exit_code == 2 and "找不到文件" in missing.output


def test_sentence_changes_pair_replacements_and_keep_additions():
    changes = sentence_changes(["甲。", "乙。", "丙。"], ["甲。", "乙改。", "丙。", "丁。"])
    assert [(c.old, c.new) for c in changes] == [("乙。", "乙改。"), (None, "丁。")]
    assert [(c.old, c.new) for c in sentence_changes(["甲。", "乙。"], ["乙。"])] == [("甲。", None)]


def test_profile_option_is_the_generate_one(tmp_path: Path):
    result = runner.invoke(app, ["diff", str(GOOD), str(GOOD), "--profile", "湖北"])
    assert result.exit_code == 0, result.output
    missing = runner.invoke(app, ["diff", str(GOOD), str(GOOD), "--profile", str(tmp_path / "无此版式")])
    assert missing.exit_code == 2 and "版式" in missing.output


def test_a_final_in_a_profile_without_a_final_layout_is_not_compared():
    """The 决算's profile is chosen as generate chooses it: 河北 has no 决算 layout, so nothing is compared."""
    final = str(DATA / "final_small.yaml")
    result = runner.invoke(app, ["diff", final, final, "--profile", "河北"])
    assert result.exit_code == 2, result.output
    assert "版式有错误，不能比较。" in result.output
    assert "没有部门决算的版式" in result.output


def test_final_accounts_are_compared_too(tmp_path: Path):
    final = DATA / "final_small.yaml"
    text = final.read_text(encoding="utf-8")
    old_line = '  - {科目编码: "30201", 科目名称: 办公费, 公用经费: 5.00}'
    assert old_line in text
    new = tmp_path / "决算.yaml"
    new.write_text(text.replace(old_line, old_line.replace("5.00", "6.00")), encoding="utf-8")
    assert runner.invoke(app, ["diff", str(final), str(final)]).exit_code == 0
    diff = diff_files(final, new)
    cells = [(c.row, c.column, c.old, c.new) for p in diff.parts for c in p.cells if c.row.startswith("30201")]
    assert cells and all(old == "5.00" and new_value == "6.00" for _, _, old, new_value in cells), cells

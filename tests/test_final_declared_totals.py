"""R12 for the 决算: a declared total within 尾差 of its parts is printed as declared, with the 尾差 note,
and the ROUNDING warning says so.

Each variant of tests/data/final_small.yaml puts one kind of declared total (the ones FIN-INCOME,
FIN-EXPENSE, FIN-ROW, FIN-SANGONG and FIN-PROC compare) 0.01 off the sum of its parts. Against its
twin (declared = Σ parts) the document must show the declared figure where the twin shows the sum,
carry the note (under the table; 政府采购, which has no table, in its sentence), and every table cell
and narrative figure must still match tests/independent_final.py, which applies R12 by itself.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import generate

sys.path.insert(0, str(Path(__file__).parent))
import test_final_document as final_doc  # noqa: E402
from independent import DocView  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "final_small.yaml"
TAIL_NOTE = "注：因四舍五入，合计数与分项之和可能存在尾差。"
PROC_NOTE = "因四舍五入，分项之和与合计存在尾差"
D = Decimal
runner = CliRunner()

VARIANTS: dict[str, tuple[str, str, Decimal, Decimal]] = {
    "本年收入合计": ("  本年收入合计: 130.00\n", "  本年收入合计: 130.01\n", D("130.01"), D("130.00")),
    "收入总计": ("  收入总计: 140.00\n", "  收入总计: 140.01\n", D("140.01"), D("140.00")),
    "本年支出合计": ("  本年支出合计: 135.00\n", "  本年支出合计: 135.01\n", D("135.01"), D("135.00")),
    "支出总计": ("  支出总计: 140.00\n", "  支出总计: 140.01\n", D("140.01"), D("140.00")),
    "功能分类行合计": ("公用经费: 12.00, 合计: 62.00,", "公用经费: 12.00, 合计: 62.01,", D("62.01"), D("62.00")),
    "功能分类行基本支出": ("公用经费: 12.00, 合计: 62.00,", "公用经费: 12.00, 基本支出: 61.99, 合计: 62.00,",
                   D("61.99"), D("62.00")),
    "三公预算数合计": ("公务接待费: 2.00, 合计: 7.00}", "公务接待费: 2.00, 合计: 7.01}", D("7.01"), D("7.00")),
    "三公决算数合计": ("公务接待费: 1.50, 合计: 5.50}", "公务接待费: 1.50, 合计: 5.51}", D("5.51"), D("5.50")),
    "公务用车购置及运行维护费": ("决算数: {公务用车运行维护费: 4.00,", "决算数: {公务用车运行维护费: 4.00, 公务用车购置及运行维护费: 4.01,",
                     D("4.01"), D("4.00")),
    "政府采购合计": ("  合计: 12.00\n  授予中小企业", "  合计: 12.01\n  授予中小企业", D("12.01"), D("12.00")),
}


def write(name: str, folder: Path, twin: bool = False) -> Path:
    old, new, declared, parts = VARIANTS[name]
    text = SMALL.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    if twin:
        new = new.replace(f"{declared}", f"{parts}")
    path = folder / f"final@{name}{'@twin' if twin else ''}.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def build(path: Path, out: Path) -> tuple[list, DocView]:
    written = generate(path, out, xlsx=True).written
    return written, DocView(written[0])


def cells(doc: DocView) -> list[str]:
    return [c.strip() for b in doc.blocks if b.kind == "t" for row in b.rows for c in row]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_declared_total_is_printed_with_the_note(name: str, tmp_path: Path):
    _, _, declared, parts = VARIANTS[name]
    _, twin = build(write(name, tmp_path, twin=True), tmp_path / "twin")
    path = write(name, tmp_path)
    written, doc = build(path, tmp_path / "out")
    text = doc.text()
    assert TAIL_NOTE not in twin.text() and PROC_NOTE not in twin.text()
    if name == "政府采购合计":  # no table: the sentence gives the declared 合计 and says why the kinds differ
        assert f"{declared:.2f}万元" in text and f"{declared:.2f}万元" not in twin.text()
        assert PROC_NOTE in text
    else:
        before, after = cells(twin), cells(doc)
        assert len(before) == len(after)
        assert any(a == f"{parts:.2f}" and b == f"{declared:.2f}" for a, b in zip(before, after, strict=True)), \
            f"表中应列示所填的 {declared}（分项之和为 {parts}）"
        assert TAIL_NOTE in text
    # every cell and narrative figure against the independent recomputation (which applies R12 itself)
    final_doc.test_every_table_cell_matches_the_input((path, written, doc))
    final_doc.test_every_narrative_figure_matches_the_input((path, written, doc))


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_rounding_warning_says_the_declared_total_is_printed(name: str, tmp_path: Path):
    _, _, declared, _ = VARIANTS[name]
    result = runner.invoke(app, ["validate", "--format", "json", str(write(name, tmp_path))])
    assert result.exit_code == 0, result.output
    findings = [f for f in json.loads(result.output) if f["rule"] == "ROUNDING"]
    mine = [f for f in findings if f"文档列示所填的 {declared:f}" in f["message"]]
    assert mine, findings
    assert all("注明尾差" in f["message"] and "按分项之和" not in f["message"] for f in findings)



def test_a_declared_subtotal_within_tail_is_printed_with_the_note(tmp_path: Path):
    """A typed 类 小计 0.01 off its 项 (支出.小计): the 决算 tables print it as typed where their scope is all
    of its 项 (支出决算表, 收支决算总表), its 款 keeps the sum, the 尾差 note is under the table, and the
    ROUNDING warning says the typed figure is printed."""
    old = '    - {科目编码: "201", 科目名称: 一般公共服务支出, 合计: 114.00}\n'
    text = SMALL.read_text(encoding="utf-8")
    assert text.count(old) == 1
    twin_path, path = tmp_path / "final@小计@twin.yaml", tmp_path / "final@小计.yaml"
    twin_path.write_text(text, encoding="utf-8")
    path.write_text(text.replace(old, old.replace("114.00", "114.01")), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    mine = [f["message"] for f in json.loads(result.output) if f["rule"] == "ROUNDING" and "小计 201" in f["message"]]
    assert len(mine) == 1 and "文档列示所填的 114.01" in mine[0] and "注明尾差" in mine[0], mine
    _, twin = build(twin_path, tmp_path / "twin")
    _, doc = build(path, tmp_path / "out")
    before, after = cells(twin), cells(doc)
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed and all(c == ("114.00", "114.01") for c in changed), changed
    assert "114.00" in after  # the 款 20103 keeps the sum of its 项
    assert TAIL_NOTE not in twin.text() and TAIL_NOTE in doc.text()

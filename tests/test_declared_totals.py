"""R12 in every profile: a declared total within 尾差 of its parts is printed as declared, in the
.docx tables and the tables .xlsx, with the 尾差 note, and the ROUNDING warning says so.

The variants (tests/declared_variants.py) each put one kind of declared total 0.01 off its parts;
test_document.py checks them cell by cell against tests/independent.py under 湖北. Here every
shipped profile is generated and read back: the declared figure must be in a table cell (it is in
none of the unchanged sample's), so printing the parts' sum fails.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from declared_variants import VARIANTS, write_variant
from docx import Document
from independent import TAIL_NOTE
from openpyxl import load_workbook
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import generate

runner = CliRunner()
PROFILES = ("湖北", "河北", "上海")
YUAN_TABLES = [("  金额单位: 万元\n", "  金额单位: 万元\n  表格金额单位: 元\n", 1)]
"""上海 prints whole amounts: its variant shows the tables in 元 so that one cent is visible."""


def shown(value: Decimal, profile: str) -> str:
    return f"{value * 10000:,.0f}" if profile == "上海" else f"{value:.2f}"


def docx_cells(path: Path) -> list[str]:
    return [c.text.strip() for t in Document(path).tables for row in t.rows for c in row.cells]


def docx_text(path: Path) -> str:
    doc = Document(path)
    return "\n".join([p.text for p in doc.paragraphs] + docx_cells(path))


def xlsx_cells(path: Path) -> list[str]:
    """Every cell as text; amounts (stored as numbers) with two decimals, or 元 whole with separators."""
    wb = load_workbook(path, read_only=True)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    amount = Decimal(str(v))
                    out += [f"{amount:.2f}", f"{amount:,.0f}"]
                elif v is not None:
                    out.append(str(v).strip())
    return out


def build(path: Path, out: Path, profile: str) -> tuple[Path, Path]:
    written = [Path(p) for p in generate(path, out, profile=profile, xlsx=True).written]
    return next(p for p in written if p.suffix == ".docx"), next(p for p in written if p.suffix == ".xlsx")


NOT_PRINTED = {("政府采购合计", "上海"), ("项目合计", "上海")}
"""(variant, profile) whose total the profile prints in no table (上海: no 政府采购 or 项目 table; the
政府采购 sentence is in whole 万元). The test checks that nothing changes there."""
AMOUNT = re.compile(r"-?[\d,]+(\.\d+)?")


def changed(before: list[str], after: list[str]) -> list[tuple[str, str]]:
    assert len(before) == len(after), "the variant must not change the tables' shape"
    return [(a, b) for a, b in zip(before, after, strict=True) if a != b]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_profile_prints_the_declared_total_with_the_note(name: str, profile: str, tmp_path: Path):
    """Against its twin (declared = Σ parts), the variant's tables show the declared figure where the
    twin shows the parts' sum, in the .docx and the .xlsx, with the 尾差 note."""
    _, declared, parts = VARIANTS[name]
    extra = YUAN_TABLES if profile == "上海" else None
    want, sum_shown = shown(declared, profile), shown(parts, profile)
    twin_docx, twin_xlsx = build(write_variant(name, tmp_path, extra, twin=True), tmp_path / "twin", profile)
    docx, xlsx = build(write_variant(name, tmp_path, extra), tmp_path / "out", profile)
    assert TAIL_NOTE not in docx_text(twin_docx)
    in_docx = changed(docx_cells(twin_docx), docx_cells(docx))
    book = xlsx_cells(xlsx)
    in_xlsx = changed(xlsx_cells(twin_xlsx), [c for c in book if TAIL_NOTE not in c])
    if (name, profile) in NOT_PRINTED:
        assert not in_docx and not in_xlsx
        return
    assert in_docx or in_xlsx, f"{profile} 表中应列示所填的 {want}（分项之和为 {sum_shown}），实际表中数字没有变化"
    # the total's own cell goes from the parts' sum to the declared figure (sums over it may follow: R12
    # aggregates add up what is printed; test_document checks every cell of those under 湖北)
    for where, cells in ((".docx", in_docx), (".xlsx", in_xlsx)):
        if cells:
            assert any(any(x in a and y in b for x, y in ((sum_shown, want), (f"{parts:.2f}", f"{declared:.2f}")))
                       for a, b in cells), f"{profile} {where}：{cells}"  # tables, or 万元 in 绩效 tables
    if any(AMOUNT.fullmatch(b) for _, b in in_xlsx):  # a numbered table's column shows it: the 尾差 note
        assert any(TAIL_NOTE in c for c in book), f"{profile} .xlsx 应有尾差注"
        assert TAIL_NOTE in docx_text(docx), f"{profile} .docx 应有尾差注"


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_rounding_warning_says_the_declared_total_is_printed(name: str, tmp_path: Path):
    _, declared, parts = VARIANTS[name]
    path = write_variant(name, tmp_path)
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    findings = [f for f in json.loads(result.output) if f["rule"] == "ROUNDING"]
    mine = [f for f in findings if f"文档列示所填的 {declared:f}" in f["message"]]
    assert mine, findings
    assert all("注明尾差" in f["message"] and "分项之和" not in f["message"].split("：", 1)[1].split("，")[0]
               for f in mine)

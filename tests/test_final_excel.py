"""The 决算 fill-in workbook: the same Excel path as the budget — template (blank or --from), import,
validate/generate straight from the .xlsx — with findings located at sheet!cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import generate, validate
from generator.reading.final_model import FinalAccounts, build_final
from generator.reading.load import load_file
from generator.reading.workbook import read_workbook
from generator.writing.fill_in import write_template
from generator.writing.input_yaml import import_workbook
from tests.workbook_cells import built, cell_findings, mutate

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "inputs" / "决算").glob("*.yaml"))
ZENGDU = REPO / "inputs" / "决算" / "曾都区科经局_2023_决算.yaml"
SHANGHAI = REPO / "inputs" / "决算" / "上海市示例区市容管理局_2024_决算.yaml"
runner = CliRunner()


def _accounts(data_source) -> FinalAccounts:
    return built(build_final, data_source)


def _cell(ws, label: str, header: str | None = None) -> str:
    """The coordinate of the cell of row ``label`` (column A) under ``header`` (in the section's
    header row above it; None: column B)."""
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
    if header is None:
        return f"B{row}"
    top = max(r for r in range(1, row) if ws.cell(r, 1).value == "项目")
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(top, c).value == header)
    return ws.cell(row, col).coordinate


@pytest.fixture(scope="module")
def shanghai_xlsx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("final") / "决算.xlsx"
    write_template(path, SHANGHAI)
    return path


# ================================================================= round trip


ROUND_TRIP = SAMPLES + [REPO / "tests" / "data" / "final_small.yaml", REPO / "tests" / "data" / "final_state_capital.yaml"]
"""final_small gives 授予小微企业 for 货物 and 服务 only: the 工程 cell stays blank, never 0; final_state_capital
gives 国有资本经营 subjects and the per-kind 小微 amounts without their total."""


@pytest.mark.parametrize("sample", ROUND_TRIP, ids=lambda p: p.stem)
def test_round_trip_yaml_template_import(sample, tmp_path):
    """YAML → excel-template --from → read → the same FinalAccounts; import → YAML → the same again."""
    original = _accounts(load_file(sample))
    book = tmp_path / "决算填报.xlsx"
    write_template(book, sample)
    assert _accounts(read_workbook(book)).model_dump() == original.model_dump()
    target = tmp_path / "导入.yaml"
    import_workbook(book, target)
    assert _accounts(load_file(target)).model_dump() == original.model_dump()
    # the round trip carries the 决算-only structure, not just the totals
    again = _accounts(load_file(target))
    assert again.支出.类说明 == original.支出.类说明
    assert [len(p.指标) for p in again.绩效自评.项目] == [len(p.指标) for p in original.绩效自评.项目]
    assert again.三公经费.预决算差异原因 == original.三公经费.预决算差异原因
    assert again.政府采购.micro_kinds() == original.政府采购.micro_kinds()
    # a kind left out of 合同金额 / 授予中小企业 stays out (a blank cell, never an entered 0)
    assert again.政府采购.合同金额.entered() == original.政府采购.合同金额.entered()
    assert again.政府采购.sme_kinds() == original.政府采购.sme_kinds()


SME_VARIANTS = {"absent": "", "货物 only": "  授予中小企业: {货物: 6.00}\n", "zero": "  授予中小企业: {货物: 0, 服务: 0}\n"}


@pytest.mark.parametrize("variant", list(SME_VARIANTS))
def test_round_trip_keeps_sme_absent_partial_or_zero(variant, tmp_path):
    """授予中小企业 not entered, entered for 货物 only, or entered as 0: the workbook (template --from, then
    read, and import → YAML) gives back exactly the kinds entered, and the cells of the others are blank."""
    text = (REPO / "tests" / "data" / "final_small.yaml").read_text(encoding="utf-8")
    line = "  授予中小企业: {货物: 6.00, 服务: 4.00}\n"
    assert text.count(line) == 1
    sample = tmp_path / "final_small.yaml"
    sample.write_text(text.replace(line, SME_VARIANTS[variant]), encoding="utf-8")
    expected = load_file(sample)[0]["政府采购"].get("授予中小企业")
    book = tmp_path / "决算填报.xlsx"
    write_template(book, sample)
    ws = load_workbook(book)["机关运行经费"]
    cells = {k: ws[_cell(ws, k, "授予中小企业合同金额")].value for k in ("货物", "工程", "服务")}
    assert {k: v for k, v in cells.items() if v is not None} == {k: float(v) for k, v in (expected or {}).items()}
    target = tmp_path / "导入.yaml"
    import_workbook(book, target)
    for data_source in (read_workbook(book), load_file(target)):
        proc = _accounts(data_source).政府采购
        if expected is None:
            assert proc.授予中小企业 is None and proc.sme() is None
        else:
            assert proc.sme_kinds() == {k: Decimal(str(v)) for k, v in expected.items()}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_workbook_validates_and_generates_the_same_document(sample, tmp_path, monkeypatch):
    """validate/generate take the .xlsx directly; the document is byte-identical to the YAML's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = tmp_path / "决算.xlsx"
    write_template(book, sample)
    result = validate(book)
    assert result.ok and not result.findings, [f.render() for f in result.findings]
    assert isinstance(result.budget, FinalAccounts)
    from_book = generate(book, tmp_path / "xlsx").written[0]
    from_yaml = generate(sample, tmp_path / "yaml").written[0]
    assert from_book.read_bytes() == from_yaml.read_bytes()
    assert "部门决算" in Document(str(from_book)).paragraphs[0].text + "".join(
        p.text for p in Document(str(from_book)).paragraphs[:5])


def test_workbook_cells_hold_the_figures(shanghai_xlsx):
    """The prefilled grid sections put each figure in its cell (三公 预算数/决算数, 结转 by fund)."""
    wb = load_workbook(shanghai_xlsx)
    ws = wb["三公经费"]
    assert ws[_cell(ws, "公务用车购置费", "决算数")].value == 28.5
    assert ws[_cell(ws, "公务用车购置费", "预算数")].value == 30
    assert ws[_cell(ws, "公务接待费", "较上年增减原因")].value == "来访调研批次减少"
    ws = wb["收入"]
    assert ws[_cell(ws, "政府性基金预算财政拨款", "年末结转和结余")].value == 30
    assert ws[_cell(ws, "其他资金", "年初结转和结余")].value == 30
    assert wb["基本信息"][_cell(wb["基本信息"], "文种")].value == "决算"


# ================================================================= blank workbook and CLI


def test_blank_template_is_a_final_workbook(tmp_path):
    book = tmp_path / "空白.xlsx"
    result = runner.invoke(app, ["excel-template", str(book), "--kind", "决算"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(book)
    assert {"绩效自评", "政府性基金", "三公经费", "上年数"} <= set(wb.sheetnames)
    assert wb["基本信息"][_cell(wb["基本信息"], "文种")].value == "决算"
    found = validate(book)
    assert found.budget is None
    where = {(f.rule, f.position.render()) for f in found.findings}
    ws = wb["基本信息"]
    assert ("MODEL-TYPE", f"基本信息!{_cell(ws, '部门名称')}") in where
    assert ("MODEL-TYPE", f"基本信息!{_cell(ws, '决算年度')}") in where


def test_cli_template_from_import_validate(tmp_path):
    book, target = tmp_path / "决算.xlsx", tmp_path / "决算.yaml"
    assert runner.invoke(app, ["excel-template", str(book), "--from", str(ZENGDU)]).exit_code == 0
    result = runner.invoke(app, ["import", str(book), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "文种: 决算" in target.read_text(encoding="utf-8")
    assert '"206":' in target.read_text(encoding="utf-8")  # 类说明 keys stay codes, not numbers
    result = runner.invoke(app, ["validate", str(book), "--strict"])
    assert result.exit_code == 0, result.output


# ================================================================= bad cells


def test_text_in_a_grid_amount_cell(shanghai_xlsx, tmp_path):
    ws = load_workbook(shanghai_xlsx)["三公经费"]
    where = _cell(ws, "公务接待费", "决算数")
    book = mutate(shanghai_xlsx, tmp_path / "t.xlsx", lambda wb: wb["三公经费"].__setitem__(where, "三万五"))
    findings = cell_findings(book)
    assert [(f.rule, f.position.render()) for f in findings] == [("XLSX-NUMBER", f"三公经费!{where}")]
    assert "公务接待费（决算数）" in findings[0].message and "三万五" in findings[0].message


def test_unknown_indicator_owner_and_bad_class_code(shanghai_xlsx, tmp_path):
    wb = load_workbook(shanghai_xlsx)
    ws = wb["绩效自评"]
    owner_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "市容环境综合执法"
                     and ws.cell(r, 4).value == "专项整治次数")
    fs = wb["功能分类支出"]
    title = next(r for r in range(1, fs.max_row + 1) if str(fs.cell(r, 1).value).startswith("【各类支出主要用途"))

    def change(book):
        book["绩效自评"].cell(owner_row, 1).value = "市容执法"  # not a project's name
        book["功能分类支出"].cell(title + 2, 1).value = "2120"
        book["功能分类支出"].cell(title + 2, 2).value = "城乡社区"

    findings = cell_findings(mutate(shanghai_xlsx, tmp_path / "t.xlsx", change))
    got = {(f.rule, f.position.render()) for f in findings}
    assert got == {("XLSX-REF", f"绩效自评!A{owner_row}"), ("XLSX-VALUE", f"功能分类支出!A{title + 2}")}


def test_rule_findings_are_located_at_cells(shanghai_xlsx, tmp_path):
    """A 决算 identity broken in the workbook is reported at the cell the officer typed."""
    ws = load_workbook(shanghai_xlsx)["三公经费"]
    where = _cell(ws, "合计（可选，填写则校验）", "决算数")
    book = mutate(shanghai_xlsx, tmp_path / "t.xlsx", lambda wb: wb["三公经费"].__setitem__(where, 55))
    found = validate(book)
    errors = [f for f in found.findings if f.severity == "error"]
    assert [(f.rule, f.position.render()) for f in errors] == [("FIN-SANGONG", f"三公经费!{where}")]


def test_renamed_sheet(shanghai_xlsx, tmp_path):
    def change(wb):
        wb["绩效自评"].title = "绩效"

    findings = cell_findings(mutate(shanghai_xlsx, tmp_path / "t.xlsx", change))
    assert [(f.rule, f.position.sheet) for f in findings] == [("XLSX-SHEET", "绩效自评")]
    assert "绩效" in findings[0].message

"""The tables workbook (--xlsx) against the Word document it accompanies, for every profile.

Each sample is generated under each shipped profile with ``--xlsx``; the .docx is read back with
python-docx and every sheet of the workbook with openpyxl. A sheet must show what the Word table
shows: its title, the furniture lines (湖北 “部门（单位）：… / 单位：…” and 上海 “编制单位：… / 单位：…”
above the table; 河北 “〈编码〉 〈部门〉 / 预算年度：… / 单位：…” inside it, repeated on every printed
page), the 序号 column and 栏次 row, every header and body cell as displayed (zeros blank where the
profile blanks them, 元 whole with separators in 上海), the notes under the table; and the
绩效目标表 sheets exactly when the document holds those tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from ruamel.yaml import YAML
from typer.testing import CliRunner

from generator.cli import app
from generator.layout.profile import shipped_profiles
from tests.independent import DocView, _is_title
from tests.workbook_cells import displayed

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "inputs").glob("*.yaml"))
runner = CliRunner()


def _rows(ws: Worksheet, first: int, last: int, ncols: int) -> list[list[str]]:
    """Rows as Word's table has them: a horizontally merged range is one cell, a vertically merged
    continuation an empty cell (a w:tc with vMerge), as tests/independent.DocView reads the .docx."""
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col + 1, rng.max_col + 1):
                covered.add((r, c))
    return [[displayed(ws.cell(r, c)).strip() for c in range(1, ncols + 1) if (r, c) not in covered]
            for r in range(first, last + 1)]


def _width(ws: Worksheet, row: int) -> int:
    """The table's columns: the title row is merged across all of them."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row == row and rng.min_col == 1:
            return rng.max_col
    return 1


def _generate(sample: Path, profile: str, out: Path) -> tuple[DocView, Path]:
    result = runner.invoke(app, ["generate", str(sample), "-o", str(out), "--profile", profile, "--xlsx", "--force"])
    assert result.exit_code == 0, result.output
    return DocView(next(out.glob("*.docx"))), next(out.glob("*.xlsx"))


def _sheet_problems(doc: DocView, ws: Worksheet) -> list[str]:
    head = 2 if str(ws["A1"].value or "").startswith("本表未通过校验") else 1
    title = str(ws.cell(head, 1).value)
    found = next(((i, j) for i, b in enumerate(doc.blocks) if b.kind == "p" and _is_title(b.text, title)
                  for j in [next((k for k in range(i + 1, min(i + 6, len(doc.blocks))) if doc.blocks[k].kind == "t"),
                                 None)] if j is not None), None)
    if found is None:
        return [f"[{ws.title}] 文档中没有标题为“{title}”的表"]
    i, j = found
    word = doc.blocks[j].rows
    ncols = _width(ws, head)
    problems = []
    lines = [b.text for b in doc.blocks[i + 1:j] if b.kind == "p" and b.text.strip()]
    start = head + 1
    for line in lines:  # furniture above the table (湖北, 上海): "left\tright"
        got = _rows(ws, start, start, ncols)[0]
        want = [part.strip() for part in line.split("\t") if part.strip()]
        if [g for g in got if g] != want:
            problems.append(f"[{ws.title}] 信息行 应为 {want}，实际 {got}")
        start += 1
    got = _rows(ws, start, start + len(word) - 1, ncols)
    if got != word:
        bad = next(k for k, (a, b) in enumerate(zip(got + [[]] * len(word), word, strict=False)) if a != b)
        problems.append(f"[{ws.title}] 第{bad + 1}行 应为 {word[bad]}，实际 {got[bad] if bad < len(got) else '（无）'}")
    notes = [str(ws.cell(r, 1).value) for r in range(start + len(word), ws.max_row + 1) if ws.cell(r, 1).value]
    after = [b.text.strip() for b in doc.blocks[j + 1:j + 1 + len(notes)] if b.kind == "p"]
    if notes != after:
        problems.append(f"[{ws.title}] 表下说明 应为 {after}，实际 {notes}")
    repeat = ws.print_title_rows or ""
    first_repeated = head + 1 if not lines else head + 1 + len(lines)  # 河北's lines inside repeat with the header
    if not repeat.startswith(f"${first_repeated}:"):
        problems.append(f"[{ws.title}] 打印标题行应从第{first_repeated}行起，实际 {repeat}")
    return problems


@pytest.mark.parametrize("profile", shipped_profiles())
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_every_sheet_shows_the_word_table(sample: Path, profile: str, tmp_path: Path):
    doc, path = _generate(sample, profile, tmp_path)
    wb = load_workbook(path)
    budget_sheets = [ws for ws in wb.worksheets if "绩效目标表" not in ws.title]
    problems = [p for ws in budget_sheets for p in _sheet_problems(doc, ws)]
    assert not problems, f"{sample.name} @ {profile}：\n" + "\n".join(problems)
    # every budget table of the document has its sheet, in the document's order
    titles = [str(ws.cell(2 if str(ws["A1"].value or "").startswith("本表") else 1, 1).value) for ws in budget_sheets]
    at = [next(i for i, b in enumerate(doc.blocks) if b.kind == "p" and _is_title(b.text, t)) for t in titles]
    assert at == sorted(at)
    tables_in_doc = sum(1 for b in doc.blocks if b.kind == "t")
    assert len(budget_sheets) <= tables_in_doc
    # the 绩效目标表 sheets exactly when the document holds them
    paras = [p.strip() for p in doc.paragraphs]
    has_whole = any(p.endswith("部门整体支出绩效目标表") for p in paras)
    assert any("部门整体支出绩效目标表" in ws.title for ws in wb.worksheets) == has_whole, (profile, wb.sheetnames)
    if profile == "上海":
        assert not [ws.title for ws in wb.worksheets if "绩效" in ws.title]


def test_hebei_info_lines_are_inside_and_repeat(tmp_path: Path):
    """河北: the three furniture lines are the first rows under the title, printed on every page."""
    sample = ROOT / "inputs" / "示例县科工局_2024_河北.yaml"
    doc, path = _generate(sample, "河北", tmp_path)
    ws = load_workbook(path).worksheets[0]
    from tests.independent import Budget

    b = Budget(sample)
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == [f"{b.code} {b.name}", f"预算年度：{b.year}", f"单位：{b.unit}"]
    assert ws.print_title_rows.startswith("$2:")
    assert ws.cell(5, 1).value == "序号"


def test_shanghai_whole_yuan_cells_are_numbers_with_separators(tmp_path: Path):
    sample = ROOT / "inputs" / "上海市财政局_2025.yaml"
    _, path = _generate(sample, "上海", tmp_path)
    wb = load_workbook(path)
    ws = wb.worksheets[1]  # 收入预算总表: 类/款/项 columns, 元 whole
    assert [ws.cell(5, c).value for c in (1, 2, 3)] == ["类", "款", "项"]
    numbers = [c for row in ws.iter_rows(min_row=6) for c in row if isinstance(c.value, (int, float))]
    assert numbers and all(c.number_format == "#,##0" for c in numbers)
    assert any(displayed(c) == "370,000" for c in numbers) and any(displayed(c) == "50,400" for c in numbers)
    three = wb.worksheets[8]
    assert three.cell(2, three.max_column).value == "单位：万元"
    assert [displayed(c) for c in three[6] if c.value is not None][:3] == ["346.30", "288.70", "25.40"]


@pytest.mark.parametrize("profile", ["上海", "湖北"])
def test_workbook_title_uses_the_profiles_word(profile: str, tmp_path: Path):
    """The .xlsx document title says what its file name says: 上海 “…年单位预算表” (profile 文件名.工作簿,
    read here from its 版式.yaml as plain data), 湖北 the default 部门预算表."""
    sample = ROOT / "inputs" / "上海市财政局_2025.yaml"
    layout = YAML(typ="safe").load((ROOT / "generator" / "profiles" / profile / "版式.yaml").read_text(encoding="utf-8"))
    word = (layout.get("文件名") or {}).get("工作簿", "部门预算表")
    info = YAML(typ="safe").load(sample.read_text(encoding="utf-8"))["基本信息"]
    _, path = _generate(sample, profile, tmp_path)
    title = load_workbook(path).properties.title
    assert title == f"{info['部门名称']}{info['预算年度']}年{word}"
    assert path.name == f"{info['部门名称']}_{info['预算年度']}年{word}.xlsx"
    assert "部门预算表" not in title or word == "部门预算表"


def _saved(build, path: Path) -> bytes:
    """The bytes of a one-sheet workbook that ``build(ws)`` made, saved as the tables are."""
    from openpyxl import Workbook

    from generator.writing.xlsx_cells import fast_styles, save_workbook

    wb = fast_styles(Workbook())
    build(wb.active)
    save_workbook(wb, path)
    return path.read_bytes()


@pytest.mark.parametrize("case", ["empty", "top-left text", "top-left border", "covered cell written", "one row"])
def test_quick_merge_saves_exactly_what_openpyxl_merge_cells_saves(case: str, tmp_path: Path):
    """xlsx_cells.merge skips openpyxl's work when there is nothing to carry into the covered cells, and
    must then give the same file; when there is (a border, a written covered cell), it is openpyxl's own."""
    from openpyxl.styles import Border, Side

    from generator.writing.xlsx_cells import merge

    first = (2, 2, 2, 4) if case == "one row" else (2, 2, 4, 4)
    ranges = (first, (6, 1, 6, 5), (8, 1, 9, 1))

    def build(quick: bool):
        def make(ws):
            if case != "empty":
                ws.cell(2, 2, "一级指标")
            if case == "top-left border":
                ws.cell(2, 2).border = Border(left=Side(style="thin"), right=Side(style="thin"))
            if case == "covered cell written":
                ws.cell(3, 3, "被覆盖")
            for r1, c1, r2, c2 in ranges:
                if quick:
                    merge(ws, r1, c1, r2, c2)
                else:
                    ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
            for r in range(1, 11):  # then written, as the tables are: a border on every cell
                for c in range(1, 6):
                    ws.cell(r, c).border = Border(top=Side(style="thin"))
        return make

    assert _saved(build(True), tmp_path / "quick.xlsx") == _saved(build(False), tmp_path / "openpyxl.xlsx")
    from openpyxl import Workbook

    kinds = []
    for quick in (True, False):
        ws = Workbook().active
        build(quick)(ws)
        kinds.append({key: type(cell).__name__ for key, cell in ws._cells.items()})  # MergedCell where covered
    assert kinds[0] == kinds[1] and "MergedCell" in kinds[0].values()

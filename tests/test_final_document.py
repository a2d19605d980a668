"""The generated 部门决算公开 against figures computed independently from the raw input.

Every 决算 sample (inputs/决算/) and the corpus base (tests/data/final_small.yaml) is generated; the
document is read back and each table cell and narrative figure compared with tests/independent_final.py,
which recomputes them from the YAML. Also: regeneration is byte-identical, --xlsx writes the tables,
the committed 决算 templates are up to date, and a 决算 with errors is refused (exit 1, nothing written).
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from ruamel.yaml import YAML
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import generate

sys.path.insert(0, str(Path(__file__).parent))
from independent import DocView  # noqa: E402
from independent_final import Final  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
YUAN = ROOT / "tests" / "data" / "final_yuan.yaml"
"""final_small in 元, tables in 万元, with 项 ending in an exact half (see the file's header)."""
STATE = ROOT / "tests" / "data" / "final_state_capital.yaml"
"""final_small with 国有资本经营预算财政拨款 money (收入, 年初/年末结转, two 项) and 授予小微企业 by kind only."""
SAMPLES = sorted((ROOT / "inputs" / "决算").glob("*.yaml")) + [ROOT / "tests" / "data" / "final_small.yaml", YUAN, STATE]
LAYOUTS = {name: YAML(typ="safe").load((ROOT / "generator" / "profiles" / name / "版式.yaml").read_text(encoding="utf-8"))["决算"]
           for name in ("湖北", "上海")}
"""Each shipped profile's 决算 layout, read as plain data from its 版式.yaml (not through generator's loader)."""
runner = CliRunner()


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def generated(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("final")
    result = generate(request.param, out, xlsx=True)
    return request.param, result.written, DocView(result.written[0])


def _layout(path: Path) -> dict:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return LAYOUTS[data["基本信息"].get("版式", "湖北")]


def _table(doc: DocView, name: str) -> list[list[str]]:
    """The rows of the first table after the paragraph that ends with the table's name."""
    for i, block in enumerate(doc.blocks):
        if block.kind == "p" and block.text.strip().endswith(name) and not re.match(r"[一二三四五六七八九十]+、", block.text.strip()):
            for nxt in doc.blocks[i + 1: i + 4]:
                if nxt.kind == "t":
                    return nxt.rows
    raise AssertionError(f"no table titled …{name}")


def _clean(text: str) -> str:
    return text.replace("\u3000", "").strip()


def test_every_table_cell_matches_the_input(generated):
    path, _, doc = generated
    layout = _layout(path)
    exp = Final(path).expected()
    problems = []
    for (key, label), values in exp.cells.items():
        rows = _table(doc, layout["表"][key]["名称"])
        if key == "三公表":
            body = rows[-1]
            if [_clean(c) for c in body] != values:
                problems.append(f"三公表: {body} != {values}")
            continue
        found = False
        for cells in rows:
            cells = [_clean(c) for c in cells]
            if label.startswith("@"):  # a 类 line of a two-sided table, by its name after the ordinal: values at the end
                hit = len(cells) > 2 and re.fullmatch(r"[一二三四五六七八九十廿]+、" + re.escape(label[1:]), cells[2])
                if hit:
                    got = cells[-len(values):]
                    if got != values:
                        problems.append(f"{key} {label}: {got} != {values}")
                    found = True
                    break
                continue
            whole = label.startswith("=")  # a line of a two-sided table: the values right after its label
            for start in ((0, 3) if key == "基本支出表" else (0,)):
                if len(cells) > start and cells[start] == label.removeprefix("="):
                    offset = 1 if key == "收支总表" or whole else 2
                    got = cells[start + offset: start + offset + len(values)]
                    if got != values:
                        problems.append(f"{key} {label}: {got} != {values}")
                    found = True
                    break
            if found:
                break
        if not found:
            problems.append(f"{key}: no row {label}")
    assert not problems, "\n".join(problems[:20])


def test_every_narrative_figure_matches_the_input(generated):
    path, _, doc = generated
    text = re.sub(r"\s+", "", doc.text())
    exp = Final(path).expected()
    missing = [s for s in exp.sentences if re.sub(r"\s+", "", s) not in text]
    assert not missing, "\n".join(missing)
    stated = [s for s in exp.absent if s in text]
    assert not stated, f"figures the input does not give: {stated}"


def test_state_capital_table_under_both_layouts(tmp_path):
    """The 国有资本经营 table is filled (湖北: 支出 columns; 上海: 年初/收入/支出/年末), every cell and the
    fund's 情况说明 against the independent figures; the same input under 上海 too."""
    variant = tmp_path / "上海版式.yaml"
    text = STATE.read_text(encoding="utf-8")
    assert text.count("版式: 湖北") == 1
    variant.write_text(text.replace("版式: 湖北", "版式: 上海"), encoding="utf-8")
    for path in (STATE, variant):
        exp = Final(path).expected()
        state = {label: v for (key, label), v in exp.cells.items() if key == "国有资本经营表"}
        assert {"合计", "223", "22301", "2230105", "22302", "2230201"} <= set(state), state
        assert "国有资本经营表" not in exp.empty_funds
        result = generate(path, tmp_path / path.stem)
        doc = DocView(result.written[0])
        test_every_table_cell_matches_the_input((path, result.written, doc))
        test_every_narrative_figure_matches_the_input((path, result.written, doc))
        said = re.sub(r"\s+", "", doc.text())
        assert any("国有资本经营预算财政拨款" in s and "14.00" in s for s in exp.sentences)
        assert "国有企业退休人员社会化管理补助支出（项）" in said


def test_empty_fund_tables_carry_their_note(generated):
    path, _, doc = generated
    layout = _layout(path)
    exp = Final(path).expected()
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    for key in exp.empty_funds:
        note = layout["表"][key]["空表说明"].format(年度=exp.year, 部门=data["基本信息"]["部门名称"], 主体=data["基本信息"]["部门名称"])
        assert note in doc.text(), note
        assert len(_table(doc, layout["表"][key]["名称"])) == 2  # header rows only


def test_tables_in_the_layouts_order(generated):
    path, _, doc = generated
    layout = _layout(path)
    positions = []
    for key in layout["表序"]:
        name = layout["表"][key]["名称"]
        positions.append(next(i for i, b in enumerate(doc.blocks) if b.kind == "p" and b.text.strip().endswith(name)
                              and not re.match(r"[一二三四五六七八九十]+、", b.text.strip())
                              and i > (positions[-1] if positions else 0)))
    assert positions == sorted(positions)


def test_no_absent_figure_is_stated_as_zero(tmp_path):
    """Counts the input leaves out (团组, 保有量, vehicles, equipment) leave their clause out."""
    text = (ROOT / "tests" / "data" / "final_small.yaml").read_text(encoding="utf-8")
    text = text.replace("  出国: {团组数: 0, 人次: 0}\n", "").replace("  国有资产:\n  截至日期", "  截至日期")
    start = text.index("国有资产:")
    end = text.index("绩效自评:")
    text = text[:start] + text[end:]
    text = text.replace("  公务用车: {购置数: 0, 保有量: 2, 运行用途: 公务用车燃料、维修和保险}\n", "")
    path = tmp_path / "absent.yaml"
    path.write_text(text, encoding="utf-8")
    result = generate(path, tmp_path / "out")
    body = DocView(result.written[0]).text()
    for phrase in ("出国（境）团组", "保有量", "共有车辆", "台（套）"):
        assert phrase not in body, phrase


def test_regeneration_is_byte_identical(tmp_path):
    sample = SAMPLES[0]
    a = generate(sample, tmp_path / "a").written[0].read_bytes()
    b = generate(sample, tmp_path / "b").written[0].read_bytes()
    assert a == b


def test_tables_workbook_has_every_table(generated):
    path, written, _ = generated
    layout = _layout(path)
    xlsx = [w for w in written if w.suffix == ".xlsx"]
    assert xlsx and xlsx[0].name.endswith("部门决算表.xlsx")
    wb = load_workbook(xlsx[0])
    info = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["基本信息"]
    assert wb.properties.title == f"{info['部门名称']}{info['决算年度']}年部门决算表"  # as its file name (was 部门预算表)
    text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    for key in layout["表序"]:
        assert layout["表"][key]["名称"] in text


def test_committed_final_templates_are_up_to_date():
    sys.path.insert(0, str(ROOT / "tools"))
    from build_final_templates import built_final_templates

    for path, data in built_final_templates().items():
        assert path.read_bytes() == data, f"{path.name} is stale: run python tools/build_final_templates.py"


def test_final_with_errors_is_refused_and_writes_nothing(tmp_path):
    bad = ROOT / "tests" / "data" / "bad" / "final_total_and_fund.yaml"
    result = runner.invoke(app, ["generate", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    forced = runner.invoke(app, ["generate", str(bad), "-o", str(tmp_path / "out"), "--force"])
    assert forced.exit_code == 0, forced.output
    doc = DocView(next((tmp_path / "out").glob("*.docx")))
    assert "本文档未通过校验" in doc.text()


def test_batch_build_generates_final_accounts(tmp_path):
    """`budgetdoc build` over 决算 files: each gets its layout's document, nothing is refused for being a 决算."""
    samples = [ROOT / "inputs" / "决算" / "曾都区科经局_2023_决算.yaml", ROOT / "tests" / "data" / "final_small.yaml"]  # one year
    result = runner.invoke(app, ["build", *map(str, samples), "-o", str(tmp_path / "batch")])
    names = sorted(p.name for p in (tmp_path / "batch").glob("*.docx"))
    assert len(names) == len(samples) and all(n.endswith("部门决算公开.docx") for n in names), result.output


TAIL_NOTE = "注：因四舍五入，合计数与分项之和可能存在尾差。"
TREE_TABLES = {"收入表": [0, 1, 2, 3, 4, 5, 6], "支出表": [0, 1, 2, 3, 4, 5], "一般公共预算支出表": [0, 1, 2]}
"""Tree tables: the 合计 column (first value column) is the sum of the others."""


def _after(doc: DocView, name: str) -> tuple[list[list[str]], list[str]]:
    """A table's rows and the paragraphs under it, up to the next table or title."""
    for i, block in enumerate(doc.blocks):
        if block.kind == "p" and block.text.strip().endswith(name) and not re.match(r"[一二三四五六七八九十]+、", block.text.strip()):
            j = next(k for k in range(i + 1, len(doc.blocks)) if doc.blocks[k].kind == "t")
            notes = []
            for nxt in doc.blocks[j + 1:]:
                if nxt.kind == "t" or (nxt.text.strip() and not nxt.text.strip().startswith("注")):
                    break
                notes.append(nxt.text.strip())
            return doc.blocks[j].rows, notes
    raise AssertionError(f"no table titled …{name}")


def _displayed_sums_disagree(rows: list[list[str]]) -> bool:
    """Whether a reader redoing the sums on the displayed figures finds a 0.01: 合计 row = Σ 类,
    类 = Σ its 款, 款 = Σ its 项, and in each row 合计 column = Σ the other columns."""
    body = [[_clean(c) for c in r] for r in rows if r and (_clean(r[0]).isdigit() or _clean(r[0]) == "合计")]
    values = {r[0]: [Decimal(x) for x in r[2:]] for r in body}
    total = values.pop("合计")
    groups = [(total, [v for code, v in values.items() if len(code) == 3])]
    for code, v in values.items():
        kids = [w for c, w in values.items() if c.startswith(code) and len(c) == len(code) + 2]
        if kids:
            groups.append((v, kids))
    for whole, parts in groups:
        if any(whole[i] != sum((p[i] for p in parts), Decimal(0)) for i in range(len(whole))):
            return True
    return any(v[0] != sum(v[1:], Decimal(0)) for v in [total, *values.values()])


def test_yuan_input_shown_in_wan_has_the_tail_note_where_sums_differ(tmp_path):
    """A 决算 entered in 元 with tables in 万元 (the 青山 case of the budget, for the 决算): figures in the
    tables and narrative are checked against the input by the tests above (parametrised on final_yuan);
    here the 尾差 note must be under exactly the tables whose displayed figures do not add up."""
    doc = DocView(generate(YUAN, tmp_path).written[0])
    names = LAYOUTS["湖北"]["表"]
    seen = {}
    for key in TREE_TABLES:
        rows, notes = _after(doc, names[key]["名称"])
        seen[key] = (_displayed_sums_disagree(rows), TAIL_NOTE in notes)
    assert all(needed == present for needed, present in seen.values()), seen
    # the input is built so that each tree table does show a 0.01 (项 62.005 + 40.005 against 类 102.01)
    assert all(needed for needed, _ in seen.values()), seen
    rows, notes = _after(doc, names["三公表"]["名称"])  # whole 万元 there: no note
    assert TAIL_NOTE not in notes
    rows, _ = _after(doc, names["支出表"]["名称"])
    shown = {_clean(r[0]): [_clean(c) for c in r[2:4]] for r in rows if r and _clean(r[0]).isdigit()}
    assert shown["2010301"] == ["62.01", "62.01"] and shown["201"][0] == "114.01"  # ROUND_HALF_UP of 62.005


# ================================================================= 决算 layouts are #10 profiles


def _total_first(rows: list[list[str]]) -> bool:
    labels = [_clean(r[0]) for r in rows if r and (_clean(r[0]).isdigit() or _clean(r[0]) == "合计")]
    assert "合计" in (labels[0], labels[-1]), labels
    return labels[0] == "合计"


def test_total_row_where_the_layout_puts_it(generated):
    """上海 template: 合计 first in 收入/支出/基金 tables, last in the 一般公共预算财政拨款支出决算表; 湖北: first."""
    path, _, doc = generated
    layout = _layout(path)
    for key in ("收入表", "支出表", "一般公共预算支出表"):
        where = layout["表"][key].get("合计位置", layout["合计位置"])
        assert _total_first(_table(doc, layout["表"][key]["名称"])) == (where == "首行"), key


def test_profiles_command_says_which_kind_each_profile_lays_out():
    result = runner.invoke(app, ["profiles"])
    assert result.exit_code == 0
    lines = {line.split("\t")[0]: line for line in result.output.splitlines()}
    assert "文种：预算、决算" in lines["湖北"] and "文种：预算、决算" in lines["上海"]
    assert "文种：预算\t" in lines["河北"]


EXTENSION = """\
继承: 上海
名称: 示例区
说明: 上海某区的决算体例（测试用）
决算:
  标题格式: "{主体}{年度}年度{名称}"
  表序: [收支总表, 支出表, 收入表, 财政拨款总表, 一般公共预算支出表, 基本支出表, 三公表, 政府性基金表, 国有资本经营表]
  表:
    收入表: {名称: 收入决算明细表, 注: "注：本表反映本区部门本年度取得的各项收入。", 合计位置: 末行}
  名词编号: "（一）"
  名词解释:
    - [财政拨款收入, 指本区财政当年拨付的资金。]
"""


def test_user_profile_extending_a_final_layout_end_to_end(tmp_path):
    """A profile file that 继承 上海 and changes a few 决算 keys: chosen by --profile, its tables renamed,
    reordered and numbered, its glossary used, its own template compiled (it names none)."""
    profile = tmp_path / "示例区.yaml"
    profile.write_text(EXTENSION, encoding="utf-8")
    sample = ROOT / "inputs" / "决算" / "上海市示例区市容管理局_2024_决算.yaml"
    result = runner.invoke(app, ["generate", str(sample), "-o", str(tmp_path / "out"), "--profile", str(profile)])
    assert result.exit_code == 0, result.output
    doc = DocView(next((tmp_path / "out").glob("*.docx")))
    subject = "上海市示例区市容管理局"
    assert f"{subject}2024年度收入决算明细表" in [p.strip() for p in doc.paragraphs]
    assert "注：本表反映本区部门本年度取得的各项收入。" in doc.text()
    assert not _total_first(_table(doc, "收入决算明细表"))  # the extension's 合计位置
    assert _total_first(_table(doc, "支出决算表"))  # inherited from 上海
    toc = [p.strip() for p in doc.paragraphs if re.match(r"[一二三]、(支出决算表|收入决算明细表)$", p.strip())]
    assert toc and toc == ["二、支出决算表", "三、收入决算明细表"] * (len(toc) // 2)  # 目录 and 第二部分's list
    titles = [p.strip() for p in doc.paragraphs]
    assert titles.index(f"{subject}2024年度支出决算表") < titles.index(f"{subject}2024年度收入决算明细表")
    text = re.sub(r"\s+", "", doc.text())
    assert "（一）财政拨款收入：指本区财政当年拨付的资金。" in text
    assert "事业收入：" not in text  # a list replaces the inherited one (profiles merge mappings, not lists)
    # the 决算 figures are the same as under 上海
    exp = Final(sample).expected()
    missing = [s for s in exp.sentences if re.sub(r"\s+", "", s) not in text]
    assert not missing, missing


def test_profile_without_a_final_layout_is_refused_with_a_finding(tmp_path):
    sample = ROOT / "tests" / "data" / "final_small.yaml"
    result = runner.invoke(app, ["generate", str(sample), "-o", str(tmp_path / "out"), "--profile", "河北"])
    assert result.exit_code == 1
    assert "[PROFILE]" in result.output and "没有部门决算的版式" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_bad_final_layout_key_is_located(tmp_path):
    profile = tmp_path / "坏.yaml"
    profile.write_text("继承: 湖北\n名称: 坏\n决算:\n  表:\n    收入表: {名称: 收入决算表, 名字: 错}\n  表序: [收支总表, 收入表, 总表]\n",
                       encoding="utf-8")
    sample = ROOT / "tests" / "data" / "final_small.yaml"
    result = runner.invoke(app, ["generate", str(sample), "-o", str(tmp_path / "out"), "--profile", str(profile)])
    assert result.exit_code == 1
    assert f"{profile}:5:" in result.output and "名字" in result.output  # the unknown key, at its line
    profile.write_text("继承: 湖北\n名称: 坏\n决算:\n  表序: [收支总表, 收入表, 总表]\n", encoding="utf-8")
    result = runner.invoke(app, ["generate", str(sample), "-o", str(tmp_path / "out"), "--profile", str(profile)])
    assert result.exit_code == 1 and f"{profile}:3:" in result.output and "“总表”不是决算表" in result.output

"""Regional layout profiles: loading, extension, validation with positions, selection, end to end."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.layout.profile import ProfileError, load_profile, shipped_profiles
from generator.reading.model import ZERO
from tests.independent import DocView

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SMALL = DATA / "good_small.yaml"
runner = CliRunner()


@pytest.mark.parametrize("name", shipped_profiles())
def test_every_shipped_profile_loads_and_names_known_tables(name: str):
    profile = load_profile(name)
    assert profile.名称 == name
    assert profile.表序 and all(k in profile.表 for k in profile.表序)


def _write(tmp_path: Path, text: str, name: str = "城市.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_extension_overrides_a_title_and_drops_a_table_end_to_end(tmp_path: Path):
    prof = _write(tmp_path, "继承: 湖北\n名称: 示例市\n表序: [收支总表, 收入总表, 支出总表, 三公经费支出表]\n"
                            "表:\n  收支总表:\n    标题: \"{主体}{年度}年收支预算总表\"\n")
    result = runner.invoke(app, ["generate", str(SMALL), "-o", str(tmp_path / "out"), "--profile", str(prof)])
    assert result.exit_code == 0, result.output
    docx = next((tmp_path / "out").glob("*.docx"))
    doc = DocView(docx)
    text = doc.text()
    name = re.search(r"部门名称:\s*(\S+)", SMALL.read_text(encoding="utf-8")).group(1)
    assert doc.find_table(f"{name}2024年收支预算总表") is not None
    assert doc.find_table(f"{name}2024年部门收支总表") is None
    assert doc.find_table(f"{name}2024年一般公共预算支出表") is None  # left out of 表序
    assert "表4  一般公共预算“三公”经费支出表" in text  # the 目录 follows the profile's tables
    assert "表5  部门整体支出绩效目标表" in text


def test_unknown_key_is_reported_with_line_and_column(tmp_path: Path):
    prof = _write(tmp_path, "继承: 湖北\n名称: 错\n表:\n  收支总表:\n    标提: x\n")
    with pytest.raises(ProfileError) as err:
        load_profile(prof)
    rendered = [f.render() for f in err.value.findings]
    assert any(f"{prof}:5:" in r and "标提" in r for r in rendered), rendered


def test_unknown_table_names_the_nearest_one(tmp_path: Path):
    prof = _write(tmp_path, "继承: 湖北\n名称: 错\n表:\n  收支总:\n    标题: x\n")
    result = runner.invoke(app, ["generate", str(SMALL), "-o", str(tmp_path / "out"), "--profile", str(prof)])
    assert result.exit_code == 1
    assert f"{prof}:4:3" in result.output and "收支总表" in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_measure_and_figure_are_findings(tmp_path: Path):
    prof = _write(tmp_path, "继承: 湖北\n名称: 错\n表:\n  支出总表:\n    列: [合计, 基本支出, 项目支出, 经营, 上缴上级支出, "
                            "对附属单位补助支出]\n  收支总表:\n    左:\n      - {名称: 一、收入, 值: 不存在}\n")
    with pytest.raises(ProfileError) as err:
        load_profile(prof)
    messages = " ".join(f.render() for f in err.value.findings)
    assert "经营" in messages and "不存在" in messages
    assert f"{prof}:5:" in messages and f"{prof}:8:" in messages


def test_unknown_profile_name_is_a_clear_error(tmp_path: Path):
    result = runner.invoke(app, ["generate", str(SMALL), "-o", str(tmp_path / "out"), "--profile", "湖比"])
    assert result.exit_code == 1
    assert "找不到版式“湖比”" in result.output and "湖北" in result.output


def test_the_input_chooses_its_profile(tmp_path: Path):
    _write(tmp_path, "继承: 湖北\n名称: 本地\n表:\n  收支总表:\n    标题: \"{主体}{年度}年本地收支总表\"\n", "本地.yaml")
    text = SMALL.read_text(encoding="utf-8").replace("基本信息:\n", "基本信息:\n  版式: 本地.yaml\n", 1)
    budget = _write(tmp_path, text, "预算.yaml")
    result = runner.invoke(app, ["generate", str(budget), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    doc = DocView(next((tmp_path / "out").glob("*.docx")))
    assert any(p.endswith("本地收支总表") for p in doc.paragraphs)


def test_profiles_command_lists_the_shipped_profiles():
    result = runner.invoke(app, ["profiles"])
    assert result.exit_code == 0
    for name in shipped_profiles():
        assert name in result.output


# ================================================================= 河北, against independent arithmetic

from generator.pipeline import generate  # noqa: E402
from tests.independent import (  # noqa: E402
    HEBEI_CLASSES,
    HEBEI_EMPTY_NOTES,
    HEBEI_TITLES,
    TABLE_NAMES,
    W_NS,
    Budget,
    blank,
    hebei_class_value,
    hebei_fixed_asset_rows,
    hebei_income_by_function,
    hebei_ordinal,
    hebei_perf_cells,
    hebei_sentences,
    hebei_tables,
    hebei_three_public,
)

HEBEI = ROOT / "inputs" / "示例县科工局_2024_河北.yaml"
SAMPLES = sorted((ROOT / "inputs").glob("*.yaml"))


@pytest.fixture(scope="module")
def hebei(tmp_path_factory) -> tuple[DocView, Budget, Path]:
    out = tmp_path_factory.mktemp("hebei")
    docx = generate(HEBEI, out).written[0]
    return DocView(docx), Budget(HEBEI), docx


def _table(doc: DocView, title: str) -> tuple[list[list[str]], list[bool]]:
    """A table's rows (cell texts) and, per row, whether it repeats as a header row on every page."""
    found = doc.find_table(title)
    assert found is not None, f"找不到表“{title}”"
    rows = doc.blocks[found[1]].rows
    tbl = [el for el in doc.doc.element.body.iterchildren() if el.tag == f"{W_NS}tbl"][doc.table_index(found[1])]
    repeats = [tr.find(f"{W_NS}trPr/{W_NS}tblHeader") is not None for tr in tbl.iterchildren(f"{W_NS}tr")]
    return rows, repeats


def _body(rows: list[list[str]]) -> list[list[str]]:
    k = next(i for i, r in enumerate(rows) if r[0] == "栏次")
    return rows[k + 1:]


def test_hebei_every_table_has_its_furniture(hebei):
    doc, b, _ = hebei
    for title in HEBEI_TITLES:
        rows, repeats = _table(doc, title)
        assert rows[0] == [f"{b.code} {b.name}"] and rows[1] == [f"预算年度：{b.year}"] and rows[2] == [f"单位：{b.unit}"]
        k = next(i for i, r in enumerate(rows) if r[0] == "栏次")
        assert rows[k][1:] == [str(i) for i in range(1, len(rows[k]))], title  # 栏次 numbers every column
        assert all(repeats[: k + 1]) and not any(repeats[k + 1:]), title  # info lines + header repeat per page
        body = rows[k + 1:]
        if body:
            assert [r[0] for r in body] == [str(i) for i in range(1, len(body) + 1)], title  # 序号 1…n
        assert not any(c.strip() in ("0.00", "0") for r in body for c in r[1:]), f"{title}: a zero is not blank"


def test_hebei_summary_lists_the_31_classes_with_independent_figures(hebei):
    doc, b, _ = hebei
    body = _body(_table(doc, "部门预算收支总表")[0])
    unit_funds = sum((b.income[s] for s in ("事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")), ZERO)
    left = {r[1]: r[2] for r in body}
    assert left["一、一般公共预算拨款收入"] == blank(b.cell(b.income["一般公共预算拨款"]))
    assert left["五、单位资金"] == blank(b.cell(unit_funds))
    assert left["本年收入合计"] == blank(b.cell(b.income_current))
    assert left["上年结转结余"] == blank(b.cell(b.carry_in_total))
    assert left["收入总计"] == blank(b.cell(b.income_total))
    right = [(r[3], r[4]) for r in body if r[3]]
    expected = [(f"{hebei_ordinal(i)}、{name}", blank(b.cell(hebei_class_value(b, name))))
                for i, name in enumerate(HEBEI_CLASSES, 1)]
    assert right[: len(expected)] == expected
    assert right[len(expected):] == [("本年支出合计", blank(b.cell(b.expense_current))),
                                     ("年终结转结余", blank(b.cell(b.carry_out_total))),
                                     ("支出总计", blank(b.cell(b.expense_total)))]


def test_hebei_income_table_splits_each_function_row_into_this_year_and_carry_over(hebei):
    doc, b, _ = hebei
    body = _body(_table(doc, "部门预算收入总表")[0])
    expected = hebei_income_by_function(b)
    shown = {r[1].replace("\u3000", ""): r[3:] for r in body}
    assert set(shown) == set(expected)
    for code, values in expected.items():
        assert shown[code] == [blank(b.cell(v)) for v in values], code
    assert any(v for v in expected["合计"][-1:]), "the sample has a carry-over to show"


def test_hebei_three_public_by_fund_with_meeting_and_training(hebei):
    doc, b, _ = hebei
    body = _body(_table(doc, "部门预算财政拨款“三公”经费支出表")[0])
    rows = {r[1]: r[2:] for r in body}
    for label, value in hebei_three_public(b):
        text = "" if value is None else blank(b.cell(value))
        assert rows[label] == [text, text, "", ""], label
    assert rows["四、会议费"][0]  # the sample has 会议费


def test_hebei_text_items_and_tables_inside_it(hebei):
    doc, b, _ = hebei
    text = doc.text()
    for item in ("一、单位职责及机构设置情况", "二、部门预算安排的总体情况", "三、机关运行经费安排情况",
                 "四、财政拨款“三公”经费预算情况及增减变化原因", "五、部门项目预算安排情况及绩效目标", "六、政府采购预算情况",
                 "七、国有资产信息", "八、名词解释", "九、其他需要说明的事项"):
        assert item in text
    assert "封面" not in text and "第一部分" not in text
    assert (f"{b.year}年预算收入为{b.wan(b.income_total)}万元，其中：一般公共预算收入"
            f"{b.wan(b.income['一般公共预算拨款'])}万元") in text
    assert f"机关运行经费共计安排{b.wan(b.operating)}万元" in text
    for i, p in enumerate(b.perf_projects(), 1):
        assert any(par.strip() == f"{i}、{p['项目名称']}绩效目标表" for par in doc.paragraphs)
    assert any("绩效指标描述" in c for t in doc.tables for r in t for c in r)
    org = [r for t in doc.tables for r in t if r and r[0] == b.data["部门概况"]["机构设置"][0]["单位名称"]]
    assert org and org[0][1:] == [b.data["部门概况"]["机构设置"][0][k] for k in ("单位性质", "单位规格", "经费保障形式")]
    glossary = doc.part("八、名词解释", "九、其他需要说明的事项").splitlines()[1:]
    assert len(glossary) == 10 and glossary[0].startswith("1.财政拨款收入：")


def _clean(rows: list[list[str]]) -> list[list[str]]:
    return [[c.replace("\u3000", "").strip() for c in r] for r in rows]


HEBEI_SPLIT = ROOT / "tests" / "data" / "hebei_split.yaml"
"""The 河北 sample with 三公 paid partly from 政府性基金 and procurement items without a fund split (tests only)."""


@pytest.fixture(scope="module", params=[HEBEI, HEBEI_SPLIT], ids=["sample", "split"])
def hebei_any(request, tmp_path_factory) -> tuple[DocView, Budget]:
    out = tmp_path_factory.mktemp("hebei_any")
    return DocView(generate(request.param, out).written[0]), Budget(request.param)


def test_hebei_every_table_cell_against_independent_arithmetic(hebei_any):
    """Each of the nine tables and the 政府采购 table, every body cell (序号, names, amounts, blank zeros)."""
    doc, b = hebei_any
    expected = hebei_tables(b)
    assert "部门政府采购预算" in expected  # the sample has procurement items
    for title, rows in expected.items():
        table, repeats = _table(doc, title)
        body = _clean(_body(table))
        assert body == rows, title
        k = next(i for i, r in enumerate(table) if r[0] == "栏次")
        assert table[k][1:] == [str(i) for i in range(1, len(table[k]))], title
        assert all(repeats[: k + 1]) and not any(repeats[k + 1:]), title
        if not rows:  # an empty table keeps its header and says so under it
            found = doc.find_table(title)
            assert found is not None
            assert doc.blocks[found[1] + 1].text.strip() == HEBEI_EMPTY_NOTES[title], title


def test_hebei_procurement_table_has_the_columns_of_the_layout(hebei):
    doc, b, _ = hebei
    table, _ = _table(doc, "部门政府采购预算")
    assert table[:3] == [[f"{b.code} {b.name}"], [f"预算年度：{b.year}"], [f"单位：{b.unit}"]]
    assert table[3] == ["序号", "政府采购项目来源", "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价",
                        "政府采购金额（当年部门预算安排资金）", f"{b.year}年预留中小微企业份额"]
    assert table[4][1:3] == ["项目名称", "预算资金"]
    assert [c for c in table[4] if c][2:] == ["合计", "一般公共预算拨款", "基金预算拨款", "国有资本经营预算拨款", "财政专户核拨",
                                             "单位资金", "上年结转结余"]
    body = _body(table)
    assert any(r[14] for r in body[1:]), "the sample has an item paid from 上年结转结余"
    text = doc.text()
    assert "注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。涉密采购事项按照相关规定执行。" in text


def test_hebei_fixed_assets_table(hebei):
    doc, b, _ = hebei
    table, _ = _table(doc, "部门固定资产占用情况表")
    k = next(i for i, r in enumerate(table) if r and r[0] == "项目")
    assert table[k] == ["项目", "数量", f"价值（金额单位：{b.unit}）"]
    assert table[:k] == [[f"截止时间：{b.assets['截至日期']}"]]
    assert _clean(table[k + 1:]) == hebei_fixed_asset_rows(b)


def test_hebei_sentences_against_independent_arithmetic(hebei_any):
    """Every figure the 情况说明 quotes, in the wording of hebei-layout.md (增减: 较2023年预算增加X万元 …)."""
    doc, b = hebei_any
    paragraphs = [p.strip() for p in doc.paragraphs]
    for sentence in hebei_sentences(b):
        assert sentence in paragraphs, sentence
    text = doc.text()
    assert "比上年增加" not in text and "增长" not in text  # not the 湖北 phrasing


def test_hebei_project_tables_quote_budget_and_spending_plan(hebei):
    doc, b, _ = hebei
    for i, p in enumerate(b.perf_projects(), 1):
        found = doc.find_table(f"{i}、{p['项目名称']}绩效目标表")
        assert found is not None
        rows = {r[0]: r[-1] for r in doc.blocks[found[1]].rows if r}
        for label, text in hebei_perf_cells(b, p).items():
            assert rows[label] == text, (p["项目名称"], label)


def test_hebei_procurement_of_zero_keeps_the_table_header_with_its_note(tmp_path: Path):
    """hebei-layout.md: an empty table keeps its header, with 注：无政府采购预算，空表列示。 under it."""
    text = HEBEI.read_text(encoding="utf-8")
    start, end = text.index("政府采购:\n"), text.index("政府购买服务:")
    text = text[:start] + "政府采购: {货物: 0, 工程: 0, 服务: 0, 面向中小企业: 0, 面向小微企业: 0}\n\n" + text[end:]
    source = tmp_path / "无采购.yaml"
    source.write_text(text.replace("  资产配置预算: 6.00", "  资产配置预算: 0"), encoding="utf-8")
    doc = DocView(generate(source, tmp_path / "out").written[0])
    table, _ = _table(doc, "部门政府采购预算")
    assert _body(table) == []
    found = doc.find_table("部门政府采购预算")
    assert found is not None and doc.blocks[found[1] + 1].text.strip() == "注：无政府采购预算，空表列示。"


def test_hebei_is_byte_identical_on_regeneration(hebei, tmp_path: Path):
    _, _, docx = hebei
    again = generate(HEBEI, tmp_path).written[0]
    assert again.read_bytes() == docx.read_bytes()


def _titles(profile: str, b: Budget) -> list[str]:
    from tests.independent import shanghai_titles

    if profile == "上海":
        return shanghai_titles(b)
    return list(HEBEI_TITLES) if profile == "河北" else [b.title(n) for n in TABLE_NAMES]


@pytest.mark.parametrize("profile", shipped_profiles())
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_every_sample_renders_under_every_profile(sample: Path, profile: str, tmp_path: Path):
    result = runner.invoke(app, ["generate", str(sample), "-o", str(tmp_path), "--profile", profile, "--force"])
    assert result.exit_code == 0, result.output
    doc = DocView(next(tmp_path.glob("*.docx")))
    b = Budget(sample)
    for title in _titles(profile, b):
        assert doc.find_table(title) is not None, (profile, title)


# ================================================================= 上海, against independent arithmetic

from tests.independent import (  # noqa: E402
    SHANGHAI_TABLES,
    shanghai_duties,
    shanghai_sentences,
    shanghai_tables,
    shanghai_titles,
    shanghai_units,
)

SHANGHAI = ROOT / "inputs" / "上海市财政局_2025.yaml"
_SH_CACHE: dict[str, DocView] = {}


def _shanghai_doc(sample: Path, tmp_path_factory) -> DocView:
    """The sample rendered under the 上海 profile (once per session)."""
    if sample.name not in _SH_CACHE:
        out = tmp_path_factory.mktemp("shanghai")
        _SH_CACHE[sample.name] = DocView(generate(sample, out, profile="上海", force=True).written[0])
    return _SH_CACHE[sample.name]


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_shanghai_every_table_cell_against_independent_arithmetic(sample: Path, tmp_path_factory):
    """Every body cell of the nine tables (类/款/项 columns, 元 whole with separators, zeros blank, 合计
    last; the “三公” table in 万元), the 编制单位 / 单位 line over each table."""
    doc, b = _shanghai_doc(sample, tmp_path_factory), Budget(sample)
    assert len(SHANGHAI_TABLES) == 9
    units = shanghai_units(b)
    problems = []
    for title, (depth, want) in shanghai_tables(b).items():
        found = doc.find_table(title)
        if found is None:
            problems.append(f"找不到表“{title}”")
            continue
        line = doc.blocks[found[0] + 1].text.split("\t")
        if line != [f"编制单位：{b.name}", f"单位：{units[title]}"]:
            problems.append(f"[{title}] 信息行 {line}")
        rows = doc.blocks[found[1]].rows
        if rows[depth:] != want:
            problems.append(f"[{title}] 正文行\n  应为 {want}\n  实际 {rows[depth:]}")
    assert not problems, f"{sample.name}：\n" + "\n".join(problems)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_shanghai_every_narrative_figure_against_independent_arithmetic(sample: Path, tmp_path_factory):
    """编制说明 in whole 万元 with “比2024年预算…”; 其他相关情况说明 in 万元 with two decimals."""
    doc, b = _shanghai_doc(sample, tmp_path_factory), Budget(sample)
    text = doc.text()
    missing = [s for s in shanghai_sentences(b) if s not in text]
    assert not missing, f"{sample.name}：\n" + "\n".join(missing)
    paras = [p.strip() for p in doc.paragraphs]
    at = {head: max(i for i, h in enumerate(paras) if h.startswith(head)) for head in ("四、", "五、单位预算表", "六、")}
    written = paras[at["四、"]:at["五、单位预算表"]] + paras[at["六、"]:]
    written = [p for p in written if "国有资产" not in p and not p.startswith("截至")]  # the officer's own asset text
    assert not [p for p in written if "比上年" in p or "%" in p]  # the year is named (比2024年预算…), no growth rates


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_shanghai_duties_open_with_the_overview_sentence(sample: Path, tmp_path_factory):
    """一、…（单位）主要职能: “…是主管全市财政工作的市政府组成部门。” (only when entered), “主要职能包括：”, the list."""
    doc, b = _shanghai_doc(sample, tmp_path_factory), Budget(sample)
    paras = [p.strip() for p in doc.paragraphs]
    head = max(i for i, p in enumerate(paras) if p == f"一、{b.name}（单位）主要职能")
    want = shanghai_duties(b)
    assert paras[head + 1:head + 1 + len(want)] == want
    assert paras[head + 1 + len(want)] == f"二、{b.name}（单位）机构设置"


def test_shanghai_part_order_and_cover(tmp_path_factory):
    doc, b = _shanghai_doc(SHANGHAI, tmp_path_factory), Budget(SHANGHAI)
    heads = [p.strip() for p in doc.paragraphs]
    order = [f"一、{b.name}（单位）主要职能", f"二、{b.name}（单位）机构设置", "三、名词解释",
             f"四、{b.year}年单位预算编制说明", "五、单位预算表", "六、其他相关情况说明"]
    at = [max(i for i, h in enumerate(heads) if h == head) for head in order]  # the heading, after its 目录 line
    assert at == sorted(at)
    assert heads[:2] == [f"上海市{b.year}年市级单位预算", f"预算单位：{b.name}"]
    tables = [t for t in shanghai_titles(b)]
    assert [doc.find_table(t)[0] for t in tables] == sorted(doc.find_table(t)[0] for t in tables)


@pytest.mark.parametrize(("profile", "document", "workbook", "title"), [
    ("湖北", "部门预算公开", "部门预算表", "部门预算"), ("河北", "部门预算公开", "部门预算表", "部门预算"),
    ("上海", "单位预算公开", "单位预算表", "单位预算")])
def test_output_file_names_say_what_the_cover_says(profile: str, document: str, workbook: str, title: str,
                                                   tmp_path: Path):
    """上海's cover says 单位预算: so do its file names (profile key 文件名) and the .docx title property;
    the 决算 stays 部门决算 everywhere."""
    written = generate(ROOT / "tests" / "data" / "good_small.yaml", tmp_path, xlsx=True, profile=profile).written
    assert [p.name for p in written] == [f"测试市示例局_2024年{document}.docx", f"测试市示例局_2024年{workbook}.xlsx"]
    assert docx.Document(str(written[0])).core_properties.title == f"测试市示例局2024年{title}"
    final = generate(ROOT / "tests" / "data" / "final_small.yaml", tmp_path / "决算", xlsx=True, profile=profile
                     if profile != "河北" else None).written
    assert [p.name for p in final] == ["测试市示例局_2023年部门决算公开.docx", "测试市示例局_2023年部门决算表.xlsx"]


def test_output_file_name_words_are_checked_like_any_profile_key(tmp_path: Path):
    bad = tmp_path / "坏.yaml"
    bad.write_text("继承: 湖北\n名称: 坏\n文件名: {文档: 预算/公开}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(bad)
    assert any("坏.yaml:3:" in f.render() and "文件名" in f.render() for f in caught.value.findings), \
        [f.render() for f in caught.value.findings]


# ================================================================= the shipped 通城-style extension of 湖北

TONGCHENG = ROOT / "docs" / "examples" / "通城"


def test_tongcheng_example_puts_tables_last_and_performance_inside_the_explanation(tmp_path: Path):
    sample = ROOT / "inputs" / "示例县档案馆_2024.yaml"
    result = runner.invoke(app, ["generate", str(sample), "-o", str(tmp_path), "--profile", str(TONGCHENG)])
    assert result.exit_code == 0, result.output
    doc = DocView(next(tmp_path.glob("*.docx")))
    b = Budget(sample)
    paras = [p.strip() for p in doc.paragraphs]
    parts = [max(i for i, p in enumerate(paras) if p == head) for head in  # the heading, after its 目录 line
             (f"第一部分 {b.subject}概况", f"第二部分 {b.year}年部门预算编制情况及说明", "第三部分 名词解释",
              f"第四部分 {b.year}年部门预算公开表")]
    assert parts == sorted(parts)
    whole = paras.index(b.whole_perf_title)
    first_table = doc.find_table(b.title("部门收支总表"))
    assert parts[1] < whole < parts[2] < first_table[0]  # 绩效 inside 第二部分, tables at the end
    # 整体绩效 with the two prior years' values, as the input gives them
    years = [c for t in doc.tables for r in t for c in r if c in (f"{b.year - 2}年", f"{b.year - 1}年")]
    assert years and any("近两年指标值" in c for t in doc.tables for r in t for c in r)
    assert not any(p.startswith("第五部分") for p in paras)

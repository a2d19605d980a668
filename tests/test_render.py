"""The render stage: the Word template, table subdocs, strict and escaped Jinja, safe reproducible output.

A small budget is built here (Chinese keys → generator.reading.model.build → narrate.build_context), so
these tests need no sample file; they read the rendered .docx back with python-docx.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from generator.findings import SourceMap
from generator.layout.narrate import HeaderCell, RenderContext, Row, TableCtx, build_context
from generator.reading.model import build
from generator.writing.render import (
    TEMPLATE_NAME,
    RenderError,
    default_template_dir,
    normalize_docx_bytes,
    output_name,
    render_docx,
)

TRICKY = "含<b>&amp;特殊字符\n第二行"


def small_budget(tricky: str = "") -> dict:
    """A consistent one-unit budget in 元 (1,000,000.00 in, 1,000,000.00 out)."""
    indicator = {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "完成课题", "符号": "≥",
                 "指标值": "3", "计量单位": "项", "指标值确定依据": "计划标准", "前年值": "2", "上年值": "3"}
    quality = {"一级指标": "效益指标", "二级指标": "社会效益指标", "三级指标": "成果应用", "符号": "定性",
               "指标值": "达标", "指标值确定依据": "行业标准"}
    return {
        "基本信息": {"部门名称": "示例区测试局", "部门编码": "901", "预算年度": 2024, "金额单位": "元",
                     "预算单位": [{"编码": "901001", "名称": "示例区测试局本级"}], "公开日期": "2024-02-05"},
        "部门概况": {"主要职责": ["负责测试工作" + tricky, "完成上级交办的其他任务。"],
                     "人员构成": {"编制": [{"类型": "行政编制", "人数": 10}], "实有人数": 9, "离退休人数": 3}},
        "收入": {"本年收入": {"一般公共预算拨款": "1000000.00"}},
        "支出": {"功能分类": [
            {"科目编码": "2060101", "科目名称": "行政运行", "人员经费": "600000.00", "公用经费": "100000.00"},
            {"科目编码": "2060499", "科目名称": "其他技术研究与开发支出", "项目支出": "300000.00"},
        ]},
        "经济分类基本支出": [
            {"科目编码": "30101", "科目名称": "基本工资", "人员经费": "600000.00"},
            {"科目编码": "30201", "科目名称": "办公费", "公用经费": "100000.00"},
        ],
        "项目": [{
            "项目编码": "901001T001", "项目名称": "测试研究项目", "资金来源": {"一般公共预算": "300000.00"},
            "项目概况": "开展测试研究" + tricky,
            "绩效目标": {"年度目标": "完成三项课题", "指标": [indicator, quality]},
        }],
        "部门整体绩效": {"年度目标": [{"目标": "完成年度测试任务", "指标": [indicator]}]},
    }


def make_context(tricky: str = "") -> RenderContext:
    budget, findings = build(small_budget(tricky), SourceMap("test.yaml"))
    assert budget is not None, findings
    return build_context(budget)


def text_of(element) -> str:
    return "".join(element.xpath(".//w:t/text()"))


def table_after(doc, title: str):
    """The table following the 表标题 paragraph ``title`` (the TOC lists the same words)."""
    body = list(doc.element.body)
    for i, el in enumerate(body):
        if el.tag == qn("w:p") and el.xpath("./w:pPr/w:pStyle[@w:val='TableTitle']") and text_of(el) == title:
            return next(x for x in body[i:] if x.tag == qn("w:tbl"))
    raise AssertionError(f"no table titled {title}")


def rows_of(tbl) -> list[list[str]]:
    return [[text_of(tc) for tc in tr.iterchildren(qn("w:tc"))] for tr in tbl.iterchildren(qn("w:tr"))]


@pytest.fixture(scope="module")
def ctx() -> RenderContext:
    return make_context()


@pytest.fixture(scope="module")
def rendered(ctx, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("render") / "out.docx"
    render_docx(ctx, out)
    return out


def test_template_is_present_and_named():
    assert (default_template_dir() / TEMPLATE_NAME).is_file()


def test_renders_a_docx_that_reads_back(rendered, ctx):
    doc = Document(str(rendered))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert ctx.标题 in text
    assert "第五部分 名词解释" in text
    assert "{{" not in text and "{%" not in text
    assert doc.core_properties.title == ctx.标题
    assert doc.core_properties.author == "budgetdoc"
    # every budget table title is followed by its table
    assert len(doc.tables) >= len(ctx.表)


def test_summary_table_shows_the_totals(rendered, ctx):
    rows = rows_of(table_after(Document(str(rendered)), ctx.表["收支总表"].title))
    assert rows[0] == ["收入", "支出"]
    by_label = {r[0]: r[1] for r in rows[2:]} | {r[2]: r[3] for r in rows[2:]}
    assert by_label["本年收入合计"] == "1,000,000.00"
    assert by_label["本年支出合计"] == "1,000,000.00"
    assert by_label["收入总计"] == "1,000,000.00"
    assert by_label["支出总计"] == "1,000,000.00"
    assert by_label["一、一般公共预算拨款收入"] == "1,000,000.00"


def test_merged_and_repeated_header_rows(rendered, ctx):
    doc = Document(str(rendered))
    summary = table_after(doc, ctx.表["收支总表"].title)
    assert summary.xpath("./w:tr[1]/w:tc/w:tcPr/w:gridSpan/@w:val") == ["2", "2"]  # 收入 | 支出
    gpb = table_after(doc, ctx.表["一般公共预算支出表"].title)
    assert gpb.xpath("./w:tr[1]/w:tc[1]/w:tcPr/w:vMerge/@w:val") == ["restart"]  # 科目编码 over two rows
    assert gpb.xpath("./w:tr[2]/w:tc[1]/w:tcPr/w:vMerge")
    for table in (summary, gpb):
        header, body = table.xpath("./w:tr[position() <= 2]"), table.xpath("./w:tr[position() > 2]")
        assert all(tr.xpath("./w:trPr/w:tblHeader") for tr in header), "header rows repeat on every page"
        assert not any(tr.xpath("./w:trPr/w:tblHeader") for tr in body)
        assert all(tr.xpath("./w:trPr/w:cantSplit") for tr in header + body), "rows are kept whole"


def test_tables_fill_the_text_width_of_their_section(rendered, ctx):
    doc = Document(str(rendered))
    for t in ctx.表.values():
        table = table_after(doc, t.title)
        width = sum(int(w) for w in table.xpath("./w:tblGrid/w:gridCol/@w:w"))
        assert width == (12756 if t.landscape else 8845), t.key  # 版心 225 mm / 156 mm
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert landscape and all(round(s.page_width.mm) == 297 for s in landscape)
    assert all(round(s.left_margin.mm) == 28 and round(s.top_margin.mm) == 37
               for s in doc.sections if s.page_width < s.page_height)


def test_page_numbers_and_languages(rendered):
    with zipfile.ZipFile(rendered) as zf:
        settings = zf.read("word/settings.xml").decode()
        styles = zf.read("word/styles.xml").decode()
        footers = [zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer")]
    assert "evenAndOddHeaders" in settings
    assert 'w:eastAsia="zh-CN"' in styles
    assert len(footers) == 2 and all("PAGE" in f and "— " in f for f in footers)
    doc = Document(str(rendered))
    assert not doc.sections[0]._sectPr.xpath("./w:footerReference"), "the cover is unnumbered"
    assert doc.sections[1]._sectPr.xpath("./w:footerReference[@w:type='even']")
    assert doc.sections[1]._sectPr.xpath("./w:pgNumType[@w:start='1']")


def test_byte_identical_on_rerender(ctx, tmp_path):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    render_docx(ctx, first)
    render_docx(make_context(), second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_sets_zip_dates(ctx, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    out = tmp_path / "e.docx"
    render_docx(ctx, out)
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    # the document's own dates come from 公开日期, not the clock
    assert Document(str(out)).core_properties.created.date().isoformat() == "2024-02-05"


def test_special_characters_and_line_breaks_render_literally(tmp_path):
    out = tmp_path / "tricky.docx"
    render_docx(make_context(TRICKY), out)
    doc = Document(str(out))  # opens: the XML is well formed
    body = [p for p in doc.paragraphs if "负责测试工作" in p.text]
    assert body and "含<b>&amp;特殊字符" in body[0].text
    assert body[0]._p.xpath(".//w:br"), "a newline in the input becomes a line break"
    assert "第二行" in body[0].text
    cells = [tc for t in doc.tables for tc in t._tbl.iter(qn("w:tc")) if "开展测试研究" in text_of(tc)]
    assert cells and "含<b>&amp;特殊字符" in text_of(cells[0])
    assert cells[0].xpath(".//w:br")


def test_undefined_variable_is_an_error_naming_it(ctx, tmp_path):
    tdir = tmp_path / "tpl"
    shutil.copytree(default_template_dir(), tdir)
    template = tdir / TEMPLATE_NAME
    doc = Document(str(template))
    doc.add_paragraph("{{ 不存在的变量 }}")
    doc.save(str(template))
    with pytest.raises(RenderError) as err:
        render_docx(ctx, tmp_path / "x.docx", tdir)
    assert "不存在的变量" in str(err.value)
    assert str(template) in str(err.value)
    assert not (tmp_path / "x.docx").exists()


def test_missing_template_names_the_path(ctx, tmp_path):
    with pytest.raises(RenderError) as err:
        render_docx(ctx, tmp_path / "x.docx", tmp_path / "nowhere")
    assert str(tmp_path / "nowhere" / TEMPLATE_NAME) in str(err.value)


def test_syntax_error_in_template_is_reported(ctx, tmp_path):
    tdir = tmp_path / "tpl"
    shutil.copytree(default_template_dir(), tdir)
    doc = Document(str(tdir / TEMPLATE_NAME))
    doc.add_paragraph("{% if %}")
    doc.save(str(tdir / TEMPLATE_NAME))
    with pytest.raises(RenderError, match="语法错误"):
        render_docx(ctx, tmp_path / "x.docx", tdir)


def test_failure_keeps_the_previous_output(ctx, tmp_path):
    out_dir = tmp_path / "out"
    out = out_dir / "doc.docx"
    render_docx(ctx, out)
    before = out.read_bytes()
    broken = tmp_path / "broken"
    shutil.copytree(default_template_dir(), broken)
    doc = Document(str(broken / TEMPLATE_NAME))
    doc.add_paragraph("{{ 不存在的变量 }}")
    doc.save(str(broken / TEMPLATE_NAME))
    with pytest.raises(RenderError):
        render_docx(ctx, out, broken)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out_dir.iterdir()) == ["doc.docx"]


def test_write_failure_leaves_no_temp_file(ctx, tmp_path, monkeypatch):
    out = tmp_path / "doc.docx"
    out.write_bytes(b"old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("generator.writing.render.os.replace", boom)
    with pytest.raises(RenderError, match="disk full"):
        render_docx(ctx, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.docx"]


def test_empty_table_renders_its_header_only(ctx, tmp_path):
    fund = ctx.表["政府性基金预算支出表"]
    assert fund.empty
    out = tmp_path / "e.docx"
    render_docx(ctx, out)
    rendered = Document(str(out))
    assert len(table_after(rendered, fund.title).xpath("./w:tr")) == len(fund.header)
    assert fund.empty_note in "\n".join(p.text for p in rendered.paragraphs)


def test_note_printed_only_on_tables_that_need_it(rendered, ctx):
    text = "\n".join(p.text for p in Document(str(rendered)).paragraphs)
    assert ctx.表["政府性基金预算支出表"].empty_note in text  # empty
    basic = ctx.表["一般公共预算基本支出表"]
    assert not basic.empty
    assert "无一般公共预算基本支出" not in text  # has rows: no "本表为空表"


def test_header_spans_become_grid_spans_and_vertical_merges(ctx, tmp_path):
    """A hand-made table: 3 columns, header 甲(rowspan 2) | 乙(colspan 2) / 丙 | 丁."""
    t = TableCtx("收支总表", 1, "测试表", "部门（单位）：测试", "单位：元",
                 [[HeaderCell("甲", rowspan=2), HeaderCell("乙", colspan=2)], [HeaderCell("丙"), HeaderCell("丁")]],
                 [Row(["合计", "1.00", "2.00"], "total", 0), Row(["\u3000子项", "1.00", "2.00"])],
                 ["left", "right", "right"], [2, 1, 1])
    ctx2 = make_context()
    ctx2.表 = dict(ctx2.表, 收支总表=t)
    out = tmp_path / "h.docx"
    render_docx(ctx2, out)
    table = table_after(Document(str(out)), "测试表")
    rows = table.xpath("./w:tr")
    assert rows[0].xpath("./w:tc[1]/w:tcPr/w:vMerge/@w:val") == ["restart"]
    assert rows[0].xpath("./w:tc[2]/w:tcPr/w:gridSpan/@w:val") == ["2"]
    assert rows[1].xpath("./w:tc[1]/w:tcPr/w:vMerge") and not rows[1].xpath("./w:tc[1]/w:tcPr/w:vMerge/@w:val")
    assert rows_of(table)[3] == ["\u3000子项", "1.00", "2.00"]  # indentation kept
    assert rows[2].xpath(".//w:b"), "a total row is bold"
    assert rows[3].xpath("./w:tc[2]//w:pStyle/@w:val") == ["TableNumber"]


def test_output_name_is_safe():
    ctx = make_context()
    assert output_name(ctx, "部门预算公开", ".docx") == "示例区测试局_2024年部门预算公开.docx"
    ctx.部门名称 = 'a/b\\c:d*e?f"g<h>i|j\x01k\n' + "很长" * 200
    name = output_name(ctx, "部门预算公开", ".docx")
    assert not set('/\\:*?"<>|\x01\n') & set(name)
    assert name.endswith("_2024年部门预算公开.docx")
    assert len(name.encode("utf-8")) <= 200


def test_normalize_is_idempotent_and_deterministic(rendered):
    data = rendered.read_bytes()
    assert normalize_docx_bytes(data) == data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist()[0] == "[Content_Types].xml"


def test_template_build_is_deterministic(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    try:
        from build_template import built_templates
    finally:
        sys.path.pop(0)
    built = built_templates()
    assert built == built_templates()
    assert default_template_dir() / TEMPLATE_NAME in built
    for path, data in built.items():
        assert data == path.read_bytes(), f"{path} is stale: run python tools/build_template.py"


def _row_code(row) -> str:
    """The 科目编码 of a table row: one code column (湖北) or the 类/款/项 columns joined (上海); "" if none."""
    parts: list[str] = []
    for cell in row.cells:
        text = cell.text.strip()
        if text and not text.isdigit():
            break
        parts.append(text)
    return "".join(parts)


@pytest.mark.parametrize("sample", ["青山区科经局_2024.yaml", "上海市财政局_2025.yaml"])  # code in one column | 类/款/项
def test_class_and_kuan_rows_keep_with_their_first_item(tmp_path, sample):
    """A 类 or 款 row is never the last line of a page: its paragraphs carry keep-with-next."""
    from docx import Document as Read

    from generator.pipeline import generate

    docx = generate(Path(__file__).parents[1] / "inputs" / sample, tmp_path).written[0]
    doc = Read(str(docx))
    checked = 0
    for table in doc.tables:
        codes = [_row_code(row) for row in table.rows]
        for i, row in enumerate(table.rows):
            if not codes[i].isdigit():
                continue
            following = codes[i + 1] if i + 1 < len(codes) else ""
            is_parent = following.isdigit() and len(following) > len(codes[i]) and following.startswith(codes[i])
            keep = bool(row.cells[0].paragraphs[0].paragraph_format.keep_with_next)
            closing = i >= len(codes) - 3  # the last three rows stay together anyway
            assert keep == (is_parent or (closing and i < len(codes) - 1)), \
                f"row {codes[i]}: keep-with-next {keep}, parent of the next row {is_parent}"
            checked += is_parent
        if any(c.isdigit() for c in codes):  # a budget table with body rows: the closing rows stay together
            last = table.rows[-1].cells[0].paragraphs[0].paragraph_format.keep_with_next
            assert not last and table.rows[-2].cells[0].paragraphs[0].paragraph_format.keep_with_next
    assert checked >= 3


# ---------------------------------------------------------------- the faster render path gives docxtpl's bytes

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _table(grid: int, rows: list[list[int]]) -> str:
    """A table with ``grid`` grid columns; each row lists its cells' spans."""
    def cell(span: int) -> str:
        spanned = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        return f"<w:tc><w:tcPr>{spanned}</w:tcPr><w:p/></w:tc>"

    body = "".join("<w:tr>" + "".join(cell(s) for s in row) + "</w:tr>" for row in rows)
    cols = "".join(f'<w:gridCol w:w="{1000 + i}"/>' for i in range(grid))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{cols}</w:tblGrid>{body}</w:tbl>"


@pytest.mark.parametrize("tables", [
    [(3, [[1, 1, 1], [2, 1], [3]])],            # rows match the grid: the fast path
    [(2, [[1, 1, 1], [1, 1]])],                 # a row with more cells than the grid: columns added
    [(4, [[1, 1], [2]])],                       # no row spans the grid: columns removed
    [(3, [[1, 1, 1]]), (2, [[1, 1, 1, 1]])],    # one matching table, one not
    [(3, [])],                                  # a table without rows
])
def test_fix_tables_gives_what_docxtpl_gives(tables):
    from docxtpl import DocxTemplate
    from lxml import etree

    from generator.writing.render import _Template

    xml = f"<w:body {_W}>" + "".join(_table(g, rows) for g, rows in tables) + "<w:p/></w:body>"
    ours = etree.tostring(_Template.fix_tables(_Template(None), xml))
    theirs = etree.tostring(DocxTemplate.fix_tables(DocxTemplate(None), xml))
    assert ours == theirs


def test_resolve_listing_gives_what_docxtpl_gives():
    from docxtpl import DocxTemplate

    from generator.writing.render import _Template

    paragraphs = [
        '<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>一\n二\t三\a四\f五</w:t></w:r></w:p>',
        '<w:p><w:r><w:t xml:space="preserve">没有特殊字符</w:t></w:r></w:p>',
        "<w:p/>",
        '<w:p w:rsidR="1"><w:r><w:t>甲</w:t></w:r><w:r><w:t>乙\n丙</w:t></w:r></w:p>',
    ]
    for xml in ["".join(paragraphs), paragraphs[1] * 3, "\n".join(paragraphs[1:2] * 2) + "\n", ""]:
        body = f"<w:body {_W}>{xml}</w:body>"
        assert _Template(None).resolve_listing(body) == DocxTemplate(None).resolve_listing(body)


def test_saved_bytes_are_the_normalised_save(ctx):
    """render_bytes writes the zip once; docxtpl's save followed by normalize_docx_bytes gives the same bytes."""
    from generator.writing import render as R

    template = R.template_path()
    tpl = R._Template(str(template))
    context = ctx.as_dict()
    context.update(R.build_subdocs(tpl, ctx, template))
    tpl.render(context, R.make_environment(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    assert R._saved_bytes(tpl) == normalize_docx_bytes(buf.getvalue())


def test_compiled_template_code_kept_on_disk_gives_the_same_document(ctx, tmp_path, monkeypatch):
    from generator.writing import render as R

    monkeypatch.setenv("BUDGETDOC_CACHE_DIR", str(tmp_path / "cache"))
    R.make_environment()._compiled.clear()
    template = R.template_path()
    first = R.render_bytes(ctx, template)  # compiled, and kept
    kept = sorted((tmp_path / "cache" / "jinja").glob("*.code"))
    assert kept
    R.make_environment()._compiled.clear()
    assert R.render_bytes(ctx, template) == first  # loaded from disk
    for path in kept:
        path.write_bytes(b"not code")
    R.make_environment()._compiled.clear()
    assert R.render_bytes(ctx, template) == first  # a damaged file is compiled again
    monkeypatch.setenv("BUDGETDOC_CACHE_DIR", "off")
    R.make_environment()._compiled.clear()
    assert R.render_bytes(ctx, template) == first

"""`budgetdoc build`: the summary read back against the inputs, incremental runs, batch checks, PDF failures, shards."""

from __future__ import annotations

import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from generator.batch import BuildOptions, Shard, build
from generator.batch.summary import COLUMNS, FINDING_COLUMNS
from generator.cli import app
from generator.config import Settings
from generator.writing.pdf import PdfError
from tests.independent import Budget, convert, r2

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "inputs").glob("*.yaml"))
SMALL = REPO / "tests" / "data" / "good_small.yaml"
runner = CliRunner()
MIXED_YEARS = Settings(规则={"BATCH-YEAR": "off"})
"""inputs/ is a set of samples, not one 财政局's batch: they are of different years (the 上海 one is 2025),
which a real batch refuses (BATCH-YEAR, tested on its own below). These tests are about summaries, increments,
shards and workers, so they build the samples with that one check off."""


def _options(**kwargs) -> BuildOptions:
    return BuildOptions(settings=MIXED_YEARS, **kwargs)


def _batch(tmp_path: Path, names: dict[str, Path] | None = None) -> Path:
    """A folder of inputs: the samples in two sub-folders (build searches recursively)."""
    folder = tmp_path / "in"
    for i, sample in enumerate(SAMPLES):
        target = folder / ("甲" if i % 2 else "乙") / sample.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sample, target)
    for name, source in (names or {}).items():
        shutil.copy(source, folder / name)
    return folder


def _variant(path: Path, text_from: Path, *replacements: tuple[str, str]) -> Path:
    text = text_from.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _wan(b: Budget, value: Decimal) -> Decimal:
    return r2(convert(value, b.src, "万元"))


def _expected_figures(path: Path) -> dict[str, Decimal]:
    b = Budget(path)
    return {"收入总计": _wan(b, b.income_total), "支出总计": _wan(b, b.expense_total), "基本支出": _wan(b, b.basic),
            "项目支出": _wan(b, b.by_kind["项目支出"]), "“三公”合计": _wan(b, b.three_total),
            "机关运行经费": _wan(b, b.operating)}


class _Tables(HTMLParser):
    """Reads every <table> of the summary page back as rows of cell texts (and the links)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _html(out: Path) -> _Tables:
    parser = _Tables()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    return parser


def test_summary_workbook_and_page_show_each_departments_figures(tmp_path: Path):
    bad = _variant(tmp_path / "in" / "坏.yaml", SMALL, ("  收入总计: 150.00", "  收入总计: 160.00"),
                   ("测试市示例局", "测试市<b>坏</b>局"), ('部门编码: "901"', '部门编码: "951"'))
    folder = _batch(tmp_path)
    out = tmp_path / "out"
    report = build([folder], out, _options(jobs=1, xlsx=True))
    assert report.exit_code == 1, report.line()
    by_input = {Path(r.input).name: r for r in report.records}
    assert set(by_input) == {p.name for p in SAMPLES} | {bad.name}

    wb = load_workbook(out / "汇总.xlsx")
    rows = list(wb["部门"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    table = {Path(row[1]).name: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    links = [cell.hyperlink.target for row in wb["部门"].iter_rows(min_row=2) for cell in row if cell.hyperlink]
    for sample in SAMPLES:
        row = table[sample.name]
        b = Budget(sample)
        assert row["部门名称"] == b.subject and row["状态"] == "已生成" and row["错误数"] == 0
        for name, value in _expected_figures(sample).items():
            assert Decimal(str(row[name])) == value, (sample.name, name)
        kind = "单位预算" if "版式: 上海" in sample.read_text(encoding="utf-8") else "部门预算"  # 上海's cover says 单位预算
        docx = f"{b.name}_{b.year}年{kind}公开.docx"
        assert row["Word"] == docx and (out / docx).is_file()
        assert row["预算表"] == f"{b.name}_{b.year}年{kind}表.xlsx" and (out / row["预算表"]).is_file()
    assert len(links) == 2 * len(SAMPLES)
    broken = table[bad.name]
    assert broken["状态"] == "有错误" and broken["错误数"] >= 1 and broken["Word"] is None
    assert not list(out.glob("测试市*"))

    findings = list(wb["问题清单"].iter_rows(values_only=True))
    assert findings[0] == FINDING_COLUMNS
    assert any(f[4] == "BAL-INCOME" and f[3] == "错误" and f[2] and f[1].endswith("坏.yaml") for f in findings[1:])

    page = _html(out)
    head, *body = page.tables["departments"]
    assert head == list(COLUMNS)
    html_rows = {Path(r[1]).name: dict(zip(COLUMNS, r, strict=True)) for r in body}
    for sample in SAMPLES:
        for name, value in _expected_figures(sample).items():
            assert Decimal(html_rows[sample.name][name].replace(",", "")) == value
    assert html_rows[bad.name]["部门名称"] == "测试市<b>坏</b>局"  # shown as text: escaped in the page
    assert "<b>坏</b>" not in (out / "index.html").read_text(encoding="utf-8")
    assert any(r[4] == "BAL-INCOME" for r in page.tables["findings"][1:])
    assert sorted(page.links) == sorted(links)


def test_second_build_skips_unchanged_and_removes_stale_outputs(tmp_path: Path):
    folder = _batch(tmp_path)
    out = tmp_path / "out"
    first = build([folder], out, _options(jobs=1))
    assert first.exit_code == 0 and first.count("已生成") == len(SAMPLES)
    docs = {r.input: out / r.outputs[0] for r in first.records}
    stamps = {k: p.stat().st_mtime_ns for k, p in docs.items()}

    second = build([folder], out, _options(jobs=1))
    assert second.count("未变化") == len(SAMPLES)
    assert {k: p.stat().st_mtime_ns for k, p in docs.items()} == stamps

    changed, removed = first.records[0].input, first.records[1].input
    Path(changed).write_text(Path(changed).read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")  # same content, new bytes
    renamed = Path(removed).with_name("改名.yaml")
    Path(removed).rename(renamed)
    third = build([folder], out, _options(jobs=1))
    status = {r.input: r.status for r in third.records}
    assert status[changed] == "已生成" and status[str(renamed)] == "已生成"
    assert sum(s == "未变化" for s in status.values()) == len(SAMPLES) - 2
    assert docs[removed].is_file()  # same department under a new file name: same outputs, kept

    Path(renamed).unlink()
    fourth = build([folder], out, _options(jobs=1))
    assert not docs[removed].exists() and docs[removed] in fourth.removed
    assert len(fourth.records) == len(SAMPLES) - 1

    fifth = build([folder], out, _options(jobs=1, rebuild_all=True))
    assert fifth.count("已生成") == len(SAMPLES) - 1


@pytest.mark.parametrize("edit", [("部门名称: 测试市示例局", "部门名称: 测试市示范局"),
                                  ("  部门名称: 测试市示例局\n", "  部门名称: 测试市示例局\n  版式: 上海\n")],
                         ids=["部门名称", "上海版式"])
def test_an_input_whose_output_names_change_leaves_no_old_outputs(edit: tuple[str, str], tmp_path: Path):
    """The same input, its file names changed (a new 部门名称; the 上海 layout's 单位预算公开 / 单位预算表): the
    files the manifest says the last build wrote for it are removed, the new ones written; a file budgetdoc
    did not write stays, even one named like an output, and so do the other inputs' outputs."""
    folder = tmp_path / "in"
    moving = _variant(folder / "a.yaml", SMALL)
    _variant(folder / "b.yaml", SMALL, ("测试市示例局", "测试市另一局"), ('"901', '"902'))
    out = tmp_path / "out"
    first = build([folder], out, BuildOptions(jobs=1, xlsx=True))
    assert first.exit_code == 0, [(r.input, f) for r in first.records for f in r.findings]
    old = {r.input: [out / n for n in r.outputs] for r in first.records}
    assert len(old[str(moving)]) == 2 and all(p.is_file() for ps in old.values() for p in ps)
    foreign = [out / "说明.txt", out / "测试市示例局_2023年部门预算公开.docx"]  # not in the manifest
    for path in foreign:
        path.write_bytes(b"not budgetdoc's")

    _variant(moving, SMALL, edit)
    second = build([folder], out, BuildOptions(jobs=1, xlsx=True))
    assert second.exit_code == 0
    now = {r.input: [out / n for n in r.outputs] for r in second.records}
    assert {p.name for p in now[str(moving)]}.isdisjoint(p.name for p in old[str(moving)])  # the names did change
    assert all(p.is_file() for ps in now.values() for p in ps)
    assert not [p for p in old[str(moving)] if p.exists()]
    assert sorted(second.removed) == sorted(old[str(moving)])
    assert [p for p in foreign if p.read_bytes() == b"not budgetdoc's"] == foreign
    summary = [p.name for p in second.summary or ()]
    files = sorted(p.name for p in out.iterdir() if p.is_file() and p.name not in summary)
    assert files == sorted([p.name for ps in now.values() for p in ps] + [p.name for p in foreign])


def test_batch_checks_run_before_anything_is_written(tmp_path: Path):
    folder = tmp_path / "in"
    _variant(folder / "a.yaml", SMALL)
    _variant(folder / "b" / "a_copy.yaml", SMALL, ("负责全市示例工作", "负责全市示范工作"))  # same name, year, codes
    _variant(folder / "c.yaml", SMALL, ("测试市示例局", "测试市另一局"), ("预算年度: 2024", "预算年度: 2023"))
    _variant(folder / "d.yaml", SMALL, ("测试市示例局", "测试市第四局"), ('部门编码: "901"', '部门编码: "904"'))
    out = tmp_path / "out"
    report = build([folder], out, BuildOptions(jobs=1))
    rules = {(Path(r.input).name, f.rule) for r in report.records for f in r.findings if f.rule.startswith("BATCH-")}
    assert ("a.yaml", "BATCH-NAME") in rules and ("a_copy.yaml", "BATCH-NAME") in rules
    assert ("a.yaml", "BATCH-DEPT-CODE") in rules and ("c.yaml", "BATCH-DEPT-CODE") in rules
    assert ("d.yaml", "BATCH-UNIT-CODE") in rules
    assert ("c.yaml", "BATCH-YEAR") in rules and ("a.yaml", "BATCH-YEAR") not in rules
    assert report.exit_code == 1
    assert [p.name for p in out.iterdir() if p.suffix == ".docx"] == []
    result = runner.invoke(app, ["build", str(folder), "-o", str(tmp_path / "cli")])
    assert result.exit_code == 1
    assert "BATCH-NAME" in result.output and "4 个部门" in result.output


def test_a_failing_pdf_conversion_is_reported_and_the_others_go_on(tmp_path: Path):
    made: list[FakeConverter] = []

    class FakeConverter:
        def __init__(self):
            self.closed = False
            made.append(self)

        def convert(self, docx: Path, target: Path) -> None:
            if "档案馆" in docx.name:
                raise PdfError("LibreOffice 意外退出（测试）")
            target.write_bytes(b"%PDF-1.4 fake " + docx.read_bytes()[:16])

        def close(self) -> None:
            self.closed = True

    folder = _batch(tmp_path)
    out = tmp_path / "out"
    stale = out / "示例县档案馆_2024年部门预算公开.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF- old figures")
    report = build([folder], out, _options(jobs=2, pdf=True, converter_factory=FakeConverter))
    assert report.exit_code == 2
    failed = [r for r in report.records if r.failed]
    assert [Path(r.input).name for r in failed] == ["示例县档案馆_2024.yaml"]
    assert "PDF 转换失败" in failed[0].note and not stale.exists()
    others = [r for r in report.records if not r.failed]
    assert all(r.outputs[-1].endswith(".pdf") and (out / r.outputs[-1]).is_file() for r in others)
    assert made and all(c.closed for c in made) and len(made) <= 2
    again = build([folder], out, _options(jobs=1, pdf=True, converter_factory=FakeConverter))
    assert {Path(r.input).name for r in again.records if r.status != "未变化"} == {"示例县档案馆_2024.yaml"}


def test_shards_add_up_to_the_whole_batch(tmp_path: Path):
    folder = _batch(tmp_path, {"小.yaml": SMALL})
    whole = build([folder], tmp_path / "whole", _options(jobs=1))
    parts = [build([folder], tmp_path / "shared", _options(jobs=1, shard=Shard(k, 3))) for k in (1, 2, 3)]
    inputs = [r.input for p in parts for r in p.records]
    assert sorted(inputs) == sorted(r.input for r in whole.records) and len(set(inputs)) == len(inputs)
    assert all(p.records for p in parts)
    for name in (r.outputs[0] for r in whole.records):
        assert (tmp_path / "shared" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert (tmp_path / "shared" / "汇总-2-of-3.xlsx").is_file() and not (tmp_path / "shared" / "汇总.xlsx").exists()
    assert [r.input for r in build([folder], tmp_path / "again", _options(jobs=1, shard=Shard(2, 3))).records] \
        == [r.input for r in parts[1].records]


def test_a_department_moving_to_another_shard_keeps_its_outputs(tmp_path: Path):
    """An input added at the front shifts the round robin: 乙 moves from shard 2/2 to 1/2. Shard 1 writes its
    files; shard 2's manifest still names them for 乙, yet they are shard 1's now — shard 2 must not delete
    them (it did: 乙's document was gone after both shards ran). What no shard lists any more is removed."""
    folder, out = tmp_path / "in", tmp_path / "out"
    names = {"a.yaml": ("甲局", "911"), "b.yaml": ("乙局", "912"), "c.yaml": ("丙局", "913")}
    for name, (dept, code) in names.items():
        _variant(folder / name, SMALL, ("测试市示例局", dept), ('"901', f'"{code}'))
    for k in (1, 2):
        build([folder], out, BuildOptions(jobs=1, shard=Shard(k, 2)))
    moved = next(out.glob("乙局_*.docx"))
    assert "b.yaml" in {Path(i).name for i in _manifest_inputs(out, "2-of-2")}
    _variant(folder / "0.yaml", SMALL, ("测试市示例局", "零局"), ('"901', '"910'))
    _variant(folder / "c.yaml", SMALL, ("测试市示例局", "丙新局"), ('"901', '"913'))  # 丙 renamed: its old file goes
    parts = [build([folder], out, BuildOptions(jobs=1, shard=Shard(k, 2))) for k in (1, 2)]
    assert "b.yaml" in {Path(r.input).name for r in parts[0].records}  # it did move
    written = sorted(n for p in parts for r in p.records for n in r.outputs)
    assert sorted(p.name for p in out.glob("*.docx")) == written and moved.name in written
    assert [p.name for p in parts[1].removed] == [] and [p.name for p in parts[0].removed] == [
        "丙局_2024年部门预算公开.docx", "甲局_2024年部门预算公开.docx"]  # 甲 is rebuilt by shard 2 right after


def _manifest_inputs(out: Path, label: str) -> list[str]:
    import json

    return [r["input"] for r in json.loads((out / ".budgetdoc" / f"manifest-{label}.json").read_text())["departments"]]


@pytest.mark.parametrize("text", ["0/3", "4/3", "2", "a/b", "1/0"])
def test_a_bad_shard_is_refused(text: str, tmp_path: Path):
    with pytest.raises(ValueError):
        Shard.parse(text)
    result = runner.invoke(app, ["build", str(SMALL), "-o", str(tmp_path), "--shard", text])
    assert result.exit_code == 2 and "--shard" in result.output


def test_outputs_are_byte_identical_whatever_the_number_of_workers(tmp_path: Path):
    folder = _batch(tmp_path)
    one = build([folder], tmp_path / "one", _options(jobs=1, xlsx=True))
    two = build([folder], tmp_path / "two", _options(jobs=2, xlsx=True))
    names = sorted(p.name for p in (tmp_path / "one").iterdir() if p.is_file())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir() if p.is_file())
    assert len(names) == 2 * len(SAMPLES) + 2
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert [r.input for r in one.records] == [r.input for r in two.records]


def test_cli_exit_codes_and_one_line_summary(tmp_path: Path):
    ok = runner.invoke(app, ["build", str(SMALL), "-o", str(tmp_path / "a")])
    assert ok.exit_code == 0 and "1 个部门：已生成 1" in ok.output
    missing = runner.invoke(app, ["build", str(tmp_path / "none.yaml"), str(SMALL), "-o", str(tmp_path / "b")])
    assert missing.exit_code == 2 and "找不到" in missing.output
    garbage = tmp_path / "g" / "x.yaml"
    garbage.parent.mkdir()
    garbage.write_text("基本信息: [\n", encoding="utf-8")
    unreadable = runner.invoke(app, ["build", str(garbage.parent), "-o", str(tmp_path / "c")])
    assert unreadable.exit_code == 2 and "无法读取 1" in unreadable.output and "Traceback" not in unreadable.output
    empty = runner.invoke(app, ["build", str(tmp_path / "g" / "none"), "-o", str(tmp_path / "d")])
    assert empty.exit_code == 2
    forced = runner.invoke(app, ["build", str(tmp_path / "g"), str(_variant(tmp_path / "h" / "bad.yaml", SMALL,
                                 ("  收入总计: 150.00", "  收入总计: 160.00"))), "-o", str(tmp_path / "e"), "--force"])
    assert forced.exit_code == 2 and list((tmp_path / "e").glob("*.docx"))


def test_merging_shards_gives_the_whole_batchs_summary(tmp_path: Path):
    folder = _batch(tmp_path)
    _variant(folder / "z.yaml", SMALL, ('部门编码: "901"', '部门编码: "306"'))  # 档案馆's code, in another shard
    for k in (1, 2):
        build([folder], tmp_path / f"shard{k}", _options(jobs=1, shard=Shard(k, 2)))
    config = tmp_path / "配置.yaml"
    config.write_text("规则:\n  BATCH-YEAR: off\n", encoding="utf-8")  # as MIXED_YEARS
    result = runner.invoke(app, ["merge", str(tmp_path / "shard1"), str(tmp_path / "shard2"), "-o", str(tmp_path / "all"),
                                 "-c", str(config)])
    assert result.exit_code == 1 and "BATCH-DEPT-CODE" in result.output and "BATCH-YEAR" not in result.output
    page = _html(tmp_path / "all")
    assert len(page.tables["departments"]) == 1 + len(SAMPLES) + 1
    for href in page.links:
        from urllib.parse import unquote

        assert (tmp_path / "all" / unquote(href)).resolve().is_file()

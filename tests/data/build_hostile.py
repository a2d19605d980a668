"""Builds the hostile-input corpus: one file (or folder) per reproducer of shared/robustness/ and per
promise of the robustness issue, each with the command to run, its exit code and the text its
report must contain.

Why this exists: the reproducers in shared/robustness/ are fixed files a person runs by hand; this
script derives the same attacks from tests/data/good_small.yaml and the bundled template, so the
corpus never drifts from the input format. tests/test_hostile_corpus.py builds it into a temporary
folder and runs every case in a child process under resource limits (address space, CPU time).
Run `python tests/data/build_hostile.py DIR` to write the files into DIR and look at them.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
BASE = (HERE / "good_small.yaml").read_text(encoding="utf-8")
TEMPLATE = ROOT / "templates" / "部门预算公开.docx"
FUNCTION_SHEET = "xl/worksheets/sheet5.xml"
"""功能分类支出, the fifth sheet of the fill-in workbook (amount cell D5 = 人员经费 of the first row)."""


@dataclass
class Case:
    name: str
    args: list[str]
    """The budgetdoc arguments; ``{d}`` is the corpus folder, ``{o}`` a fresh output folder."""
    exit: int
    expect: list[str] = field(default_factory=list)
    """Texts the combined stdout+stderr must contain (rule ids, messages)."""
    what: str = ""
    memory_mb: int = 1500
    cpu_s: int = 120


def _replace(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _write(out: Path, name: str, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    (out / name).write_bytes(data)


# ---------------------------------------------------------------- text inputs

def _text_cases(out: Path) -> list[Case]:
    deep = "[" * 500 + "]" * 500
    _write(out, "R01_deep.json", '{"基本信息": ' + deep + "}\n")
    _write(out, "R02_deep.yaml", _replace("  部门编码: \"901\"\n", f"  部门编码: \"901\"\n  深: {deep}\n"))
    _write(out, "R02_deep_block.yaml", "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v: 1\n")
    _write(out, "R02_deep_config.yaml", f"规则: {deep}\n")
    _write(out, "R03_amount_1e26.yaml", _replace("一般公共预算拨款: 150.00", "一般公共预算拨款: 1.0e+26"))
    _write(out, "R03_amount_10e14_wan.yaml", _replace("一般公共预算拨款: 150.00", "一般公共预算拨款: 100000000000"))
    _write(out, "R03_fullwidth_digits.yaml", _replace("一般公共预算拨款: 150.00", '一般公共预算拨款: "１５０.００"'))
    _write(out, "R03_arabic_digits.yaml", _replace("一般公共预算拨款: 150.00", '一般公共预算拨款: "١٥٠"'))
    duties = "".join(f"    - 第{i}项职责，负责示例工作。\n" for i in range(1, 121))
    _write(out, "R05_120_duties.yaml", _replace("    - 负责全市示例工作的统筹协调。\n    - 完成市委、市政府交办的其他任务。\n", duties))
    _write(out, "R06_name_247.yaml", _replace("部门名称: 测试市示例局", "部门名称: " + "测试市示例局" * 41 + "局"))
    _write(out, "R06_name_300k.yaml", _replace("部门名称: 测试市示例局", "部门名称: " + "测试市示例局" * 50_000))
    _write(out, "R06_name_hostile.yaml", _replace("部门名称: 测试市示例局", '部门名称: "../../CON\\u202e\\u200b局/..\\\\x"'))
    _write(out, "R11_gps.yaml", _replace("政府购买服务:\n  合计: 0", "政府购买服务:\n  合计: 0\n  明细: [{名称: 物业, 金额: 500.00}]"))
    _write(out, "R12_rounding.yaml", _replace("  金额: 12.00", "  金额: 12.01"))
    _write(out, "R19_name_control.yaml", _replace("部门名称: 测试市示例局", '部门名称: "测试市\\v示例局"'))
    _write(out, "R22_negative_count.yaml", _replace("  实有人数: 9", "  实有人数: -11"))
    _write(out, "R22_empty_duties.yaml", _replace("  主要职责:\n    - 负责全市示例工作的统筹协调。\n    - 完成市委、市政府交办的其他任务。\n",
                                                  "  主要职责: []\n"))
    _write(out, "R24_formula.yaml", _replace("    - 负责全市示例工作的统筹协调。", "    - \"+负责全市示例工作的统筹协调。\"")
           .replace("    - 完成市委、市政府交办的其他任务。", "    - \"=HYPERLINK(\\\"http://x\\\",\\\"点\\\")\"")
           .replace("    项目名称: 示例业务专项", "    项目名称: \"@示例业务专项\""))
    _write(out, "R26_raw_vt.yaml", _replace("负责全市示例工作的统筹协调。", "负责全市示例工作的\x0b统筹协调。"))
    _write(out, "good.yaml", BASE)
    many = "".join(f"    - {{名称: 物业{i}, 金额: -1.00}}\n" for i in range(300))
    _write(out, "many_findings.yaml", _replace("政府购买服务:\n  合计: 0", "政府购买服务:\n  合计: 0\n  明细:\n" + many.rstrip("\n")))
    return [
        Case("R01 deep JSON", ["validate", "{d}/R01_deep.json"], 2, ["JSON-NESTING", ":1:"]),
        Case("R02 deep YAML flow", ["validate", "{d}/R02_deep.yaml"], 2, ["YAML-NESTING", ":5:"]),
        Case("R02 deep YAML block", ["validate", "{d}/R02_deep_block.yaml"], 2, ["YAML-NESTING", ":65:"]),
        Case("R02 deep --config", ["validate", "{d}/good.yaml", "--config", "{d}/R02_deep_config.yaml"], 2,
             ["YAML-NESTING"]),
        Case("R02 deep excel-template --from", ["excel-template", "{o}/x.xlsx", "--from", "{d}/R02_deep.yaml"], 2,
             ["YAML-NESTING"]),
        Case("R03 amount 1e26 validate", ["validate", "{d}/R03_amount_1e26.yaml"], 1, ["MODEL-TYPE", "10^15"]),
        Case("R03 amount 1e26 generate", ["generate", "{d}/R03_amount_1e26.yaml", "-o", "{o}", "--force"], 1,
             ["10^15", "未写出任何文件"]),
        Case("R03 10^11 万元 is 10^15 元", ["validate", "{d}/R03_amount_10e14_wan.yaml"], 1, ["10^15"]),
        Case("R03 full-width digits", ["validate", "{d}/R03_fullwidth_digits.yaml"], 1, ["１", "U+FF11"]),
        Case("R03 Arabic-Indic digits", ["validate", "{d}/R03_arabic_digits.yaml"], 1, ["U+0661"]),
        Case("R05 120 duties", ["generate", "{d}/R05_120_duties.yaml", "-o", "{o}"], 0, ["已生成"]),
        Case("R06 247-character name", ["generate", "{d}/R06_name_247.yaml", "-o", "{o}"], 0, ["已生成"]),
        Case("R06 300k-character name", ["generate", "{d}/R06_name_300k.yaml", "-o", "{o}"], 0, ["已生成"], cpu_s=90),
        Case("R06 name with separators and bidi", ["generate", "{d}/R06_name_hostile.yaml", "-o", "{o}", "--force"], 0,
             ["已生成"]),
        Case("R11 政府购买服务 明细", ["validate", "{d}/R11_gps.yaml"], 1, ["GPS-TOTAL"]),
        Case("R12 尾差 shows the declared total", ["validate", "{d}/R12_rounding.yaml"], 0,
             ["ROUNDING", "文档列示所填的 12.01"]),
        Case("R19 control character under --force", ["generate", "{d}/R19_name_control.yaml", "-o", "{o}", "--force"],
             0, ["HYG-CONTROL", "已生成"]),
        Case("R22 negative 实有人数", ["validate", "{d}/R22_negative_count.yaml"], 1, ["HYG-COUNT", "实有人数"]),
        Case("R22 empty 主要职责", ["validate", "{d}/R22_empty_duties.yaml"], 1, ["INFO-DUTIES"]),
        Case("R24 formula-like text", ["excel-template", "{o}/R24.xlsx", "--from", "{d}/R24_formula.yaml"], 0,
             ["已写出工作簿"]),
        Case("R26 raw vertical tab", ["validate", "{d}/R26_raw_vt.yaml"], 2, ["YAML-CONTROL-CHAR", ":11:", "U+000B"]),
        Case("findings capped per rule", ["validate", "{d}/many_findings.yaml"], 1, ["另有 250 处"]),
    ]


# ---------------------------------------------------------------- workbooks

def _fill_in_workbook() -> bytes:
    import tempfile

    sys.path.insert(0, str(ROOT))
    from generator.writing.fill_in import write_template

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "wb.xlsx"
        write_template(target, HERE / "good_small.yaml")
        return target.read_bytes()


def _add_merge(xml: str, ref: str) -> str:
    if "</mergeCells>" in xml:
        return xml.replace("</mergeCells>", f'<mergeCell ref="{ref}"/></mergeCells>', 1)
    return xml.replace("</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>', 1)


def _patch(workbook: bytes, member: str, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, data)
    return out.getvalue()


def _set_d5(xml: str, cell: str) -> str:
    new, count = re.subn(r'<c r="D5"[^>]*?(/>|>.*?</c>)', cell, xml, count=1)
    assert count == 1, "功能分类支出!D5 not found"
    return new


def _million_rows(xml: str) -> str:
    rows = "".join(f'<row r="{r}"><c r="D{r}" t="inlineStr"><is><t>一百</t></is></c></row>'
                   for r in range(1000, 1_001_000))
    xml = re.sub(r"<dimension ref=\"[^\"]*\"/>", '<dimension ref="A1:Z1001000"/>', xml)
    return xml.replace("</sheetData>", rows + "</sheetData>")


def _workbook_cases(out: Path) -> list[Case]:
    wb = _fill_in_workbook()
    _write(out, "good.xlsx", wb)
    _write(out, "R04_amount_1e30.xlsx", _patch(wb, FUNCTION_SHEET, lambda x: _set_d5(x, '<c r="D5"><v>1e30</v></c>')))
    _write(out, "R23_grouping.xlsx", _patch(wb, FUNCTION_SHEET, lambda x: _set_d5(
        x, '<c r="D5" t="inlineStr"><is><t>1,68.42</t></is></c>')))
    _write(out, "R23_fullwidth.xlsx", _patch(wb, FUNCTION_SHEET, lambda x: _set_d5(
        x, '<c r="D5" t="inlineStr"><is><t>８０</t></is></c>')))
    _write(out, "R08_merge_bomb.xlsx", _patch(wb, FUNCTION_SHEET, lambda x: _add_merge(x, "C1:Z1048576")))
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远</t></is></c></row>'
    _write(out, "R09_far_cell.xlsx", _patch(wb, FUNCTION_SHEET, lambda x: x.replace("</sheetData>", far + "</sheetData>")))
    _write(out, "million_rows.xlsx", _patch(wb, FUNCTION_SHEET, _million_rows))
    return [
        Case("R04 amount 1e30 in a workbook", ["validate", "{d}/R04_amount_1e30.xlsx"], 1, ["功能分类支出!D5", "10^15"]),
        Case("R04 import refuses it", ["import", "{d}/R04_amount_1e30.xlsx", "-o", "{o}/x.yaml"], 1, ["10^15"]),
        Case("R23 1,68.42 in a workbook", ["validate", "{d}/R23_grouping.xlsx"], 1, ["XLSX-NUMBER", "千分位"]),
        Case("R23 full-width digits in a workbook", ["validate", "{d}/R23_fullwidth.xlsx"], 1, ["U+FF18"]),
        Case("R08 merge C1:Z1048576", ["validate", "{d}/R08_merge_bomb.xlsx"], 1, ["XLSX-MERGED"], memory_mb=700,
             cpu_s=60),
        Case("R09 cell at XFD1048576", ["validate", "{d}/R09_far_cell.xlsx"], 0, ["通过"], memory_mb=700, cpu_s=60),
        Case("1,000,000 rows", ["validate", "{d}/million_rows.xlsx"], 1, ["XLSX-ROWS", "只读取了前 5000 行"], memory_mb=900,
             cpu_s=90),
    ]


# ---------------------------------------------------------------- templates and files

def hostile_template(payload: str) -> bytes:
    """The bundled template with ``payload`` added as the first paragraph of the body."""
    para = f"<w:p><w:r><w:t xml:space=\"preserve\">{payload}</w:t></w:r></w:p>"
    return _patch(TEMPLATE.read_bytes(), "word/document.xml",
                  lambda xml: re.sub(r"(<w:body[^>]*>)", lambda m: m.group(1) + para, xml, count=1))


def _template_cases(out: Path) -> list[Case]:
    payloads = {
        "popen": "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
        "read": "{{ lipsum.__globals__['__builtins__']['open']('/etc/hostname').read() }}",
        "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__()|length }}",
        "environ": "{{ namespace.__init__.__globals__.os.environ.get('HOME') }}",
    }
    cases = []
    for key, payload in payloads.items():
        folder = out / f"R10_{key}"
        folder.mkdir()
        from xml.sax.saxutils import escape

        (folder / TEMPLATE.name).write_bytes(hostile_template(escape(payload)))
        cases.append(Case(f"R10 hostile template ({key})", ["generate", "{d}/good.yaml", "-o", "{o}", "--template-dir",
                                                            str(folder)], 2, ["不允许使用", "部门预算公开.docx", "__"]))
    return cases


def _file_cases(out: Path) -> list[Case]:
    return [
        Case("R18 /dev/zero", ["validate", "/dev/zero"], 2, ["FILE-NOT-REGULAR"], memory_mb=600, cpu_s=30),
        Case("R18 /dev/zero as a workbook", ["validate", "/dev/zero", "{d}/good.yaml"], 2, ["FILE-NOT-REGULAR", "通过"]),
        Case("R18 a directory", ["validate", "{d}"], 2, ["目录"]),
        Case("R17 excel-template onto a directory", ["excel-template", "{d}", "--force"], 2, ["这是一个目录"]),
        Case("R17 import onto a directory", ["import", "{d}/good.xlsx", "-o", "{d}", "--force"], 2, ["这是一个目录"]),
        Case("R16 init into a missing folder", ["init", "{o}/missing/x.yaml"], 2, ["不存在"]),
    ]


def build(out: Path) -> list[Case]:
    """Write every corpus file into ``out`` (which must exist) and return the cases."""
    return _text_cases(out) + _workbook_cases(out) + _template_cases(out) + _file_cases(out)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    out.mkdir(parents=True, exist_ok=True)
    cases = build(out)
    (out / "cases.json").write_text(json.dumps([asdict(c) for c in cases], ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    print(f"{len(cases)} cases in {out}")


if __name__ == "__main__":
    main()

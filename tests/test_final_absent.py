"""Absent is not zero, for the 决算: a figure the input leaves out leaves its clause out, never prints 0.

Why this exists: as tests/test_absent.py does for the budget, each case renders two variants of a 决算
sample — the figure removed, and the figure at 0 — and reads both documents back. The documents differ
exactly in that clause: the zero one states it with 0, the absent one is the same text without it. Both
wordings are covered: 湖北 (tests/data/final_small.yaml) and the official template's (上海 sample). The
absent variant also passes tests/independent_final.py (every sentence it expects, none it forbids).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from generator.pipeline import generate, validate

sys.path.insert(0, str(Path(__file__).parent))
from absent_helpers import differing_texts  # noqa: E402
from independent import DocView  # noqa: E402
from independent_final import Final, pct, wan  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HUBEI = ROOT / "tests" / "data" / "final_small.yaml"
SHANGHAI = ROOT / "inputs" / "决算" / "上海市示例区市容管理局_2024_决算.yaml"

# case → (sample, [(old, absent text, zero text)], the clause the zero document states (regex), phrases never
#         in the absent document); a whole sentence left out may be replaced by the template's plain
#         “未填报…” (SAID_INSTEAD), as the region's practice is — never by a figure.
CASES: dict[str, tuple[Path, list[tuple[str, str, str]], str, tuple[str, ...]]] = {
    "小微-湖北": (HUBEI, [("  授予小微企业: 5.00\n", "", "  授予小微企业: 0\n"),
                        ("  授予小微企业按类别: {货物: 3.00, 服务: 2.00}\n", "", "")],
                r"，其中：授予小微企业合同金额0万元，占授予中小企业合同金额的0\.00%",
                ("授予小微企业合同金额", "小微企业供应商")),
    "小微-上海": (SHANGHAI, [("  授予小微企业: 200.00\n", "", "  授予小微企业: 0\n"),
                         ("  授予小微企业按类别: {货物: 60.00, 工程: 40.00, 服务: 100.00}\n", "", "")],
                r"，其中由小微企业供应商中标或成交的采购金额0万元",
                ("授予小微企业合同金额", "小微企业供应商")),
    "机关运行经费-湖北": (HUBEI, [("机关运行经费: {决算数: 10.00, 比较基数: 上年决算}",
                              "机关运行经费: {比较基数: 上年决算}", "机关运行经费: {决算数: 0, 比较基数: 上年决算}")],
                     r"本部门2023年度机关运行经费支出0万元，比2022年度减少10\.50万元，下降100\.00%。",
                     ("年度机关运行经费支出",)),
    "机关运行经费-上海": (SHANGHAI, [("机关运行经费: {决算数: 135.00, 比较基数: 上年决算, ",
                              "机关运行经费: {比较基数: 上年决算, ", "机关运行经费: {决算数: 0, 比较基数: 上年决算, ")],
                     r"上海市示例区市容管理局2024年度无机关运行经费支出。",
                     ("无机关运行经费支出", "年度机关运行经费支出")),
    # 授予中小企业 (the 小微 figures, a part of it, are left out of both variants: see the tests below)
    "中小企业-湖北": (HUBEI, [("  授予中小企业: {货物: 6.00, 服务: 4.00}\n", "", "  授予中小企业: {货物: 0, 服务: 0}\n"),
                          ("  授予小微企业: 5.00\n", "", ""), ("  授予小微企业按类别: {货物: 3.00, 服务: 2.00}\n", "", "")],
                  r"授予中小企业合同金额0万元，占政府采购支出总额的0\.00%；货物采购授予中小企业合同金额占货物支出金额的0\.00%，"
                  r"服务采购授予中小企业合同金额占服务支出金额的0\.00%。",
                  ("中小企业合同金额", "授予小微企业合同金额")),
    "中小企业-上海": (SHANGHAI, [("  授予中小企业: {货物: 90.00, 工程: 80.00, 服务: 210.00}\n", "",
                              "  授予中小企业: {货物: 0, 工程: 0, 服务: 0}\n"),
                             ("  授予小微企业: 200.00\n", "", ""),
                             ("  授予小微企业按类别: {货物: 60.00, 工程: 40.00, 服务: 100.00}\n", "", "")],
                  r"由中小企业供应商中标或成交的采购金额0万元，占政府采购金额的0\.00%。",
                  ("中小企业供应商", "小微企业供应商")),
}

SAID_INSTEAD = {"机关运行经费-湖北": "本部门2023年度未填报机关运行经费支出情况。",
                "机关运行经费-上海": "上海市示例区市容管理局2024年度未填报机关运行经费支出情况。"}


def _variant(case: str, which: int, folder: Path) -> Path:
    sample, edits, _, _ = CASES[case]
    text = sample.read_text(encoding="utf-8")
    for old, *new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new[which])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / sample.name
    path.write_text(text, encoding="utf-8")
    return path


def _texts(doc: DocView) -> list[str]:
    out = []
    for block in doc.blocks:
        out += [block.text] if block.kind == "p" else [cell for row in block.rows for cell in row]
    return out





@pytest.mark.parametrize("case", list(CASES))
def test_final_figure_absent_versus_zero(case: str, tmp_path: Path):
    _, _, clause, never = CASES[case]
    absent_path, zero_path = _variant(case, 0, tmp_path / "absent"), _variant(case, 1, tmp_path / "zero")
    absent = _texts(DocView(generate(absent_path, tmp_path / "absent" / "out").written[0]))
    zero = _texts(DocView(generate(zero_path, tmp_path / "zero" / "out").written[0]))
    only_absent, only_zero = differing_texts(absent, zero)
    assert len(only_zero) == 1, (only_absent, only_zero)
    assert re.search(clause, only_zero[0]), only_zero[0]
    # the absent document is the zero one without the clause (a whole sentence: its paragraph loses it)
    if re.fullmatch(clause, only_zero[0]):
        assert only_absent == ([SAID_INSTEAD[case]] if case in SAID_INSTEAD else []), (only_absent, only_zero)
    else:
        assert only_absent == [re.sub(clause, "", only_zero[0])], (only_absent, only_zero)
    text = "\n".join(absent)
    for phrase in never:
        assert phrase not in text, f"{case}: the not-given document states “{phrase}”"
    exp = Final(absent_path).expected()
    flat = re.sub(r"\s+", "", text)
    assert not [s for s in exp.sentences if re.sub(r"\s+", "", s) not in flat]
    assert not [s for s in exp.absent if s in text]


def test_operating_cost_without_its_figure_is_a_warning_not_a_comparison(tmp_path: Path):
    """机关运行经费 entered without 决算数: FIN-OPCOST says so; nothing is compared with last year."""
    path = _variant("机关运行经费-湖北", 0, tmp_path)
    found = validate(path).findings
    assert [f.message for f in found if f.rule == "FIN-OPCOST"] == ["填写了机关运行经费，但未填决算数；情况说明将不写机关运行经费"]
    assert not [f for f in found if f.rule in ("FIN-PRIOR-REASON", "FIN-PRIOR-MISSING") and "机关运行经费" in f.message]


SME_LINE = {HUBEI: "  授予中小企业: {货物: 6.00, 服务: 4.00}\n",
            SHANGHAI: "  授予中小企业: {货物: 90.00, 工程: 80.00, 服务: 210.00}\n"}


def _edited(sample: Path, new_sme: str, folder: Path) -> Path:
    text = sample.read_text(encoding="utf-8")
    assert text.count(SME_LINE[sample]) == 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / sample.name
    path.write_text(text.replace(SME_LINE[sample], new_sme), encoding="utf-8")
    return path


def _procurement_paragraphs(path: Path, out: Path) -> str:
    doc = DocView(generate(path, out).written[0])
    return "\n".join(b.text for b in doc.blocks if b.kind == "p" and "采购" in b.text)


@pytest.mark.parametrize("sample", [HUBEI, SHANGHAI], ids=["湖北", "上海"])
def test_sme_not_entered_leaves_out_the_micro_figures_too_and_warns(sample: Path, tmp_path: Path):
    """授予中小企业 left out while 授予小微企业 stays: neither is stated (小微 is a part of 中小企业, and no
    share of an absent total is made up); no rule compares 小微 with a 0 中小企业; FIN-PROC-SME-MISSING says so."""
    path = _edited(sample, "", tmp_path)
    found = validate(path).findings
    assert [f.message for f in found if f.rule.startswith("FIN-PROC")] == [
        "填写了政府采购，但未填授予中小企业合同金额；情况说明将不写授予中小企业及授予小微企业合同金额（不会写成 0）；如确为 0 请各类填 0"]
    text = _procurement_paragraphs(path, tmp_path / "out")
    for phrase in ("中小企业合同金额", "中小企业供应商", "小微企业合同金额", "小微企业供应商"):
        assert phrase not in text, phrase
    total = sum(Final(path).d["政府采购"]["合同金额"].values())  # the total is still stated, from the input
    assert f"{wan(total)}万元" in text
    exp = Final(path).expected()
    flat = re.sub(r"\s+", "", "\n".join(_texts(DocView(generate(path, tmp_path / "again").written[0]))))
    assert not [s for s in exp.sentences if re.sub(r"\s+", "", s) not in flat]
    assert not [s for s in exp.absent if s in flat]


def test_sme_entered_for_some_kinds_states_only_those(tmp_path: Path):
    """授予中小企业 for 货物 only (服务 has 合同金额 and 小微企业 but no 中小企业 figure): the total is 货物's, the
    per-kind share is 货物's, 服务's 小微 amount is stated without a share of an absent figure."""
    path = _edited(HUBEI, "  授予中小企业: {货物: 6.00}\n", tmp_path)
    assert not [f for f in validate(path).findings if f.rule.startswith("FIN-PROC")]
    text = _procurement_paragraphs(path, tmp_path / "out")
    proc = Final(path).d["政府采购"]
    goods, whole = proc["授予中小企业"]["货物"], sum(proc["合同金额"].values())
    assert f"授予中小企业合同金额{wan(goods)}万元，占政府采购支出总额的{pct(goods, whole)}" in text
    assert f"货物采购授予中小企业合同金额占货物支出金额的{pct(goods, proc['合同金额']['货物'])}。" in text
    assert "服务采购授予中小企业合同金额" not in text and "服务支出金额的0" not in text
    micro = proc["授予小微企业按类别"]
    assert f"服务采购{wan(micro['服务'])}万元。" in text
    assert f"货物采购{wan(micro['货物'])}万元，占货物采购授予中小企业合同金额的{pct(micro['货物'], goods)}" in text
    exp = Final(path).expected()
    flat = re.sub(r"\s+", "", text)
    assert not [s for s in exp.sentences if "采购" in s and re.sub(r"\s+", "", s) not in flat]
    assert not [s for s in exp.absent if s in flat]


def test_sme_not_entered_is_no_bound_for_the_rules(tmp_path: Path):
    """An absent 授予中小企业 is not a 0 the 小微 amounts exceed, yet an entered one still bounds them."""
    absent = validate(_edited(HUBEI, "", tmp_path / "a")).findings
    assert not [f for f in absent if f.rule in ("FIN-PROC", "FIN-PROC-MICRO")]
    small = validate(_edited(HUBEI, "  授予中小企业: {货物: 2.00, 服务: 2.00}\n", tmp_path / "b")).findings
    assert sorted(f.message for f in small if f.rule in ("FIN-PROC", "FIN-PROC-MICRO")) == [
        "授予小微企业合同金额大于授予中小企业合同金额", "货物类授予小微企业合同金额大于货物类授予中小企业合同金额"]


def test_sme_warning_only_where_the_layout_prints_procurement(tmp_path: Path):
    """FIN-PROC-SME-MISSING follows the chosen 决算 layout: a profile whose 决算 template has no 政府采购 part
    (here 湖北's with that part cut out) leaves nothing out, so it does not warn; the shipped 湖北 does."""
    source = (ROOT / "generator" / "profiles" / "湖北" / "决算模板.txt").read_text(encoding="utf-8")
    start, end = source.index("## 十一、政府采购支出说明"), source.index("## 十二、")
    folder = tmp_path / "无采购"
    folder.mkdir()
    (folder / "决算模板.txt").write_text(source[:start] + source[end:].replace("## 十二、", "## 十一、", 1), encoding="utf-8")
    (folder / "版式.yaml").write_text("继承: 湖北\n名称: 无采购\n决算:\n  模板源: 决算模板.txt\n", encoding="utf-8")
    path = _edited(HUBEI, "", tmp_path / "in")
    rule = "FIN-PROC-SME-MISSING"
    assert [f.rule for f in validate(path, profile="湖北").findings if f.rule == rule] == [rule]
    assert not [f for f in validate(path, profile=folder / "版式.yaml").findings if f.rule == rule]
    doc = DocView(generate(path, tmp_path / "out", profile=folder / "版式.yaml").written[0])
    assert not [b.text for b in doc.blocks if b.kind == "p" and "政府采购" in b.text]

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
from independent_final import Final  # noqa: E402

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

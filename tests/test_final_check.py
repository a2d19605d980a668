"""决算 validation: the samples are clean, and the inconsistencies of the published Zengdu 决算 are caught.

The Zengdu reference (shared/reference/zengdu-keji-2023-final-accounts.txt) contradicts itself; the
sample in inputs/决算/ is a consistent variant. Putting each published figure back must make the
matching rule fire, at the line of the figure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import validate

ROOT = Path(__file__).resolve().parents[1]
FINAL_SAMPLES = sorted((ROOT / "inputs" / "决算").glob("*.yaml"))
ZENGDU = ROOT / "inputs" / "决算" / "曾都区科经局_2023_决算.yaml"
runner = CliRunner()


def test_there_are_final_samples():
    assert len(FINAL_SAMPLES) >= 1
    assert ZENGDU in FINAL_SAMPLES


@pytest.mark.parametrize("path", FINAL_SAMPLES, ids=[p.stem for p in FINAL_SAMPLES])
def test_final_samples_validate_clean_under_strict(path: Path):
    result = runner.invoke(app, ["validate", str(path), "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 个错误，0 个警告" in result.output


# name → (text in the sample, the published text, rule that must fire, anchor of the line it must name)
PUBLISHED = {
    "项大于类": (
        '    - {科目编码: "206", 科目名称: 科学技术支出, 合计: 614.34}',
        '    - {科目编码: "206", 科目名称: 科学技术支出, 合计: 300.00}',
        "FIN-ITEM-EXCEEDS", "合计: 300.00"),
    "差0.01": ("资金来源: 其他资金, 公用经费: 8.20}", "资金来源: 其他资金, 公用经费: 8.21}", "ROUNDING", "  本年支出合计: 735.59"),
    "人员经费少1.06": ('  - {科目编码: "30305", 科目名称: 生活补助, 人员经费: 1.06}\n', "", "FIN-ECON", "经济分类合计:"),
    "上年为0却增长100%": ("    合计: 2023年度增加了因公出国（境）费和国内公务接待",
                       "    合计: 较上年增加8.59万元，增长100%", "FIN-WORDING", "    合计: 较上年增加8.59万元"),
    "相等却写小于": ("  增减原因:\n    合计:", "  预决算差异原因:\n    合计: 决算数小于全年预算数，预算与决算持平\n  增减原因:\n    合计:",
                "FIN-WORDING", "    合计: 决算数小于"),
    "自评未覆盖项目支出": ("    - 项目名称: 2023年中国国家应急管理展览会布展经费\n", "    - 项目名称: 展览会（未列执行）\n      全年预算数: 0\n      执行数: 0\n      主要产出和效益: 无\n    - 项目名称: 2023年中国国家应急管理展览会布展经费（不计）\n",
                  "FIN-PERF", "  项目:\n    - 项目名称: 科技三项经费"),
}


@pytest.mark.parametrize("case", list(PUBLISHED))
def test_published_inconsistencies_are_caught(case: str, tmp_path: Path):
    old, new, rule_id, anchor = PUBLISHED[case]
    text = ZENGDU.read_text(encoding="utf-8")
    assert text.count(old) == 1, case
    if case == "自评未覆盖项目支出":  # the published 自评 lists five projects: drop the sixth entirely
        start = text.index(old)
        end = text.index("  整体:\n", start)
        bad = text[:start] + text[end:]
    else:
        bad = text.replace(old, new)
    path = tmp_path / "published.yaml"
    path.write_text(bad, encoding="utf-8")
    result = validate(path)
    line = bad[: bad.index(anchor)].count("\n") + 1 + anchor[: len(anchor) - len(anchor.lstrip("\n"))].count("\n")
    got = {(f.rule, f.position.line) for f in result.findings}
    assert (rule_id, line) in got, f"{rule_id} at {line}: got {sorted(got, key=str)}"


def test_init_kind_final_writes_a_valid_commented_example(tmp_path: Path):
    target = tmp_path / "决算.yaml"
    result = runner.invoke(app, ["init", str(target), "--kind", "决算"])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "文种: 决算" in text and text.startswith("# yaml-language-server")
    checked = runner.invoke(app, ["validate", str(target), "--strict"])
    assert checked.exit_code == 0, checked.output
    again = runner.invoke(app, ["init", str(target), "--kind", "决算"])
    assert again.exit_code == 2  # never overwrites without --force


def test_budget_rules_do_not_run_on_final_accounts():
    """Each rule runs on its own 文种: a 决算 gets no budget-only finding, and the budget no FIN- finding."""
    from generator.rules.check import RULES

    findings = validate(ROOT / "tests" / "data" / "bad" / "final_total_and_fund.yaml").findings
    kinds = {RULES[f.rule].kinds for f in findings if f.rule in RULES}
    assert kinds and all("决算" in k for k in kinds)
    budget = validate(ROOT / "tests" / "data" / "bad" / "bal_total_and_fund.yaml").findings
    assert budget and not any(f.rule.startswith("FIN-") for f in budget)


def test_schema_kind_final_describes_the_final_accounts():
    import json

    result = runner.invoke(app, ["schema", "--kind", "决算"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["title"] == "部门决算公开数据"
    assert "使用非财政拨款结余" in json.dumps(data, ensure_ascii=False)
    assert "授予小微企业按类别" in json.dumps(data, ensure_ascii=False)

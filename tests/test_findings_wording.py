"""Findings say what a person needs: 上年/本年 for PRIOR-REASON, the unclosed bracket's own line,
the 款 behind ECON-BASIC, one warning for a whole missing 上年数, and OPCOST-DETAIL (机关运行经费
明细 against the 经济分类 公用经费 of the same 款)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import validate

DATA = Path(__file__).parent / "data"
GOOD = (DATA / "good_small.yaml").read_text(encoding="utf-8")
SMALL = Path(__file__).resolve().parents[1] / "inputs" / "示例县档案馆_2024.yaml"
runner = CliRunner()


def write(tmp_path: Path, text: str, name: str = "in.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rendered(path: Path, rule: str) -> list[str]:
    return [f.render() for f in validate(path).findings if f.rule == rule]


def test_prior_reason_names_last_and_this_year(tmp_path: Path):
    path = DATA / "bad" / "prior_reason.yaml"
    (line,) = rendered(path, "PRIOR-REASON")
    assert "（上年 12.00，本年 10.00，变动 -2.00）" in line
    assert "期望" not in line and "实际" not in line


def test_an_unclosed_brace_is_reported_where_it_was_opened(tmp_path: Path):
    text = GOOD.replace("公用经费: 12.00, 合计: 92.00}", "公用经费: 12.00, 合计: 92.00", 1)
    opened = next(i for i, line in enumerate(text.splitlines(), 1) if "合计: 92.00" in line)
    result = runner.invoke(app, ["validate", str(write(tmp_path, text))])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"in.yaml:{opened}:7: 错误 [YAML-SYNTAX]" in result.output
    assert "“{”没有闭合" in result.output and f"到第 {opened + 1} 行" in result.output


def test_an_unclosed_bracket_and_quote_too(tmp_path: Path):
    out = runner.invoke(app, ["validate", str(write(tmp_path, "内设机构: [办公室, 业务科\n收入: 1\n"))]).output
    assert "in.yaml:1:7:" in out and "“[”没有闭合" in out
    out = runner.invoke(app, ["validate", str(write(tmp_path, 'a: 1\n部门名称: "测试\n收入: 1\n', "q.yaml"))]).output
    assert "q.yaml:2:7:" in out and "引号没有闭合" in out


def test_econ_basic_names_the_kuan():
    (line,) = rendered(DATA / "bad" / "econ_basic.yaml", "ECON-BASIC")
    assert "30101 基本工资 61.00" in line and "30199 其他工资福利支出 20.00" in line
    assert "← 经济分类基本支出[0].人员经费" in line


def _without_prior(text: str) -> str:
    start = text.index("上年数:")
    end = text.index("\n名词解释:", start) if "\n名词解释:" in text[start:] else len(text)
    return text[:start] + text[end + 1:]


def test_a_missing_prior_section_is_one_warning(tmp_path: Path):
    lines = rendered(write(tmp_path, _without_prior(GOOD)), "PRIOR-MISSING")
    assert len(lines) == 1 and "整节“上年数”没有填写" in lines[0] and "13 处" in lines[0]
    empty = write(tmp_path, _without_prior(GOOD) + "上年数: {}\n", "empty.yaml")
    (line,) = rendered(empty, "PRIOR-MISSING")
    at = len(_without_prior(GOOD).splitlines()) + 1
    assert f"empty.yaml:{at}:1:" in line and "是空的" in line


def test_a_partly_missing_prior_still_names_each_item(tmp_path: Path):
    text = GOOD.replace("  公务接待费: 1.00\n  机关运行经费: 12.00", "  机关运行经费: 12.00")
    lines = rendered(write(tmp_path, text), "PRIOR-MISSING")
    assert len(lines) == 1 and "缺少“公务接待费”的上年数" in lines[0]


def test_opcost_detail_fires_when_an_item_exceeds_its_kuan():
    (line,) = rendered(DATA / "bad" / "opcost_detail.yaml", "OPCOST-DETAIL")
    assert "“办公费”5.50 超过经济分类 30201 办公费 的公用经费 5.00" in line


def test_opcost_detail_is_silent_within_a_cent_and_for_unmatched_names(tmp_path: Path):
    assert rendered(DATA / "good_small.yaml", "OPCOST-DETAIL") == []
    r12 = SMALL.read_text(encoding="utf-8").replace("{名称: 办公费, 金额: 2.20}", "{名称: 办公费, 金额: 2.21}")
    assert rendered(write(tmp_path, r12, "r12.yaml"), "OPCOST-DETAIL") == []  # R12: 2.21 against 2.20, both rounded
    text = GOOD.replace("{名称: 办公费, 金额: 5.00}", "{名称: 其他零星支出, 金额: 5.00}")
    assert rendered(write(tmp_path, text), "OPCOST-DETAIL") == []

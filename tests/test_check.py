"""The validation engine against the bad-input corpus: each rule fires at the right line, and is silent on good input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.config import Settings
from generator.pipeline import validate
from generator.rules.check import RULES

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
INPUTS = Path(__file__).parents[1] / "inputs"
runner = CliRunner()


def _expectations(path: Path) -> tuple[list[tuple[str, int | None]], int]:
    other = json.loads((DATA / "expected_other.json").read_text(encoding="utf-8"))
    if path.name in other:
        entry = other[path.name]
        return [(rule, line) for rule, line in entry["expect"]], entry["exit"]
    head = path.read_text(encoding="utf-8").splitlines()[:8]
    expect = []
    for line in head:
        m = re.match(r"# 期望: (\S+)(?: 第(\d+)行)?$", line)
        if m:
            expect.append((m.group(1), int(m.group(2)) if m.group(2) else None))
    code = next(int(m.group(1)) for line in head if (m := re.match(r"# 退出码: (\d)", line)))
    return expect, code


BAD_FILES = sorted(p for p in BAD.iterdir() if p.suffix in (".yaml", ".json"))


def test_corpus_is_complete():
    """Every registered rule has at least one bad input making it fire."""
    fired = {rule for p in BAD_FILES for rule, _ in _expectations(p)[0]}
    missing = set(RULES) - fired
    assert not missing, f"rules without a bad input: {missing}"
    assert len(BAD_FILES) >= 40


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_bad_input_gives_its_findings(path: Path):
    expect, exit_code = _expectations(path)
    result = validate(path)
    got = {(f.rule, f.position.line) for f in result.findings}
    for rule, line in expect:
        if line is None:
            assert any(r == rule for r, _ in got), f"{rule} not reported; got {sorted(got, key=str)}"
        else:
            assert (rule, line) in got, f"{rule} not at line {line}; got {sorted(got, key=str)}"
    cli = runner.invoke(app, ["validate", str(path)])
    assert cli.exit_code == exit_code, cli.output
    assert "Traceback" not in cli.output
    for rule, line in expect:
        pattern = f"{path}:{line}:" if line else f"{path}"
        assert any(pattern in out_line and f"[{rule}]" in out_line for out_line in cli.output.splitlines())


@pytest.mark.parametrize("name", ["good_small.yaml", "good_small.json"])
def test_good_input_is_silent(name: str):
    result = validate(DATA / name)
    assert result.budget is not None
    assert result.findings == []
    assert runner.invoke(app, ["validate", "--strict", str(DATA / name)]).exit_code == 0


SAMPLES = sorted(INPUTS.glob("*.yaml")) + sorted(INPUTS.glob("*.json"))


def test_there_are_samples():
    assert len(SAMPLES) >= 3


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_validate_cleanly(path: Path):
    result = validate(path)
    assert result.budget is not None, [f.render() for f in result.findings]
    assert [f.render() for f in result.findings if f.severity == "error"] == []


def test_all_samples_on_one_command_line():
    result = runner.invoke(app, ["validate", *map(str, SAMPLES)])
    assert result.exit_code == 0, result.output
    assert f"合计：{len(SAMPLES)} 个文件" in result.output


def test_json_format_has_every_field():
    result = runner.invoke(app, ["validate", "--format", "json", str(BAD / "bal_income_total.yaml")])
    assert result.exit_code == 1
    data = json.loads(result.output)
    (finding,) = [f for f in data if f["rule"] == "BAL-INCOME"]
    assert finding["severity"] == "error"
    assert finding["line"] == 26 and finding["column"] == 9
    assert finding["path"] == "收入.收入总计"
    assert (finding["expected"], finding["actual"], finding["difference"]) == ("150.00", "160.00", "10.00")
    assert finding["file"].endswith("bal_income_total.yaml")


def test_text_format_shows_expected_actual_difference():
    result = runner.invoke(app, ["validate", str(BAD / "bal_income_total.yaml")])
    assert "错误 [BAL-INCOME] 收入总计不等于分项之和（期望 150.00，实际 160.00，差额 10.00）" in result.output
    assert "1 个错误" in result.output


def test_strict_turns_warnings_into_failure():
    path = str(BAD / "perf_satisfaction.yaml")
    assert runner.invoke(app, ["validate", path]).exit_code == 0
    assert runner.invoke(app, ["validate", "--strict", path]).exit_code == 1


def test_config_overrides_severity_and_disables(tmp_path: Path):
    path = BAD / "bal_income_total.yaml"
    cfg = tmp_path / "c.yaml"
    cfg.write_text("规则:\n  BAL-INCOME: warning\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--config", str(cfg), str(path)])
    assert result.exit_code == 0 and "警告 [BAL-INCOME]" in result.output
    cfg.write_text("规则:\n  BAL-INCOME: off\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--config", str(cfg), str(path)])
    assert result.exit_code == 0 and "BAL-INCOME" not in result.output
    cfg.write_text("规则:\n  PERF-SATISFACTION: error\n", encoding="utf-8")
    assert runner.invoke(app, ["validate", "-c", str(cfg), str(BAD / "perf_satisfaction.yaml")]).exit_code == 1


def test_bad_config_is_exit_2(tmp_path: Path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("规则:\n  BAL-INCOME: 关闭\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "-c", str(cfg), str(DATA / "good_small.yaml")])
    assert result.exit_code == 2
    assert "c.yaml:2:" in result.output


def test_threshold_settings_change_findings():
    path = BAD / "prior_reason.yaml"
    assert any(f.rule == "PRIOR-REASON" for f in validate(path).findings)
    assert not any(f.rule == "PRIOR-REASON" for f in validate(path, Settings(增减原因阈值=20)).findings)


def test_perf_threshold_in_wan(tmp_path: Path):
    path = BAD / "perf_required.yaml"
    assert any(f.rule == "PERF-REQUIRED" for f in validate(path).findings)
    assert not any(f.rule == "PERF-REQUIRED" for f in validate(path, Settings(绩效目标金额门槛=50)).findings)


def test_many_findings_collected_not_first_only():
    result = validate(BAD / "fund_balance.yaml")
    assert len([f for f in result.findings if f.severity == "error"]) == 4


def test_oversized_file_refused(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (6 * 1024 * 1024), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(big)])
    assert result.exit_code == 2 and "FILE-TOO-LARGE" in result.output


def test_amounts_are_never_floats():
    result = validate(DATA / "good_small.yaml")
    assert result.budget is not None
    from decimal import Decimal

    assert isinstance(result.budget.收入.本年收入.一般公共预算拨款, Decimal)
    assert str(result.budget.支出.功能分类[0].公用经费) == "12.00"


def test_schema_command_lists_chinese_titles():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert "基本信息" in data["properties"]
    assert "部门预算公开数据" == data["title"]
    assert "功能分类科目编码（项，7位）" in result.output


def test_init_writes_a_valid_example(tmp_path: Path):
    target = tmp_path / "预算.yaml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.count("#") > 20  # commented
    checked = validate(target)
    assert checked.budget is not None and not [f for f in checked.findings if f.severity == "error"]
    assert runner.invoke(app, ["init", str(target)]).exit_code == 2  # never overwrites silently


def test_messages_are_chinese_for_odd_numbers(tmp_path: Path):
    path = tmp_path / "n.yaml"
    path.write_text('收入:\n  本年收入:\n    一般公共预算拨款: "3,39.56"\n    事业收入: "NaN"\n    其他收入: "1,234.50"\n',
                    encoding="utf-8")
    result = validate(path)
    text = "\n".join(f.render() for f in result.findings)
    assert "n.yaml:3:15:" in text and "千分位逗号位置不对" in text
    assert "n.yaml:4:11:" in text and "“NaN”不是金额" in text
    assert "其他收入" not in text  # correct thousands separators are fine
    assert "Input should" not in text and "Value error" not in text


def test_unknown_rule_in_config_is_refused(tmp_path: Path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("规则:\n  PERF-REQUIRD: off\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "-c", str(cfg), str(DATA / "good_small.yaml")])
    assert result.exit_code == 2
    assert "c.yaml:2:" in result.output and "PERF-REQUIRED" in result.output


def test_corpus_files_give_no_unexpected_errors():
    """Each bad input has one defect: no error beyond the ones its header names (MODEL/load stages aside)."""
    for path in BAD_FILES:
        expect, _ = _expectations(path)
        named = {rule for rule, _ in expect}
        extra = {f.rule for f in validate(path).findings if f.severity == "error"} - named
        assert not extra, f"{path.name}: unexpected errors {extra}"

"""Regional layout profiles: loading, extension, validation with positions, selection, end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.layout.profile import ProfileError, load_profile, shipped_profiles
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

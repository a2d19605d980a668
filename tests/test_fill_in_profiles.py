"""The fill-in workbook (``excel-template``) follows the profile: ``--profile P`` or the 版式 of --from.

Sheets the profile's document needs come first, in the profile's order, marked 必填; sheets it does
not use come last, marked 本版式不用 (grey tab); a blank workbook preselects the unit the region
enters (上海 元, 河北 万元) and the 版式. Whatever the order, the round trip holds: YAML → template
--from (under every profile) → read / import gives the same model, for every sample.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from generator.cli import app
from generator.layout.profile import ProfileError, load_profile, shipped_profiles
from generator.reading.load import load_file
from generator.reading.model import Budget, build
from generator.reading.workbook import read_workbook
from generator.reading.workbook_layout import SHEETS
from generator.writing.fill_in import write_template
from generator.writing.input_yaml import import_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "inputs").glob("*.yaml"))
runner = CliRunner()


def _budget(path: Path, read=load_file) -> Budget:
    data, source = read(path)
    budget, findings = build(data, source)
    assert budget is not None, [f.render() for f in findings]
    return budget


@pytest.mark.parametrize("profile", shipped_profiles())
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_round_trip_under_every_profile(sample: Path, profile: str, tmp_path: Path):
    original = _budget(sample).model_dump()
    book = tmp_path / "填报.xlsx"
    write_template(book, sample, profile=profile)
    assert _budget(book, read_workbook).model_dump() == original
    target = tmp_path / "导入.yaml"
    import_workbook(book, target)
    assert _budget(target).model_dump() == original


def _status(ws) -> str:
    note = str(ws["A2"].value or "")
    return note[note.rindex("（") + 1:-1] if note.endswith("）") and "版式：" in note else ""


@pytest.mark.parametrize("profile", shipped_profiles())
def test_sheets_ordered_and_marked_as_the_profile_needs(profile: str, tmp_path: Path):
    spec = load_profile(profile).填报
    book = tmp_path / "空白.xlsx"
    write_template(book, None, profile=profile)
    wb = load_workbook(book)
    names = wb.sheetnames[1:]
    assert sorted(names) == sorted(s.name for s in SHEETS)  # nothing left out: any budget still round-trips
    assert names[:len(spec.必填)] == spec.必填
    assert names[len(names) - len(spec.不用):] == spec.不用 or not spec.不用
    for name in names:
        ws = wb[name]
        want = "必填" if name in spec.必填 else "本版式不用" if name in spec.不用 else "可选"
        assert _status(ws) == f"{profile}版式：{want}", name
        assert (ws.sheet_properties.tabColor is not None and ws.sheet_properties.tabColor.rgb.endswith("BFBFBF")) \
            == (name in spec.不用), name
    listing = {row[0].value: str(row[1].value) for row in wb["说明"].iter_rows() if row[0].value in names}
    assert all(listing[n].startswith(f"【{'必填' if n in spec.必填 else '本版式不用' if n in spec.不用 else '可选'}】")
               for n in names)
    info = {row[0].value: row[1].value for row in wb["基本信息"].iter_rows(min_row=4) if row[0].value}
    assert info["金额单位"] == (spec.金额单位 or None)
    assert info["版式（可选）"] == profile


def test_shanghai_enters_yuan_and_leaves_out_what_its_text_does_not_use(tmp_path: Path):
    spec = load_profile("上海").填报
    assert spec.金额单位 == "元"
    assert "政府购买服务" in spec.不用 and "绩效指标" in spec.不用  # the 上海 text states neither
    hebei = load_profile("河北").填报
    assert hebei.金额单位 == "万元" and "绩效指标" in hebei.必填  # 河北 prints each project's indicators


def test_from_a_budget_with_a_layout_follows_it_without_profile(tmp_path: Path):
    sample = ROOT / "inputs" / "上海市财政局_2025.yaml"
    assert _budget(sample).基本信息.版式 == "上海"
    book = tmp_path / "a.xlsx"
    result = runner.invoke(app, ["excel-template", str(book), "--from", str(sample)])
    assert result.exit_code == 0, result.output
    names = load_workbook(book).sheetnames
    assert names[1:][-2:] == load_profile("上海").填报.不用
    plain = tmp_path / "b.xlsx"
    result = runner.invoke(app, ["excel-template", str(plain), "--from", str(ROOT / "inputs" / "青山区科经局_2024.yaml")])
    assert result.exit_code == 0, result.output
    wb = load_workbook(plain)
    assert wb.sheetnames[1:] == [s.name for s in SHEETS] and _status(wb["基本信息"]) == ""  # no 版式: the standard book


def test_a_profile_naming_an_unknown_sheet_is_refused_with_its_position(tmp_path: Path):
    prof = tmp_path / "错.yaml"
    prof.write_text("继承: 上海\n名称: 错\n填报:\n  必填: [基本信息, 功能分类]\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(prof)
    rendered = [f.render() for f in err.value.findings]
    assert any(f"{prof}:4:" in r and "功能分类" in r and "功能分类支出" in r for r in rendered), rendered
    result = runner.invoke(app, ["excel-template", str(tmp_path / "x.xlsx"), "--profile", str(prof)])
    assert result.exit_code == 2 and "功能分类支出" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.xlsx").exists()

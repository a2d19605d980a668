"""INFO-MISSING follows the layout: it warns about an optional figure left out only where the chosen
profile's document prints it, under each shipped profile (湖北, 河北, 上海).

Why this exists: 上海 prints no 人员构成 and no 政府购买服务, 河北 no 人员构成 — a warning that the document
"will leave out" something it never prints sends the officer after nothing. The expectation is not
taken from the rule's own table: for every field and profile the example is rendered with the field and
without it, and the two documents read back; the warning must fire exactly when they differ. The layout
reaches validate as generate chooses it (--profile, 基本信息.版式, config 版式, else 湖北).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.config import Settings
from generator.pipeline import generate, validate
from generator.reading.load import load_file

sys.path.insert(0, str(Path(__file__).parent))
from absent_helpers import dump_yaml  # noqa: E402
from independent import DocView  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASE: dict = load_file(ROOT / "generator" / "data" / "example.yaml")[0]
PROFILES = ("湖北", "河北", "上海")

# field → (path in the input, the warning's label, other keys both variants drop)
FIELDS: dict[str, tuple[tuple[str, ...], str, tuple[tuple[str, ...], ...]]] = {
    "编制": (("部门概况", "人员构成", "编制"), "人员构成.编制", ()),
    "实有人数": (("部门概况", "人员构成", "实有人数"), "人员构成.实有人数", ()),
    "离退休人数": (("部门概况", "人员构成", "离退休人数"), "人员构成.离退休人数", ()),
    "车辆": (("国有资产", "车辆"), "国有资产.车辆", ()),
    "通用设备": (("国有资产", "单价50万元以上通用设备"), "国有资产.单价50万元以上通用设备", ()),
    "专用设备": (("国有资产", "单价100万元以上专用设备"), "国有资产.单价100万元以上专用设备", ()),
    "资产配置预算": (("国有资产", "资产配置预算"), "国有资产.资产配置预算", ()),
    "机关运行经费": (("机关运行经费", "金额"), "机关运行经费.金额", (("机关运行经费", "明细"),)),
    "政府采购": (("政府采购",), "政府采购", ()),
    "政府购买服务": (("政府购买服务", "合计"), "政府购买服务.合计", ()),
}





def _without(*paths: tuple[str, ...]) -> dict:
    data = copy.deepcopy(BASE)
    data["基本信息"].pop("版式", None)  # the layout is chosen by --profile in these tests
    # 河北 prints 说明.资产情况 only when there is no 固定资产 table: without it every name a template uses
    # is printed. (A name used only under a condition counts as printed: the rule then warns, as before.)
    data["国有资产"].pop("固定资产占用", None)
    data["国有资产"].pop("上年末固定资产总额", None)
    for path in paths:
        node = data
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1], None)
    return data


def _write(data: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "预算.json"
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def _texts(path: Path, profile: str, out: Path) -> list[str]:
    doc = DocView(generate(path, out, profile=profile, force=True).written[0])
    texts = []
    for block in doc.blocks:
        texts += [block.text] if block.kind == "p" else [c for row in block.rows for c in row]
    return texts


def _warned(path: Path, **how: Any) -> set[str]:
    labels = {label for label, *_ in ((v[1],) for v in FIELDS.values())} | {"三公经费"}
    found = [f.message for f in validate(path, **how).findings if f.rule == "INFO-MISSING"]
    return {label for label in labels if any(f"未填写“{label}" in m for m in found)}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[str]]:
    folder = tmp_path_factory.mktemp("base")
    path = _write(_without(), folder)
    return {p: _texts(path, p, folder / p) for p in PROFILES}


@pytest.mark.parametrize("profile", PROFILES)
def test_warns_exactly_where_the_layout_prints_the_field(profile: str, rendered, tmp_path: Path):
    printed, warned = set(), set()
    for name, (path, label, extra) in FIELDS.items():
        variant = _write(_without(*extra), tmp_path / name / "with")
        base = _texts(variant, profile, tmp_path / name / "with_out") if extra else rendered[profile]
        absent = _write(_without(path, *extra), tmp_path / name / "without")
        if _texts(absent, profile, tmp_path / name / "out") != base:
            printed.add(label)
        if label in _warned(absent, profile=profile):
            warned.add(label)
    assert warned == printed, f"{profile}: warned but not printed {warned - printed}, printed but not warned {printed - warned}"
    assert printed, profile  # every layout prints some of them: the comparison can tell


def test_the_layouts_differ_in_what_they_print(tmp_path: Path):
    """Not vacuous: 湖北 asks for 人员构成 and 政府购买服务, 上海 for neither, 河北 for 政府购买服务 not."""
    path = _write(_without(*(p for p, _, _ in FIELDS.values()), ("三公经费",)), tmp_path)
    by = {p: _warned(path, profile=p) for p in PROFILES}
    assert {"人员构成.编制", "政府购买服务.合计", "三公经费"} <= by["湖北"]
    assert not {"人员构成.编制", "政府购买服务.合计"} & (by["河北"] | by["上海"])
    assert all("三公经费" in w and "政府采购" in w and "国有资产.车辆" in w for w in by.values())


def test_the_layout_reaches_validate_as_generate_chooses_it(tmp_path: Path):
    """基本信息.版式, else the config's 版式, else 湖北 — and --profile over both."""
    data = _without(("部门概况", "人员构成", "编制"))
    plain = _write(data, tmp_path / "plain")
    data = copy.deepcopy(data)
    data["基本信息"]["版式"] = "上海"
    typed = _write(data, tmp_path / "typed")
    staff = "人员构成.编制"
    assert staff in _warned(plain)  # 湖北 by default
    assert staff not in _warned(typed)  # the input's 版式
    assert staff in _warned(typed, profile="湖北")  # --profile wins
    assert staff not in _warned(plain, settings=Settings(版式="上海"))  # the config's 版式

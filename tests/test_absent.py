"""Absent is not zero: for every optional figure or count, the document without it and with it at 0.

Why this exists: a public document must never state what the input does not say ("编制总数0人" when
人员构成 was left out, "本部门共有车辆0辆" when vehicles were not entered, "上年无此项预算" when last
year's figure was not given). Each case renders two variants of the full example budget — the field
removed, and the field at 0 — and reads both documents back: they differ exactly where the wording
rules of CONVENTIONS say, and the "not given" document asserts no number for the field.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from absent_helpers import differing_texts, dump_yaml
from independent import DocView

from generator.pipeline import generate, validate
from generator.reading.load import load_file

EXAMPLE = Path(__file__).resolve().parents[1] / "generator/data/example.yaml"
BASE: dict = load_file(EXAMPLE)[0]



def _render(data: dict, directory: Path) -> DocView:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "预算.json"
    path.write_text(dump_yaml(data), encoding="utf-8")
    result = generate(path, directory / "out")
    return DocView(Path(result.written[0]))


def _texts(doc: DocView) -> list[str]:
    """Every paragraph and every table cell, in order."""
    out = []
    for block in doc.blocks:
        out += [block.text] if block.kind == "p" else [cell for row in block.rows for cell in row]
    return out


def _edit(path: tuple, value: Any) -> dict:
    """A copy of the example with ``path`` set to ``value`` (or removed when value is ``DELETE``)."""
    data = copy.deepcopy(BASE)
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return data


DELETE = object()


def _differing(absent: DocView, zero: DocView) -> tuple[list[str], list[str]]:
    """The paragraphs/cells that differ: (only in the absent document, only in the zero document)."""
    return differing_texts(_texts(absent), _texts(zero))


# field → (path, the zero value, extra edits both variants need, the phrase the zero variant must state,
#          phrases the absent variant must not contain anywhere)
FIELDS: dict[str, tuple[tuple, Any, dict, str, tuple[str, ...]]] = {
    "编制": (("部门概况", "人员构成", "编制"), [], {}, "编制总数0人", ("编制总数",)),
    "实有人数": (("部门概况", "人员构成", "实有人数"), 0, {}, "在职实有人数0人", ("实有人数",)),
    "离退休人数": (("部门概况", "人员构成", "离退休人数"), 0, {}, "离退休人员0人", ("离退休人员",)),
    "车辆": (("国有资产", "车辆"), [{"类型": "其他用车", "数量": 0}], {}, "本部门共有车辆0辆，其中：其他用车0辆", ("无公务车辆", "共有车辆")),
    "通用设备": (("国有资产", "单价50万元以上通用设备"), 0, {}, "单价50万元以上通用设备0台（套）", ("单价50万元以上通用设备",)),
    "专用设备": (("国有资产", "单价100万元以上专用设备"), 0, {}, "单价100万元以上专用设备0台（套）", ("单价100万元以上专用设备",)),
    "资产配置预算": (("国有资产", "资产配置预算"), 0, {}, "2024年资产配置预算0万元", ("资产配置预算",)),
    "固定资产总额": (("国有资产", "上年末固定资产总额"), 0, {}, "本部门固定资产总额0万元", ("固定资产总额",)),
    "机关运行经费": (("机关运行经费", "金额"), 0, {("机关运行经费", "明细"): DELETE},
                 "机关运行经费0万元", ("机关运行经费0", "机关运行经费0万元")),
    "政府采购": (("政府采购",), {"货物": 0, "工程": 0, "服务": 0}, {}, "本部门2024年无政府采购预算",
             ("无政府采购预算", "政府采购预算0")),
    "政府购买服务": (("政府购买服务", "合计"), 0, {}, "本部门2024年无政府购买服务预算",
               ("无政府购买服务预算", "政府购买服务预算0")),
    "面向中小企业": (("政府采购", "面向中小企业"), 0,
               {("政府采购", "货物"): 10, ("政府采购", "合计"): 10, ("政府采购", "面向小微企业"): DELETE},
               "面向中小企业预留采购金额0万元", ("面向中小企业预留采购金额", "预留中小企业份额")),
}


NOT_WARNED = {"固定资产总额", "面向中小企业"}
"""Optional in some layout we ship (上海 prints no 面向中小企业 clause; INFO-MISSING asks only for what the
chosen layout prints, tests/test_info_missing_profiles.py, but these two it never asks for):
leaving it out is no omission worth a warning — the clause is simply not written."""


def _variants(name: str) -> tuple[dict, dict]:
    path, zero, extra, _, _ = FIELDS[name]
    absent, zeroed = _edit(path, DELETE), _edit(path, zero)
    for p, v in extra.items():
        for data in (absent, zeroed):
            node = data
            for key in p[:-1]:
                node = node[key]
            if v is DELETE:
                node.pop(p[-1], None)
            else:
                node[p[-1]] = v
    return absent, zeroed


@pytest.mark.parametrize("name", list(FIELDS))
def test_optional_field_absent_versus_zero(name: str, tmp_path: Path):
    absent_data, zero_data = _variants(name)
    _, _, _, zero_phrase, never = FIELDS[name]
    absent = _render(absent_data, tmp_path / "absent")
    zero = _render(zero_data, tmp_path / "zero")
    only_absent, only_zero = _differing(absent, zero)
    assert only_zero, f"{name}: the documents must differ"
    assert any(zero_phrase in t for t in only_zero), f"{name}: zero wording “{zero_phrase}” not in {only_zero}"
    text = "\n".join(_texts(absent))
    for phrase in never:
        assert phrase not in text, f"{name}: the not-given document states “{phrase}”"
    # every differing sentence is about this field: the zero one names it, the absent one leaves it out
    for t in only_absent:
        assert not any(p in t for p in never), t
    # and validation names the missing field (those the Hubei 情况说明 needs)
    if name in NOT_WARNED:
        return
    path = tmp_path / "absent" / "预算.json"
    warned = [f for f in validate(path).findings if f.rule == "INFO-MISSING"]
    assert any(str(FIELDS[name][0][-1]) in f.message for f in warned), [f.message for f in warned]


PRIOR_KEYS = [k for k in BASE["上年数"] if k not in ("功能分类", "项目")]
NOT_NARRATED = {"支出总计", "一般公共预算拨款"}
"""Accepted for the PRIOR-BALANCE check, never quoted."""
NOTHING_TO_COMPARE = {"政府性基金预算支出", "国有资本经营预算支出", "政府采购", "政府购买服务"}
"""The example has none of these this year: the document says so once, with or without last year's 0."""
COMPARISONS = ("，上年无此项预算", "，与上年持平")


def _prior_pair(edit_absent, edit_zero, tmp_path: Path) -> tuple[list[str], list[str]]:
    absent_data, zero_data = copy.deepcopy(BASE), copy.deepcopy(BASE)
    edit_absent(absent_data["上年数"])
    edit_zero(zero_data["上年数"])
    return _differing(_render(absent_data, tmp_path / "absent"), _render(zero_data, tmp_path / "zero"))


def _assert_only_the_comparison_differs(only_absent: list[str], only_zero: list[str]) -> None:
    """The zero document adds the zero comparison to a sentence; the absent one has the sentence without it."""
    assert only_zero and len(only_absent) == len(only_zero), (only_absent, only_zero)
    for a, z in zip(only_absent, only_zero, strict=True):
        assert any(z.replace(c, "", 1) == a for c in COMPARISONS if c in z), f"\n{a}\n{z}"
        assert not any(c.lstrip("，") in a and a.count(c.lstrip("，")) >= z.count(c.lstrip("，")) for c in COMPARISONS)


@pytest.mark.parametrize("key", PRIOR_KEYS)
def test_prior_year_absent_versus_zero(key: str, tmp_path: Path):
    def zero(prior: dict) -> None:
        prior[key] = 0

    def absent(prior: dict) -> None:
        del prior[key]

    only_absent, only_zero = _prior_pair(absent, zero, tmp_path)
    if key in NOT_NARRATED or key in NOTHING_TO_COMPARE:
        assert only_absent == only_zero == [], (only_absent, only_zero)
        return
    _assert_only_the_comparison_differs(only_absent, only_zero)


@pytest.mark.parametrize("code", sorted({c[:3] for c in BASE["上年数"]["功能分类"]}) + sorted(BASE["上年数"]["项目"]))
def test_prior_by_class_and_project_absent_versus_zero(code: str, tmp_path: Path):
    group = "项目" if len(code) > 7 else "功能分类"

    def zero(prior: dict) -> None:
        prior[group] = {c: (0 if c.startswith(code) else v) for c, v in prior[group].items()}

    def absent(prior: dict) -> None:
        prior[group] = {c: v for c, v in prior[group].items() if not c.startswith(code)}

    only_absent, only_zero = _prior_pair(absent, zero, tmp_path)
    if group == "项目":  # a project's comparison is left out entirely when last year is not given
        assert len(only_absent) == len(only_zero) == 1
        assert "上年无此项预算" in only_zero[0] and "上年" not in only_absent[0]
        return
    _assert_only_the_comparison_differs(only_absent, only_zero)


ZERO_PHRASINGS = ("编制总数", "在职实有人数", "离退休人员", "本部门无公务车辆", "共有车辆", "台（套）", "上年无此项预算",
                  "与上年持平", "比上年", "资产配置预算", "机关运行经费0", "无政府采购预算", "无政府购买服务预算", "固定资产总额")


def test_nothing_optional_given_states_nothing_false(tmp_path: Path):
    """Every optional part left out at once: no zero phrasing anywhere, and each missing part is named."""
    data = copy.deepcopy(BASE)
    for name in FIELDS:
        path = FIELDS[name][0]
        node = data
        for key in path[:-1]:
            node = node.get(key, {})  # a part already removed whole (政府采购 before its 面向中小企业)
        node.pop(path[-1], None)
    data["机关运行经费"].pop("明细", None)
    data["国有资产"].pop("固定资产占用", None)
    data["上年数"] = {}
    doc = _render(data, tmp_path)
    text = "\n".join(_texts(doc))
    for phrase in ZERO_PHRASINGS:
        assert phrase not in text, f"the document states “{phrase}” though nothing was entered"
    for said in ("人员构成情况未填报", "机关运行经费预算未填报", "政府采购预算未填报", "政府购买服务预算未填报",
                 "国有资产占用情况未填报", "本部门未填报政府采购预算，本表为空表。"):
        assert said in text, said
    rules = {f.rule for f in validate(tmp_path / "预算.json").findings}
    assert {"INFO-MISSING", "PRIOR-MISSING"} <= rules


def test_sections_of_the_new_fields_only_when_given(tmp_path: Path):
    """其他需要说明的事项 and the 机构设置 table appear with their text when given, and not at all otherwise."""
    given = _render(copy.deepcopy(BASE), tmp_path / "given")
    text = "\n".join(_texts(given))
    assert f"其他需要说明的事项\n{BASE['其他需要说明的事项']}" in text
    row = BASE["部门概况"]["机构设置"][0]
    assert [row["单位名称"], row["单位性质"], row["单位规格"], row["经费保障形式"]] in [r for t in given.tables for r in t]
    data = copy.deepcopy(BASE)
    del data["其他需要说明的事项"]
    del data["部门概况"]["机构设置"]
    bare = _render(data, tmp_path / "bare")
    assert "其他需要说明的事项" not in "\n".join(_texts(bare))
    assert not any(r[:1] == ["单位名称"] for t in bare.tables for r in t)
    plan = BASE["项目"][0]["资金支出计划"]
    assert any(f"12月底{plan['12月底']:.2f}" in t for t in _texts(given))


def test_history_values_absent_versus_zero(tmp_path: Path):
    """近两年指标值: not given leaves the two cells empty; given as 0 they show 0 with the unit."""
    def variant(value: str | None) -> dict:
        data = copy.deepcopy(BASE)
        ind = data["项目"][0]["绩效目标"]["指标"][0]
        for key in ("前年值", "上年值"):
            if value is None:
                ind.pop(key)
            else:
                ind[key] = value
        return data

    unit = BASE["项目"][0]["绩效目标"]["指标"][0]["计量单位"]
    only_absent, only_zero = _differing(_render(variant(None), tmp_path / "a"), _render(variant("0"), tmp_path / "z"))
    assert only_zero == [f"0{unit}", f"0{unit}"] and only_absent == ["", ""]

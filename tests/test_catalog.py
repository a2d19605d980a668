"""The bundled catalog: real names from the reference disclosures, and a consistent structure."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources

import pytest
from ruamel.yaml import YAML

from generator.catalog import (
    Subject,
    default_terms,
    economic_subject,
    function_subject,
    summary_classes,
)


def _entries(filename: str) -> list[dict]:
    text = resources.files("generator").joinpath("data", filename).read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


# Every 功能分类 code in the tables of the three reference disclosures, with the name they print.
REFERENCE_FUNCTION_CODES = {
    "206": "科学技术支出",
    "20601": "科学技术管理事务",
    "2060101": "行政运行",
    "20602": "基础研究",
    "2060201": "机构运行",
    "20604": "技术研究与开发",
    "2060499": "其他技术研究与开发支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "2101102": "事业单位医疗",
    "2101103": "公务员医疗补助",
    "2101199": "其他行政事业单位医疗支出",
    "215": "资源勘探工业信息等支出",
    "21505": "工业和信息产业监管",
    "2150502": "一般行政管理事务",
    "21508": "支持中小企业发展和管理支出",
    "2150801": "行政运行",
    "2150802": "一般行政管理事务",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "2210202": "提租补贴",
}

# Every 经济分类 code in qingshan's 一般公共预算基本支出表 and 政府采购预算表.
REFERENCE_ECONOMIC_CODES = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30110": "职工基本医疗保险缴费",
    "30111": "公务员医疗补助缴费",
    "30112": "其他社会保障缴费",
    "30113": "住房公积金",
    "302": "商品和服务支出",
    "30216": "培训费",
    "30228": "工会经费",
    "30229": "福利费",
    "30239": "其他交通费用",
    "30299": "其他商品和服务支出",
    "303": "对个人和家庭的补助",
    "30302": "退休费",
    "30307": "医疗费补助",
    "30399": "其他对个人和家庭的补助",
}

# The 类 of qingshan's 收支总表, in its order.
QINGSHAN_SUMMARY = [
    "一般公共服务支出",
    "国防支出",
    "公共安全支出",
    "教育支出",
    "科学技术支出",
    "文化旅游体育与传媒支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "节能环保支出",
    "城乡社区支出",
    "农林水支出",
    "交通运输支出",
    "资源勘探工业信息等支出",
    "商业服务业等支出",
    "金融支出",
    "援助其他地区支出",
    "自然资源海洋气象等支出",
    "住房保障支出",
    "粮油物资储备支出",
    "国有资本经营预算支出",
    "灾害防治及应急管理支出",
    "其他支出",
    "债务还本支出",
    "债务付息支出",
    "债务发行费用支出",
]


@pytest.mark.parametrize(("code", "name"), sorted(REFERENCE_FUNCTION_CODES.items()))
def test_reference_function_codes_resolve(code: str, name: str) -> None:
    subject = function_subject(code)
    assert subject is not None, code
    assert subject.name == name


@pytest.mark.parametrize(("code", "name"), sorted(REFERENCE_ECONOMIC_CODES.items()))
def test_reference_economic_codes_resolve(code: str, name: str) -> None:
    subject = economic_subject(code)
    assert subject is not None, code
    assert subject.name == name


def test_common_codes_of_ordinary_departments() -> None:
    expected = {
        "2080501": "行政单位离退休",
        "2080502": "事业单位离退休",
        "2080506": "机关事业单位职业年金缴费支出",
        "2210203": "购房补贴",
        "2060102": "一般行政管理事务",
        "2060599": "其他科技条件与服务支出",
        "2010350": "事业运行",
    }
    for code, name in expected.items():
        subject = function_subject(code)
        assert subject is not None and subject.name == name, code
    assert economic_subject("31002").name == "办公设备购置"
    assert economic_subject("30109").name == "职业年金缴费"
    assert economic_subject("30301").name == "离休费"


def test_meanings_match_the_reference_explanations() -> None:
    assert function_subject("2060101").meaning == "反映行政单位（包括实行公务员管理的事业单位）的基本支出。"
    assert function_subject("2150802").meaning.endswith("未单独设置项级科目的其他项目支出。")
    assert function_subject("2101103").meaning == "反映财政部门安排的公务员医疗补助经费。"
    assert "基本工资和津贴补贴" in function_subject("2210201").meaning
    assert function_subject("2060499").meaning == "反映除上述项目以外其他用于技术研究与开发方面的支出。"


def test_unknown_codes() -> None:
    assert function_subject("2069998") is None
    assert function_subject("") is None
    assert economic_subject("30198") is None
    assert isinstance(function_subject(" 206 "), Subject)


@pytest.mark.parametrize("filename", ["function_codes.yaml", "economic_codes.yaml"])
def test_codes_are_unique_sorted_strings(filename: str) -> None:
    codes = [e["code"] for e in _entries(filename)]
    assert all(isinstance(c, str) for c in codes)
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("filename", "lengths", "lookup"),
    [
        ("function_codes.yaml", (3, 5, 7), function_subject),
        ("economic_codes.yaml", (3, 5), economic_subject),
    ],
)
def test_structure_every_prefix_exists(filename: str, lengths: tuple[int, ...], lookup) -> None:
    for entry in _entries(filename):
        code = entry["code"]
        assert re.fullmatch(r"\d+", code) and len(code) in lengths, code
        assert entry["name"].strip() == entry["name"] and entry["name"], code
        for parent_length in lengths:
            if parent_length < len(code):
                assert lookup(code[:parent_length]) is not None, f"{code}: no parent {code[:parent_length]}"


def test_meanings_are_sentences() -> None:
    for filename in ("function_codes.yaml", "economic_codes.yaml"):
        for entry in _entries(filename):
            meaning = entry.get("meaning", "")
            assert meaning == "" or (meaning.startswith("反映") and meaning.endswith("。")), entry["code"]


def test_summary_classes() -> None:
    classes = summary_classes()
    assert len(classes) == 25
    assert classes[0] == function_subject("201")
    assert classes[0].name == "一般公共服务支出"
    assert [s.name for s in classes] == QINGSHAN_SUMMARY
    assert function_subject("206") in classes
    assert all(len(s.code) == 3 and s.in_summary for s in classes)
    assert {"202", "227", "230"}.isdisjoint(s.code for s in classes)
    assert summary_classes() is not summary_classes()  # callers get their own list


def test_every_class_of_the_catalog() -> None:
    classes = {e["code"]: e["name"] for e in _entries("function_codes.yaml") if len(e["code"]) == 3}
    assert classes["202"] == "外交支出"
    assert classes["227"] == "预备费"
    assert len(classes) >= 27


def test_default_terms() -> None:
    terms = default_terms()
    names = [t for t, _ in terms]
    assert names[0] == "财政拨款收入"
    assert names[-1] == "绩效目标"
    assert len(names) == len(set(names)) == 27
    assert names.index("基本支出") < names.index("项目支出") < names.index("“三公”经费")
    texts = dict(terms)
    assert texts["一般公共预算拨款收入"] == "指{财政级次}一般公共预算当年拨付的资金。"
    assert texts["机关运行经费"].startswith("指为保障行政单位（包括参照公务员法管理的事业单位）运行")
    for term, text in terms:
        assert text.endswith("。"), term
        assert set(re.findall(r"\{([^}]*)\}", text)) <= {"财政级次"}, term
        assert "区级财政" not in text and "县本级" not in text, term


def test_compiled_catalog_matches_its_yaml_sources() -> None:
    """generator/data/catalog.json is what the program reads: it must say what the YAML says."""
    import json

    from tools.make_catalog import TARGET, compiled

    assert json.loads(TARGET.read_text(encoding="utf-8")) == json.loads(compiled()), \
        "generator/data/catalog.json is stale: run python tools/make_catalog.py"

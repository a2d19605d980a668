"""Hostile input, unit by unit: the sandbox, nesting, characters, non-regular files, amounts, names.

The end-to-end reproducers (one child process each, under resource limits) are in
tests/test_robustness_corpus.py; these tests pin the single functions that make them pass.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from generator.findings import InputError
from generator.fmt import cn_number
from generator.reading.load import MAX_DEPTH, load_file, parse_json, parse_yaml
from generator.reading.model import build
from generator.writing.files import MAX_NAME_CHARS, safe_file_name
from generator.writing.render import make_environment

DATA = Path(__file__).parent / "data"

SSTI_PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
    "{{ lipsum.__globals__['__builtins__']['open']('/etc/hostname').read() }}",
    "{{ joiner.__init__.__globals__.os.environ }}",
    "{{ namespace.__init__.__globals__.os.environ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__()[0] }}",
    "{{ self.__init__.__globals__.__builtins__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ ''|attr('__class__') }}",
    "{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ '{0.__class__.__init__.__globals__}'.format(x) }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ config.__class__.__init__.__globals__['os'].popen('id').read() }}",
    "{{ request.application.__globals__.__builtins__.open('/etc/passwd').read() }}",
    "{{ dict.__base__.__subclasses__() }}",
    "{{ x.append(1) }}{{ x }}",
    "{{ 'a' * 100000000 }}",
    "{{ 9 ** 99999999 }}",
]


@pytest.mark.parametrize("payload", SSTI_PAYLOADS)
def test_template_sandbox_refuses_known_ssti_payloads(payload: str, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = make_environment()
    with pytest.raises(Exception) as info:  # noqa: PT011 - SecurityError or UndefinedError, never output
        env.from_string(payload).render(x=[1, 2])
    assert type(info.value).__name__ in ("SecurityError", "UndefinedError")
    assert not (tmp_path / "PWNED").exists()
    assert "root:" not in str(info.value) and os.uname().nodename not in str(info.value)


def test_sandbox_has_no_cycler_lipsum_joiner_namespace():
    env = make_environment()
    for name in ("cycler", "lipsum", "joiner", "namespace"):
        assert name not in env.globals
    assert env.from_string("{{ x|join('、') }}").render(x=["甲", "乙"]) == "甲、乙"  # placing values still works


@pytest.mark.parametrize("text, kind", [("[" * 500 + "]" * 500, "JSON"), ("a: " + "[" * 500 + "]" * 500, "YAML")])
def test_deep_nesting_is_a_finding_at_its_line(text: str, kind: str):
    parse = parse_json if kind == "JSON" else parse_yaml
    with pytest.raises(InputError) as info:
        parse("\n" + text, "x")
    assert info.value.finding.rule == f"{kind}-NESTING"
    assert info.value.finding.position.line == 2
    assert MAX_DEPTH - 2 <= info.value.finding.position.col <= MAX_DEPTH + 4  # the bracket that is one too deep


def test_deep_block_nesting_is_refused_and_moderate_nesting_accepted():
    deep = "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "v: 1\n"
    with pytest.raises(InputError) as info:
        parse_yaml(deep, "x")
    assert info.value.finding.rule == "YAML-NESTING" and info.value.finding.position.line == MAX_DEPTH + 1
    fine = "".join(" " * i + f"k{i}:\n" for i in range(20)) + " " * 20 + "v: [[1, {a: '[[[['}]]  # [[[[\n"
    data, _ = parse_yaml(fine, "x")
    assert data["k0"]["k1"]


def test_raw_control_character_is_reported_at_line_and_column():
    with pytest.raises(InputError) as info:
        parse_yaml("a: 1\nb: 'x\x0by'\n", "x")
    f = info.value.finding
    assert (f.rule, f.position.line, f.position.col) == ("YAML-CONTROL-CHAR", 2, 6)
    assert "U+000B" in f.message


@pytest.mark.parametrize("make", ["dir", "fifo", "dev"])
def test_only_regular_files_are_read(make: str, tmp_path: Path):
    if make == "dir":
        target = tmp_path / "d.yaml"
        target.mkdir()
    elif make == "fifo":
        target = tmp_path / "f.yaml"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    with pytest.raises(InputError) as info:
        load_file(target)
    assert info.value.finding.rule in ("FILE-NOT-FOUND", "FILE-NOT-REGULAR")


def _budget_with(old: str, new: str):
    text = (DATA / "good_small.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    data, source = parse_yaml(text.replace(old, new), "x.yaml")
    return build(data, source)


@pytest.mark.parametrize("value", ["1e26", "100000000000", "-100000000000.5"])
def test_amounts_beyond_range_are_findings(value: str):
    budget, findings = _budget_with("一般公共预算拨款: 150.00", f"一般公共预算拨款: {value}")  # the file is in 万元
    assert budget is None
    assert [f.rule for f in findings] == ["MODEL-TYPE"] and "10^15" in findings[0].message


def test_an_amount_just_below_the_range_is_accepted():
    budget, findings = _budget_with("一般公共预算拨款: 150.00", "一般公共预算拨款: 99999999999.99")
    assert budget is not None and budget.收入.本年收入.一般公共预算拨款 == Decimal("99999999999.99")


@pytest.mark.parametrize("value, char", [("'１５０.００'", "１"), ("'١٥٠'", "١"), ("'1,50.00'", None)])
def test_non_ascii_digits_and_bad_grouping_are_refused(value: str, char: str | None):
    budget, findings = _budget_with("一般公共预算拨款: 150.00", f"一般公共预算拨款: {value}")
    assert budget is None and findings[0].rule == "MODEL-TYPE"
    if char:
        assert char in findings[0].message and f"U+{ord(char):04X}" in findings[0].message
    else:
        assert "千分位" in findings[0].message


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (19, "十九"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
                                     (110, "一百一十"), (999, "九百九十九"), (1001, "一千零一"), (1010, "一千零一十"),
                                     (10000, "一万"), (10010, "一万零一十"), (123456, "十二万三千四百五十六")])
def test_cn_number_beyond_99(n: int, text: str):
    assert cn_number(n) == text


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c", "CON", "nul", "COM1", ".hidden", "-rf", "..",
                                  "局\u202egpj.exe", "示\u200b例\u200d局", "示例\x07局", "　", "长" * 300_000])
def test_file_names_from_the_department_name_are_safe(name: str):
    out = safe_file_name(name, "_2024年部门预算公开.docx")
    assert out.endswith("_2024年部门预算公开.docx") and len(out) <= MAX_NAME_CHARS
    assert len(out.encode("utf-8")) <= 200
    assert not any(c in out for c in '/\\:*?"<>|') and not out.startswith((".", "-", " "))
    assert not any(ord(c) < 32 or c in "\u202e\u200b\u200d" for c in out)
    bare = safe_file_name(name, ".docx")
    assert bare.split(".")[0].upper() not in ("CON", "NUL", "COM1", "AUX", "PRN") and not bare.startswith((".", "-"))

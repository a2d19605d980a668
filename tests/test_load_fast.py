"""The fast YAML path (libyaml events) gives exactly what the ruamel path gives: data, positions, findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.findings import InputError
from generator.reading import load

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "robustness"
FILES = sorted(
    p for folder in (REPO / "inputs", REPO / "tests" / "data", REPO / "generator" / "data", REPO / "generator" / "profiles",
                     SHARED)
    if folder.is_dir() for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json")
)

SNIPPETS = [
    "中文键: 1\n名称: “引号”文字\n",
    "a: {x: 1, y: [1, 2, {z: 中}]}\nb: [ ]\nc: { }\n",
    "a: |\n  第一行\n  第二行\nb: >-\n  折叠\n  的文字\nc: 1\n",
    "a: 多行\n  普通\n  文字\nb: 'it''s'\nc: \"转义\\t\\u4e2d\\n\"\n",
    "v: [yes, no, on, off, true, false, True, NULL, null, ~, '', ]\n",
    "n: [0o17, 012, 0x1F, 1_000, '1:20', 1:20, .inf, -.inf, .nan, 1e3, 1.5e-3, +12, -0.0, 00.5]\n",
    "d: [2024-02-06, 2024-02-06T10:00:00, 2024-2-6, 2024-13-40]\n",
    "a:\n\t- x\n",
    "a: 1   # comment\n# whole line\nb:    # empty value\nc: 2\n",
    "- - 1\n  - 2\n- - 3\n",
    "? [complex]\n: key\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: !tag x\n",
    "base: {x: 1}\nother:\n  <<: {x: 2}\n",
    "a: 1\na: 2\n",
    "%YAML 1.1\n---\na: yes\n",
    "--- \na: 1\n...\n---\nb: 2\n",
    "a: 行\u2028分隔\n",
    "a: 1\r\nb:\r\n  - 中文\r\n  - 2\r\n",
    "a: 1\nb: [1, 2\n",
    "a: \"unterminated\n",
    "a: b: c\n",
    "  a: 1\n b: 2\n",
    "",
    "# only a comment\n",
    "[1, 2, 3]\n",
    "just text\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",
    "a: " + "[" * 70 + "]" * 70 + "\n",
    "a: 1\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 40)) + "  " * 40 + "v: 1\n",
    "金额: 1,234.50\n数: 1234.50\n负: -3.00\n大: 1e20\n",
    '{"a": 1, "b": [1.50, "中"], "c": {"d": null}}\n',
    '{"a": 1, "a": 2}\n',
]


def _outcome(parse, text: str):
    try:
        data, source = parse(text, "f.yaml")
    except InputError as exc:
        f = exc.finding
        return ("finding", f.rule, f.message, f.position)
    return ("data", data, source.positions)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_corpus_file_reads_the_same_on_both_paths(path: Path):
    try:
        text = load.read_text(path, str(path))
    except InputError:
        pytest.skip("not text")
    assert _outcome(load.parse_yaml, text) == _outcome(load.parse_yaml_reference, text)
    if path.suffix == ".json":
        assert _outcome(load.parse_json, text)[0] in ("data", "finding")


@pytest.mark.parametrize("text", SNIPPETS)
def test_tricky_yaml_reads_the_same_on_both_paths(text: str):
    assert _outcome(load.parse_yaml, text) == _outcome(load.parse_yaml_reference, text)


def test_the_samples_take_the_fast_path():
    """Else the speed figures in benchmarks/ would silently not hold."""
    assert load._libyaml() is not None, "PyYAML's libyaml extension is missing"
    for sample in sorted((REPO / "inputs").rglob("*.yaml")):
        data, positions = load.fast_parse(load.read_text(sample, str(sample)), str(sample))
        assert data and len(positions) > 100


RESOLVER_VALUES = [
    "", " ", "~", "null", "Null", "NULL", "nULL", "nul", "true", "True", "TRUE", "tRUE", "yes", "no", "on", "off",
    "y", "n", "false", "False", "FALSE", "0", "-0", "+12", "012", "0o17", "0o", "0b101", "0b", "0x1F", "0xg", "1_000",
    "_1", "1:20", "1:20:30.5", "1.", ".5", "-.5", "+.5e3", ".5e+3", "1e3", "1E-3", "1.5e", "1.5e-3", "00.5", "1__2.3_",
    ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "-.nan", "inf", "nan", "<<", "<", "=", "==", "!", "&", "*", "2024-02-06",
    "2024-2-6", "2024-13-40", "2024-02-06T10:00:00", "2024-02-06 10:00:00.5 +08:00", "2024-02-06t1:00:00Z",
    "20240206", "1,234.50", "一般公共预算", "１２", "٣", "-", "+", ".", "e3", "0x", "12a", "1 2", "true ", " true",
]


@pytest.mark.parametrize("implicit", [(True, False), (False, True), (False, False)])
def test_the_fast_resolver_gives_ruamels_tags(implicit):
    """load._resolve copies ruamel's YAML 1.2 implicit resolvers (so plain files never import ruamel)."""
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    ruamel = VersionedResolver()
    values = RESOLVER_VALUES + [ch for ch in "-+.0123456789tTfFnN~<=!&*aZ中"]
    for value in values:
        assert load._resolve(value, implicit) == str(ruamel.resolve(ScalarNode, value, implicit)), value

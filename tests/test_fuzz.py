"""Fuzzing validate and generate with Hypothesis: random bytes, random YAML, mutated samples.

Whatever the input, the command ends with exit code 0, 1 or 2 and never raises (no traceback),
and generate leaves the output folder either unchanged or complete (the new .docx is a whole
Word file). The number of examples is fixed and the search derandomized, so the test is
bounded (well under a minute) and repeatable.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.cli import app

DATA = Path(__file__).parent / "data"
GOOD = (DATA / "good_small.yaml").read_text(encoding="utf-8")
runner = CliRunner()

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


def _invoke(args: list[str]):
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{result.output[-2000:]}")
    assert result.exit_code in (0, 1, 2), result.output[-2000:]
    assert "Traceback" not in result.output
    return result


@FUZZ
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".yaml", ".json", ".xlsx", ".txt"]))
def test_random_bytes(tmp_path_factory, data: bytes, suffix: str):
    path = tmp_path_factory.mktemp("bytes") / f"in{suffix}"
    path.write_bytes(data)
    _invoke(["validate", str(path)])


KEYS = ["基本信息", "部门名称", "预算年度", "金额单位", "部门概况", "主要职责", "收入", "本年收入", "支出", "功能分类",
        "科目编码", "合计", "明细", "金额", "项目", "上年数", "<<", "!!python", "a"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.text(max_size=30),
                    st.decimals(allow_nan=True, allow_infinity=True).map(str),
                    st.sampled_from(["万元", "元", "2024", "1e999999", "１２", "1,68.42", "-0", "0x1F", "~", "\v"]))
documents = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=5), st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), kids, max_size=6)),
    max_leaves=40)


@FUZZ
@given(doc=documents, as_json=st.booleans())
def test_random_yaml_and_json(tmp_path_factory, doc, as_json: bool):
    from ruamel.yaml import YAML

    folder = tmp_path_factory.mktemp("doc")
    if as_json:
        path = folder / "in.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path = folder / "in.yaml"
        with path.open("w", encoding="utf-8") as fh:
            YAML(typ="safe", pure=True).dump(doc, fh)
    _invoke(["validate", str(path)])


@st.composite
def mutated(draw) -> str:
    """good_small.yaml with a few random edits: lines dropped, duplicated or swapped; text inserted."""
    lines = GOOD.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "swap", "insert", "number", "indent"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif action == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(max_size=6)) + lines[i][at:]
        elif action == "number":
            lines[i] = lines[i].replace("0", draw(st.sampled_from(["9", "", "-", "e9", "99999999999999999"])), 1)
        else:
            lines[i] = " " + lines[i]
    return "\n".join(lines)


@FUZZ
@given(text=mutated())
def test_mutated_sample_validates_without_crashing(tmp_path_factory, text: str):
    path = tmp_path_factory.mktemp("mut") / "in.yaml"
    path.write_bytes(text.encode("utf-8", "replace"))
    _invoke(["validate", str(path)])


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@settings(FUZZ, max_examples=8)
@given(text=mutated(), force=st.booleans())
def test_mutated_sample_generates_all_or_nothing(tmp_path_factory, text: str, force: bool):
    folder = tmp_path_factory.mktemp("gen")
    out = folder / "out"
    first = _invoke(["generate", str(DATA / "good_small.yaml"), "-o", str(out), "--xlsx"])
    assert first.exit_code == 0
    before = _digest(out)
    path = folder / "in.yaml"
    path.write_bytes(text.encode("utf-8", "replace"))
    result = _invoke(["generate", str(path), "-o", str(out), "--xlsx"] + (["--force"] if force else []))
    after = _digest(out)
    if result.exit_code == 0:  # complete: both files of the run, each a whole zip (.docx/.xlsx)
        made = [line.split("已生成：", 1)[1].strip() for line in result.output.splitlines() if "已生成：" in line]
        assert len(made) == 2 and all(Path(m).is_file() for m in made), result.output[-2000:]
        for name in after:
            assert zipfile.is_zipfile(out / name) and zipfile.ZipFile(out / name).testzip() is None
    else:
        assert after == before, result.output[-2000:]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]

"""Byte-identical regeneration under every profile: the .docx, the tables .xlsx and the fill-in
workbook of each sample come out the same bytes twice (into different folders, at different times)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.layout.profile import shipped_profiles
from generator.pipeline import generate
from generator.writing.fill_in import write_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "inputs").glob("*.yaml"))


@pytest.mark.parametrize("profile", shipped_profiles())
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_same_bytes_twice(sample: Path, profile: str, tmp_path: Path):
    first = generate(sample, tmp_path / "a", profile=profile, force=True, xlsx=True).written
    second = generate(sample, tmp_path / "b", profile=profile, force=True, xlsx=True).written
    assert [Path(p).name for p in first] == [Path(p).name for p in second] and len(first) == 2
    for a, b in zip(first, second, strict=True):
        assert Path(a).read_bytes() == Path(b).read_bytes(), Path(a).name
    write_template(tmp_path / "a.xlsx", sample, profile=profile)
    write_template(tmp_path / "b.xlsx", sample, profile=profile)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()

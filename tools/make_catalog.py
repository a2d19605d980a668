"""Regenerates generator/data/catalog.json from the catalog's YAML sources.

Why this exists: the 科目 catalogs and 名词解释 are edited as YAML (generator/data/*.yaml, with
comments), but parsing 100 KB of YAML with a pure-Python parser cost every `budgetdoc` start
about 0.4 s. The program reads this JSON compilation instead (a few milliseconds); a test fails
when it no longer matches the YAML. Run: `python tools/make_catalog.py` after editing the YAML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ruamel.yaml import YAML

DATA = Path(__file__).resolve().parents[1] / "generator" / "data"
SOURCES = ("function_codes.yaml", "economic_codes.yaml", "terms.yaml")
TARGET = DATA / "catalog.json"


def compiled() -> str:
    """The JSON text for the current YAML sources (keys: the source file names)."""
    data = {name: YAML(typ="safe").load((DATA / name).read_text(encoding="utf-8")) for name in SOURCES}
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True, default=str) + "\n"


def main() -> int:
    TARGET.write_text(compiled(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

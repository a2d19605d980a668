"""Rebuild the committed Word templates of the shipped profiles from their template sources.

Run ``python tools/build_template.py``: for each profile in generator/profiles/, its 模板.txt
(the parts in the profile's order, its tables at ``[[表格]]``) is compiled by
generator/writing/template_build.py into templates/<模板> (湖北: templates/部门预算公开.docx).
Deterministic: same source and profile → byte-identical .docx, so the built files are committed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.layout.profile import load_profile, shipped_profiles  # noqa: E402
from generator.writing.template_build import SourceError, compile_profile  # noqa: E402

TEMPLATES = ROOT / "templates"


def built_templates() -> dict[Path, bytes]:
    """Every shipped profile's template path and freshly compiled bytes."""
    out = {}
    for name in shipped_profiles():
        profile = load_profile(name)
        out[TEMPLATES / profile.模板] = compile_profile(profile)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    try:
        built = built_templates()
    except SourceError as exc:
        print(f"模板源有误：{exc}", file=sys.stderr)
        return 1
    for path, data in built.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compile the 决算 template sources (generator/profiles/<版式>/决算模板.txt) into templates/部门决算公开_<版式>.docx.

Why this tool exists: as for the budget's profiles (tools/build_template.py), the 决算 wording lives in
reviewable text and the Word template is built from it by the same compiler
(generator/writing/template_build.py: GB/T 9704 styles, sections, page numbers), deterministically
(same source → byte-identical .docx), so the built files are committed. Which tables sit on
landscape pages is the layout's data (the profile's 决算.横向). Run
``python tools/build_final_templates.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.layout.final_narrate import final_profiles  # noqa: E402
from generator.layout.profile import load_profile  # noqa: E402
from generator.writing.render import compile_final  # noqa: E402

TEMPLATES = ROOT / "templates"


def build_final_template(name: str) -> bytes:
    """The compiled 决算 template of one shipped profile (deterministic bytes)."""
    return compile_final(load_profile(name))


def built_final_templates() -> dict[Path, bytes]:
    out = {}
    for name in final_profiles():
        spec = load_profile(name).决算
        assert spec is not None
        if spec.模板:
            out[TEMPLATES / spec.模板] = build_final_template(name)
    return out


def main() -> int:
    for path, data in built_final_templates().items():
        path.write_bytes(data)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

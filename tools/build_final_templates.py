"""Compile the 决算 template sources (generator/profiles/决算/<版式>/模板.txt) into templates/部门决算公开_<版式>.docx.

Why this tool exists: as for the budget's profiles (tools/build_template.py), the 决算 wording lives in
reviewable text and the Word template is built from it by the same compiler
(generator/writing/template_build.py: GB/T 9704 styles, sections, page numbers), deterministically
(same source → byte-identical .docx), so the built files are committed. Which tables sit on
landscape pages is the layout's data (profiles/决算/决算版式.yaml, 横向). Run
``python tools/build_final_templates.py``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.layout.final_narrate import FINAL_PROFILES, final_layouts  # noqa: E402
from generator.writing.render import normalize_docx_bytes  # noqa: E402
from generator.writing.template_build import Builder  # noqa: E402

TEMPLATES = ROOT / "templates"


def build_final_template(name: str) -> bytes:
    """The compiled template of one 决算 layout (deterministic bytes)."""
    layout = final_layouts()[name]
    lines = (ROOT / "generator" / FINAL_PROFILES / layout.模板源).read_text(encoding="utf-8").splitlines()
    doc = Builder(lines, layout.横向).build()
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_docx_bytes(buf.getvalue())


def built_final_templates() -> dict[Path, bytes]:
    return {TEMPLATES / layout.模板: build_final_template(name) for name, layout in final_layouts().items()}


def main() -> int:
    for path, data in built_final_templates().items():
        path.write_bytes(data)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

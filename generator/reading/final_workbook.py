"""The 决算 workbook's two sections that are not one list item per row (see final_workbook_layout.py).

Why this module exists: ``workbook.py`` reads every sheet the same way; a 决算 has two sections
that map rows to something else: 各类支出主要用途 (rows → ``支出.类说明``, a mapping by 类 code)
and 绩效指标完成情况 (rows → the ``指标`` of the project named in 归属, or of the 整体 自评). Each
row keeps its cell, so a finding on an indicator says ``决算.xlsx:绩效自评!D23``.
"""

from __future__ import annotations

import re
from typing import Any

from .final_workbook_layout import CLASS_USES, INDICATOR_ROWS, WHOLE


def assemble_final(asm: Any, parsed: dict) -> None:
    """Fill the 决算 data of the special sections into the assembler's data (``workbook._Assembler``)."""
    uses = parsed.get("功能分类支出", {}).get(CLASS_USES.title)
    if uses is not None:
        _class_uses(asm, uses)
    indicators = parsed.get("绩效自评", {}).get(INDICATOR_ROWS.title)
    if indicators is not None:
        _indicators(asm, indicators)


def _class_uses(asm: Any, parsed: Any) -> None:
    base = ("支出", "类说明")
    asm.pos(base, parsed.title_pos)
    code_h, text_h = (c.header for c in CLASS_USES.cols)
    out: dict[str, str] = {}
    for row in parsed.rows:
        code, text = row.get(code_h), row.get(text_h)
        where = row.cells[code_h].pos if code_h in row.cells else row.pos
        if not code:
            asm.reader.issue("XLSX-VALUE", f"这一行填了主要用途，但没有填“{code_h}”", where)
            continue
        if not re.fullmatch(r"[0-9]{3}", str(code)):
            asm.reader.issue("XLSX-VALUE", f"类编码“{code}”应为3位（如 206）", where)
            continue
        if code in out:
            asm.reader.issue("XLSX-VALUE", f"类编码 {code} 出现了两次，请合并为一行", where)
            continue
        asm.pos(base + (code,), row.cells[text_h].pos if text_h in row.cells else where)
        out[code] = text or ""
    if out:
        asm.put(base, out)


def _indicators(asm: Any, parsed: Any) -> None:
    evaluation = asm.data.get("绩效自评", {})
    projects = evaluation.get("项目", []) if isinstance(evaluation, dict) else []
    by_name: dict[str, int] = {}
    for i, p in enumerate(projects):
        if isinstance(p, dict) and isinstance(p.get("项目名称"), str):
            by_name.setdefault(p["项目名称"], i)
    cols = INDICATOR_ROWS.cols[1:]
    owner_h = INDICATOR_ROWS.cols[0].header
    lists: dict[tuple, list] = {}
    for row in parsed.rows:
        cell = row.cells.get(owner_h)
        ref = None if cell is None else cell.value
        where = row.pos if cell is None else cell.pos
        if not ref:
            asm.reader.issue("XLSX-REF", f"这一行指标没有填“{owner_h}”（项目名称，或 {WHOLE}）", where)
            continue
        if ref == WHOLE:
            base: tuple = ("绩效自评", "整体", "指标")
        elif ref in by_name:
            base = ("绩效自评", "项目", by_name[ref], "指标")
        else:
            asm.reader.issue("XLSX-REF", f"归属“{ref}”不是“项目支出绩效自评”表中的项目名称，也不是“{WHOLE}”", where)
            continue
        items = lists.setdefault(base, [])
        asm.pos(base, where)
        items.append(asm.row_object(row, cols, base + (len(items),)))
    for base, items in lists.items():
        if base[1] == "整体":
            asm.data.setdefault("绩效自评", {}).setdefault("整体", {})["指标"] = items
        else:
            projects[base[2]]["指标"] = items


__all__ = ["assemble_final"]

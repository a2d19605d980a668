"""Variants of the 档案馆 sample with one declared total 0.01 (or a few cents) off the sum of its parts (R12).

Each variant is one kind of total the input can declare; within 尾差 the document must print the
declared figure (the exact one from the 元 system) and put the 尾差 note under the table.
``VARIANTS``: name → (edits as (old, new, count), the declared figure, the sum of its parts).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

SMALL = Path(__file__).resolve().parents[1] / "inputs" / "示例县档案馆_2024.yaml"

D = Decimal
VARIANTS: dict[str, tuple[list[tuple[str, str, int]], Decimal, Decimal]] = {
    "收入合计与总计": ([("  本年收入合计: 339.56\n  收入总计: 339.56", "  本年收入合计: 339.57\n  收入总计: 339.57", 1)],
                D("339.57"), D("339.56")),
    "支出合计与总计": ([("  本年支出合计: 339.56\n  支出总计: 339.56", "  本年支出合计: 339.57\n  支出总计: 339.57", 1)],
                D("339.57"), D("339.56")),
    "类款小计": ([("  本年支出合计: 339.56\n", "  小计:\n    - {科目编码: \"201\", 科目名称: 一般公共服务支出, 合计: 247.39}\n"
                  "  本年支出合计: 339.56\n", 1)], D("247.39"), D("247.38")),
    "功能分类行合计": ([("人员经费: 168.42, 公用经费: 21.36}", "人员经费: 168.42, 公用经费: 21.36, 合计: 189.79}", 1)],
                 D("189.79"), D("189.78")),
    "功能分类行基本支出": ([("人员经费: 168.42, 公用经费: 21.36}", "人员经费: 168.42, 公用经费: 21.36, 基本支出: 189.77}", 1)],
                   D("189.77"), D("189.78")),
    "经济分类行合计": ([("基本工资, 人员经费: 49.56}", "基本工资, 人员经费: 49.56, 合计: 49.57}", 1)], D("49.57"), D("49.56")),
    "三公合计": ([("三公经费:\n  因公出国（境）费: 0\n  公务用车购置费: 0\n  公务用车运行维护费: 0\n  公务接待费: 0\n  合计: 0",
               "三公经费:\n  因公出国（境）费: 0.50\n  公务用车购置费: 0\n  公务用车运行维护费: 0\n  公务接待费: 0.30\n  合计: 0.81", 1)],
              D("0.81"), D("0.80")),
    "公务用车购置及运行费": ([("  公务用车购置费: 0\n  公务用车运行维护费: 0\n  公务接待费: 0\n  合计: 0",
                     "  公务用车购置费: 0.40\n  公务用车运行维护费: 0\n  公务用车购置及运行费: 0.41\n  公务接待费: 0\n  合计: 0.41", 1)],
                    D("0.41"), D("0.40")),
    "政府采购合计": ([("政府采购:\n  货物: 0\n  工程: 0\n  服务: 0\n  面向中小企业: 0\n  面向小微企业: 0\n  合计: 0",
                 "政府采购:\n  货物: 3.00\n  工程: 0\n  服务: 0\n  面向中小企业: 0\n  面向小微企业: 0\n  合计: 3.01", 1)],
                D("3.01"), D("3.00")),
    "项目合计": ([("资金来源: {一般公共预算: 9.60}\n    合计: 9.60", "资金来源: {一般公共预算: 9.60}\n    合计: 9.61", 1)],
              D("9.61"), D("9.60")),
}


def edited(text: str, edits: list[tuple[str, str, int]]) -> str:
    for old, new, count in edits:
        found = text.count(old)
        assert found == count, f"编辑 {old!r}：应出现 {count} 次，实际 {found} 次"
        text = text.replace(old, new)
    return text


def write_variant(name: str, folder: Path, extra: list[tuple[str, str, int]] | None = None, twin: bool = False) -> Path:
    """The variant's input file in ``folder`` (``extra`` edits on top, e.g. the table unit).

    ``twin``: the same input with the declared total equal to the sum of its parts (no 尾差): where
    the twin prints the parts' sum, the variant must print the declared figure."""
    edits, declared, parts = VARIANTS[name]
    if twin:
        edits = [(old, new.replace(f"{declared}", f"{parts}"), n) for old, new, n in edits]
    path = folder / f"档案馆@{name}{'@twin' if twin else ''}.yaml"
    path.write_text(edited(SMALL.read_text(encoding="utf-8"), edits + (extra or [])), encoding="utf-8")
    return path

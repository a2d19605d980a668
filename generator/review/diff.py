"""Diff: every table cell and every sentence that differs between two inputs' documents.

Why this module exists: after an edit, a reviewer wants to see exactly what the re-published
disclosure changes before it goes out: figures as (table, row, column, old → new) and sentences
as old → new, grouped by the document's parts. Both inputs are validated and both render contexts
built by the same code as `generate`; the cells come from the typed context (the tables), the
sentences from the document rendered in memory (nothing is written), so what is compared is
exactly what would be published. Used by `budgetdoc diff` and by the web workbench.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..findings import Finding

COVER = "封面与目录"
TABLES = "表格"
_PART = re.compile(r"^(第[一二三四五六七八九十]+部分)")
_SENTENCE_END = re.compile(r"(?<=[。！？])")
_LONG = 60


@dataclass(frozen=True)
class CellChange:
    """One table cell whose displayed text differs; None when the cell (its row) exists on one side only."""

    table: str
    row: str
    column: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class SentenceChange:
    """One sentence replaced (both set), removed (new is None) or added (old is None)."""

    old: str | None
    new: str | None


@dataclass
class PartDiff:
    part: str
    cells: list[CellChange] = field(default_factory=list)
    sentences: list[SentenceChange] = field(default_factory=list)


@dataclass
class Snapshot:
    """What one input publishes, in comparable form: cells by table and sentences by part."""

    file: str
    findings: list[Finding]
    part_titles: dict[str, str]
    sentences: dict[str, list[str]]
    tables: dict[str, tuple[str, dict[tuple[str, str], str]]]
    """table key → (title, {(row, column): text}), in document order."""
    table_parts: dict[str, str]


@dataclass
class DocumentDiff:
    old: Snapshot
    new: Snapshot
    parts: list[PartDiff]

    @property
    def cell_count(self) -> int:
        return sum(len(p.cells) for p in self.parts)

    @property
    def sentence_count(self) -> int:
        return sum(len(p.sentences) for p in self.parts)

    @property
    def identical(self) -> bool:
        return not self.parts

    def summary(self) -> str:
        if self.identical:
            return "两份文档的表格和文字完全相同。"
        return f"{self.cell_count} 处表格数字、{self.sentence_count} 句文字不同。"

    def to_json(self) -> dict:
        return {
            "old": self.old.file,
            "new": self.new.file,
            "identical": self.identical,
            "cells": self.cell_count,
            "sentences": self.sentence_count,
            "old_findings": _counts(self.old.findings),
            "new_findings": _counts(self.new.findings),
            "parts": [
                {
                    "part": p.part,
                    "cells": [vars(c) for c in p.cells],
                    "sentences": [vars(s) for s in p.sentences],
                }
                for p in self.parts
            ],
        }

    def render_text(self) -> str:
        lines = [f"比较：{self.old.file} → {self.new.file}"]
        for label, snap in (("旧", self.old), ("新", self.new)):
            if snap.findings:
                c = _counts(snap.findings)
                lines.append(f"（{label}文件校验：{c['errors']} 个错误，{c['warnings']} 个警告）")
        for part in self.parts:
            lines.append(f"== {part.part}")
            table = None
            for cell in part.cells:
                if cell.table != table:
                    table = cell.table
                    lines.append(f"  {table}")
                lines.extend(_cell_lines(cell))
            for s in part.sentences:
                if s.old is None:
                    lines.append(f"  新增：{s.new}")
                elif s.new is None:
                    lines.append(f"  删去：{s.old}")
                else:
                    lines.append(f"  原为：{s.old}")
                    lines.append(f"  改为：{s.new}")
        lines.append(self.summary())
        return "\n".join(lines)


class DiffError(Exception):
    """An input that cannot be compared (unreadable, or no model could be built): exit code 2."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []
        self.exit_code = 2


def _counts(findings: list[Finding]) -> dict[str, int]:
    errors = sum(f.severity == "error" for f in findings)
    return {"errors": errors, "warnings": len(findings) - errors}


def _cell_lines(cell: CellChange) -> list[str]:
    """A figure as old → new; a long text cell by its changed sentences only."""
    head = f"    {cell.row} · {cell.column}："
    if cell.old is None or cell.new is None or max(len(cell.old), len(cell.new)) <= _LONG:
        return [f"{head}{_shown(cell.old)} → {_shown(cell.new)}"]
    lines = [head]
    for s in sentence_changes(_sentences(cell.old), _sentences(cell.new)):
        lines.append(f"      {_shown(s.old)} → {_shown(s.new)}" if s.old and s.new
                     else f"      删去：{s.old}" if s.old else f"      新增：{s.new}")
    return lines


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _shown(value: str | None) -> str:
    if value is None:
        return "（无此行）"
    return value if value != "" else "（空）"


# ================================================================= snapshots


def _clean(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").split())


def _column_labels(header: list[list]) -> list[str]:
    """Leaf labels of a (possibly merged) header: '基本支出 / 人员经费'."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(header):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = _clean(cell.text)
            c += cell.colspan
        width = max(width, c)
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in range(len(header)):
            text = grid.get((r, c), "")
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        labels.append(" / ".join(parts) or f"第{c + 1}列")
    return labels


def _budget_table_cells(table) -> dict[tuple[str, str], str]:
    """Cells keyed by (row label, column label); a row's label is the left-aligned text before the cell."""
    columns = _column_labels(table.header)
    cells: dict[tuple[str, str], str] = {}
    seen: dict[str, int] = {}
    for index, row in enumerate(table.rows):
        label, block, prev_left = "", [], False
        labels: list[str] = []
        for c, text in enumerate(row.cells):
            left = c < len(table.align) and table.align[c] == "left"
            if left:
                block = block if prev_left else []
                block.append(_clean(text))
                label = " ".join(t for t in block if t)
            labels.append(label)
            prev_left = left
        for c, text in enumerate(row.cells):
            if c < len(table.align) and table.align[c] == "left":
                continue
            row_label = labels[c] or f"第{index + 1}行"
            count = seen.get(f"{row_label}\0{c}", 0) + 1
            seen[f"{row_label}\0{c}"] = count
            if count > 1:
                row_label += f"（第{count}次）"
            column = columns[c] if c < len(columns) else f"第{c + 1}列"
            cells[(row_label, column)] = _clean(text)
    return cells


def _perf_cells(perf) -> dict[tuple[str, str], str]:
    cells: dict[tuple[str, str], str] = {}
    for label, value in perf.info:
        cells[(_clean(label), "内容")] = _clean(value)
    for ind in perf.indicators:
        row = " / ".join(_clean(t) for t in (ind.一级指标, ind.二级指标, ind.三级指标) if t)
        for column, value in (("指标值", ind.指标值文字), (f"{perf.years[0]}年", ind.前年文字),
                              (f"{perf.years[1]}年", ind.上年文字), ("指标值确定依据", ind.指标值确定依据)):
            cells[(row, column)] = _clean(value)
    return cells


def _context_tables(ctx) -> dict[str, tuple[str, dict[tuple[str, str], str]]]:
    tables: dict[str, tuple[str, dict[tuple[str, str], str]]] = {}
    for key, table in getattr(ctx, "表", {}).items():
        tables[key] = (table.title, _budget_table_cells(table))
    perf = getattr(ctx, "整体绩效", None)
    if perf is not None:
        tables["整体绩效"] = (perf.title, _perf_cells(perf))
    for i, goal in enumerate(getattr(ctx, "整体绩效目标", []) or [], start=1):
        tables[f"整体绩效目标{i}"] = (f"{perf.title if perf else ''} {goal.title}".strip(), _perf_cells(goal))
    for project in getattr(ctx, "项目绩效", []) or []:
        tables[f"项目绩效:{project.title}"] = (project.title, _perf_cells(project))
    return tables


def _document_text(data: bytes) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """Part titles, sentences by part and the part of every paragraph text, from the rendered .docx."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    titles: dict[str, str] = {COVER: COVER}
    sentences: dict[str, list[str]] = {COVER: []}
    where: dict[str, str] = {}
    part = COVER
    for paragraph in doc.paragraphs:
        text = _clean(paragraph.text)
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if not text:
            continue
        if style.lower().startswith("toc"):
            sentences[COVER].append(text)
            continue
        match = _PART.match(text)
        if match:
            part = match.group(1)
            titles[part] = text
            sentences.setdefault(part, [])
            continue
        where.setdefault(text, part)
        sentences.setdefault(part, []).extend(_sentences(text))
    return titles, sentences, where


def _render(result, path, settings: Settings, template_dir, profile) -> tuple[bytes, object]:
    """The .docx bytes `generate` would write (budget in its layout profile, or the 决算), in memory."""
    from ..layout.narrate import build_context
    from ..layout.profile import ProfileError
    from ..pipeline import choose_final_profile, choose_profile
    from ..reading.final_model import FinalAccounts
    from ..writing.render import RenderError, final_template, render_bytes, template_path

    folder = Path(template_dir) if template_dir else None
    if isinstance(result.budget, FinalAccounts):
        from ..layout.final_narrate import build_final_context

        choose, build, template = choose_final_profile, build_final_context, final_template
    else:
        choose, build, template = choose_profile, build_context, template_path
    try:
        chosen = choose(result.budget, path, settings, profile)
    except ProfileError as exc:
        raise DiffError(f"{result.file}：版式有错误，不能比较。", [*result.findings, *exc.findings]) from None
    try:
        ctx = build(result.budget, settings, None, chosen)
        return render_bytes(ctx, template(folder, chosen)), ctx
    except RenderError as exc:
        raise DiffError(str(exc), result.findings) from None


def snapshot(path: str | Path, settings: Settings | None = None, template_dir: str | Path | None = None,
             profile: str | Path | None = None) -> Snapshot:
    """Validate one input and build what its document publishes (in its layout profile); DiffError when it has no model."""
    from ..pipeline import validate

    settings = settings or Settings()
    result = validate(path, settings, profile)
    if result.budget is None:
        kind = "无法读取" if result.unreadable else "有错误，无法建立预算数据"
        raise DiffError(f"{result.file}：{kind}，不能比较。", result.findings)
    data, ctx = _render(result, path, settings, template_dir, profile)
    titles, sentences, where = _document_text(data)
    tables = _context_tables(ctx)
    table_parts = {key: where.get(_clean(title), TABLES) for key, (title, _) in tables.items()}
    for key in tables:
        if key.startswith("整体绩效目标") and table_parts[key] == TABLES:
            table_parts[key] = table_parts.get("整体绩效", TABLES)
    return Snapshot(result.file, result.findings, titles, sentences, tables, table_parts)


# ================================================================= comparing


def _union(new: list, old: list) -> list:
    """Keys in the new document's order, then those only the old one has."""
    seen = set(new)
    return list(new) + [k for k in old if k not in seen]


def _table_changes(old: Snapshot, new: Snapshot) -> dict[str, list[CellChange]]:
    by_part: dict[str, list[CellChange]] = {}
    for key in _union(list(new.tables), list(old.tables)):
        title_new, cells_new = new.tables.get(key, ("", {}))
        title_old, cells_old = old.tables.get(key, ("", {}))
        title = title_new or title_old
        part = new.table_parts.get(key) or old.table_parts.get(key, TABLES)
        for cell in _union(list(cells_new), list(cells_old)):
            before, after = cells_old.get(cell), cells_new.get(cell)
            if before != after:
                by_part.setdefault(part, []).append(CellChange(title, cell[0], cell[1], before, after))
    return by_part


def sentence_changes(old: list[str], new: list[str]) -> list[SentenceChange]:
    """Replaced, removed and added sentences, in document order (difflib on whole sentences)."""
    changes: list[SentenceChange] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = old[i1:i2], new[j1:j2]
        for k in range(max(len(before), len(after))):
            changes.append(SentenceChange(before[k] if k < len(before) else None,
                                          after[k] if k < len(after) else None))
    return changes


def compare(old: Snapshot, new: Snapshot) -> DocumentDiff:
    cells = _table_changes(old, new)
    parts: list[PartDiff] = []
    for part in _union(list(new.sentences), list(old.sentences)) + [p for p in cells if p not in new.sentences
                                                                    and p not in old.sentences]:
        diff = PartDiff(new.part_titles.get(part) or old.part_titles.get(part) or part, cells.get(part, []),
                        sentence_changes(old.sentences.get(part, []), new.sentences.get(part, [])))
        if diff.cells or diff.sentences:
            parts.append(diff)
    return DocumentDiff(old, new, parts)


def diff_files(old: str | Path, new: str | Path, settings: Settings | None = None,
               template_dir: str | Path | None = None, profile: str | Path | None = None) -> DocumentDiff:
    """Validate both inputs, build both documents (same profile rules as `generate`) and list every difference."""
    return compare(snapshot(old, settings, template_dir, profile), snapshot(new, settings, template_dir, profile))

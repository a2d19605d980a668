"""The orchestrator: load → model → check → compute → narrate → render, in one direction.

Why this module exists: like beancount's loader, one place calls the stages in order so that
the CLI, the tests and other callers (a finance bureau's batch script) all get the same
behaviour: every finding collected before anything is written, nothing written on error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .findings import Finding, InputError, SourceMap, has_errors
from .reading.final_model import FinalAccounts, build_final, is_final
from .reading.load import load_file
from .reading.model import Budget, build
from .rules.check import run_checks


@dataclass
class Validated:
    """The outcome of validating one file: the model (None if it could not be built) and findings."""

    file: str
    budget: Budget | FinalAccounts | None
    """The validated model: a Budget, or FinalAccounts when 基本信息.文种 is 决算."""
    source: SourceMap | None
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return self.budget is not None and not has_errors(self.findings)


def read_input(path: str | Path) -> tuple[object, SourceMap]:
    """Load stage dispatch: YAML/JSON as text, .xlsx workbooks through the Excel reader."""
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        from .reading.workbook import read_workbook  # imported lazily: only Excel users pay for openpyxl

        return read_workbook(path)
    return load_file(path)


def validate(path: str | Path, settings: Settings | None = None) -> Validated:
    """Load, build the model and run every rule; never raises for bad input."""
    shown = str(path)
    try:
        data, source = read_input(path)
    except InputError as exc:
        cell_findings = getattr(exc, "findings", None)  # a workbook with problems in its cells
        if cell_findings:
            return Validated(shown, None, None, list(cell_findings))
        return Validated(shown, None, None, [exc.finding], unreadable=True)
    budget, findings = build_final(data, source) if is_final(data) else build(data, source)
    if budget is None:
        return Validated(shown, None, source, findings)
    return Validated(shown, budget, source, run_checks(budget, source, settings))


class GenerateError(Exception):
    """Generation refused or failed; carries the findings to print and the exit code."""

    def __init__(self, message: str, findings: list[Finding] | None = None, exit_code: int = 1):
        super().__init__(message)
        self.findings = findings or []
        self.exit_code = exit_code


@dataclass
class Generated:
    findings: list[Finding]
    written: list[Path]
    problem: str = ""
    """A later step (PDF) that failed after the .docx was written: reported with exit code 2."""


def _output_dir(out: Path, findings: list[Finding]) -> Path:
    if out.exists() and not out.is_dir():
        raise GenerateError(f"输出位置 {out} 已存在但不是目录，请用 -o 指定一个目录", findings, 2)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GenerateError(f"无法创建输出目录 {out}：{exc.strerror or exc}", findings, 2) from None
    return out


def generate(
    path: str | Path,
    out_dir: str | Path = "outputs",
    settings: Settings | None = None,
    template_dir: str | Path | None = None,
    force: bool = False,
    pdf: bool = False,
    xlsx: bool = False,
) -> Generated:
    """Validate, then compute and render the disclosure; nothing is written when validation fails."""
    from .layout.narrate import build_context
    from .writing.render import RenderError, output_name, render_docx, template_path

    settings = settings or Settings()
    result = validate(path, settings)
    if result.budget is None:
        code = 2 if result.unreadable else 1
        raise GenerateError("无法生成：输入文件有错误，未写出任何文件。", result.findings, code)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors and not force:
        raise GenerateError(f"未生成：校验发现 {len(errors)} 个错误（修正后重试，或加 --force 强制生成带警示的文档）。",
                            result.findings, 1)
    failed = [f"{f.location()} [{f.rule}] {f.message}" for f in errors]
    ctx = build_context(result.budget, settings, failed)
    try:
        template_path(Path(template_dir) if template_dir else None)  # before any folder or file is made
    except RenderError as exc:
        raise GenerateError(str(exc), result.findings, 2) from None
    out = _output_dir(Path(out_dir), result.findings)
    names = [output_name(ctx, "部门预算公开", ".docx")] + ([output_name(ctx, "部门预算表", ".xlsx")] if xlsx else [])
    stage = Path(tempfile.mkdtemp(prefix=".budgetdoc-", dir=out))
    try:  # every file is made in a staging folder first: all of them land, or none
        render_docx(ctx, stage / names[0], Path(template_dir) if template_dir else None)
        if xlsx:
            from .writing.tables_xlsx import write_tables_xlsx

            write_tables_xlsx(ctx, stage / names[1])
        written = []
        for name in names:
            os.replace(stage / name, out / name)
            written.append(out / name)
    except RenderError as exc:
        raise GenerateError(str(exc), result.findings, 2) from None
    except Exception as exc:  # noqa: BLE001 - a disk or writer failure must not surface as a traceback
        raise GenerateError(f"写出失败，未改动已有文件：{type(exc).__name__}: {exc}", result.findings, 2) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    problem = ""
    if pdf:
        from .writing.pdf import PdfError, convert_to_pdf

        pdf_path = written[0].with_suffix(".pdf")
        try:
            written.append(convert_to_pdf(written[0]))
        except PdfError as exc:
            problem = str(exc)
            if pdf_path.exists():  # it shows last run's figures: never leave it beside the new document
                pdf_path.unlink()
                problem += f"\n已删除与新文档不一致的旧 PDF：{pdf_path}"
    return Generated(result.findings, written, problem)

"""The orchestrator: load → model → check → compute → narrate → render, in one direction.

Why this module exists: like beancount's loader, one place calls the stages in order so that
the CLI, the tests and other callers (a finance bureau's batch script) all get the same
behaviour: every finding collected before anything is written, nothing written on error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .check import run_checks
from .config import Settings
from .findings import Finding, InputError, SourceMap, has_errors
from .load import load_file
from .model import Budget, build


@dataclass
class Validated:
    """The outcome of validating one file: the model (None if it could not be built) and findings."""

    file: str
    budget: Budget | None
    source: SourceMap | None
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return self.budget is not None and not has_errors(self.findings)


def read_input(path: str | Path) -> tuple[object, SourceMap]:
    """Load stage dispatch: YAML/JSON as text, .xlsx workbooks through the Excel reader."""
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        from .excel import read_workbook  # imported lazily: only Excel users pay for openpyxl

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
    budget, findings = build(data, source)
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
    from .narrate import build_context
    from .render import RenderError, output_name, render_docx

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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docx_path = out / output_name(ctx, "部门预算公开", ".docx")
    try:
        render_docx(ctx, docx_path, Path(template_dir) if template_dir else None)
    except RenderError as exc:
        raise GenerateError(str(exc), result.findings, 2) from None
    written = [docx_path]
    if xlsx:
        from .excel import write_tables_xlsx

        xlsx_path = out / output_name(ctx, "部门预算表", ".xlsx")
        write_tables_xlsx(ctx, xlsx_path)
        written.append(xlsx_path)
    problem = ""
    if pdf:
        from .pdf import PdfError, convert_to_pdf

        try:
            written.append(convert_to_pdf(docx_path))
        except PdfError as exc:
            problem = str(exc)
    return Generated(result.findings, written, problem)

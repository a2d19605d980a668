"""The orchestrator: load → model → check → compute → narrate → render, in one direction.

Why this module exists: like beancount's loader, one place calls the stages in order so that
the CLI, the tests and other callers (a finance bureau's batch script) all get the same
behaviour: every finding collected before anything is written, nothing written on error.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .findings import Finding, InputError, SourceMap, has_errors
from .reading.final_terms import is_final
from .reading.load import load_file
from .reading.model import Budget, build
from .rules.check import run_checks
from .writing.files import os_reason

if TYPE_CHECKING:  # the layouts are needed to generate, not to validate: imported there (speed);
    from .layout.profile import Profile  # the 决算 models only for a 决算
    from .reading.final_model import FinalAccounts


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


def validate(path: str | Path, settings: Settings | None = None, profile: str | Path | None = None) -> Validated:
    """Load, build the model and run every rule; never raises for bad input. ``profile`` (--profile) names
    the layout as for generate: the rules that depend on what the layout prints look at the chosen one."""
    shown = str(path)
    try:
        data, source = read_input(path)
    except InputError as exc:
        cell_findings = getattr(exc, "findings", None)  # a workbook with problems in its cells
        if cell_findings:
            return Validated(shown, None, None, list(cell_findings))
        return Validated(shown, None, None, [exc.finding], unreadable=True)
    if is_final(data):
        from .reading.final_model import build_final

        budget, findings = build_final(data, source)
    else:
        budget, findings = build(data, source)
    if budget is None:
        return Validated(shown, None, source, findings)
    settings = settings or Settings()
    chosen = lambda: choose_profile(budget, path, settings, profile)  # noqa: E731 - loaded only if a rule asks
    return Validated(shown, budget, source, run_checks(budget, source, settings, chosen))


def choose_profile(budget: Budget | FinalAccounts, path: str | Path, settings: Settings, profile: str | Path | None = None) -> Profile:
    """The layout: ``--profile``, else the input's 基本信息.版式 (a path relative to the input file),
    else the config's 版式 (relative to the config file), else 湖北."""
    from .layout.profile import DEFAULT_PROFILE, load_profile

    if profile:
        return load_profile(profile, Path.cwd())
    if budget.基本信息.版式:
        return load_profile(budget.基本信息.版式, Path(path).parent)
    if settings.版式:
        return load_profile(settings.版式, settings.base_dir)
    return load_profile(DEFAULT_PROFILE)


def choose_final_profile(budget: FinalAccounts, path: str | Path, settings: Settings,
                         profile: str | Path | None = None) -> Profile:
    """The layout of a 决算, chosen as for a budget (choose_profile); ProfileError when it has no 决算 layout."""
    from .layout.final_narrate import final_layout

    chosen = choose_profile(budget, path, settings, profile)
    final_layout(chosen)
    return chosen


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
    """Kept for callers of the earlier API: always empty now (a failed step raises GenerateError)."""
    removed: list[Path] = field(default_factory=list)
    """Files of a previous run that this run made stale (e.g. a PDF when regenerating without --pdf)."""
    cleaned: list[Path] = field(default_factory=list)
    """Staging folders of killed runs removed from the output folder."""


def _output_dir(out: Path, findings: list[Finding]) -> Path:
    if out.exists() and not out.is_dir():
        raise GenerateError(f"输出位置 {out} 已存在但不是目录，请用 -o 指定一个目录", findings, 2)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GenerateError(f"无法创建输出目录 {out}：{os_reason(exc)}", findings, 2) from None
    return out


def _outputs(ctx: object, xlsx: bool, pdf: bool) -> tuple[list[str], list[str]]:
    """The file names this run writes, and the other names a run for the same budget may have written;
    their 文种 words are the profile's (ctx.文件名: 上海 单位预算公开 / 单位预算表, 决算 部门决算公开 …)."""
    from .writing.render import output_name

    names = ctx.文件名  # type: ignore[attr-defined]
    docx = output_name(ctx, names.文档, ".docx")
    every = {"docx": docx, "xlsx": output_name(ctx, names.工作簿, ".xlsx"), "pdf": docx[: -len(".docx")] + ".pdf"}
    wanted = {"docx": True, "xlsx": xlsx, "pdf": pdf}
    return [every[k] for k in every if wanted[k]], [every[k] for k in every if not wanted[k]]


def _write_all(ctx: object, stage: Path, names: list[str], template: object, xlsx: bool, pdf: bool) -> None:
    """Make every file of the run in the staging folder (raises RenderError, PdfError or OSError)."""
    from .writing.render import render_bytes, write_atomic

    write_atomic(stage / names[0], render_bytes(ctx, template))
    if xlsx:
        from .writing.tables_xlsx import write_tables_xlsx

        write_tables_xlsx(ctx, stage / names[1])
    if pdf:
        from .writing.pdf import convert_to_pdf

        convert_to_pdf(stage / names[0], stage)


def generate(
    path: str | Path,
    out_dir: str | Path = "outputs",
    settings: Settings | None = None,
    template_dir: str | Path | None = None,
    force: bool = False,
    pdf: bool = False,
    xlsx: bool = False,
    profile: str | Path | None = None,
) -> Generated:
    """Validate, then compute and render the disclosure; nothing is written when validation fails.

    One run's files (.docx, and .xlsx/.pdf when asked) land together or not at all: all are made
    in a staging folder inside the output folder, then moved in as one step that puts the previous
    files back if any move fails (files.commit). Outputs of a previous run that this run does not
    make (a PDF from an earlier --pdf run) are removed, so no file disagrees with the new document."""
    from .layout.narrate import build_context
    from .layout.profile import ProfileError
    from .writing import files
    from .writing.pdf import PdfError, check_tools
    from .writing.render import RenderError, template_path

    settings = settings or Settings()
    result = validate(path, settings, profile)
    if result.budget is None:
        code = 2 if result.unreadable else 1
        raise GenerateError("无法生成：输入文件有错误，未写出任何文件。", result.findings, code)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors and not force:
        raise GenerateError(f"未生成：校验发现 {len(errors)} 个错误（修正后重试，或加 --force 强制生成带警示的文档）。",
                            result.findings, 1)
    failed = [f"{f.location()} [{f.rule}] {f.message}" for f in errors]
    final = not isinstance(result.budget, Budget)  # a FinalAccounts (its models are imported only for a 决算)
    try:  # the layout of either 文种: --profile, 基本信息.版式, config 版式, else 湖北
        if final:
            chosen = choose_final_profile(result.budget, path, settings, profile)
        else:
            chosen = choose_profile(result.budget, path, settings, profile)
    except ProfileError as exc:
        raise GenerateError("版式有错误，未写出任何文件。", [*result.findings, *exc.findings], 1) from None
    if final:
        from .layout.final_narrate import build_final_context

        ctx: object = build_final_context(result.budget, settings, failed, chosen)
    else:
        ctx = build_context(result.budget, settings, failed, chosen)
    try:  # before any folder or file is made
        if final:
            from .writing.render import final_template

            template: object = final_template(Path(template_dir) if template_dir else None, chosen)
        else:
            template = template_path(Path(template_dir) if template_dir else None, chosen)
        if pdf:
            check_tools()
    except (RenderError, PdfError) as exc:
        raise GenerateError(f"{exc}（未写出任何文件）", result.findings, 2) from None
    out = _output_dir(Path(out_dir), result.findings)
    cleaned = files.clean_stale_staging(out)
    names, others = _outputs(ctx, xlsx, pdf)
    for name in names:
        if (out / name).is_dir():
            raise GenerateError(f"无法写出 {out / name}：这个名字已被一个目录占用，请移走该目录后重试（未改动已有文件）",
                                result.findings, 2)
    try:
        stage = files.make_staging(out)
    except OSError as exc:
        raise GenerateError(f"无法在输出目录 {out} 中写入（{os_reason(exc)}），未改动已有文件", result.findings, 2) from None
    keep_stage = False
    try:
        _write_all(ctx, stage, names, template, xlsx, pdf)
        removed = files.commit(stage, out, names, others)
    except (RenderError, PdfError) as exc:
        raise GenerateError(f"{exc}（未改动已有文件）", result.findings, 2) from None
    except files.CommitError as exc:
        keep_stage = exc.backup_kept
        raise GenerateError(str(exc), result.findings, 2) from None
    except OSError as exc:
        raise GenerateError(f"写出失败（{os_reason(exc)}），未改动已有文件", result.findings, 2) from None
    except Exception as exc:  # noqa: BLE001 - a writer failure must not surface as a traceback
        raise GenerateError(f"写出失败，未改动已有文件：{type(exc).__name__}: {exc}", result.findings, 2) from None
    finally:
        if not keep_stage:  # else the previous files stay in the staging folder the message names
            shutil.rmtree(stage, ignore_errors=True)
    return Generated(result.findings, [out / n for n in names], "", removed, cleaned)

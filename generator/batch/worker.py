"""The work for one department of a batch, run in a worker process: validate, then render into a stage.

Why this module exists: a batch must check every department and the batch as a whole before
anything lands in the output folder. A worker therefore validates and renders each department
into a private staging folder and returns its record; the parent commits the staged files only
after the cross-batch checks (commit.py), so a batch finding never leaves half a batch written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..config import Settings
from ..fmt import round2, to_unit
from ..pipeline import validate
from ..reading.model import Budget
from .records import FAILED, GENERATED, HAS_ERRORS, HAS_WARNINGS, UNREADABLE, FindingRow, Record


@dataclass(frozen=True)
class Job:
    """What one worker call needs (picklable: sent to worker processes)."""

    path: str
    key: str
    stage: str
    """Folder to render into (created by the worker); empty: validate only."""
    settings: Settings
    template_dir: str | None
    force: bool
    xlsx: bool
    extra_failed: tuple[str, ...] = ()
    """Cross-batch errors to list on the first page of a document generated under --force."""
    profile: str = ""
    """--profile (a shipped name or a path); empty: the input's 版式, else the config's, else 湖北."""


def _wan(value: Decimal | None, unit: str) -> str | None:
    return None if value is None else str(round2(to_unit(value, unit, "万元")))


def figures(b: Budget) -> dict[str, str]:
    """The summary's amounts, in 万元 rounded as the document shows them; an absent one stays absent."""
    from ..layout.compute import compute

    f = compute(b)
    unit = b.基本信息.金额单位
    values = {
        "收入总计": f.income_total,
        "支出总计": f.expense_total,
        "基本支出": f.basic,
        "项目支出": f.by_kind.get("项目支出"),
        "“三公”合计": b.三公经费.total() if b.三公经费 is not None else None,
        "机关运行经费": b.机关运行经费.金额 if b.机关运行经费 is not None else None,
    }
    return {k: shown for k, v in values.items() if (shown := _wan(v, unit)) is not None}


def describe(record: Record, b) -> None:
    """Fill the record's identity fields from the model (a Budget or FinalAccounts; for the cross-batch checks)."""
    info = b.基本信息
    record.部门名称 = info.部门名称 + ("（汇总）" if getattr(info, "汇总", False) else "")
    record.部门编码 = str(info.部门编码 or "")
    record.单位编码 = [str(u.编码) for u in getattr(info, "预算单位", None) or [] if getattr(u, "编码", "")]
    record.预算年度 = str(getattr(info, "预算年度", None) or getattr(info, "决算年度", ""))
    record.文种 = str(getattr(info, "文种", "") or "预算")


def planned_names(ctx, xlsx: bool, pdf: bool) -> list[str]:
    """The files `generate` would write for this context (the .docx first), by its own rule."""
    from ..pipeline import _outputs

    return _outputs(ctx, xlsx, pdf)[0]


def dependencies(profile, template) -> dict[str, str]:
    """Files besides the input that the outputs depend on (the profile's layers, the template), with digests."""
    from ..layout.profile import final_template_source, template_sources
    from .manifest import file_digest

    files = [*profile.source_files, *template_sources(profile)]
    if profile.决算 is not None:
        files.append(final_template_source(profile))
    if isinstance(template, Path):
        files.append(template)
    return {str(f): file_digest(f) for f in dict.fromkeys(files)}


def run_job(job: Job, pdf: bool = False) -> Record:
    """Validate one department and, when it may be generated, render its files into ``job.stage``.

    Never raises: an unexpected error is that department's failure (exit 2), the batch goes on.
    """
    record = Record(input=job.path, key=job.key)
    try:
        return _run(job, pdf, record)
    except Exception as exc:  # noqa: BLE001 - one department's internal error must not stop the batch
        record.status, record.failed, record.outputs = FAILED, True, []
        record.note = f"budgetdoc 内部错误（{type(exc).__name__}: {exc}），未生成；请报告给维护者"
        return record


def _run(job: Job, pdf: bool, record: Record) -> Record:
    result = validate(job.path, job.settings, job.profile or None)
    record.findings = [FindingRow.of(f) for f in result.findings]
    if result.budget is None:
        record.status = UNREADABLE if result.unreadable else HAS_ERRORS
        record.unreadable = result.unreadable
        record.note = "无法读取，未生成" if result.unreadable else "输入有错误，未生成"
        return record
    b = result.budget
    describe(record, b)
    try:
        record.figures = figures(b)
    except Exception:  # noqa: BLE001 - figures of an erroneous budget may not compute; the findings say why
        record.figures = {}
    errors = [f for f in result.findings if f.severity == "error"]
    record.status = HAS_ERRORS if errors else (HAS_WARNINGS if result.findings else GENERATED)
    from ..layout.narrate import build_context
    from ..layout.profile import ProfileError
    from ..pipeline import choose_profile
    from ..writing.render import RenderError, template_path

    failed = [f"{f.location()} [{f.rule}] {f.message}" for f in errors] + list(job.extra_failed)
    if getattr(b.基本信息, "文种", "预算") == "决算":  # the second 文种: its own context and its layout's template
        return _run_final(job, pdf, record, b, failed, errors)
    try:
        profile = choose_profile(b, job.path, job.settings, job.profile or None)
        template = template_path(Path(job.template_dir) if job.template_dir else None, profile)
    except ProfileError as exc:
        record.findings += [FindingRow.of(f) for f in exc.findings]
        record.status, record.note = HAS_ERRORS, "版式有错误，未生成"
        return record
    except RenderError as exc:
        record.status, record.failed, record.note = FAILED, True, f"生成失败：{exc}"
        return record
    record.deps = dependencies(profile, template)
    try:
        ctx = build_context(b, job.settings, failed, profile)
    except Exception as exc:  # noqa: BLE001 - never a traceback for one department of a batch
        if errors:
            record.note = "输入有错误，未生成"
            return record
        record.status, record.failed = FAILED, True
        record.note = f"生成失败：{type(exc).__name__}: {exc}"
        return record
    return _finish(job, ctx, template, record, pdf, errors)


def _run_final(job: Job, pdf: bool, record: Record, b, failed: list[str], errors: list) -> Record:
    """A 部门决算 of the batch: the 决算 layout and template of its profile, the rest as for a budget."""
    from ..layout.final_narrate import build_final_context
    from ..layout.profile import ProfileError
    from ..pipeline import choose_final_profile
    from ..writing.render import RenderError, final_template

    try:
        profile = choose_final_profile(b, job.path, job.settings, job.profile or None)
        template = final_template(Path(job.template_dir) if job.template_dir else None, profile)
        ctx = build_final_context(b, job.settings, failed, profile)
    except ProfileError as exc:
        record.findings += [FindingRow.of(f) for f in exc.findings]
        record.status, record.note = HAS_ERRORS, "版式有错误，未生成"
        return record
    except RenderError as exc:
        record.status, record.failed, record.note = FAILED, True, f"生成失败：{exc}"
        return record
    except Exception as exc:  # noqa: BLE001 - never a traceback for one department of a batch
        if errors:
            record.note = "输入有错误，未生成"
            return record
        record.status, record.failed, record.note = FAILED, True, f"生成失败：{type(exc).__name__}: {exc}"
        return record
    record.deps = dependencies(profile, template)
    return _finish(job, ctx, template, record, pdf, errors)


def _finish(job: Job, ctx, template, record: Record, pdf: bool, errors: list) -> Record:
    """The outputs a department plans, then rendered unless its errors hold it back (budget and 决算 alike)."""
    record.planned = planned_names(ctx, job.xlsx, pdf)
    if errors and not job.force:
        record.note = "输入有错误，未生成（加 --force 可强制生成带警示的文档）"
        return record
    if job.stage:
        _render(job, ctx, template, record)
    return record


def _render(job: Job, ctx, template, record: Record) -> None:
    from ..writing.render import RenderError, render_bytes, write_atomic

    stage = Path(job.stage)
    try:
        stage.mkdir(parents=True, exist_ok=True)
        write_atomic(stage / record.planned[0], render_bytes(ctx, template))
        if job.xlsx:
            from ..writing.tables_xlsx import write_tables_xlsx

            write_tables_xlsx(ctx, stage / record.planned[1])
    except RenderError as exc:
        record.status, record.failed, record.note = FAILED, True, f"生成失败：{exc}"
    except Exception as exc:  # noqa: BLE001 - a disk or writer failure must not surface as a traceback
        record.status, record.failed, record.note = FAILED, True, f"写出失败：{type(exc).__name__}: {exc}"
    else:
        record.outputs = [n for n in record.planned if not n.endswith(".pdf")]
        if record.status == HAS_ERRORS:
            record.note = "已按 --force 生成，文档首页标注“本文档未通过校验”"

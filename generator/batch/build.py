"""`budgetdoc build`: a finance bureau's whole batch of departments in one call.

Why this module exists: a bureau publishes for dozens to hundreds of departments at once. This
is the library function behind the command (and the web server's bureau page): find the
inputs, skip the unchanged ones (manifest), validate and render the rest in parallel workers
into a staging folder, check the batch as a whole, then commit the files, convert PDFs through
long-lived LibreOffice workers, remove stale outputs and write the summary (汇总.xlsx, index.html).
Outputs are byte-identical whatever the number of workers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from .crosscheck import cross_check
from .discover import Shard, discover
from .manifest import (
    FOLDER,
    claimed_by_other_shards,
    common_key,
    department_key,
    file_digest,
    manifest_path,
    read_manifest,
    write_manifest,
)
from .records import FAILED, HAS_ERRORS, UNCHANGED, Record
from .summary import write_summary

if TYPE_CHECKING:  # the workers' stack (models, layouts, rendering) is imported only when a department is built:
    from .worker import Job  # an unchanged batch is hashed and skipped without it (speed)

Progress = Callable[[str, int, int, str], None]
"""progress(phase, done, total, department): called as work advances (phase 校验/生成/PDF)."""


@dataclass
class BuildOptions:
    """Everything `build` may be asked, with the command's defaults."""

    pdf: bool = False
    xlsx: bool = False
    jobs: int = 0
    """Parallel workers; 0: the number of cores."""
    settings: Settings = field(default_factory=Settings)
    config_path: Path | None = None
    """The config file the settings came from (its bytes are part of every department's key)."""
    profile: str = ""
    template_dir: Path | None = None
    force: bool = False
    rebuild_all: bool = False
    shard: Shard | None = None
    pdf_timeout: float = 180
    converter_factory: Callable[[], object] | None = None
    """Makes one PDF converter per worker (see office.py); None: the long-lived LibreOffice one."""


@dataclass
class BuildReport:
    """What a build did: the records in batch order, the summary files, the exit code."""

    out: Path
    records: list[Record]
    summary: tuple[Path, Path] | None = None
    removed: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    problem: str = ""
    """A failure of the batch as a whole (no inputs, unusable output folder, template), in Chinese."""

    @property
    def exit_code(self) -> int:
        if self.problem or self.missing or any(r.unreadable or r.failed for r in self.records):
            return 2
        return 1 if any(r.errors for r in self.records) else 0

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.records)

    def line(self) -> str:
        """The one-line summary the command prints."""
        if self.problem:
            return self.problem
        statuses: dict[str, int] = {}
        for r in self.records:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        parts = "，".join(f"{k} {v}" for k, v in statuses.items())
        errors = sum(r.errors for r in self.records)
        warnings = sum(r.warnings for r in self.records)
        text = f"{len(self.records)} 个部门：{parts or '无'}；{errors} 个错误，{warnings} 个警告"
        if self.missing:
            text += f"；{len(self.missing)} 个输入不存在"
        if self.summary:
            text += f"；汇总：{self.summary[0]}"
        return text


def _jobs(n: int) -> int:
    return n if n > 0 else (os.cpu_count() or 1)


def _executor(jobs: int) -> Executor | None:
    if jobs <= 1:
        return None
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=_worker_signals)


def _worker_signals() -> None:
    """Workers leave Ctrl-C to the parent (which stops them) and die at once on SIGTERM."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop_pool(pool: Executor, interrupted: bool) -> None:
    """Shut the workers down; when interrupted, without waiting for the departments under way."""
    if not interrupted:
        pool.shutdown(cancel_futures=True)
        return
    processes = list(getattr(pool, "_processes", {}).values())  # ProcessPoolExecutor keeps them here
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.terminate()
    for proc in processes:
        proc.join(timeout=10)


def _run_all(jobs: list[Job], pool: Executor | None, pdf: bool, progress: Progress, phase: str) -> list[Record]:
    if not jobs:  # an unchanged batch: the workers' stack is never imported
        return []
    from .worker import run_job

    out: dict[int, Record] = {}
    total = len(jobs)
    if pool is None:
        for i, job in enumerate(jobs):
            progress(phase, i, total, job.path)
            out[i] = run_job(job, pdf)
    else:
        futures = {pool.submit(run_job, job, pdf): i for i, job in enumerate(jobs)}
        for done, future in enumerate(as_completed(futures), 1):
            i = futures[future]
            try:
                out[i] = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died is one department's failure
                out[i] = Record(jobs[i].path, jobs[i].key, status=FAILED, failed=True,
                                note=f"工作进程失败：{type(exc).__name__}: {exc}")
            progress(phase, done, total, jobs[i].path)
    progress(phase, total, total, "")
    return [out[i] for i in range(total)]


def _prepare_out(out: Path) -> str:
    if out.exists() and not out.is_dir():
        return f"输出位置 {out} 已存在但不是目录，请用 -o 指定一个目录"
    try:
        (out / FOLDER).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"无法创建输出目录 {out}：{exc.strerror or exc}"
    return ""


@lru_cache(maxsize=256)
def _digest(path: str) -> str:
    """file_digest, once per file per process: 200 departments share one profile and template."""
    return file_digest(Path(path))


def build(inputs: list[Path], out: Path, options: BuildOptions | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build every department of the batch into ``out``; never raises for bad input."""
    options = options or BuildOptions()
    progress = progress or (lambda *a: None)
    _digest.cache_clear()  # a long-lived caller (the web server) may have changed a template since
    out = Path(out)
    files, missing = discover(list(inputs), skip=[out])
    if options.shard:
        files = options.shard.select(files)
    report = BuildReport(out, [], missing=missing)
    if not files and not missing:
        report.problem = "没有找到预算文件（.yaml/.yml/.json/.xlsx），请检查输入路径"
        return report
    label = options.shard.label if options.shard else ""
    previous = read_manifest(manifest_path(out, label))
    common = common_key(options.config_path, options.profile,
                        {"pdf": options.pdf, "xlsx": options.xlsx, "force": options.force,
                         "template_dir": str(options.template_dir or "")})
    records: list[Record] = []
    todo: list[int] = []
    for i, path in enumerate(files):
        shown, key = str(path), department_key(common, path)
        old = previous.get(shown)
        if not options.rebuild_all and _reusable(old, key, out, options.force):
            records.append(_reused(old))
        else:
            records.append(Record(shown, key))
            todo.append(i)
    if todo:  # an unusable --profile or template stops the batch before anything is read or written
        report.problem = _template_problem(options)  # (unchanged departments were built with these very files)
    report.problem = report.problem or _prepare_out(out)
    if report.problem:
        return report
    stage_root = Path(tempfile.mkdtemp(prefix="stage-", dir=out / FOLDER))
    fresh: dict[int, Job] = {i: _job(options, records[i].input, records[i].key, stage_root / f"{i:05d}") for i in todo}
    pool = _executor(min(_jobs(options.jobs), max(len(fresh), 1)))
    try:
        for i, record in zip(fresh, _run_all(list(fresh.values()), pool, options.pdf, progress, "校验"), strict=True):
            records[i] = record
        redo = _apply_cross_checks(records, fresh, options)
        if redo:  # forced documents that must also name their batch errors on the first page
            jobs = [_job(options, records[i].input, records[i].key, stage_root / f"{i:05d}-2", extra)
                    for i, extra in redo.items()]
            for i, record in zip(redo, _run_all(jobs, pool, options.pdf, progress, "生成"), strict=True):
                record.findings = records[i].findings
                record.status, record.note = HAS_ERRORS, records[i].note or record.note
                records[i] = record
        for i in fresh:
            _commit(records[i], out, Path(fresh[i].stage if i not in redo else f"{fresh[i].stage}-2"))
    except BaseException:  # Ctrl-C, SIGTERM: stop the workers now; nothing staged is committed
        if pool is not None:
            _stop_pool(pool, interrupted=True)
            pool = None
        raise
    finally:
        if pool is not None:
            _stop_pool(pool, interrupted=False)
        shutil.rmtree(stage_root, ignore_errors=True)
    if options.pdf:
        _convert_all([records[i] for i in fresh if records[i].outputs], out, options, progress)
    report.records = records
    report.removed = _remove_stale(out, previous, records, claimed_by_other_shards(out, label))
    write_manifest(manifest_path(out, label), records)
    report.summary = write_summary(out, records, label)
    return report


def _template_problem(options: BuildOptions) -> str:
    """Why the --profile or template cannot be used (in Chinese), or ""."""
    from ..layout.profile import ProfileError, load_profile
    from ..writing.render import RenderError, template_path

    try:
        profile = load_profile(options.profile, Path.cwd()) if options.profile else None
        template_path(options.template_dir, profile)
    except ProfileError as exc:
        return "版式有错误：" + "；".join((f"{f.location()}: " if f.file else "") + f.message for f in exc.findings)
    except RenderError as exc:
        return str(exc)
    return ""


def _job(options: BuildOptions, path: str, key: str, stage: Path, extra: tuple[str, ...] = ()) -> Job:
    from .worker import Job

    return Job(path, key, str(stage), options.settings,
               str(options.template_dir) if options.template_dir else None, options.force, options.xlsx, extra,
               options.profile)


def _file_errors(record: Record) -> int:
    return sum(f.severity == "error" and not f.rule.startswith("BATCH-") for f in record.findings)


def _reusable(old: Record | None, key: str, out: Path, force: bool) -> bool:
    """Same key and its files still there; or same key and legitimately not generated (file errors)."""
    if old is None or old.key != key or old.failed or old.unreadable:
        return False
    if any(_digest(f) != digest for f, digest in old.deps.items()):
        return False  # its profile or template changed
    if old.outputs:
        return all((out / name).is_file() for name in old.outputs)
    return _file_errors(old) > 0 and not force


def _reused(old: Record) -> Record:
    """A previous record for this run: its batch findings are recomputed, its status is 未变化."""
    old.findings = [f for f in old.findings if not f.rule.startswith("BATCH-")]
    if old.outputs:
        old.status, old.note = UNCHANGED, ""
    return old


def _apply_cross_checks(records: list[Record], fresh: dict[int, Job], options: BuildOptions) -> dict[int, tuple]:
    """Attach the batch findings; drop the staged files they forbid. Returns forced ones to re-render."""
    index = {id(r): i for i, r in enumerate(records)}
    redo: dict[int, list[str]] = {}
    for record, finding in cross_check(records, options.settings):
        record.findings.append(finding)
        if finding.severity != "error":
            continue
        record.status = HAS_ERRORS
        i = index[id(record)]
        if i not in fresh:  # unchanged: its earlier files stay, as a failed run never destroys good output
            record.kept, record.outputs = record.kept or record.outputs, []
            record.note = "批次检查发现错误；保留上次生成的文件"
        elif finding.rule == "BATCH-NAME" or not options.force:
            record.outputs = []
            record.note = "批次检查发现错误，未生成"
        elif record.outputs:
            redo.setdefault(i, []).append(f"{record.input} [{finding.rule}] {finding.message}")
            record.note = "已按 --force 生成，文档首页标注“本文档未通过校验”"
    for i in list(redo):
        if not records[i].outputs:
            del redo[i]
    return {i: tuple(v) for i, v in redo.items()}


def _commit(record: Record, out: Path, stage: Path) -> None:
    """Move a department's staged files into ``out`` (a rename each: readers never see half a file)."""
    moved = []
    try:
        for name in record.outputs:
            os.replace(stage / name, out / name)
            moved.append(name)
    except OSError as exc:
        record.status, record.failed = FAILED, True
        record.note = f"写出失败：{exc.strerror or exc}"
        record.outputs = moved


def _remove_stale(out: Path, previous: dict[str, Record], records: list[Record], elsewhere: set[str]) -> list[Path]:
    """Delete what earlier builds wrote for inputs now gone or renamed, or whose file names changed (a new
    部门名称, another layout's 文种 word); never a file still listed here or by another shard (``elsewhere``)."""
    for r in records:
        old = previous.get(r.input)
        if old is not None and not r.outputs and not r.kept:
            r.kept = [n for n in old.outputs + old.kept if (out / n).is_file()]
    listed = {n for r in records for n in r.outputs + r.kept} | elsewhere
    removed = []
    for name in sorted({n for old in previous.values() for n in old.outputs + old.kept} - listed):
        path = out / name
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def _convert_all(records: list[Record], out: Path, options: BuildOptions, progress: Progress) -> None:
    from .office import ConverterPool

    total = len(records)
    converters = ConverterPool(_jobs(options.jobs), options.converter_factory, options.pdf_timeout)
    threads = ThreadPoolExecutor(max(1, min(_jobs(options.jobs), total)))
    try:
        futures = {threads.submit(converters.convert, out / r.outputs[0]): r for r in records}
        for done, future in enumerate(as_completed(futures), 1):
            record = futures[future]
            problem = future.result()
            if problem:
                record.status, record.failed = FAILED, True
                record.note = f"PDF 转换失败：{problem}"
                stale = (out / record.outputs[0]).with_suffix(".pdf")
                if stale.exists():  # it shows last run's figures: never leave it beside the new document
                    stale.unlink()
            else:
                record.outputs.append(record.outputs[0][: -len(".docx")] + ".pdf")
            progress("PDF", done, total, record.部门名称 or record.input)
    except BaseException:  # Ctrl-C or SIGTERM: drop the queue and stop LibreOffice now, not after the batch
        threads.shutdown(wait=False, cancel_futures=True)
        converters.abort()
        raise
    finally:
        threads.shutdown(wait=True)
        converters.close()
    progress("PDF", total, total, "")

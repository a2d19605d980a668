"""The workbench's jobs: check and generate each upload, convert PDFs in a queue, run bureau batches.

Why this module exists: requests must answer at once while the work takes seconds, and twenty
officers may upload in the same minute. Uploads are checked and generated on a small thread pool
through the library (pipeline.validate / pipeline.generate / review.diff); PDF conversions go
to their own queue with a fixed number of workers, one LibreOffice each, so the machine never
runs more converters than it has room for and every upload still gets its PDF in turn. Every job
records its outcome in the upload's meta.json; an unexpected failure becomes a message for the
page (the traceback goes to the server log only).
"""

from __future__ import annotations

import json
import logging
import subprocess
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import pipeline
from ..config import Settings
from ..findings import SEVERITY_ZH, Finding, has_errors
from .options import pipeline_options
from .safety import Limits, UploadRefused
from .store import Record, Store

log = logging.getLogger("budgetdoc.web")

MAX_PREVIEW_PAGES = 80
OUTPUT_KINDS = {".docx": "docx", ".pdf": "pdf", ".xlsx": "xlsx"}


def finding_row(f: Finding, shown: str, server_path: str) -> dict:
    """A finding for the page's table: where (sheet!cell or line:col), never the server's path."""
    message = f.message.replace(server_path, shown)
    return {
        "severity": f.severity,
        "severity_zh": SEVERITY_ZH[f.severity],
        "rule": f.rule,
        "message": message,
        "where": f.position.render(),
        "path": f.to_json()["path"],
        "expected": f.to_json()["expected"],
        "actual": f.to_json()["actual"],
        "difference": f.to_json()["difference"],
        "figures": f.figures(),  # as the CLI words them: 期望/实际/差额, or the rule's own (上年/本年/变动)
    }


class Workbench:
    """Owns the job queues; the app submits uploads and batches and reads their meta.json."""

    def __init__(self, store: Store, settings: Settings | None = None, *, pdf: bool = True, pdf_workers: int = 1,
                 limits: Limits | None = None, render_tables: Callable[[object], str] | None = None):
        self.store = store
        self.settings = settings or Settings()
        self.pdf = pdf
        self.limits = limits or Limits()
        self.render_tables = render_tables
        self.checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="budgetdoc-check")
        self.batches = ThreadPoolExecutor(max_workers=1, thread_name_prefix="budgetdoc-batch")
        self.pdfs = ThreadPoolExecutor(max_workers=max(1, pdf_workers), thread_name_prefix="budgetdoc-pdf")
        self._pending = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self._converters: list = []

    # ---------------------------------------------------------------- queueing

    def _reserve(self, count: int = 1) -> None:
        with self._lock:
            if self._pending + count > self.limits.pending_jobs:
                raise UploadRefused("服务器正忙（排队的文件过多），请稍后再上传。", 503)
            self._pending += count

    def _release(self) -> None:
        with self._lock:
            self._pending -= 1

    def submit(self, record: Record) -> None:
        self._reserve()
        self.checks.submit(self._guarded, record, self.pdf)

    def submit_batch(self, batch: Record, members: list[tuple[str, str, bytes]], pdf: bool) -> None:
        """One batch at a time through the library's `build` (it runs its own LibreOffice for the PDFs)."""
        self._reserve(len(members))
        self.batches.submit(self._run_batch, batch, members, pdf)

    def shutdown(self) -> None:
        for pool in (self.batches, self.checks, self.pdfs):
            pool.shutdown(wait=False, cancel_futures=True)
        for converter in self._converters:
            try:
                converter.close()
            except Exception:  # noqa: BLE001 - stopping LibreOffice at exit is best effort
                log.exception("closing a PDF converter")

    def _guarded(self, record: Record, pdf: bool) -> None:
        try:
            self.process(record, pdf)
        except Exception:  # noqa: BLE001 - the officer sees a message, the log the traceback
            log.exception("upload %s failed", record.id)
            self.store.update(record, state="failed", problem="处理时发生内部错误，请联系信息中心（服务器日志中有详情）。")
        finally:
            self._release()

    # ---------------------------------------------------------------- one upload

    def process(self, record: Record, pdf: bool) -> None:
        """Validate, diff against the department's previous upload, generate; queue the PDF."""
        store = self.store
        path = store.input_path(record)
        shown = record.get("name", "")
        store.update(record, state="checking")
        profile, chosen = record.get("profile", ""), record.get("kind", "")
        checked = pipeline.validate(path, self.settings, **pipeline_options(pipeline.validate, profile, chosen))
        ordered = sorted(checked.findings, key=lambda f: f.severity != "error")  # stable: errors first
        rows = [finding_row(f, shown, str(path)) for f in ordered]
        errors = sum(f.severity == "error" for f in ordered)
        counts = {"findings": rows, "errors": errors, "warnings": len(ordered) - errors}
        if checked.budget is None:
            store.update(record, state="unreadable" if checked.unreadable else "invalid", readable=False, **counts)
            return
        info = checked.budget.基本信息
        year = getattr(info, "预算年度", None) or getattr(info, "决算年度", None) or getattr(info, "年度", "")
        kind = getattr(info, "文种", "预算")
        store.update(record, department=info.部门名称, year=str(year), readable=True, kind=kind,
                     department_key=f"{kind}|{getattr(info, '部门编码', '') or info.部门名称}|{year}", **counts)
        self._diff_previous(record, path)
        if has_errors(checked.findings):
            store.update(record, state="errors")
            return
        store.update(record, state="generating")
        options = pipeline_options(pipeline.generate, profile, chosen)
        try:
            result = pipeline.generate(path, record.folder / "out", self.settings, xlsx=True, **options)
        except pipeline.GenerateError as exc:
            store.update(record, state="failed", problem=str(exc).replace(str(path), shown))
            return
        except Exception as exc:  # noqa: BLE001 - e.g. a 文种 this version cannot render yet
            log.exception("generation of %s failed", record.id)
            store.update(record, state="failed", problem=f"生成失败：本服务器的 budgetdoc 不能生成这份{kind}文档"
                                                          f"（{type(exc).__name__}），请联系信息中心。")
            return
        files = {OUTPUT_KINDS[p.suffix]: p.name for p in result.written if p.suffix in OUTPUT_KINDS}
        self._tables(record, checked.budget)
        store.update(record, state="done", files=files, pdf="queued" if pdf else "none")
        if pdf:
            self.pdfs.submit(self._pdf_guarded, record)

    def _diff_previous(self, record: Record, path: Path) -> None:
        previous = self.store.previous(record)
        if previous is None:
            return
        from ..review.diff import DiffError, diff_files

        try:
            profile = pipeline_options(pipeline.generate, record.get("profile", ""), "").get("profile")
            diff = diff_files(self.store.input_path(previous), path, self.settings, profile=profile)
        except DiffError:
            return
        except Exception:  # noqa: BLE001 - a comparison that fails must not stop the generation
            log.exception("diff of %s against %s failed", record.id, previous.id)
            return
        data = diff.to_json()
        data["old"], data["new"] = previous.get("name"), record.get("name")
        (record.folder / "diff.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        self.store.update(record, previous=previous.id, diff_cells=diff.cell_count,
                          diff_sentences=diff.sentence_count)

    def _tables(self, record: Record, budget) -> None:
        if self.render_tables is None:
            return
        from ..layout.narrate import build_context

        html = self.render_tables(build_context(budget, self.settings, None))
        (record.folder / "tables.html").write_text(html, encoding="utf-8")

    # ---------------------------------------------------------------- PDF queue

    def _pdf_guarded(self, record: Record) -> None:
        try:
            self.make_pdf(record)
        except Exception:  # noqa: BLE001
            log.exception("PDF of %s failed", record.id)
            self.store.update(record, pdf="failed", pdf_problem="PDF 转换时发生内部错误。")

    def _convert(self, docx: Path) -> Path:
        """Through this worker's long-lived LibreOffice when the library has one (batch.office), else one run each."""
        from ..writing.pdf import convert_to_pdf

        converter = getattr(self._local, "converter", None)
        if converter is None:
            try:
                from ..batch.office import default_converter
            except ImportError:
                return convert_to_pdf(docx)
            converter = self._local.converter = default_converter()
            with self._lock:
                self._converters.append(converter)
        target = docx.with_suffix(".pdf")
        converter.convert(docx, target)
        return target

    def make_pdf(self, record: Record) -> None:
        """One conversion at a time per worker (the pool bounds how many at once), then PNG pages for the preview."""
        from ..writing.pdf import PdfError

        record = self.store.upload(record.id) or record
        docx = record.folder / "out" / record.get("files", {}).get("docx", "")
        self.store.update(record, pdf="running")
        try:
            pdf = self._convert(docx)
        except PdfError as exc:
            self.store.update(record, pdf="failed", pdf_problem=str(exc).replace(str(record.folder), ""))
            return
        pages = self._pages(pdf, record.folder / "pages")
        files = dict(record.get("files", {}), pdf=pdf.name)
        self.store.update(record, pdf="done", files=files, pages=pages)

    @staticmethod
    def _pages(pdf: Path, folder: Path) -> int:
        folder.mkdir(exist_ok=True)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-l", str(MAX_PREVIEW_PAGES), str(pdf), str(folder / "p")],
                           check=True, capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError):
            return 0
        return len(list(folder.glob("p-*.png")))

    # ---------------------------------------------------------------- bureau batches

    def _run_batch(self, batch: Record, members: list[tuple[str, str, bytes]], pdf: bool) -> None:
        """The library's batch `build` on the uploaded files, then one .zip of everything it wrote."""
        from ..batch import BuildOptions, build

        store = self.store
        try:
            inputs = batch.folder / "in"
            inputs.mkdir(exist_ok=True)
            names: dict[str, str] = {}
            for number, (name, suffix, data) in enumerate(members, start=1):
                path = inputs / f"{number:03d}{suffix}"  # the server's name; the officer's is only shown
                path.write_bytes(data)
                names[path.name] = name
            store.update_batch(batch, state="running", names=names)
            profile = pipeline_options(pipeline.generate, batch.get("profile", ""), "").get("profile", "")
            options = BuildOptions(pdf=pdf, xlsx=True, jobs=1, settings=self.settings, profile=profile)
            report = build([inputs], batch.folder / "out", options, self._progress(batch))
            rows = [self._row(r, names, str(inputs)) for r in report.records]
            problem = report.problem.replace(str(batch.folder), "") if report.problem else ""
            self._bundle(batch)
            store.update_batch(batch, state="done" if not problem else "failed", rows=rows, problem=problem,
                               summary=bool(report.summary))
        except Exception:  # noqa: BLE001
            log.exception("batch %s failed", batch.id)
            store.update_batch(batch, state="failed", problem="批量处理时发生内部错误。")
        finally:
            for _ in members:
                self._release()

    def _progress(self, batch: Record):
        last = [0.0]

        def report(phase: str, done: int, total: int, department: str = "") -> None:
            now = time.monotonic()
            if now - last[0] > 0.5 or done == total:  # a meta write at most twice a second
                last[0] = now
                self.store.update_batch(batch, progress=f"{phase} {done}/{total}")

        return report

    @staticmethod
    def _row(record, names: dict[str, str], folder: str) -> dict:
        """One 汇总 line for the page: the officer's file name instead of the server's path."""
        shown = names.get(Path(record.input).name, Path(record.input).name)
        findings = [{"where": f.location, "rule": f.rule, "severity": f.severity,
                     "severity_zh": SEVERITY_ZH.get(f.severity, f.severity),
                     "message": f.message.replace(folder, "")} for f in record.findings]
        return {"name": shown, "department": record.部门名称, "year": record.预算年度, "kind": record.文种,
                "status": record.status, "errors": record.errors, "warnings": record.warnings,
                "figures": dict(record.figures), "outputs": list(record.outputs),
                "note": record.note.split("（加 --force")[0],  # the web offers no --force
                "findings": findings}

    @staticmethod
    def _bundle(batch: Record) -> None:
        """全部结果.zip: everything the build wrote (documents, 汇总.xlsx, index.html), not its hidden state."""
        out = batch.folder / "out"
        tmp = batch.folder / ".all.zip.part"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                relative = path.relative_to(out)
                if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                    archive.write(path, relative.as_posix())
        tmp.replace(batch.folder / "all.zip")


STATE_ZH = {
    "queued": "排队中",
    "checking": "校验中",
    "generating": "生成中",
    "done": "已生成",
    "errors": "有错误，未生成",
    "invalid": "数据不完整，未生成",
    "unreadable": "无法读取",
    "failed": "生成失败",
}

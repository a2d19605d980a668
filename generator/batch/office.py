"""PDF through long-lived LibreOffice workers: one ``soffice`` per worker, started once, reused.

Why this module exists: starting LibreOffice costs about a second per document; a bureau's batch
converts hundreds. An :class:`OfficeConverter` starts one headless ``soffice`` listening on a
private pipe (its own throw-away profile, the bundled fonts.conf) and drives it through UNO via
uno_bridge.py, run by a Python that has ``uno`` (Debian: python3-uno). Each document has a
timeout; a LibreOffice that crashed or hung is killed (its whole process group) and started
again for the next document, so one bad document is reported while the others go on. Every
converter is stopped at exit, also on Ctrl-C and SIGTERM (cli installs the handler). Without
python3-uno, :class:`OneShotConverter` starts LibreOffice per document (the `generate` way).

The web server reuses :class:`OfficeConverter` directly: ``with OfficeConverter() as c:
c.convert(docx, pdf)``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ..writing.files import copy_atomic
from ..writing.pdf import (
    APT_SOFFICE,
    PdfError,
    ProcessGuard,
    _copy_for_libreoffice,
    _is_pdf,
    check_tools,
    convert_to_pdf,
    find_soffice,
    font_environment,
)

APT_UNO = "python3-uno"
BRIDGE = Path(__file__).with_name("uno_bridge.py")
_LIVE: weakref.WeakSet[OfficeConverter] = weakref.WeakSet()


class Converter(Protocol):
    """Converts one .docx to a PDF at ``target`` (atomically), raising PdfError on failure."""

    def convert(self, docx: Path, target: Path) -> None: ...

    def close(self) -> None: ...


def _clean_env_for(python: str) -> dict[str, str]:
    """The environment for the UNO Python: ours less what points it at budgetdoc's virtualenv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _candidates(soffice: str | None) -> list[str]:
    found = [os.environ.get("BUDGETDOC_UNO_PYTHON", "")]
    if soffice:
        program = Path(soffice).resolve().parent
        found += [str(program / "python"), str(program / "python.exe")]  # LibreOffice's own (Windows, macOS)
    found += ["/usr/bin/python3", shutil.which("python3") or ""]
    return [c for c in dict.fromkeys(found) if c and Path(c).is_file()]


@lru_cache
def uno_python() -> str | None:
    """A Python that can ``import uno`` ($BUDGETDOC_UNO_PYTHON, LibreOffice's, the system's), or None."""
    for candidate in _candidates(find_soffice()):
        try:
            ok = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=30,
                                env=_clean_env_for(candidate), check=False).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return candidate
    return None


def preflight() -> str:
    """Why no PDF can be made here ("" when LibreOffice and the fonts are there); checked once per batch."""
    try:
        check_tools()
    except PdfError as exc:
        return str(exc)
    return ""


def _kill(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    with contextlib.suppress(Exception):
        proc.wait(timeout=10)


class OfficeConverter:
    """One long-lived headless LibreOffice, started on first use and restarted after a crash or hang."""

    def __init__(self, timeout: float = 180, start_timeout: float = 90):
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.starts = 0
        """How many times LibreOffice was started (1 for a healthy batch)."""
        self._office: subprocess.Popen | None = None
        self._bridge: subprocess.Popen | None = None
        self._work: Path | None = None
        self._guard: ProcessGuard | None = None
        self._buffer = b""
        self._count = 0
        self._lock = threading.Lock()

    # ------------------------------------------------------------ life cycle

    def __enter__(self) -> OfficeConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return (self._office is not None and self._office.poll() is None
                and self._bridge is not None and self._bridge.poll() is None)

    def start(self) -> None:
        soffice, python = find_soffice(), uno_python()
        if soffice is None:
            raise PdfError(f"未找到 LibreOffice（soffice），无法生成 PDF。在 Debian 上安装：apt-get install {APT_SOFFICE}")
        if python is None:
            raise PdfError(f"未找到带 UNO 的 Python，无法驱动常驻 LibreOffice。在 Debian 上安装：apt-get install {APT_UNO}")
        self._stop()
        self._work = Path(tempfile.mkdtemp(prefix="budgetdoc-office-"))
        self._guard = ProcessGuard(self._work)  # kills soffice and removes the profile even if we are SIGKILLed
        pipe = f"budgetdoc-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        session = os.name == "posix"
        log = open(self._work / "soffice.log", "wb")  # noqa: SIM115 - handed to the child
        try:
            self._office = subprocess.Popen(
                [soffice, f"-env:UserInstallation={(self._work / 'profile').as_uri()}", "--headless", "--invisible",
                 "--nologo", "--nodefault", "--norestore", "--nolockcheck",
                 f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=font_environment(), cwd=self._work,
                start_new_session=session)
            self._guard.watch(self._office.pid)
            self._bridge = subprocess.Popen(
                [python, str(BRIDGE), pipe, str(self.start_timeout)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, env=_clean_env_for(python), cwd=self._work,
                start_new_session=session)
        except OSError as exc:
            self._stop()
            raise PdfError(f"无法启动 LibreOffice（{soffice}）：{exc}") from None
        finally:
            log.close()
        self._buffer = b""
        _LIVE.add(self)
        self.starts += 1
        reply = self._receive(self.start_timeout + 5)
        if not reply or not reply.get("ready"):
            detail = (reply or {}).get("error") or self._log_tail()
            self._stop()
            raise PdfError(f"LibreOffice 未能启动：{detail or '无输出'}")

    def close(self) -> None:
        """Ask LibreOffice to exit, then make sure every process of it is gone and its profile removed."""
        with self._lock:
            if self.running:
                with contextlib.suppress(OSError, ValueError):
                    self._bridge.stdin.write(b'{"quit": true}\n')
                    self._bridge.stdin.flush()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._office.wait(timeout=10)
            self._stop()

    def kill(self) -> None:
        """Kill LibreOffice and the bridge without waiting for a conversion under way (it then fails)."""
        for proc in (self._bridge, self._office):
            _kill(proc)

    def _stop(self) -> None:
        for proc in (self._bridge, self._office):
            _kill(proc)
            for stream in (proc.stdin, proc.stdout) if proc else ():
                with contextlib.suppress(Exception):
                    stream and stream.close()
        self._bridge = self._office = None
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None
        if self._guard is not None:
            self._guard.release()
            self._guard = None
        _LIVE.discard(self)

    # ------------------------------------------------------------ talking to the bridge

    def _receive(self, timeout: float) -> dict | None:
        """One JSON line from the bridge within ``timeout`` seconds; None on time-out or end of output."""
        assert self._bridge is not None and self._bridge.stdout is not None
        fd = self._bridge.stdout.fileno()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return {"ok": False, "error": line.decode("utf-8", "replace")[:500]}

    def _log_tail(self) -> str:
        if self._work is None:
            return ""
        with contextlib.suppress(OSError):
            text = (self._work / "soffice.log").read_text("utf-8", "replace").strip()
            return "\n".join(text.splitlines()[-10:])
        return ""

    # ------------------------------------------------------------ converting

    def convert(self, docx: Path, target: Path | None = None) -> Path:
        """Convert ``docx`` to ``target`` (default: beside it, .pdf) and return it; raises PdfError."""
        docx = Path(docx)
        target = Path(target) if target is not None else docx.with_suffix(".pdf")
        if not docx.is_file():
            raise PdfError(f"{docx}：文件不存在，无法转换为 PDF。")
        with self._lock:
            if not self.running:
                self.start()
            assert self._work is not None
            self._count += 1
            # ASCII names: soffice mangles non-ASCII paths under a C/POSIX locale.
            source, produced = self._work / f"in-{self._count}.docx", self._work / f"out-{self._count}.pdf"
            try:
                _copy_for_libreoffice(docx, source)
                self._request(docx, source, produced)
                if not produced.is_file() or produced.stat().st_size == 0 or not _is_pdf(produced):
                    raise PdfError(f"LibreOffice 未生成 PDF：{docx}")
                target.parent.mkdir(parents=True, exist_ok=True)
                copy_atomic(produced, target)
            except (OSError, ValueError) as exc:
                raise PdfError(f"{docx}：无法转换为 PDF：{exc}") from None
            finally:
                for path in (source, produced):
                    with contextlib.suppress(OSError):
                        path.unlink()
        return target

    def _request(self, docx: Path, source: Path, produced: Path) -> None:
        assert self._bridge is not None and self._bridge.stdin is not None
        try:
            self._bridge.stdin.write((json.dumps({"in": str(source), "out": str(produced)}) + "\n").encode())
            self._bridge.stdin.flush()
        except OSError:
            self._stop()
            raise PdfError(f"LibreOffice 已退出，转换失败（下一份文档将重新启动它）：{docx}") from None
        reply = self._receive(self.timeout)
        if reply is None:
            hung = self.running
            self._stop()
            if hung:
                raise PdfError(f"LibreOffice 转换 PDF 超时（{self.timeout:g} 秒），已终止并将重新启动：{docx}")
            raise PdfError(f"LibreOffice 意外退出，转换失败（下一份文档将重新启动它）：{docx}")
        if not reply.get("ok"):
            if not self.running or (self._office is not None and self._office.poll() is not None):
                self._stop()
            raise PdfError(f"LibreOffice 转换 PDF 失败：{reply.get('error') or '无输出'}：{docx}")


class OneShotConverter:
    """A new LibreOffice per document (no python3-uno here): slower, same result."""

    def __init__(self, timeout: float = 180):
        self.timeout = timeout

    def convert(self, docx: Path, target: Path | None = None) -> Path:
        docx = Path(docx)
        target = Path(target) if target is not None else docx.with_suffix(".pdf")
        return convert_to_pdf(docx, target.parent, timeout=self.timeout)

    def close(self) -> None:
        pass


def default_converter(timeout: float = 180) -> Converter:
    """The long-lived converter when UNO is available, else one LibreOffice per document."""
    return OfficeConverter(timeout) if uno_python() else OneShotConverter(timeout)


class ConverterPool:
    """Up to ``size`` converters shared by worker threads; each thread holds one while converting."""

    def __init__(self, size: int, factory: Callable[[], Converter] | None = None, timeout: float = 180):
        self.size = max(1, size)
        self.factory = factory or (lambda: default_converter(timeout))
        self.problem = preflight() if factory is None else ""
        self._idle: queue.Queue[Converter] = queue.Queue()
        self._made: list[Converter] = []
        self._lock = threading.Lock()

    def __enter__(self) -> ConverterPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _acquire(self) -> Converter:
        with self._lock:
            if self._idle.empty() and len(self._made) < self.size:
                made = self.factory()
                self._made.append(made)
                return made
        return self._idle.get()

    def convert(self, docx: Path, target: Path | None = None) -> str:
        """Convert one document; returns "" or the Chinese reason it failed (never raises PdfError)."""
        if self.problem:
            return self.problem
        converter = self._acquire()
        try:
            converter.convert(docx, target if target is not None else Path(docx).with_suffix(".pdf"))
            return ""
        except PdfError as exc:
            return str(exc)
        finally:
            self._idle.put(converter)

    def abort(self) -> None:
        """Kill every LibreOffice at once (Ctrl-C, SIGTERM): conversions under way fail fast."""
        for converter in list(self._made):
            with contextlib.suppress(Exception):
                (getattr(converter, "kill", None) or converter.close)()

    def close(self) -> None:
        for converter in self._made:
            with contextlib.suppress(Exception):
                converter.close()
        self._made.clear()


@atexit.register
def stop_all() -> None:
    """Stop every LibreOffice still running (called at exit and by the SIGTERM/Ctrl-C handlers)."""
    for converter in list(_LIVE):
        with contextlib.suppress(Exception):
            converter._stop()

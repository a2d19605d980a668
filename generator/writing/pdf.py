"""PDF stage: convert the rendered .docx with LibreOffice (``soffice --headless``).

Why this module exists: finance bureaus publish the disclosure as PDF, and the only free
converter that lays out Word documents faithfully (tables with repeated headers, landscape
sections, East Asian fonts) is LibreOffice. This module runs it the way a batch job needs:

- each run gets its own throw-away LibreOffice profile, so parallel runs never collide and a
  user's open LibreOffice is never touched;
- the conversion happens in a temporary directory and the PDF is moved into place only when
  it is complete, so a failure never leaves a partial PDF and a previous good PDF survives;
- a timeout kills the whole LibreOffice process group, and a watchdog (ProcessGuard) kills it
  and removes the temporary profile even when budgetdoc itself is killed;
- on Linux, fontconfig is pointed at ``data/fonts.conf``, which maps 仿宋_GB2312 / 黑体 /
  楷体_GB2312 / 方正小标宋简体 … to the free Noto CJK SC and AR PL UKai fonts (docs/pdf.md);
- a missing tool or font is a :class:`PdfError` whose message names the Debian package.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from importlib.resources import files
from pathlib import Path

from ..writing.files import copy_atomic, os_reason

APT_SOFFICE = "libreoffice-writer-nogui"
"""Debian package providing ``soffice`` with the Writer filters, without the GUI."""

REQUIRED_FONTS: dict[str, str] = {
    "Noto Serif CJK SC": "fonts-noto-cjk",  # 仿宋, 宋体, 小标宋
    "Noto Sans CJK SC": "fonts-noto-cjk",  # 黑体
    "AR PL UKai CN": "fonts-arphic-ukai",  # 楷体
}
"""The free substitutes data/fonts.conf maps the GB/T 9704 fonts to, and their Debian packages."""

_SOFFICE_ELSEWHERE = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


class PdfError(Exception):
    """The PDF could not be produced; the message (Chinese) says why and what to install."""


def find_soffice() -> str | None:
    """The LibreOffice executable: $BUDGETDOC_SOFFICE, then soffice/libreoffice on PATH, then usual places."""
    override = os.environ.get("BUDGETDOC_SOFFICE")
    if override:
        return override if Path(override).is_file() else shutil.which(override)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _SOFFICE_ELSEWHERE:
        if Path(candidate).is_file():
            return candidate
    return None


def _uses_fontconfig() -> bool:
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def _fonts_conf() -> Path:
    conf = files("generator").joinpath("data/fonts.conf")
    if not conf.is_file():
        raise PdfError("安装包缺少 generator/data/fonts.conf（PDF 字体配置），请重新安装 budgetdoc。")
    return Path(str(conf)).resolve()  # fontconfig reads a relative FONTCONFIG_FILE from /etc/fonts


def font_environment() -> dict[str, str]:
    """The environment for soffice (and fc-list): FONTCONFIG_FILE set to the bundled fonts.conf."""
    env = dict(os.environ)
    if _uses_fontconfig():
        env["FONTCONFIG_FILE"] = str(_fonts_conf())
    return env


def check_fonts() -> list[str]:
    """The required font families (REQUIRED_FONTS) that fontconfig does not list; [] when all present.

    Only meaningful where LibreOffice uses fontconfig (Linux/BSD); elsewhere it returns [].
    Without ``fc-list`` (package fontconfig) nothing can be verified and every family is reported.
    """
    if not _uses_fontconfig():
        return []
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return list(REQUIRED_FONTS)
    try:
        out = subprocess.run(
            [fc_list, "--format", "%{family}\n"], capture_output=True, text=True, timeout=60,
            env=font_environment(), check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return list(REQUIRED_FONTS)
    installed = {name.strip() for line in out.splitlines() for name in line.split(",")}
    return [family for family in REQUIRED_FONTS if family not in installed]


def _fonts_message(missing: list[str]) -> str:
    packages = sorted({REQUIRED_FONTS.get(f, "fonts-noto-cjk") for f in missing})
    return (f"缺少中文字体 {'、'.join(missing)}，无法生成 PDF。"
            f"在 Debian 上安装：apt-get install {' '.join(packages)}")


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def check_tools() -> str:
    """The soffice to run, after checking it and the fonts are there; raises PdfError naming the package."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(f"未找到 LibreOffice（soffice），无法生成 PDF。"
                       f"在 Debian 上安装：apt-get install {APT_SOFFICE}")
    if _uses_fontconfig():
        if shutil.which("fc-list") is None:
            raise PdfError("未找到 fontconfig（fc-list），无法检查中文字体。在 Debian 上安装：apt-get install fontconfig")
        missing = check_fonts()
        if missing:
            raise PdfError(_fonts_message(missing))
    return soffice


# ---------------------------------------------------------------- never an orphan soffice

_GUARD_SCRIPT = """
import os, shutil, signal, sys, time
group = sys.stdin.readline().strip()
last = sys.stdin.readline().strip() if group.isdigit() else group
if last != "done":
    if group.isdigit():
        try:
            os.killpg(int(group), signal.SIGKILL)
        except OSError:
            pass
        for _ in range(100):  # a killed soffice may still write its profile for a moment: wait (≤ 5 s) until
            try:              # its group is gone before removing the folder, or the folder is left behind
                os.killpg(int(group), 0)
            except OSError:
                break
            time.sleep(0.05)
    shutil.rmtree(sys.argv[1], ignore_errors=True)
"""


class ProcessGuard:
    """Kills LibreOffice and removes its temporary profile even when budgetdoc itself is killed.

    soffice runs in its own process group (so a timeout can kill oosplash and soffice.bin
    together), which means it would outlive a SIGKILLed budgetdoc. So a tiny watchdog process,
    started first in its own session, holds the read end of a pipe only budgetdoc writes: it is
    told soffice's process group, and when the pipe closes without "done" (budgetdoc died) it kills
    that group and removes the temporary folder. POSIX only; elsewhere it does nothing."""

    def __init__(self, folder: Path):
        self.proc: subprocess.Popen | None = None
        if os.name != "posix":
            return
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _GUARD_SCRIPT, str(folder)], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True,
            )
        except OSError:
            self.proc = None

    def _send(self, line: str) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            try:
                self.proc.stdin.write(line.encode() + b"\n")
                self.proc.stdin.flush()
            except (OSError, ValueError):
                pass

    def watch(self, group: int) -> None:
        """From now on a death of budgetdoc kills process group ``group``."""
        self._send(str(group))

    def release(self) -> None:
        """Normal end: LibreOffice has exited and the folder is removed by us; the watchdog just exits."""
        if self.proc is None:
            return
        self._send("done")
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.proc.kill()
        self.proc = None


def convert_to_pdf(docx: Path, out_dir: Path | None = None, timeout: float = 180) -> Path:
    """Convert ``docx`` to ``<out_dir or docx's folder>/<docx stem>.pdf`` and return that path.

    Raises PdfError when LibreOffice or a required font is missing (naming the package to
    install), when soffice fails or times out; the PDF at the target path is then unchanged.
    """
    docx = Path(docx)
    if not docx.is_file():
        raise PdfError(f"{docx}：文件不存在，无法转换为 PDF。")
    soffice = check_tools()
    target_dir = Path(out_dir) if out_dir is not None else docx.parent
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / (docx.stem + ".pdf")

    try:
        tmp = tempfile.mkdtemp(prefix="budgetdoc-pdf-")
    except OSError as exc:
        raise PdfError(f"无法创建 PDF 转换用的临时目录（{os_reason(exc)}）：请检查临时目录 {tempfile.gettempdir()} 的空间") from None
    guard = ProcessGuard(Path(tmp))
    try:
        return _convert(docx, target, soffice, Path(tmp), guard, timeout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        guard.release()


def _convert(docx: Path, target: Path, soffice: str, work: Path, guard: ProcessGuard, timeout: float) -> Path:
    """Run soffice on a copy of ``docx`` in ``work`` and move the PDF to ``target``."""
    # An ASCII name: soffice mangles non-ASCII paths under a C/POSIX locale.
    source = work / "in" / "document.docx"
    source.parent.mkdir()
    try:
        _copy_for_libreoffice(docx, source)
    except zipfile.BadZipFile:
        raise PdfError(f"{docx}：不是有效的 Word 文档（.docx），无法转换为 PDF。") from None
    outdir = work / "out"
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
        "--convert-to", "pdf:writer_pdf_Export",
        "--outdir", str(outdir),
        str(source),
    ]
    try:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=font_environment(), cwd=str(work), start_new_session=(os.name == "posix"),
        )
    except OSError as exc:
        raise PdfError(f"无法启动 LibreOffice（{soffice}）：{exc}。"
                       f"在 Debian 上安装：apt-get install {APT_SOFFICE}") from None
    guard.watch(proc.pid)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        raise PdfError(f"LibreOffice 转换 PDF 超时（{timeout} 秒），已终止：{docx}") from None
    finally:
        if proc.returncode is None:  # interrupted (e.g. Ctrl-C): never leave soffice behind
            _kill_group(proc)
            proc.wait()
    produced = outdir / "document.pdf"
    detail = _tail(stderr.decode("utf-8", "replace") or stdout.decode("utf-8", "replace"))
    if proc.returncode != 0:
        raise PdfError(f"LibreOffice 转换 PDF 失败（退出码 {proc.returncode}）：{detail or '无输出'}")
    if not produced.is_file() or produced.stat().st_size == 0 or not _is_pdf(produced):
        raise PdfError(f"LibreOffice 未生成 PDF：{detail or '无输出'}")
    # Copy beside the target first (the temp dir may be on another file system), then an
    # atomic rename: readers see either the previous PDF or the complete new one.
    try:
        copy_atomic(produced, target)
    except OSError as exc:
        raise PdfError(f"无法写出 PDF {target}：{exc.strerror or exc}") from None
    return target


# ---------------------------------------------------------------- reading the .docx as Word does

_OVERFLOW_PUNCT = re.compile(rb"<(\w+):overflowPunct\b([^>]*?)\s*/>")
_ON_OFF_VAL = re.compile(rb"\b\w+:val\s*=\s*[\"']([^\"']*)[\"']")


def _invert_overflow_punct(xml: bytes) -> bytes:
    def invert(m: re.Match) -> bytes:
        val = _ON_OFF_VAL.search(m.group(2))
        on = val is None or val.group(1).strip().lower() not in (b"0", b"false", b"off")
        return b"<%s:overflowPunct %s:val=\"%s\"/>" % (m.group(1), m.group(1), b"0" if on else b"1")

    return _OVERFLOW_PUNCT.sub(invert, xml)


def _copy_for_libreoffice(docx: Path, dest: Path) -> None:
    """Copy the .docx for conversion, adjusted where LibreOffice reads Word's markup differently.

    w:overflowPunct ("allow punctuation to extend past the margin", Word's default: on): Word
    keeps punctuation inside the margins when it is off; LibreOffice's DOCX import (writerfilter
    DomainMapper, from 7.4 to the current source) maps it inverted, ParaIsHangingPunctuation =
    (val == 0), so a document that turns it off has its 。，hanging outside the 版心 in the PDF only. Explicit values are inverted in the
    copy, so the PDF follows Word; an omitted element means "on" for both and is left alone.
    Everything else is copied byte for byte.
    """
    with zipfile.ZipFile(docx) as zin:
        parts = [i for i in zin.infolist() if i.filename.startswith("word/") and i.filename.endswith(".xml")]
        if not any(b"overflowPunct" in zin.read(i) for i in parts):
            shutil.copyfile(docx, dest)
            return
        with zipfile.ZipFile(dest, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info in parts:
                    data = _invert_overflow_punct(data)
                zout.writestr(info, data, compress_type=info.compress_type)


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(5) == b"%PDF-"

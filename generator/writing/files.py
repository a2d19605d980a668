"""Safe file output shared by every writer (.docx, .xlsx, .pdf, imported .yaml).

Why this module exists: a failed run must never leave a half-written file or destroy the
previous good one, and published files must be readable by a shared folder or web server.
Each file is written to a temporary file in the target folder, given the mode a normally
created file would have (0666 less the umask: 0644 usually; mkstemp alone gives 0600), and
renamed over the target in one step.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path

_REASONS = {errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读文件系统", errno.EACCES: "没有写入权限",
            errno.EPERM: "没有权限", errno.ENOENT: "目录不存在", errno.EISDIR: "目标是一个目录",
            errno.EDQUOT: "超出磁盘配额", errno.ENAMETOOLONG: "文件名过长"}


def os_reason(exc: OSError) -> str:
    """An OSError in the officer's words: 磁盘空间不足 (No space left on device)."""
    text = exc.strerror or str(exc)
    chinese = _REASONS.get(exc.errno or 0)
    return f"{chinese}（{text}）" if chinese else text


def _umask() -> int:
    """The process umask (reading it means setting it; it is put back at once)."""
    old = os.umask(0)
    os.umask(old)
    return old


def _publish(tmp: str, target: Path, mode: int | None = None) -> None:
    os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
    os.replace(tmp, target)


def write_atomic(path: str | Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` all at once; on failure ``path`` is untouched. Raises OSError.
    Missing folders are created (the CLI refuses a missing parent folder before calling this). The file
    gets ``mode`` (cache.py: 0o600), else what the umask gives a new file."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(21, "目标是一个目录", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, path, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def copy_atomic(source: str | Path, path: str | Path) -> None:
    """Copy a finished file (possibly from another file system) over ``path`` all at once."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        _publish(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------- names built from the input

MAX_NAME_CHARS = 120
"""Longest file name any command builds from the input (部门名称); the full name stays in the document."""
_MAX_NAME_BYTES = 200  # ext4/NTFS allow 255 bytes; leave room for the staging and backup prefixes

_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|CLOCK\$|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE)
_SEPARATORS = re.compile(r'[\\/:*?"<>|]')


def _allowed_char(ch: str) -> bool:
    """No control (Cc), format (Cf: bidi overrides U+202E…, zero-width U+200B…), separator or
    private/unassigned characters: they hide or reorder what a file name seems to say."""
    return unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def safe_name_part(text: str) -> str:
    """``text`` as a piece of a file name: path separators and reserved characters removed,
    invisible characters dropped, whitespace runs made one space. Linear in the length of ``text``."""
    text = _SEPARATORS.sub("", "".join(ch for ch in text if _allowed_char(ch)))
    return " ".join(text.split())


def safe_file_name(stem: str, tail: str, fallback: str = "部门") -> str:
    """``<stem><tail>`` safe on Linux, macOS and Windows: see safe_name_part; no leading dot or dash,
    no trailing dot or space, not a reserved device name (CON, AUX, NUL, COM1 …), at most
    MAX_NAME_CHARS characters and _MAX_NAME_BYTES UTF-8 bytes (``stem`` is shortened, ``tail`` kept)."""
    tail = safe_name_part(tail)
    stem = safe_name_part(stem).lstrip(".- ")
    room = MAX_NAME_CHARS - len(tail)
    stem = stem[:max(room, 0)]
    while stem and len((stem + tail).encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[: -max(1, (len((stem + tail).encode("utf-8")) - _MAX_NAME_BYTES) // 3)]
    stem = stem.rstrip(". ") or fallback
    name = (stem + tail).rstrip(". ")
    if _RESERVED.match(name) or _RESERVED.match(name.split(".")[0]):
        name = "_" + name
    return name


# ---------------------------------------------------------------- one run's files, all or nothing

STAGING_PREFIX = ".budgetdoc-"
"""Hidden folders a run builds its files in, inside the output folder (same file system: renames are atomic)."""
_STARTED = time.time()
"""About when this process started: staging folders older than this without a live owner are stale."""


class CommitError(OSError):
    """The new files could not all be put in place; the message says exactly what the folder now holds."""

    def __init__(self, message: str, backup_kept: bool = False):
        super().__init__(message)
        self.backup_kept = backup_kept


def make_staging(out: Path) -> Path:
    """A fresh staging folder in ``out``, named with our process id so a later run can tell it is stale."""
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stale_staging(out: Path) -> list[Path]:
    """Remove staging folders (and atomic-write temporaries) that killed runs left in ``out``.

    A folder whose owning process is gone is stale; one without a readable owner is stale when it
    is older than this process. A live run's folder (another budgetdoc writing here now) is kept."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(out))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(STAGING_PREFIX) and not (entry.name.startswith(".") and entry.name.endswith(".tmp")):
            continue
        owner = entry.name[len(STAGING_PREFIX):].split("-", 1)[0] if entry.name.startswith(STAGING_PREFIX) else ""
        try:
            old = entry.stat(follow_symlinks=False).st_mtime < _STARTED
        except OSError:
            continue
        if owner.isdigit():
            stale = int(owner) != os.getpid() and not _alive(int(owner))
        else:
            stale = old
        if not stale:
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
        if not path.exists():
            removed.append(path)
    return removed


def commit(stage: Path, out: Path, names: list[str], stale: list[str] = ()) -> list[Path]:  # type: ignore[assignment]
    """Move the finished files ``names`` from ``stage`` into ``out`` as one step, and remove the
    files ``stale`` (outputs of a previous run that this run does not make and that would now
    disagree with the new ones). Returns the stale files removed.

    Previous files are first moved aside into the staging folder; only when every new file is in
    place are they dropped (with the staging folder). If any step fails, what was placed is taken
    back and the previous files are restored, then CommitError says so. Raises CommitError."""
    backup = stage / ".previous"
    backup.mkdir()
    moved_aside: list[str] = []
    placed: list[str] = []
    try:
        for name in list(names) + [s for s in stale if s not in names]:
            if (out / name).is_dir():
                raise IsADirectoryError(f"{out / name} 是一个目录")
            if os.path.lexists(out / name):
                os.replace(out / name, backup / name)
                moved_aside.append(name)
        for name in names:
            os.replace(stage / name, out / name)
            placed.append(name)
    except OSError as exc:
        problems = _roll_back(stage, out, backup, placed, moved_aside)
        reason = os_reason(exc) + (f"：{exc.filename}" if getattr(exc, "filename", None) else "")
        if problems:
            raise CommitError(f"放入新文件时失败（{reason}），且未能完全恢复原有文件：{'；'.join(problems)}。"
                              f"原有文件保存在 {backup}", backup_kept=True) from None
        raise CommitError(f"放入新文件时失败（{reason}），已恢复原有文件，未改动输出目录") from None
    return [out / s for s in stale if s in moved_aside and s not in names]


def _roll_back(stage: Path, out: Path, backup: Path, placed: list[str], moved_aside: list[str]) -> list[str]:
    problems = []
    for name in placed:
        try:
            os.replace(out / name, stage / name)
        except OSError as exc:
            problems.append(f"{out / name}：{exc.strerror or exc}")
    for name in moved_aside:
        try:
            os.replace(backup / name, out / name)
        except OSError as exc:
            problems.append(f"{out / name}：{exc.strerror or exc}")
    return problems

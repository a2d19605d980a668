"""Safe file output shared by every writer (.docx, .xlsx, .pdf, imported .yaml).

Why this module exists: a failed run must never leave a half-written file or destroy the
previous good one, and published files must be readable by a shared folder or web server.
Each file is written to a temporary file in the target folder, given the mode a normally
created file would have (0666 less the umask: 0644 usually; mkstemp alone gives 0600), and
renamed over the target in one step.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path


def _umask() -> int:
    """The process umask (reading it means setting it; it is put back at once)."""
    old = os.umask(0)
    os.umask(old)
    return old


def _publish(tmp: str, target: Path) -> None:
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, target)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once; on failure ``path`` is untouched. Raises OSError."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, path)
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

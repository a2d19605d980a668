"""budgetdoc's cache folder: files one process computes and the next reuses, for speed only.

Why this module exists: two things are the same in every process and slow to make again: Jinja's
compiled code of a template part (writing/code_cache.py) and pydantic's validators of the input
models (schema_cache.py). Both keep them here under a name that is a digest of everything they depend on,
so a stale file is never read; a missing or unreadable one is simply made again.

The folder is ``$BUDGETDOC_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/budgetdoc`` (``~/.cache``);
``BUDGETDOC_CACHE_DIR=off`` turns the cache off. The cache folder and its subfolders are created
private to their owner; files are written atomically (a temporary file renamed into place). Nothing is
read or written where someone else could have put the file: not through a link, not from a file or folder
that another user owns or can write.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def folder() -> Path | None:
    """Where cached files are kept, or None when the cache is off."""
    chosen = os.environ.get("BUDGETDOC_CACHE_DIR", "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "budgetdoc"


def _ours(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return mine and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _safe_folders(path: Path) -> bool:
    """The cache folder and the file's folder are real folders (not links) that only this user can change:
    in a folder someone else can write, they could put or link any file under a cache name."""
    for where in {path.parent, folder()} - {None}:
        try:
            info = os.lstat(where)
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode) or not _ours(info):
            return False
    return True


def read(path: Path) -> bytes | None:
    """The bytes of a cached file, or None when it is missing, unreadable, a link, or not safely ours."""
    try:
        if not _safe_folders(path):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or not _ours(info):
                return None
            return fh.read()
    except (OSError, ValueError):
        return None


def write(path: Path, data: bytes) -> None:
    """Keep ``data`` for the next process; any failure (read-only home, full disk, a folder that is not
    safely ours) is ignored."""
    from .writing.files import write_atomic

    try:
        for where in (folder(), path.parent):  # made private; parents above the cache folder keep their own mode
            if where is not None:
                where.mkdir(parents=True, exist_ok=True, mode=0o700)
        if _safe_folders(path):
            write_atomic(path, data, mode=0o600)
    except (OSError, ValueError):
        return

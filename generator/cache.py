"""budgetdoc's cache folder: files one process computes and the next reuses, for speed only.

Why this module exists: two things are the same in every process and slow to make again: Jinja's
compiled code of a template part (writing/code_cache.py) and pydantic's validators of the input
models (schema_cache.py). Both keep them here under a name that is a digest of everything they depend on,
so a stale file is never read; a missing or unreadable one is simply made again.

The folder is ``$BUDGETDOC_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/budgetdoc`` (``~/.cache``);
``BUDGETDOC_CACHE_DIR=off`` turns the cache off. It is created readable by its owner only; files are
written atomically (a temporary file renamed into place), and a file that someone else owns or could
have written is not read.
"""

from __future__ import annotations

import os
import stat
import tempfile
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


def read(path: Path) -> bytes | None:
    """The bytes of a cached file, or None when it is missing, unreadable, or not safely ours."""
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None
            return fh.read()
    except (OSError, ValueError):
        return None


def write(path: Path, data: bytes) -> None:
    """Keep ``data`` for the next process; any failure (read-only home, full disk) is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return

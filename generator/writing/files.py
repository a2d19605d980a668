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
import shutil
import tempfile
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

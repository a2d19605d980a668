"""Jinja's compiled code for a template part, kept on disk between processes (speed of `generate`).

Why this module exists: compiling the template's document part (Jinja lexes, parses and generates
Python for some 100 KB of Word XML, then Python compiles that) is a tenth of a whole `generate`
process, and gives the same code every time for the same part. Like Jinja's own bytecode cache,
the code object is marshalled to a file named by a digest of everything it depends on: the part's
text, the environment's options (TemplateSandbox, StrictUndefined, autoescape, finalize — see
ENVIRONMENT), budgetdoc's, Jinja's and Python's versions. A missing, unreadable or stale file is
simply compiled again; nothing but speed depends on the cache.

The folder is ``$BUDGETDOC_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/budgetdoc`` (``~/.cache``);
``BUDGETDOC_CACHE_DIR=off`` turns the cache off. Files are written atomically (a temporary file
renamed into place), readable by their owner only.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from types import CodeType

from .. import __version__

ENVIRONMENT = "TemplateSandbox(undefined=StrictUndefined, autoescape=True, finalize=_finalize) v1"
"""Change this when render.make_environment's options change: the compiled code depends on them."""


def folder() -> Path | None:
    """Where compiled code is kept, or None when the cache is off."""
    chosen = os.environ.get("BUDGETDOC_CACHE_DIR", "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "budgetdoc"


def _path(source: str) -> Path | None:
    where = folder()
    if where is None:
        return None
    import jinja2

    key = "\0".join((ENVIRONMENT, __version__, jinja2.__version__, sys.version, source))
    return where / "jinja" / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}.code"


def load(source: str) -> CodeType | None:
    """The compiled code of ``source`` kept by an earlier process, or None."""
    path = _path(source)
    if path is None:
        return None
    try:
        code = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(source: str, code: CodeType) -> None:
    """Keep ``code`` for the next process; any failure (read-only home, full disk) is ignored."""
    path = _path(source)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(code))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return

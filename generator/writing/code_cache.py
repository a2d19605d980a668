"""Jinja's compiled code for a template part, kept on disk between processes (speed of `generate`).

Why this module exists: compiling the template's document part (Jinja lexes, parses and generates
Python for some 100 KB of Word XML, then Python compiles that) is a tenth of a whole `generate`
process, and gives the same code every time for the same part. Like Jinja's own bytecode cache,
the code object is marshalled to a file named by a digest of everything it depends on: the part's
text, the environment's options (TemplateSandbox, StrictUndefined, autoescape, finalize — see
ENVIRONMENT), budgetdoc's, Jinja's and Python's versions. A missing, unreadable or stale file is
simply compiled again; nothing but speed depends on the cache.

The folder and its safety rules are cache.py's.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path
from types import CodeType

from .. import __version__, cache

ENVIRONMENT = "TemplateSandbox(undefined=StrictUndefined, autoescape=True, finalize=_finalize) v1"
"""Change this when render.make_environment's options change: the compiled code depends on them."""


def _path(source: str) -> Path | None:
    where = cache.folder()
    if where is None:
        return None
    import jinja2

    key = "\0".join((ENVIRONMENT, __version__, jinja2.__version__, sys.version, source))
    return where / "jinja" / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}.code"


def load(source: str) -> CodeType | None:
    """The compiled code of ``source`` kept by an earlier process, or None."""
    path = _path(source)
    data = cache.read(path) if path is not None else None
    if data is None:
        return None
    try:
        code = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(source: str, code: CodeType) -> None:
    """Keep ``code`` for the next process (cache.write ignores any failure)."""
    path = _path(source)
    if path is not None:
        cache.write(path, marshal.dumps(code))

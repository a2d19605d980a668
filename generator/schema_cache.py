"""pydantic's validators of budgetdoc's models, kept on disk between processes (speed of every command).

Why this module exists: before a `validate` or `generate` process checks a byte of input, pydantic
turns the model classes (the budget, the 决算, the 版式 profile, the config) into a core schema and
compiles it: some 30–40 ms of a 0.3 s process, and the same result every time for the same code. The
schema is plain data plus references to our own validator functions and classes, so it pickles; the
next process unpickles it (a few ms) and compiles the validator and serializer from it (well under a
millisecond). The file's name is a digest of pydantic's, pydantic-core's and Python's versions and the
size and mtime of every source file of the package (as Python's own bytecode cache judges freshness),
so a changed model is never validated by a stale schema. A missing, unreadable or stale file, or any
error at all while reading it, means pydantic builds the model as it always would: nothing but speed
depends on the cache. The folder and its safety rules are cache.py's.

The models are declared with ``defer_build=True``; :func:`complete` is called where each top-level
model is first used. Nested models are built by pydantic when they are used on their own.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from . import __version__, cache

_PACKAGE = Path(__file__).resolve().parent
FORMAT = "v2"
"""Change this when what is stored (schema, core config) or how it is restored changes."""


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of the versions and of every source file's size and mtime: any edit changes it."""
    import pydantic
    import pydantic_core

    parts = [FORMAT, __version__, sys.version, pydantic.VERSION, pydantic_core.__version__]
    for source in sorted(_PACKAGE.rglob("*.py")):
        info = source.stat()
        parts.append(f"{source.relative_to(_PACKAGE)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _path(model: type[BaseModel]) -> Path | None:
    where = cache.folder()
    if where is None:
        return None
    return where / "schemas" / f"{_code_digest()[:32]}-{model.__module__}.{model.__qualname__}.pickle"


def _factories(schema: object) -> set[type[BaseModel]]:
    """The model classes the schema calls as default factories (``Field(default_factory=LineSpec)``):
    pydantic builds each of them on its own when it makes a default, so they are completed here too."""
    found: set[type[BaseModel]] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            factory = node.get("default_factory")
            if isinstance(factory, type) and issubclass(factory, BaseModel):
                found.add(factory)
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return found


def _restore(model: type[BaseModel], data: bytes) -> None:
    from pydantic_core import SchemaSerializer, SchemaValidator

    schema, core_config, factories = pickle.loads(data)  # noqa: S301 - our own file, named by a digest of our code
    validator = SchemaValidator(schema, core_config)
    serializer = SchemaSerializer(schema, core_config)
    model.__pydantic_core_schema__ = schema
    model.__pydantic_validator__ = validator
    model.__pydantic_serializer__ = serializer
    model.__pydantic_complete__ = True
    for factory in factories:
        complete(factory)


def _store(model: type[BaseModel], path: Path) -> None:
    from pydantic._internal._config import ConfigWrapper

    core_config = ConfigWrapper(model.model_config).core_config(title=model.__name__)
    schema = model.__pydantic_core_schema__
    factories = sorted(_factories(schema) - {model}, key=lambda m: (m.__module__, m.__qualname__))
    try:
        data = pickle.dumps((schema, core_config, factories), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # a schema holding a lambda or a local function: built each time, as without a cache
    cache.write(path, data)
    for stale in path.parent.glob("*.pickle"):  # an earlier version's schemas are never read again
        if not stale.name.startswith(path.name.split("-", 1)[0] + "-"):
            stale.unlink(missing_ok=True)


def complete(model: type[BaseModel]) -> None:
    """Make ``model`` ready to validate: from the cache when an earlier process built the same code."""
    if model.__dict__.get("__pydantic_complete__"):
        return
    try:
        path = _path(model)
    except OSError:
        path = None
    data = cache.read(path) if path is not None else None
    if data is not None:
        try:
            _restore(model, data)
            return
        except Exception:  # noqa: BLE001 - any trouble with the cached file: build as usual
            pass
    model.model_rebuild(force=True)
    if path is not None:
        try:
            _store(model, path)
        except Exception:  # noqa: BLE001 - the cache is for speed only
            return
    for factory in _factories(model.__pydantic_core_schema__) - {model}:
        complete(factory)

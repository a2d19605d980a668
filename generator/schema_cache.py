"""pydantic's validators of budgetdoc's models, kept on disk between processes (speed of every command).

Why this module exists: before a `validate` or `generate` process checks a byte of input, pydantic
turns the model classes (the budget, the 决算, the 版式 profile, the config) into a core schema and
compiles it: some 30–40 ms of a 0.3 s process, and the same result every time for the same code. The
schema is plain data plus references to our own validator functions and classes, so it pickles; the
next process unpickles it (a few ms) and compiles the validator and serializer from it (well under a
millisecond).

The file's name is a digest of pydantic's, pydantic-core's and Python's versions and the size and mtime
of every source file of the package (as Python's own bytecode cache judges freshness), taken when this
module is imported, that is, when the models' code is loaded. The files are looked at again whenever the
cache is used: if any changed since (an upgrade or `git pull` under a running `serve` or `build`), this
process's classes may be older than the files, so it neither reads nor writes the cache. A restored file
must name the model it is for and the same fields. A missing, unreadable, stale or foreign file, or any
error at all while reading it, means pydantic builds the model as it always would: nothing but speed
depends on the cache. The folder and its safety rules are cache.py's.

The models are declared with ``defer_build=True``; :func:`complete` is called where each top-level
model is first used. Nested models are built by pydantic when they are used on their own.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import time
from pathlib import Path

from pydantic import BaseModel

from . import __version__, cache

_PACKAGE = Path(__file__).resolve().parent
FORMAT = "v3"
"""Change this when what is stored or how it is restored changes."""
KEEP_OTHERS_DAYS = 7
"""Another code version's files (another checkout or install sharing the folder) are removed only when unused this long."""


def _digest_now() -> str:
    """A digest of the versions and of every source file's size and mtime: any edit changes it."""
    import pydantic
    import pydantic_core

    parts = [FORMAT, __version__, sys.version, pydantic.VERSION, pydantic_core.__version__]
    for source in sorted(_PACKAGE.rglob("*.py")):
        info = source.stat()
        parts.append(f"{source.relative_to(_PACKAGE)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


try:
    _LOADED = _digest_now()
    """The code this process loaded (imported with the models, before any of them is used)."""
except OSError:
    _LOADED = ""


def _unchanged() -> bool:
    """The package's files are still those this process loaded."""
    try:
        return bool(_LOADED) and _digest_now() == _LOADED
    except OSError:
        return False


def _path(model: type[BaseModel]) -> Path | None:
    """Where ``model``'s schema is kept, or None when the cache is off."""
    where = cache.folder()
    return None if where is None else where / "schemas" / f"{_LOADED}-{_name(model)}.pickle"


def _name(model: type[BaseModel]) -> str:
    return f"{model.__module__}.{model.__qualname__}"


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


def _restore(model: type[BaseModel], data: bytes) -> bool:
    from pydantic_core import SchemaSerializer, SchemaValidator

    name, fields, schema, core_config, factories = pickle.loads(data)  # noqa: S301 - our own file (cache.read)
    if name != _name(model) or fields != sorted(model.model_fields):
        return False  # a file for another model, or fields this class does not have
    validator = SchemaValidator(schema, core_config)
    serializer = SchemaSerializer(schema, core_config)
    model.__pydantic_core_schema__ = schema
    model.__pydantic_validator__ = validator
    model.__pydantic_serializer__ = serializer
    model.__pydantic_complete__ = True
    for factory in factories:
        _complete(factory, usable=True)
    return True


def _store(model: type[BaseModel], path: Path) -> None:
    from pydantic._internal._config import ConfigWrapper

    core_config = ConfigWrapper(model.model_config).core_config(title=model.__name__)
    schema = model.__pydantic_core_schema__
    factories = sorted(_factories(schema) - {model}, key=_name)
    try:
        data = pickle.dumps((_name(model), sorted(model.model_fields), schema, core_config, factories),
                            protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # a schema holding a lambda or a local function: built each time, as without a cache
    if not _unchanged():
        return  # the files changed while the schema was built: it may be of older code
    cache.write(path, data)
    _prune(path)


def _prune(kept: Path) -> None:
    """Remove other code versions' files that nobody has used for a while."""
    mine = kept.name.split("-", 1)[0] + "-"
    old = time.time() - KEEP_OTHERS_DAYS * 86400
    for other in kept.parent.glob("*.pickle"):
        if other.name.startswith(mine):
            continue
        try:
            info = other.stat()
            if max(info.st_atime, info.st_mtime) < old:
                other.unlink()
        except OSError:
            continue


def complete(model: type[BaseModel]) -> None:
    """Make ``model`` ready to validate: from the cache when an earlier process built the same code."""
    if not model.__dict__.get("__pydantic_complete__"):
        _complete(model, usable=_unchanged())


def _complete(model: type[BaseModel], usable: bool) -> None:
    if model.__dict__.get("__pydantic_complete__"):
        return
    path = _path(model) if usable else None
    data = cache.read(path) if path is not None else None
    if data is not None:
        try:
            if _restore(model, data):
                return
        except Exception:  # noqa: BLE001 - any trouble with the cached file: build as usual
            pass
    model.model_rebuild(force=True)
    if path is not None:
        try:
            _store(model, path)
        except Exception:  # noqa: BLE001 - the cache is for speed only
            pass
    for factory in _factories(model.__pydantic_core_schema__) - {model}:
        _complete(factory, usable)

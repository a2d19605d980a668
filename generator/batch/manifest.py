"""The incremental manifest: what each department's outputs were made from, kept in the output folder.

Why this module exists: a bureau rebuilds its batch many times while departments correct their
files; only the changed ones should cost anything. A department's key hashes everything its
outputs depend on (its input's bytes, the config, the profile, the template, the budgetdoc
version and the output options); an unchanged key with its files still present is skipped.
The manifest also remembers which files each input wrote, so a removed or renamed input's
stale outputs are deleted instead of lingering beside the current ones.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..writing.files import write_atomic
from .records import Record

FOLDER = ".budgetdoc"
"""Hidden folder in the output folder: the manifest(s) and the transient staging folders."""
FORMAT = 2


def manifest_path(out: Path, shard_label: str = "") -> Path:
    return out / FOLDER / (f"manifest-{shard_label}.json" if shard_label else "manifest.json")


def file_digest(path: Path | None) -> str:
    """sha256 of a file's bytes ("" for None; "missing" when it cannot be read)."""
    if path is None:
        return ""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return "missing"
    return h.hexdigest()


def common_key(config: Path | None, profile: str, options: dict[str, object]) -> str:
    """The part of every department's key that the whole batch shares.

    The profile's and the template's files are checked per department (Record.deps): which
    profile applies may come from the input itself (基本信息.版式)."""
    parts = {
        "format": FORMAT,
        "version": __version__,
        "config": file_digest(config),
        "profile": profile,
        "options": options,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def department_key(common: str, input_path: Path) -> str:
    return hashlib.sha256(f"{common}\n{file_digest(input_path)}".encode()).hexdigest()


def read_manifest(path: Path) -> dict[str, Record]:
    """input → Record from a previous build; {} when there is none or it is unreadable (full rebuild)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    try:
        return {r["input"]: Record.from_json(r) for r in data.get("departments", [])}
    except (TypeError, KeyError):
        return {}


def claimed_by_other_shards(out: Path, shard_label: str) -> set[str]:
    """The files the other shards of the same split (``K-of-N``, same N) list in ``out``: a department that moved
    to another shard (the round robin shifts when an input is added or removed) keeps its file name there, so
    this shard's manifest still names it — and must not delete what the other shard now writes."""
    if not shard_label:
        return set()
    count = shard_label.partition("-of-")[2]
    names: set[str] = set()
    for path in sorted((out / FOLDER).glob(f"manifest-*-of-{count}.json")):
        if path != manifest_path(out, shard_label):
            names.update(n for r in read_manifest(path).values() for n in r.outputs + r.kept)
    return names


def write_manifest(path: Path, records: list[Record]) -> None:
    data = {"format": FORMAT, "version": __version__, "departments": [r.to_json() for r in records]}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))

"""Which files make up a batch, and which of them one shard builds.

Why this module exists: a bureau points `build` at folders of departments' files; the batch must
be the same list, in the same order, on every machine and at every -j, so that --shard K/N slices
add up to the whole batch and outputs never depend on the file system's listing order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

INPUT_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
"""What a folder is searched for (recursively)."""


@dataclass(frozen=True)
class Shard:
    """The K-th (1-based) of N deterministic slices of a batch."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/4"`` → Shard(2, 4); raises ValueError with a Chinese message otherwise."""
        parts = text.strip().split("/")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"--shard 应写成 K/N（如 2/4），而不是“{text}”")
        index, count = int(parts[0]), int(parts[1])
        if count < 1 or not 1 <= index <= count:
            raise ValueError(f"--shard {text}：K 须在 1 到 N 之间，N 至少为 1")
        return cls(index, count)

    @property
    def label(self) -> str:
        return f"{self.index}-of-{self.count}"

    def select(self, items: list) -> list:
        """Round-robin over the sorted batch: shards differ in size by at most one department."""
        return [item for i, item in enumerate(items) if i % self.count == self.index - 1]


def _wanted(path: Path) -> bool:
    name = path.name
    return (path.suffix.lower() in INPUT_SUFFIXES and not name.startswith((".", "~$"))
            and path.is_file())


def _walk(folder: Path, skip: set[Path]) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() not in skip)
        found.extend(here / n for n in sorted(names) if _wanted(here / n))
    return found


def discover(inputs: list[Path], skip: list[Path] = ()) -> tuple[list[Path], list[Path]]:
    """The batch's files (folders searched recursively), sorted, each once; and the inputs not found.

    ``skip`` holds folders never searched (the output folder, when it sits among the inputs).
    """
    skipped = {Path(p).resolve() for p in skip}
    files: dict[Path, Path] = {}
    missing: list[Path] = []
    for given in inputs:
        given = Path(given)
        if given.is_dir():
            for path in _walk(given, skipped):
                files.setdefault(path.resolve(), path)
        elif given.exists():
            files.setdefault(given.resolve(), given)
        else:
            missing.append(given)
    ordered = sorted(files.values(), key=lambda p: (p.as_posix().casefold(), p.as_posix()))
    return ordered, missing

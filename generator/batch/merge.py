"""Merging shards: one 汇总 for a batch built as --shard K/N slices, on one machine or many.

Why this module exists: a province spreads a batch over machines; each shard writes its records
to its manifest (``.budgetdoc/manifest-K-of-N.json``) and its own 汇总-K-of-N. The merge reads
the manifests (no input is read again), runs the cross-batch checks on the whole batch (what no
shard can see alone, e.g. the same 部门编码 in two shards) and writes one 汇总.xlsx and index.html
whose links point at each shard's files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from .crosscheck import cross_check
from .manifest import FOLDER, read_manifest
from .records import HAS_ERRORS, Record
from .summary import write_summary


@dataclass
class MergeReport:
    records: list[Record] = field(default_factory=list)
    summary: tuple[Path, Path] | None = None
    problem: str = ""

    @property
    def exit_code(self) -> int:
        if self.problem or any(r.unreadable or r.failed for r in self.records):
            return 2
        return 1 if any(r.errors for r in self.records) else 0


def _manifests(folder: Path) -> list[Path]:
    return sorted((folder / FOLDER).glob("manifest*.json"))


def merge(folders: list[Path], out: Path, settings: Settings | None = None) -> MergeReport:
    """One summary in ``out`` for every department recorded in ``folders``' manifests."""
    report = MergeReport()
    out = Path(out)
    seen: dict[str, Record] = {}
    for folder in map(Path, folders):
        found = _manifests(folder)
        if not found:
            report.problem = f"{folder}：没有找到 budgetdoc build 的记录（{FOLDER}/manifest*.json）"
            return report
        for manifest in found:
            for record in read_manifest(manifest).values():
                rel = os.path.relpath(folder, out)
                record.outputs = [os.path.normpath(os.path.join(rel, n)) for n in record.outputs]
                record.findings = [f for f in record.findings if not f.rule.startswith("BATCH-")]
                seen.setdefault(record.input, record)
    report.records = sorted(seen.values(), key=lambda r: (r.input.casefold(), r.input))
    for record, finding in cross_check(report.records, settings):
        record.findings.append(finding)
        if finding.severity == "error":
            record.status = HAS_ERRORS
    out.mkdir(parents=True, exist_ok=True)
    report.summary = write_summary(out, report.records)
    return report

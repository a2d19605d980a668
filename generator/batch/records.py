"""One department's line in a batch: what was read, found, written; stored in the manifest.

Why this module exists: the summary workbook, the HTML index, the cross-batch checks, the
incremental manifest and the merging of shards all speak about the same facts per department.
They are plain JSON-able data (amounts as exact decimal strings), so a later run or another
machine's shard can reuse them without reading the input again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ..findings import Finding

GENERATED = "已生成"
HAS_ERRORS = "有错误"
HAS_WARNINGS = "有警告"
UNCHANGED = "未变化"
UNREADABLE = "无法读取"
FAILED = "生成失败"
"""状态 values. 有错误 with outputs means generated under --force (each page says 未通过校验)."""

FIGURES = ("收入总计", "支出总计", "基本支出", "项目支出", "“三公”合计", "机关运行经费")
"""The amounts the summary shows per department, in 万元 (two decimals, as the document shows them)."""


@dataclass
class FindingRow:
    """A finding as the summary lists it."""

    file: str
    location: str
    rule: str
    severity: str
    message: str

    @classmethod
    def of(cls, f: Finding) -> FindingRow:
        return cls(f.file, f.position.render(), f.rule, f.severity, f.render().split(f"[{f.rule}] ", 1)[-1])


@dataclass
class Record:
    """One department of the batch."""

    input: str
    """The input file as given (relative to where build was run): the department's identity."""
    key: str = ""
    """Hash of everything its outputs depend on (input, config, profile, template, version, options)."""
    status: str = ""
    部门名称: str = ""
    部门编码: str = ""
    单位编码: list[str] = field(default_factory=list)
    预算年度: str = ""
    文种: str = ""
    figures: dict[str, str] = field(default_factory=dict)
    """FIGURES name → amount in 万元 (exact decimal text); absent when the input does not say."""
    outputs: list[str] = field(default_factory=list)
    """Files written for it, relative to the output folder (the .docx first)."""
    planned: list[str] = field(default_factory=list)
    """Files it would write (checked across the batch before anything is written)."""
    deps: dict[str, str] = field(default_factory=dict)
    """Other files its outputs were made from (profile layers, template) → sha256, checked on reuse."""
    kept: list[str] = field(default_factory=list)
    """Files of an earlier build left in place because this run made no new ones (never destroyed)."""
    findings: list[FindingRow] = field(default_factory=list)
    note: str = ""
    """Why something did not happen (not generated, PDF failed …), in Chinese."""
    unreadable: bool = False
    failed: bool = False
    """A system failure (writing, PDF): the build exits 2."""

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity != "error" for f in self.findings)

    def figure(self, name: str) -> Decimal | None:
        text = self.figures.get(name)
        return Decimal(text) if text is not None else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        data = dict(data)
        data["findings"] = [FindingRow(**f) for f in data.get("findings", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

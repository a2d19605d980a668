"""Checks across the batch: what no single department's file can show on its own.

Why this module exists: a bureau's batch goes wrong in ways each file hides — two departments
copied from one template write the same file name (the second would overwrite the first), keep
the same 部门编码 or 单位编码, or one file is last year's (预算年度) or the wrong kind (文种).
These run on every record before anything is written; like the per-file rules they are data
(rule id, severity, Chinese message) whose severity the config can change or switch off.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..config import Settings
from .records import FindingRow, Record


@dataclass(frozen=True)
class BatchRule:
    id: str
    severity: str
    title: str
    func: Callable[[list[Record]], Iterable[tuple[Record, str]]]


BATCH_RULES: dict[str, BatchRule] = {}


def batch_rule(rule_id: str, severity: str, title: str) -> Callable:
    def register(func: Callable[[list[Record]], Iterable[tuple[Record, str]]]) -> Callable:
        BATCH_RULES[rule_id] = BatchRule(rule_id, severity, title, func)
        return func

    return register


def _shared(records: list[Record], values: Callable[[Record], Iterable[str]]) -> dict[str, list[Record]]:
    owners: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        for value in dict.fromkeys(v for v in values(r) if v):
            owners[value].append(r)
    return {v: rs for v, rs in owners.items() if len(rs) > 1}


def _others(record: Record, owners: list[Record]) -> str:
    return "、".join(o.input for o in owners if o is not record)


@batch_rule("BATCH-NAME", "error", "两个输入会写出同名文件（后者会覆盖前者）")
def same_output_name(records: list[Record]) -> Iterable[tuple[Record, str]]:
    for name, owners in sorted(_shared(records, lambda r: r.planned).items()):
        for r in owners:
            yield r, f"与 {_others(r, owners)} 会写出同名文件“{name}”，两者均未生成；请检查部门名称和预算年度"


@batch_rule("BATCH-DEPT-CODE", "error", "部门编码在批次中重复")
def same_department_code(records: list[Record]) -> Iterable[tuple[Record, str]]:
    for code, owners in sorted(_shared(records, lambda r: [r.部门编码]).items()):
        for r in owners:
            yield r, f"部门编码“{code}”与 {_others(r, owners)} 重复，请核对基本信息.部门编码"


@batch_rule("BATCH-UNIT-CODE", "error", "预算单位编码在批次中重复")
def same_unit_code(records: list[Record]) -> Iterable[tuple[Record, str]]:
    for code, owners in sorted(_shared(records, lambda r: r.单位编码).items()):
        for r in owners:
            yield r, f"预算单位编码“{code}”也出现在 {_others(r, owners)}，请核对基本信息.预算单位"


def _odd_ones(records: list[Record], attr: str) -> Iterable[tuple[Record, str, str]]:
    """Records whose ``attr`` differs from the batch's most common value (ties: the smallest)."""
    counts = Counter(getattr(r, attr) for r in records if getattr(r, attr))
    if len(counts) < 2:
        return
    usual = min(counts, key=lambda v: (-counts[v], v))
    for r in records:
        value = getattr(r, attr)
        if value and value != usual:
            yield r, value, usual


@batch_rule("BATCH-YEAR", "error", "年度（预算年度或决算年度）与批次中其他部门不同")
def other_year(records: list[Record]) -> Iterable[tuple[Record, str]]:
    for r, value, usual in _odd_ones(records, "预算年度"):
        yield r, f"年度 {value} 与批次中其他部门（{usual}）不同，是否放错了文件？"


@batch_rule("BATCH-KIND", "error", "文种（预算/决算）与批次中其他部门不同")
def other_kind(records: list[Record]) -> Iterable[tuple[Record, str]]:
    for r, value, usual in _odd_ones(records, "文种"):
        yield r, f"文种“{value}”与批次中其他部门（{usual}）不同，是否放错了文件？"


def cross_check(records: list[Record], settings: Settings | None = None) -> list[tuple[Record, FindingRow]]:
    """Every batch finding, attached to the record it concerns (in rule, then batch order)."""
    overrides = (settings or Settings()).规则
    readable = [r for r in records if r.部门名称]
    out: list[tuple[Record, FindingRow]] = []
    for rule in BATCH_RULES.values():
        severity = overrides.get(rule.id, rule.severity)
        if severity == "off":
            continue
        for record, message in rule.func(readable):
            out.append((record, FindingRow(record.input, "", rule.id, severity, message)))
    return out

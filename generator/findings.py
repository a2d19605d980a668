"""Findings: every problem with an input is data, collected before anything is reported.

Why this module exists: the loader, the model stage and the rules all report problems the same
way (like beancount's error tuples), so the CLI can print them as ``file:line:col:`` lines or as
JSON, and tests can assert on rule ids and locations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Literal

Severity = Literal["error", "warning"]
SEVERITY_ZH = {"error": "错误", "warning": "警告"}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    """Where a value stands in a source file: line/column (1-based) or a spreadsheet cell."""

    line: int | None = None
    col: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def render(self) -> str:
        if self.sheet:
            return f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        if self.line is None:
            return ""
        return f"{self.line}:{self.col or 1}"


@dataclass
class SourceMap:
    """Maps input paths to positions in one file, falling back to the nearest ancestor."""

    file: str
    positions: dict[Path, Position] = field(default_factory=dict)

    def find(self, path: Path) -> Position:
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), Position())


def format_path(path: Path) -> str:
    """('支出', '功能分类', 3, '人员经费') -> 支出.功能分类[3].人员经费"""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def fmt_amount(value: Decimal | None) -> str:
    if value is None:
        return "（无）"
    return f"{value:,.2f}" if value == value.quantize(Decimal("0.01")) else f"{value:,f}"


@dataclass
class Finding:
    """One problem: which rule, how bad, what to fix, where, and for arithmetic the figures."""

    rule: str
    severity: Severity
    message: str
    file: str = ""
    position: Position = field(default_factory=Position)
    path: Path = ()
    expected: Decimal | None = None
    actual: Decimal | None = None
    labels: tuple[str, str, str] = ("期望", "实际", "差额")
    """How the two figures and their difference are named (PRIOR-REASON: 上年、本年、变动)."""

    @property
    def difference(self) -> Decimal | None:
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected

    def location(self) -> str:
        where = self.position.render()
        return f"{self.file}:{where}" if where else self.file

    def figures(self) -> str:
        """``期望 150.00，实际 160.00，差额 10.00`` in the finding's own words (PRIOR-REASON: 上年 …，本年 …，变动 …);
        "" when it has no figures. The CLI (render) and the web page both show exactly this."""
        if self.expected is None and self.actual is None:
            return ""
        first, second, diff = self.labels
        parts = [f"{first} {fmt_amount(self.expected)}"] if self.expected is not None else []
        parts.append(f"{second} {fmt_amount(self.actual)}")
        if self.difference is not None:
            parts.append(f"{diff} {fmt_amount(self.difference)}")
        return "，".join(parts)

    def render(self) -> str:
        """``file:line:col: 错误 [RULE] message（期望 …，实际 …，差额 …）``"""
        text = f"{self.location()}: {SEVERITY_ZH[self.severity]} [{self.rule}] {self.message}"
        figures = self.figures()
        if figures:
            text += f"（{figures}）"
        if self.path:
            text += f"  ← {format_path(self.path)}"
        return text

    def to_json(self) -> dict:
        data = asdict(self)
        data["position"] = {k: v for k, v in asdict(self.position).items() if v is not None}
        data["line"] = self.position.line
        data["column"] = self.position.col
        data["cell"] = f"{self.position.sheet}!{self.position.cell}" if self.position.sheet else None
        data["path"] = format_path(self.path)
        for key in ("expected", "actual"):
            data[key] = None if data[key] is None else str(data[key])
        diff = self.difference
        data["difference"] = None if diff is None else str(diff)
        data["severity_zh"] = SEVERITY_ZH[self.severity]
        data["labels"] = list(self.labels)
        return data


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


class InputError(Exception):
    """A file that cannot be read or parsed at all (exit code 2); carries its finding."""

    def __init__(self, finding: Finding):
        super().__init__(finding.render())
        self.finding = finding

"""``import``: a filled workbook written as the YAML input file, in the samples' style."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..reading.final_model import FinalAccounts, build_final, is_final
from ..reading.model import Budget, build
from ..reading.workbook import read_workbook
from ..reading.workbook_layout import SIGNS, ExcelError
from . import files

# ================================================================= import: workbook → YAML

CODE_KEYS = {"编码", "部门编码", "科目编码", "项目编码", "功能分类科目"}
FLOW_ITEMS = {"预算单位", "编制", "功能分类", "小计", "经济分类基本支出", "明细", "车辆", "指标", "决算单位", "政府性基金",
              "国有资本经营"}
"""Lists whose items are written on one line each, like the sample inputs."""


def import_workbook(path: str | Path, target: str | Path) -> None:
    """Convert a filled workbook to the YAML input file (written atomically).

    Raises ``InputError`` for an unreadable workbook and ``ExcelError`` (all findings, located at
    cells) for problems in it, including type errors of the model (missing or invalid values).
    """
    data, source = read_workbook(path)
    budget, findings = _build(data, source)
    if budget is None:
        raise ExcelError(findings)
    text = budget_yaml(budget, Path(path).name)
    _check_yaml(text, budget, str(target))
    files.write_atomic(Path(target), text.encode("utf-8"))


def _build(data: Any, source: Any) -> tuple[Budget | FinalAccounts | None, list[Finding]]:
    return build_final(data, source) if is_final(data) else build(data, source)  # type: ignore[return-value]


def budget_yaml(budget: Budget | FinalAccounts, origin: str = "") -> str:
    """The budget as YAML input text: keys in model order, only what was entered, amounts with two decimals."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    class Number(str):
        """An amount or quantity written as a plain YAML number from its exact text."""

    def number(value: Decimal, key: Any) -> Number:
        if key == "数量":  # a quantity, not money: as entered
            return Number(format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f"))
        return Number(f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else format(value, "f"))

    def convert(value: Any, path: tuple) -> Any:
        key = path[-1] if path else None
        if isinstance(value, dict):
            prior = len(path) == 2 and path[0] == "上年数" or len(path) == 3 and path[0] == "上年数" and path[1] in (
                "功能分类", "项目")
            if prior and set(value) == {"金额"}:
                return number(value["金额"], "金额")  # a bare amount is a 上年数 without reason
            out = CommentedMap()
            for k, v in value.items():
                if v is not None:
                    coded = path[-1:] in (("功能分类",), ("项目",)) and path[0] == "上年数" or path == ("支出", "类说明")
                    name = DoubleQuotedScalarString(k) if coded else k
                    out[name] = convert(v, path + (k,))
            if prior or (isinstance(key, int) and path[-2] in FLOW_ITEMS):
                out.fa.set_flow_style()
            return out
        if isinstance(value, list):
            seq = CommentedSeq()
            for i, item in enumerate(value):
                seq.append(convert(item, path + (i,)))
            return seq
        if isinstance(value, Decimal):
            return number(value, key)
        if isinstance(value, str):
            if key in CODE_KEYS or (key == "符号" and value in SIGNS):
                return DoubleQuotedScalarString(value)
            if "\n" in value:
                return LiteralScalarString(value)
        return value

    def represent_number(representer: Any, value: Number) -> Any:
        tag = "tag:yaml.org,2002:int" if re.fullmatch(r"-?\d+", value) else "tag:yaml.org,2002:float"
        return representer.represent_scalar(tag, str(value))

    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    yaml.representer.add_representer(Number, represent_number)
    tree = convert(budget.model_dump(by_alias=True, exclude_unset=True, exclude_none=True), ())
    if origin:
        tree.yaml_set_start_comment(f"由 {origin} 导入（budgetdoc import）。金额单位：{budget.基本信息.金额单位}")
    buf = io.StringIO()
    yaml.dump(tree, buf)
    return buf.getvalue()


def _check_yaml(text: str, budget: Budget | FinalAccounts, shown: str) -> None:
    """Guard: the YAML written must load back to the very same model."""
    from ..reading.load import parse_yaml

    data, source = parse_yaml(text, shown)
    again, findings = _build(data, source)
    if again is None or again.model_dump() != budget.model_dump():
        raise ExcelError(findings or [Finding("XLSX-IMPORT", "error", "内部错误：导出的 YAML 与工作簿内容不一致，请报告此问题",
                                              file=shown)])



"""What the workbook tests share: the budget and 决算 fill-in workbooks (tests/test_excel.py,
tests/test_final_excel.py) and the tables workbook (tests/test_tables_xlsx.py).

Each of those files had its own copy of these set-up steps: build a model and fail with its
findings, edit a saved workbook, collect the cell findings of an unreadable one, and show a cell
as Excel displays it. One copy here keeps them reading the workbooks the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from generator.reading.workbook import read_workbook
from generator.reading.workbook_layout import ExcelError


def built(build: Callable[..., tuple[Any, list]], data_source: tuple[Any, Any]) -> Any:
    """The model ``build`` makes of (data, source); the test fails with the findings when there is none."""
    model, findings = build(*data_source)
    assert model is not None, [f.render() for f in findings]
    return model


def mutate(src: Path, dst: Path, change: Callable[[Workbook], object]) -> Path:
    """``src`` with ``change`` applied to its workbook, saved as ``dst``."""
    wb = load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def cell_findings(path: Path) -> list:
    """The findings of a workbook the reader refuses (the test fails if it reads)."""
    with pytest.raises(ExcelError) as info:
        read_workbook(path)
    return info.value.findings


def displayed(cell) -> str:
    """A cell as Excel displays it: numbers through their number format (#,##0.00 / 0.00 / #,##0 / 0)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    fmt = cell.number_format
    decimals = len(fmt.split(".")[1]) if "." in fmt else 0
    number = Decimal(str(value))
    return f"{number:,.{decimals}f}" if fmt.startswith("#,##0") else f"{number:.{decimals}f}"

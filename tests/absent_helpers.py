"""Helpers shared by the absent-is-not-zero tests (budget, 决算, INFO-MISSING per layout): an input
written back as YAML with exact decimals, and the texts that differ between two documents."""

from __future__ import annotations

import difflib
import json
import re
from decimal import Decimal
from typing import Any


def dump_yaml(data: Any) -> str:
    """JSON text (which is YAML) of a loaded input, decimals written exactly as numbers."""
    def encode(value: object) -> object:
        if isinstance(value, Decimal):
            return f"@@{value}@@"
        if hasattr(value, "isoformat"):
            return value.isoformat()  # type: ignore[union-attr]
        raise TypeError(type(value))

    return re.sub(r'"@@(-?[\d.]+)@@"', r"\1", json.dumps(data, ensure_ascii=False, indent=1, default=encode))


def differing_texts(a: list[str], z: list[str]) -> tuple[list[str], list[str]]:
    """The texts that differ: (only in ``a``, only in ``z``), in document order."""
    only_a, only_z = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=z, autojunk=False).get_opcodes():
        if op != "equal":
            only_a += a[i1:i2]
            only_z += z[j1:j2]
    return only_a, only_z

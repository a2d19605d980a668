"""Bundled catalog of 政府收支分类科目 and the default 名词解释.

Why this module exists: a disclosure names every 功能分类 and 经济分类 code it uses, lists the
fixed set of 类 in its 收支总表 whether zero or not, and explains each 功能分类科目 and the
standard terms in its 名词解释. Those names and texts come from the national catalog
(财政部《政府收支分类科目》), not from the officer, so they ship with the tool as data files
(``data/function_codes.yaml``, ``data/economic_codes.yaml``, ``data/terms.yaml``), compiled into
``data/catalog.json`` by tools/make_catalog.py so that a start reads JSON in milliseconds instead of
parsing YAML (a test checks the two agree), read once and looked up here. The catalog is partial and revised yearly: callers treat an unknown
code or a differing name as a warning, never as an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_LEVELS = {3: "类", 5: "款", 7: "项"}
"""Code length → level of a 功能分类科目."""


@dataclass(frozen=True)
class Subject:
    """One 科目: its code, official name, official 科目说明 and whether the 收支总表 lists it."""

    code: str
    name: str
    meaning: str = ""
    in_summary: bool = False


@lru_cache
def _compiled() -> dict[str, Any]:


    text = resources.files(__package__ or "generator").joinpath("data", "catalog.json").read_text(encoding="utf-8")
    return json.loads(text)


def _read(filename: str) -> list[dict[str, Any]]:
    """The entries of one catalog source (``function_codes.yaml`` …), from its JSON compilation."""
    data = _compiled().get(filename)
    if not isinstance(data, list):
        raise ValueError(f"{filename}: expected a list of entries")
    return data


def _subject(entry: dict[str, Any]) -> Subject:
    return Subject(
        code=str(entry["code"]),
        name=str(entry["name"]),
        meaning=str(entry.get("meaning") or ""),
        in_summary=bool(entry.get("in_summary", False)),
    )


@lru_cache
def _function_subjects() -> dict[str, Subject]:
    return {s.code: s for s in map(_subject, _read("function_codes.yaml"))}


@lru_cache
def _economic_subjects() -> dict[str, Subject]:
    return {s.code: s for s in map(_subject, _read("economic_codes.yaml"))}


def function_subject(code: str) -> Subject | None:
    """The 支出功能分类科目 with this 3-, 5- or 7-digit code, or None if not in the catalog."""
    return _function_subjects().get(code.strip())


def economic_subject(code: str) -> Subject | None:
    """The 部门预算支出经济分类科目 with this 3- or 5-digit code, or None if not in the catalog."""
    return _economic_subjects().get(code.strip())


@lru_cache
def _summary_classes() -> tuple[Subject, ...]:
    return tuple(s for s in _function_subjects().values() if s.in_summary)


def summary_classes() -> list[Subject]:
    """The 类 that the 收支总表 lists in full (zero or not), in the order it lists them."""
    return list(_summary_classes())


@lru_cache
def _default_terms() -> tuple[tuple[str, str], ...]:
    return tuple((str(e["term"]), str(e["text"])) for e in _read("terms.yaml"))


def default_terms() -> list[tuple[str, str]]:
    """The standard 名词解释 as (term, text), in disclosure order.

    Texts may contain the placeholder ``{财政级次}`` for the renderer to fill (e.g. "本级财政").
    """
    return list(_default_terms())

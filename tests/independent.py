"""Independent expectations for the generated 部门预算公开 (.docx), computed from the raw input.

Why this module exists: a test that compares the document with ``generator.layout.compute`` /
``generator.layout.narrate`` / ``generator.fmt`` only proves the renderer copies what they say. This
module recomputes every figure the document shows from the input file itself (plain dicts with
Decimal amounts from ``generator.reading.load.load_file`` — the parser, nothing else of the generator),
with its own Decimal arithmetic and ROUND_HALF_UP, and formats it by the rules of
/work/shared/CONVENTIONS.md. It also reads a .docx back into plain text blocks (paragraphs and
tables in body order) so that tests can find a table by its title and a sentence by substring.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.text.paragraph import Paragraph
from ruamel.yaml import YAML

from generator.reading.load import load_file

REPO = Path(__file__).resolve().parents[1]
CATALOG_DIR = REPO / "generator" / "data"

ZERO = Decimal("0")
CENT = Decimal("0.01")
WAN = Decimal("10000")
HUNDRED = Decimal("100")

# The vocabulary of CONVENTIONS.md (own copies: not imported from generator.reading.model).
INCOME_SOURCES = (
    "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "财政专户管理资金", "事业收入",
    "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入",
)
FUNDS = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
FISCAL = FUNDS[:3]
KINDS = ("人员经费", "公用经费", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出")
THREE_PUBLIC = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
TAIL_NOTE = "因四舍五入，合计数与分项之和可能存在尾差。"
DEFAULT_FISCAL_LEVEL = ""  # Settings.财政级次 default: "<地区>本级财政", or "本级财政" without 地区 (docs/config.md)

TABLE_NAMES = (
    "部门收支总表", "部门收入总表", "部门支出总表", "财政拨款收支总表", "一般公共预算支出表",
    "一般公共预算基本支出表", "一般公共预算“三公”经费支出表", "政府性基金预算支出表",
    "国有资本经营预算支出表", "项目支出表", "政府采购预算表",
)


# ================================================================= numbers


def dec(value: Any) -> Decimal:
    """An input amount as Decimal; empty is 0. Floats are refused (the loader never makes them)."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"unexpected amount {value!r}")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value.strip().replace(",", "").replace("，", ""))
    raise TypeError(f"unexpected amount {value!r}")


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def printed(declared: Any, parts: list[Decimal], otherwise: Decimal | None = None) -> Decimal:
    """R12: a total the officer typed within 尾差 of its parts (0.01 per part that is not 0, at least
    0.01) is the exact 元-system figure and is printed as typed; otherwise the computed figure."""
    total = sum(parts, ZERO)
    if declared is not None:
        typed = dec(declared)
        if abs(typed - total) <= CENT * max(len([p for p in parts if p != 0]), 1):
            return typed
    return total if otherwise is None else otherwise


def convert(value: Decimal, src: str, dst: str) -> Decimal:
    if src == dst:
        return value
    if src == "元" and dst == "万元":
        return value / WAN
    if src == "万元" and dst == "元":
        return value * WAN
    raise ValueError((src, dst))


def pct(ratio_percent: Decimal, places: int = 2) -> str:
    q = Decimal(1).scaleb(-places)
    return f"{abs(ratio_percent).quantize(q, rounding=ROUND_HALF_UP)}%"


def clean_reason(reason: str) -> str:
    text = (reason or "").strip().rstrip("。；;，,")
    for lead in ("主要原因是", "主要原因：", "原因是", "原因："):
        if text.startswith(lead):
            text = text[len(lead):]
    return text


# ================================================================= catalog data files


def _read_yaml_list(name: str) -> list[dict]:
    data = YAML(typ="safe").load((CATALOG_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, list), name
    return data


@lru_cache
def function_catalog() -> dict[str, dict]:
    return {str(e["code"]): e for e in _read_yaml_list("function_codes.yaml")}


@lru_cache
def economic_catalog() -> dict[str, dict]:
    return {str(e["code"]): e for e in _read_yaml_list("economic_codes.yaml")}


@lru_cache
def summary_classes() -> tuple[tuple[str, str], ...]:
    """(code, name) of the 类 every 收支总表 lists, zero or not, in catalog order."""
    return tuple((str(e["code"]), str(e["name"])) for e in _read_yaml_list("function_codes.yaml")
                 if e.get("in_summary"))


@lru_cache
def default_terms() -> tuple[tuple[str, str], ...]:
    return tuple((str(e["term"]), str(e["text"])) for e in _read_yaml_list("terms.yaml"))


def qualified_name(code: str, rows: dict[str, str] | None = None, subtotals: dict[str, str] | None = None) -> str:
    """类名(类)款名(款)项名(项), the 名词解释 form of a 功能分类科目: 类/款 from the catalog (else the
    officer's 小计 name), 项 as the input row names it (as in the tables)."""
    cat = function_catalog()
    rows, subtotals = rows or {}, subtotals or {}
    parts = []
    for n, level in ((3, "类"), (5, "款"), (7, "项")):
        if len(code) < n:
            break
        key = code[:n]
        name = rows.get(key) if n == 7 else None
        name = name or (cat[key]["name"] if key in cat else subtotals.get(key, ""))
        if name:
            parts.append(f"{name}（{level}）")
    return "".join(parts)


# ================================================================= the budget, recomputed


@dataclass
class FRow:
    code: str
    name: str
    fund: str
    vals: dict[str, Decimal]
    typed_total: Any = None
    typed_basic: Any = None

    @property
    def total(self) -> Decimal:
        """合计 as printed (the typed one within 尾差, R12)."""
        return printed(self.typed_total, list(self.vals.values()))

    @property
    def parts_total(self) -> Decimal:
        return sum(self.vals.values(), ZERO)

    @property
    def basic(self) -> Decimal:
        """基本支出 as printed (the typed one within 尾差, R12)."""
        return printed(self.typed_basic, [self.vals["人员经费"], self.vals["公用经费"]])


@dataclass
class Tree:
    """code → column values, for 类 (3) / 款 (5) / 项 (7) (or 类 3 / 款 5 for 经济分类), and the total."""

    nodes: dict[str, list[Decimal]]
    names: dict[str, str]
    total: list[Decimal]
    lengths: tuple[int, ...]

    def codes(self) -> list[str]:
        return sorted(self.nodes)

    def classes(self) -> list[str]:
        return [c for c in self.codes() if len(c) == self.lengths[0]]

    def children(self, code: str) -> list[str]:
        i = self.lengths.index(len(code))
        if i + 1 >= len(self.lengths):
            return []
        return [c for c in self.codes() if len(c) == self.lengths[i + 1] and c.startswith(code)]


def build_tree(leaves: list[tuple[str, str, list[Decimal]]], lengths: tuple[int, ...], catalog: dict[str, dict]
               ) -> Tree:
    """Several rows per code are summed; parents are code prefixes; parent names from the catalog."""
    width = len(leaves[0][2]) if leaves else 0
    leaf: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    for code, name, vals in leaves:
        if code in leaf:
            leaf[code] = [a + b for a, b in zip(leaf[code], vals, strict=True)]
        else:
            leaf[code] = list(vals)
            names[code] = name
    nodes: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * width)
    for code, vals in leaf.items():
        for n in lengths[:-1]:
            nodes[code[:n]] = [a + b for a, b in zip(nodes[code[:n]], vals, strict=True)]
        nodes[code] = vals
    for code in nodes:
        if code not in names:
            names[code] = str(catalog[code]["name"]) if code in catalog else ""
    total = [sum((v[i] for v in leaf.values()), ZERO) for i in range(width)]
    return Tree(dict(nodes), names, total, lengths)


def _prior(entry: Any) -> tuple[Decimal | None, str]:
    if entry is None:
        return None, ""
    if isinstance(entry, dict):
        amount = entry.get("金额")
        return (None if amount is None else dec(amount)), str(entry.get("增减原因") or "")
    return dec(entry), ""


class Budget:
    """Everything the document quotes, recomputed from the input file."""

    def __init__(self, path: str | Path, places: int = 2, fiscal_level: str = DEFAULT_FISCAL_LEVEL):
        data, _ = load_file(path)
        self.data = data
        self.places = places
        info = data["基本信息"]
        region = str(info.get("地区") or "")
        self.fiscal_level = fiscal_level or (f"{region}本级财政" if region else "本级财政")
        self.name = str(info["部门名称"])
        self.code = str(info.get("部门编码") or "")
        self.year = int(info["预算年度"])
        self.src = info["金额单位"]
        self.unit = info.get("表格金额单位") or self.src
        self.subject = self.name + ("（汇总）" if info.get("汇总") else "")
        self.units = info.get("预算单位") or []

        income = data.get("收入") or {}
        current = income.get("本年收入") or {}
        self.income = {s: dec(current.get(s)) for s in INCOME_SOURCES}
        carry_in = income.get("上年结转结余") or {}
        self.carry_in = {f: dec(carry_in.get(f)) for f in FUNDS}
        exp = data["支出"]
        carry_out = exp.get("年终结转结余") or {}
        self.carry_out = {f: dec(carry_out.get(f)) for f in FUNDS}
        self.rows = [
            FRow(str(r["科目编码"]).strip(), str(r["科目名称"]).strip(), r.get("资金来源") or "一般公共预算",
                 {k: dec(r.get(k)) for k in KINDS}, r.get("合计"), r.get("基本支出"))
            for r in exp["功能分类"]
        ]
        self.rows = [r for r in self.rows if any(r.vals.values())]  # an all-zero row is not listed anywhere
        self.econ_rows = [
            (str(r["科目编码"]).strip(), str(r["科目名称"]).strip(), dec(r.get("人员经费")), dec(r.get("公用经费")),
             r.get("合计"))
            for r in data.get("经济分类基本支出") or []
        ]
        self.projects = data.get("项目") or []
        self.prior_data = data.get("上年数") or {}

        # --- totals (a typed total within 尾差 of its parts is printed as typed: R12)
        self.carry_in_total = sum(self.carry_in.values(), ZERO)
        self.income_current = printed(income.get("本年收入合计"), list(self.income.values()))
        self.income_total = printed(income.get("收入总计"), [sum(self.income.values(), ZERO), *self.carry_in.values()],
                                    self.income_current + self.carry_in_total)
        self.carry_out_total = sum(self.carry_out.values(), ZERO)
        self.expense_current = printed(exp.get("本年支出合计"), [r.parts_total for r in self.rows],
                                       sum((r.total for r in self.rows), ZERO))
        self.expense_total = printed(exp.get("支出总计"), [sum((r.parts_total for r in self.rows), ZERO),
                                                         *self.carry_out.values()],
                                     self.expense_current + self.carry_out_total)
        self.by_kind = {k: sum((r.vals[k] for r in self.rows), ZERO) for k in KINDS}
        self.basic = sum((r.basic for r in self.rows), ZERO)
        # typed 类/款 小计 and 本年支出合计: code → (Σ printed row 合计 under it, the figure to print)
        self.typed_subtotals: dict[str, tuple[Decimal, Decimal]] = {}
        for sub in exp.get("小计") or []:
            code = str(sub["科目编码"])
            mine = [r for r in self.rows if r.code.startswith(code)]
            shown_sum = sum((r.total for r in mine), ZERO)
            self.typed_subtotals[code] = (shown_sum, printed(sub.get("合计"), [r.parts_total for r in mine], shown_sum))
        if exp.get("本年支出合计") is not None:
            self.typed_subtotals[""] = (sum((r.total for r in self.rows), ZERO), self.expense_current)

        fcat = function_catalog()
        self.expense_tree = build_tree(
            [(r.code, r.name, [r.total, r.basic, *[r.vals[k] for k in KINDS[2:]]]) for r in self.rows], (3, 5, 7), fcat)
        gpb = [r for r in self.rows if r.fund == "一般公共预算"]
        self.gpb_rows = gpb
        self.gpb_tree = build_tree(
            [(r.code, r.name, [r.total, r.basic, r.vals["人员经费"], r.vals["公用经费"], r.vals["项目支出"]]) for r in gpb],
            (3, 5, 7), fcat)
        self.fund_trees = {
            fund: build_tree([(r.code, r.name, [r.total, r.basic, r.vals["项目支出"]]) for r in self.rows if r.fund == fund],
                             (3, 5, 7), fcat)
            for fund in ("政府性基金预算", "国有资本经营预算")
        }
        self.fiscal_tree = build_tree(
            [(r.code, r.name, [r.total, *[(r.total if r.fund == f else ZERO) for f in FISCAL]])
             for r in self.rows if r.fund in FISCAL], (3, 5, 7), fcat)
        for tree in (self.expense_tree, self.gpb_tree, self.fiscal_tree, *self.fund_trees.values()):
            self._typed_into(tree)
        self.gpb_total = self.gpb_tree.total[0] if self.gpb_tree.total else ZERO
        self.econ_tree = build_tree([(c, n, [printed(t, [p, q]), p, q]) for c, n, p, q, t in self.econ_rows], (3, 5),
                                    economic_catalog())
        self.fiscal_income = {f: self.income[f + "拨款"] for f in FISCAL}
        self.fiscal_carry = {f: self.carry_in[f] for f in FISCAL}
        # 财政拨款 本年/总计: when all income is 财政拨款 they are the department's (printed) totals
        fiscal_now = sum(self.fiscal_income.values(), ZERO)
        fiscal_all = fiscal_now + sum(self.fiscal_carry.values(), ZERO)
        everything = sum(self.income.values(), ZERO)
        self.fiscal_now = self.income_current if fiscal_now == everything else fiscal_now
        self.fiscal_all = self.income_total if fiscal_all == everything + self.carry_in_total else fiscal_all

        tp = data.get("三公经费") or {}
        self.three = {k: dec(tp.get(k)) for k in THREE_PUBLIC}
        self.three_total = printed(tp.get("合计"), list(self.three.values()))
        self.cars = printed(tp.get("公务用车购置及运行费"), [self.three["公务用车购置费"], self.three["公务用车运行维护费"]])
        proc = data.get("政府采购") or {}
        self.proc = {k: dec(proc.get(k)) for k in ("货物", "工程", "服务", "面向中小企业", "面向小微企业")}
        # 面向中小企业/小微企业 not entered: no clause, blank 合计 cell (absent is not zero)
        self.sme_given = {k: proc.get(k) is not None for k in ("面向中小企业", "面向小微企业")}
        self.proc_items = proc.get("明细") or []
        self.proc_total = printed(proc.get("合计"), [self.proc["货物"], self.proc["工程"], self.proc["服务"]])
        op = data.get("机关运行经费") or {}
        self.proc_given = data.get("政府采购") is not None
        self.operating_given = op.get("金额") is not None
        self.operating = dec(op.get("金额"))
        self.operating_scope = str(op.get("范围") or "") or "本部门"
        self.operating_items = [(str(i["名称"]), dec(i["金额"])) for i in op.get("明细") or []]
        self.purchased_given = (data.get("政府购买服务") or {}).get("合计") is not None
        self.purchased = dec((data.get("政府购买服务") or {}).get("合计"))
        self.people = (data.get("部门概况") or {}).get("人员构成") or {}
        self.assets = data.get("国有资产") or {}

    def _typed_into(self, tree: Tree) -> None:
        """The typed 小计 / 本年支出合计 go into the 合计 column where the tree holds all of their parts."""
        for code, (shown_sum, figure) in self.typed_subtotals.items():
            if code == "" and tree.total and tree.total[0] == shown_sum:
                tree.total[0] = figure
            elif code in tree.nodes and tree.nodes[code][0] == shown_sum:
                tree.nodes[code][0] = figure

    # -------------------------------------------------------------- formatting

    def cell(self, value: Decimal) -> str:
        """A table cell in the table unit: two decimals, thousands separators in 元."""
        shown = r2(convert(value, self.src, self.unit))
        if shown == 0:
            shown = abs(shown)
        return f"{shown:,.2f}" if self.unit == "元" else f"{shown:.2f}"

    def shown(self, value: Decimal) -> Decimal:
        return r2(convert(value, self.src, self.unit))

    def wan(self, value: Decimal) -> str:
        """An amount in a sentence: 万元, two decimals; zero is written 0."""
        shown = r2(convert(value, self.src, "万元"))
        return "0" if shown == 0 else f"{shown:.2f}"

    def pct(self, ratio_percent: Decimal) -> str:
        return pct(ratio_percent, self.places)

    def share(self, part: Decimal, whole: Decimal) -> str:
        return "占" + self.pct(part * HUNDRED / whole)

    def change(self, current: Decimal, prior: Decimal | None) -> str:
        """The change phrase; "" when last year's figure was not given (no comparison: absent is not zero)."""
        if prior is None:
            return ""
        if prior == 0 and current != 0:
            return "上年无此项预算"
        delta = current - prior
        if r2(convert(delta, self.src, "万元")) == 0:
            return "与上年持平"
        ratio = delta * HUNDRED / prior
        if delta > 0:
            return f"比上年增加{self.wan(delta)}万元，增长{self.pct(ratio)}"
        return f"比上年减少{self.wan(-delta)}万元，下降{self.pct(ratio)}"

    def change_with_reason(self, current: Decimal, prior: Decimal | None, reason: str) -> str:
        """The change phrase; for a real change with a typed reason, followed by "，主要原因是<reason>"."""
        phrase = self.change(current, prior)
        text = clean_reason(reason)
        if text and phrase and phrase != "与上年持平":
            return f"{phrase}，主要原因是{text}"
        return phrase

    # -------------------------------------------------------------- last year

    def prior(self, key: str) -> tuple[Decimal | None, str]:
        return _prior(self.prior_data.get(key))

    def class_prior(self, code: str) -> tuple[Decimal | None, str]:
        entries = {str(k): v for k, v in (self.prior_data.get("功能分类") or {}).items()}
        if code in entries:
            return _prior(entries[code])
        for n in (5, 7):
            parts = [_prior(v)[0] for c, v in entries.items() if len(c) == n and c.startswith(code)]
            parts = [p for p in parts if p is not None]
            if parts:
                return sum(parts, ZERO), ""
        return None, ""

    # -------------------------------------------------------------- titles

    def title(self, name: str) -> str:
        return f"{self.subject}{self.year}年{name}"

    @property
    def whole_perf_title(self) -> str:
        return f"{self.subject}{self.year}年部门整体支出绩效目标表"

    def perf_projects(self) -> list[dict]:
        return [p for p in self.projects if p.get("绩效目标")]

    def project_total(self, p: dict) -> Decimal:
        """合计 as printed (the typed one within 尾差, R12)."""
        return printed(p.get("合计"), [dec((p.get("资金来源") or {}).get(f)) for f in FUNDS])


# ================================================================= expected table cells


@dataclass(frozen=True)
class CellExp:
    """The cell ``pos`` cells after (or, negative with from_end, counted from the end of) the anchor cell.

    The anchor is the cell at index ``col`` (of the row's own cells, merged cells counted once)
    whose text is ``label`` (``ordinal``: optionally preceded by 一、 / （一） / 1. numbering).
    ``text`` is the exact expected text; ``contains`` lists substrings instead (perf tables)."""

    title: str
    col: int
    label: str
    pos: int
    text: str = ""
    contains: tuple[str, ...] = ()
    ordinal: bool = False
    from_end: bool = False
    nth: int | None = None  # None: the label must be unique in its column; else the nth matching row

    @property
    def key(self) -> tuple:
        return (self.title, self.col, self.label, self.pos, self.from_end, self.nth)

    def describe(self) -> str:
        where = f"倒数第{-self.pos}格" if self.from_end else f"锚点后第{self.pos}格"
        nth = "" if self.nth is None else f"第{self.nth + 1}个"
        return f"[{self.title}] {nth}行“{self.label}”(列{self.col}) {where}"


_ORD = r"(?:[一二三四五六七八九十廿]+、|（[一二三四五六七八九十廿]+）|\d+[.、．])?"


def label_matches(text: str, label: str, ordinal: bool) -> bool:
    text = text.replace("\u3000", "").strip()
    if not ordinal:
        return text == label
    return re.fullmatch(_ORD + re.escape(label), text) is not None


def tree_exps(b: Budget, title: str, tree: Tree, with_names: bool = True) -> list[CellExp]:
    width = len(tree.total)
    exps = [CellExp(title, 0, "合计", i - width, b.cell(v), from_end=True) for i, v in enumerate(tree.total)]
    for code in tree.codes():
        if with_names and tree.names.get(code):
            exps.append(CellExp(title, 0, code, 1, tree.names[code]))
        exps += [CellExp(title, 0, code, i - width, b.cell(v), from_end=True) for i, v in enumerate(tree.nodes[code])]
    return exps


def table_expectations(b: Budget) -> list[CellExp]:
    """Every table cell the tests check, with its independently computed text."""
    exps: list[CellExp] = []
    cell = b.cell

    # 1 部门收支总表
    t = b.title("部门收支总表")
    for s in INCOME_SOURCES:
        label = s if s.endswith("收入") else s + "收入"
        exps.append(CellExp(t, 0, label, 1, cell(b.income[s]), ordinal=True))
    exps += [CellExp(t, 0, "本年收入合计", 1, cell(b.income_current)),
             CellExp(t, 0, "上年结转结余", 1, cell(b.carry_in_total)),
             CellExp(t, 0, "收入总计", 1, cell(b.income_total)),
             CellExp(t, 2, "本年支出合计", 1, cell(b.expense_current)),
             CellExp(t, 2, "年终结转结余", 1, cell(b.carry_out_total)),
             CellExp(t, 2, "支出总计", 1, cell(b.expense_total))]
    listed = summary_classes()
    for code, name in listed:
        value = b.expense_tree.nodes[code][0] if code in b.expense_tree.nodes else ZERO
        exps.append(CellExp(t, 2, name, 1, cell(value), ordinal=True))
    for code in b.expense_tree.classes():
        if code not in {c for c, _ in listed}:
            exps.append(CellExp(t, 2, b.expense_tree.names[code], 1, cell(b.expense_tree.nodes[code][0]), ordinal=True))

    # 2 部门收入总表: the 合计 row and the department row
    t = b.title("部门收入总表")
    values = [b.income_total, b.income_current, *[b.income[s] for s in INCOME_SOURCES], b.carry_in_total,
              *[b.carry_in[f] for f in FUNDS]]
    n = len(values)
    exps += [CellExp(t, 0, "合计", i - n, cell(v), from_end=True) for i, v in enumerate(values)]
    if b.code:
        exps.append(CellExp(t, 0, b.code, 1, b.name))
        exps += [CellExp(t, 0, b.code, i - n, cell(v), from_end=True) for i, v in enumerate(values)]
    if b.units and all("本年收入" in u and "上年结转结余" in u for u in b.units):  # each unit's own income
        for unit in b.units:
            now = [dec((unit["本年收入"] or {}).get(s)) for s in INCOME_SOURCES]
            carried = [dec((unit["上年结转结余"] or {}).get(f)) for f in FUNDS]
            own = [sum(now, ZERO) + sum(carried, ZERO), sum(now, ZERO), *now, sum(carried, ZERO), *carried]
            exps.append(CellExp(t, 0, str(unit["编码"]), 1, str(unit["名称"])))
            exps += [CellExp(t, 0, str(unit["编码"]), i - n, cell(v), from_end=True) for i, v in enumerate(own)]
    elif len(b.units) == 1:  # a single budget unit: its row repeats the department's figures
        unit = b.units[0]
        exps.append(CellExp(t, 0, str(unit["编码"]), 1, str(unit["名称"])))
        exps += [CellExp(t, 0, str(unit["编码"]), i - n, cell(v), from_end=True) for i, v in enumerate(values)]

    # 3 部门支出总表
    exps += tree_exps(b, b.title("部门支出总表"), b.expense_tree)

    # 4 财政拨款收支总表
    t = b.title("财政拨款收支总表")
    fiscal_now = b.fiscal_now
    fiscal_carry = sum(b.fiscal_carry.values(), ZERO)
    exps.append(CellExp(t, 0, "本年收入", 1, cell(fiscal_now), ordinal=True))
    exps.append(CellExp(t, 0, "上年结转", 1, cell(fiscal_carry), ordinal=True))
    for f in FISCAL:  # listed twice: under 本年收入, then under 上年结转
        exps.append(CellExp(t, 0, f + "拨款", 1, cell(b.fiscal_income[f]), ordinal=True, nth=0))
        exps.append(CellExp(t, 0, f + "拨款", 1, cell(b.fiscal_carry[f]), ordinal=True, nth=1))
    exps.append(CellExp(t, 0, "收入总计", 1, cell(b.fiscal_all)))
    exps += [CellExp(t, 2, "本年支出", 1 + i, cell(v), ordinal=True) for i, v in enumerate(b.fiscal_tree.total or [ZERO] * 4)]
    carry_out = [sum((b.carry_out[f] for f in FISCAL), ZERO), *[b.carry_out[f] for f in FISCAL]]
    total_out = [a + c for a, c in zip(b.fiscal_tree.total or [ZERO] * 4, carry_out, strict=True)]
    if total_out[0] == b.expense_current + b.carry_out_total:  # all of the spending: the printed 支出总计
        total_out[0] = b.expense_total
    exps += [CellExp(t, 2, "支出总计", 1 + i, cell(v)) for i, v in enumerate(total_out)]
    for code, name in listed:
        vals = b.fiscal_tree.nodes.get(code, [ZERO] * 4)
        exps += [CellExp(t, 2, name, 1 + i, cell(v), ordinal=True) for i, v in enumerate(vals)]

    # 5 一般公共预算支出表
    exps += tree_exps(b, b.title("一般公共预算支出表"), b.gpb_tree)

    # 6 一般公共预算基本支出表 (经济分类)
    exps += tree_exps(b, b.title("一般公共预算基本支出表"), b.econ_tree)

    # 10 项目支出表
    t = b.title("项目支出表")
    totals = [sum((dec((p.get("资金来源") or {}).get(f)) for p in b.projects), ZERO) for f in FUNDS]
    values = [sum((b.project_total(p) for p in b.projects), ZERO), *totals]  # 合计 column: Σ printed project 合计
    exps += [CellExp(t, 0, "合计", i - 6, cell(v), from_end=True) for i, v in enumerate(values)]
    for p in b.projects:
        code = str(p["项目编码"])
        funds = [dec((p.get("资金来源") or {}).get(f)) for f in FUNDS]
        exps.append(CellExp(t, 0, code, 1, str(p["项目名称"])))
        exps.append(CellExp(t, 0, code, 2, str(p.get("项目单位") or b.name)))
        exps += [CellExp(t, 0, code, i - 6, cell(v), from_end=True)
                 for i, v in enumerate([b.project_total(p), *funds])]

    # 11 政府采购预算表
    if b.proc_total:
        t = b.title("政府采购预算表")
        exps += [CellExp(t, 0, "合计", -3, cell(b.proc_total), from_end=True),
                 *[CellExp(t, 0, "合计", pos, cell(b.proc[col]) if b.sme_given[col] else "", from_end=True)
                   for pos, col in ((-2, "面向中小企业"), (-1, "面向小微企业"))]]
        for kind in ("货物", "工程", "服务"):
            if b.proc[kind]:
                exps.append(CellExp(t, 0, f"{kind}类", -3, cell(b.proc[kind]), from_end=True))
        for item in b.proc_items:
            exps += [CellExp(t, 1, str(item["品目"]), -3, cell(dec(item["金额"])), from_end=True),
                     CellExp(t, 1, str(item["品目"]), -2, cell(dec(item.get("面向中小企业"))), from_end=True),
                     CellExp(t, 1, str(item["品目"]), -1, cell(dec(item.get("面向小微企业"))), from_end=True)]

    # 绩效目标表: the figures they quote (万元)
    w = b.wan
    t = b.whole_perf_title
    fiscal_all = b.fiscal_all
    exps += [CellExp(t, 0, "收入总计（万元）", 1, contains=(w(b.income_total),)),
             CellExp(t, 0, "其中：财政拨款（万元）", 1, contains=(w(fiscal_all),)),
             CellExp(t, 0, "支出总计（万元）", 1, contains=(w(b.expense_total),))]
    if b.expense_total:  # shares of 支出总计 (which includes 年终结转结余), so the rows add up to the total
        proj = b.by_kind["项目支出"]
        exps += [CellExp(t, 0, "其中：基本支出（万元）", 1,
                         contains=(w(b.basic), b.pct(b.basic * HUNDRED / b.expense_total))),
                 CellExp(t, 0, "项目支出（万元）", 1, contains=(w(proj), b.pct(proj * HUNDRED / b.expense_total)))]
        if b.carry_out_total:
            exps.append(CellExp(t, 0, "年终结转结余（万元）", 1, contains=(w(b.carry_out_total),
                                                                    b.pct(b.carry_out_total * HUNDRED / b.expense_total))))
    for p in b.perf_projects():
        exps.append(CellExp(f"{p['项目名称']}项目支出绩效目标表", 0, "项目资金（万元）", 1,
                            contains=(w(b.project_total(p)),)))
    return exps


def three_public_row(b: Budget) -> list[str]:
    t = b.three
    return [b.cell(v) for v in (b.three_total, t["因公出国（境）费"], b.cars, t["公务用车购置费"],
                                t["公务用车运行维护费"], t["公务接待费"])]


def tree_order(b: Budget) -> dict[str, list[str]]:
    """Title → the codes its rows must list, in order (类, its 款, their 项)."""
    out = {b.title("部门支出总表"): b.expense_tree.codes(), b.title("一般公共预算支出表"): b.gpb_tree.codes(),
           b.title("一般公共预算基本支出表"): b.econ_tree.codes()}
    out[b.title("政府性基金预算支出表")] = b.fund_trees["政府性基金预算"].codes()
    out[b.title("国有资本经营预算支出表")] = b.fund_trees["国有资本经营预算"].codes()
    return out


def fund_exps(b: Budget) -> list[CellExp]:
    exps = []
    for fund, key in (("政府性基金预算", "政府性基金预算支出表"), ("国有资本经营预算", "国有资本经营预算支出表")):
        tree = b.fund_trees[fund]
        if tree.nodes:
            exps += tree_exps(b, b.title(key), tree)
    return exps


def empty_notes(b: Budget) -> dict[str, str]:
    """Title → the note an empty table must carry."""
    out = {}
    for fund, key in (("政府性基金预算", "政府性基金预算支出表"), ("国有资本经营预算", "国有资本经营预算支出表")):
        if not b.fund_trees[fund].nodes:
            out[b.title(key)] = f"本部门{b.year}年无{fund}，本表为空表。"
    return out


def _tree_tail(b: Budget, tree: Tree, parts_of: dict[int, list[int]]) -> bool:
    """True when some displayed total differs from the sum of its displayed parts."""
    s = b.shown
    width = len(tree.total)
    for col in range(width):
        if s(tree.total[col]) != sum((s(tree.nodes[c][col]) for c in tree.classes()), ZERO):
            return True
        for code in tree.codes():
            kids = tree.children(code)
            if kids and s(tree.nodes[code][col]) != sum((s(tree.nodes[k][col]) for k in kids), ZERO):
                return True
    for vals in [tree.total, *tree.nodes.values()]:
        for col, parts in parts_of.items():
            if s(vals[col]) != sum((s(vals[p]) for p in parts), ZERO):
                return True
    return False


def _differs(b: Budget, total: Decimal, parts: list[Decimal]) -> bool:
    return b.shown(total) != sum((b.shown(p) for p in parts), ZERO)


def _income_tail(b: Budget) -> bool:
    """收入总表: every row's 合计 = 本年 + 结转 and their sources; with per-unit rows, each column = Σ units."""
    dept = [b.income_total, b.income_current, *b.income.values(), b.carry_in_total, *b.carry_in.values()]
    sums = [(b.income_total, [b.income_current, b.carry_in_total]), (b.income_current, list(b.income.values())),
            (b.carry_in_total, list(b.carry_in.values()))]
    if b.units and all("本年收入" in u and "上年结转结余" in u for u in b.units):
        rows = []
        for u in b.units:
            now = [dec((u["本年收入"] or {}).get(x)) for x in INCOME_SOURCES]
            carried = [dec((u["上年结转结余"] or {}).get(f)) for f in FUNDS]
            row = [sum(now, ZERO) + sum(carried, ZERO), sum(now, ZERO), *now, sum(carried, ZERO), *carried]
            rows.append(row)
            sums += [(row[0], [row[1], row[11]]), (row[1], now), (row[11], carried)]
        sums += [(v, [r[i] for r in rows]) for i, v in enumerate(dept)]
    return any(_differs(b, t, parts) for t, parts in sums)


def _procurement_tail(b: Budget) -> bool:
    """政府采购预算表: 合计 = 货物 + 工程 + 服务; with 明细, each 类别 row and the SME columns = Σ its items."""
    p = b.proc
    sums = [(b.proc_total, [p["货物"], p["工程"], p["服务"]])]
    items = b.data.get("政府采购", {}).get("明细") or []
    if items:
        for col in ("面向中小企业", "面向小微企业"):
            if b.sme_given[col]:
                sums.append((p[col], [dec(i.get(col)) for i in items]))
        for kind in ("货物", "工程", "服务"):
            mine = [i for i in items if i["类别"] == kind]
            if mine:
                sums.append((p[kind], [dec(i["金额"]) for i in mine]))
                for col in ("面向中小企业", "面向小微企业"):
                    values = [dec(i.get(col)) for i in mine]
                    sums.append((sum(values, ZERO), values))
    return any(_differs(b, t, parts) for t, parts in sums)


def _project_tail(b: Budget) -> bool:
    """项目支出表: each row's 合计 = Σ its funds; the 合计 row = Σ projects, column by column."""
    funds = [[dec((p.get("资金来源") or {}).get(f)) for f in FUNDS] for p in b.projects]
    totals = [b.project_total(p) for p in b.projects]
    by_fund = [sum((row[i] for row in funds), ZERO) for i in range(len(FUNDS))]
    grand = sum(totals, ZERO)
    sums = [(t, row) for t, row in zip(totals, funds, strict=True)] + [(grand, by_fund), (grand, totals)]
    sums += [(by_fund[i], [row[i] for row in funds]) for i in range(len(FUNDS))]
    return any(_differs(b, t, parts) for t, parts in sums)


def tail_note_needed(b: Budget) -> dict[str, bool]:
    """Title → whether the 尾差 note must be under the table (only tables computed here)."""
    s = b.shown
    summary = (s(b.income_current) != sum((s(v) for v in b.income.values()), ZERO)
               or s(b.expense_current) != sum((s(b.expense_tree.nodes[c][0]) for c in b.expense_tree.classes()), ZERO)
               or s(b.income_total) != s(b.income_current) + s(b.carry_in_total)
               or s(b.expense_total) != s(b.expense_current) + s(b.carry_out_total))
    return {
        b.title("部门收支总表"): summary,
        b.title("部门收入总表"): _income_tail(b),
        b.title("政府采购预算表"): _procurement_tail(b),
        b.title("项目支出表"): _project_tail(b),
        b.title("一般公共预算“三公”经费支出表"): any(_differs(b, t, parts) for t, parts in (
            (b.three_total, [b.three["因公出国（境）费"], b.cars, b.three["公务接待费"]]),
            (b.cars, [b.three["公务用车购置费"], b.three["公务用车运行维护费"]]))),
        b.title("部门支出总表"): _tree_tail(b, b.expense_tree, {0: [1, 2, 3, 4, 5]}),
        b.title("一般公共预算支出表"): _tree_tail(b, b.gpb_tree, {0: [1, 4], 1: [2, 3]}),
        b.title("一般公共预算基本支出表"): _tree_tail(b, b.econ_tree, {0: [1, 2]}),
    }


# ================================================================= expected sentences


def then(phrase: str, end: str) -> str:
    """After an amount: "，<change phrase>", or — last year not given — the sentence just ends."""
    return f"，{phrase}" if phrase else end


def narrative_expectations(b: Budget) -> dict[str, str]:
    """Key → a substring the 第三部分 must contain (amounts in 万元, change and share phrases)."""
    y, w = b.year, b.wan
    e: dict[str, str] = {}
    amount, reason = b.prior("收入总计")
    e["收支总预算"] = f"{y}年部门收支总预算{w(b.income_total)}万元" + then(b.change_with_reason(b.income_total, amount, reason), "。")

    e["收入预算"] = f"{y}年部门收入预算{w(b.income_total)}万元，其中："
    for s in INCOME_SOURCES:
        if b.income[s]:
            e[f"收入:{s}"] = f"{s}{w(b.income[s])}万元，{b.share(b.income[s], b.income_total)}"
    if b.carry_in_total:
        e["收入:上年结转结余"] = f"上年结转结余{w(b.carry_in_total)}万元，{b.share(b.carry_in_total, b.income_total)}"

    e["支出预算"] = f"{y}年部门支出预算{w(b.expense_total)}万元，其中："
    kinds = [("基本支出", b.basic), ("项目支出", b.by_kind["项目支出"])]
    kinds += [(k, b.by_kind[k]) for k in KINDS[3:] if b.by_kind[k]]
    if b.expense_total:  # each part's share of 支出总计; 年终结转结余 is listed when there is one
        for k, v in kinds + ([("年终结转结余", b.carry_out_total)] if b.carry_out_total else []):
            e[f"支出:{k}"] = f"{k}{w(v)}万元，{b.share(v, b.expense_total)}"
    for (k, v), end in zip(kinds[:2], "；。", strict=True):
        amount, reason = b.prior(k)
        e[f"{k}比上年"] = f"{k}{w(v)}万元" + then(b.change_with_reason(v, amount, reason), end)

    fiscal, fiscal_now = b.fiscal_all, b.fiscal_now
    amount, reason = b.prior("财政拨款收入")
    e["财政拨款"] = (f"{y}年财政拨款收支总预算{w(fiscal)}万元，其中本年财政拨款收入{w(fiscal_now)}万元"
                   + then(b.change_with_reason(fiscal_now, amount, reason), "") + "。")
    for f in FISCAL:
        if b.fiscal_income[f] or b.fiscal_carry[f]:
            e[f"财政拨款收入:{f}"] = f"{f}财政拨款本年收入{w(b.fiscal_income[f])}万元、上年结转{w(b.fiscal_carry[f])}万元"
    for code in b.fiscal_tree.classes():
        e[f"财政拨款支出:{code}"] = f"{b.fiscal_tree.names[code]}{w(b.fiscal_tree.nodes[code][0])}万元"
    fiscal_out = sum((b.carry_out[f] for f in FISCAL), ZERO)
    if fiscal_out:
        e["财政拨款年终结转结余"] = f"年终结转结余{w(fiscal_out)}万元"

    amount, reason = b.prior("一般公共预算支出")
    e["一般公共预算"] = f"{y}年一般公共预算支出{w(b.gpb_total)}万元" + then(b.change_with_reason(b.gpb_total, amount, reason), "。")
    for i, code in enumerate(b.gpb_tree.classes(), 1):
        value = b.gpb_tree.nodes[code][0]
        amount, reason = b.class_prior(code)
        e[f"类:{code}"] = (f"{i}.{b.gpb_tree.names[code]}（类）{w(value)}万元，{b.share(value, b.gpb_total)}"
                          + then(b.change_with_reason(value, amount, reason), "。"))

    gpb_personnel = sum((r.vals["人员经费"] for r in b.gpb_rows), ZERO)
    gpb_public = sum((r.vals["公用经费"] for r in b.gpb_rows), ZERO)
    gpb_basic = sum((r.basic for r in b.gpb_rows), ZERO)  # Σ printed 基本支出 (a typed one within 尾差, R12)
    amount, reason = b.prior("一般公共预算基本支出")
    e["一般公共预算基本支出"] = (f"{y}年一般公共预算基本支出{w(gpb_basic)}万元"
                           + then(b.change_with_reason(gpb_basic, amount, reason), "") + "。")
    e["人员经费"] = f"（一）人员经费{w(gpb_personnel)}万元"
    e["公用经费"] = f"（二）公用经费{w(gpb_public)}万元"
    for code in b.econ_tree.classes():
        if b.econ_tree.nodes[code][1]:
            e[f"人员经费构成:{code}"] = f"{b.econ_tree.names[code]}{w(b.econ_tree.nodes[code][1])}万元"

    amount, reason = b.prior("三公经费")
    e["三公"] = f"{y}年一般公共预算安排“三公”经费{w(b.three_total)}万元" + then(b.change_with_reason(
        b.three_total, amount, reason), "。")
    for name in THREE_PUBLIC:
        amount, reason = b.prior(name)
        e[f"三公:{name}"] = f"{name}{w(b.three[name])}万元" + then(b.change_with_reason(b.three[name], amount, reason), "")

    for fund in ("政府性基金预算", "国有资本经营预算"):
        tree = b.fund_trees[fund]
        if tree.nodes:
            amount, reason = b.prior(f"{fund}支出")
            e[fund] = f"{y}年{fund}支出{w(tree.total[0])}万元" + then(b.change_with_reason(tree.total[0], amount, reason), "。")
            for code in (c for c in tree.codes() if len(c) == 5):  # listed by 款, each with its 类
                e[f"{fund}:{code}"] = (f"{tree.names[code[:3]]}（类）{tree.names[code]}（款）"
                                       f"{w(tree.nodes[code][0])}万元")
        else:
            e[fund] = f"本部门{y}年无{fund}安排的支出。"

    if b.projects:
        e["项目总额"] = f"{y}年项目支出{w(sum((b.project_total(p) for p in b.projects), ZERO))}万元"
        for p in b.projects:
            line = f"{p['项目名称']}{w(b.project_total(p))}万元"
            last = ((b.prior_data.get("项目") or {}).get(str(p["项目编码"])))
            amount, reason = _prior(last) if last is not None else (None, "")
            if amount is not None:
                line += "，" + b.change_with_reason(b.project_total(p), amount, reason)
            e[f"项目:{p['项目编码']}"] = line
    else:
        e["项目总额"] = f"本部门{y}年无项目支出预算。"

    amount, reason = b.prior("机关运行经费")
    detail = "、".join(f"{n}{w(v)}万元" for n, v in b.operating_items)
    if b.operating_given:
        e["机关运行经费"] = (f"{y}年{b.operating_scope}机关运行经费{w(b.operating)}万元" + (f"（{detail}）" if detail else "")
                        + then(b.change_with_reason(b.operating, amount, reason), "。"))
    else:
        e["机关运行经费"] = f"{y}年机关运行经费预算未填报。"

    amount, reason = b.prior("政府采购")
    if not b.proc_given:
        e["政府采购"] = f"{y}年政府采购预算未填报。"
    elif b.proc_total:
        e["政府采购"] = f"{y}年政府采购预算{w(b.proc_total)}万元" + then(b.change_with_reason(b.proc_total, amount, reason), "。")
        p = b.proc
        e["政府采购分类"] = f"货物类{w(p['货物'])}万元，工程类{w(p['工程'])}万元，服务类{w(p['服务'])}万元。"
        if b.sme_given["面向中小企业"]:
            e["面向中小企业"] = f"面向中小企业预留采购金额{w(p['面向中小企业'])}万元，{b.share(p['面向中小企业'], b.proc_total)}"
        if b.sme_given["面向中小企业"] and b.sme_given["面向小微企业"] and p["面向中小企业"]:  # 小微 is a part of 中小企业: with no SME amount there is no 小微 clause (nor share)
            e["面向小微企业"] = (f"其中面向小微企业{w(p['面向小微企业'])}万元，占面向中小企业采购金额的"
                           f"{b.pct(p['面向小微企业'] * HUNDRED / p['面向中小企业'])}")
    elif not amount:  # nothing this year, nothing (or no figure) last year: no comparison to make
        e["政府采购"] = f"本部门{y}年无政府采购预算。"
    else:
        e["政府采购"] = f"{y}年政府采购预算0万元，" + b.change_with_reason(b.proc_total, amount, reason)  # not “无…，比上年减少”
    amount, reason = b.prior("政府购买服务")
    if not b.purchased_given:
        e["政府购买服务"] = f"{y}年政府购买服务预算未填报。"
    elif b.purchased:
        e["政府购买服务"] = f"{y}年政府购买服务预算{w(b.purchased)}万元" + then(
            b.change_with_reason(b.purchased, amount, reason), "") + "。"
    elif not amount:
        e["政府购买服务"] = f"本部门{y}年无政府购买服务预算。"
    else:
        e["政府购买服务"] = f"{y}年政府购买服务预算0万元，" + b.change_with_reason(b.purchased, amount, reason) + "。"

    e.update(assets_expectations(b))
    perf = b.perf_projects()
    e["绩效"] = (f"{y}年本部门{len(perf)}个项目设置了绩效目标，"
                f"涉及项目支出{w(sum((b.project_total(q) for q in perf), ZERO))}万元")
    return e


def people_expectations(b: Budget) -> dict[str, str]:
    """人员构成 clauses of 第一部分: stated for what was entered (0 included), never for what was not."""
    e: dict[str, str] = {}
    staff = b.people
    if staff.get("编制") is not None:
        e["编制"] = f"编制总数{sum(int(s['人数']) for s in staff['编制'])}人"
    if staff.get("实有人数") is not None:
        e["实有人数"] = f"在职实有人数{int(staff['实有人数'])}人"
    if staff.get("离退休人数") is not None:
        e["离退休人数"] = f"离退休人员{int(staff['离退休人数'])}人"
    return e


def _vehicles_text(rows: list[dict] | None, lead: str) -> str | None:
    """共有车辆N辆，其中：<type>n辆、… over the types whose count was entered (zeros included); None if none was."""
    given = [v for v in rows or [] if v.get("数量") is not None]
    if not given:
        return None
    return f"{lead}{sum(int(v['数量']) for v in given)}辆，其中：" + "、".join(
        f"{v['类型']}{int(v['数量'])}辆" for v in given)


def assets_expectations(b: Budget, who: str = "本部门") -> dict[str, str]:
    """国有资产 clauses of 第三部分: stated for what was entered (0 included), never for what was not.
    ``who`` is the subject the profile writes (本部门; 上海: the unit's name)."""
    e: dict[str, str] = {}
    a = b.assets
    held = _vehicles_text(a.get("车辆"), f"{who}共有车辆")
    if held:
        e["车辆"] = held
    for key in ("单价50万元以上通用设备", "单价100万元以上专用设备"):
        if a.get(key) is not None:
            e[key] = f"{key}{int(a[key])}台（套）"
    if a.get("单价100万元以上设备") is not None:
        e["单价100万元以上设备"] = f"单价100万元（含）以上设备（不含车辆）{int(a['单价100万元以上设备'])}台（套）"
    bought = _vehicles_text(a.get("购置车辆"), f"{b.year}年部门预算安排购置车辆")
    if bought:
        e["购置车辆"] = bought
    if a.get("购置单价100万元以上设备") is not None:
        e["购置单价100万元以上设备"] = ("部门预算安排购置单价100万元（含）以上设备（不含车辆）"
                                  f"{int(a['购置单价100万元以上设备'])}台（套）")
    if a.get("资产配置预算") is not None:
        e["资产配置预算"] = f"{b.year}年资产配置预算{b.wan(dec(a['资产配置预算']))}万元。"
    return e


def absent_phrasings(b: Budget) -> list[str]:
    """Phrases the document must NOT contain because the figure they state was not entered."""
    out = []
    staff = b.people
    for key, phrase in (("编制", "编制总数"), ("实有人数", "在职实有人数"), ("离退休人数", "离退休人员")):
        if staff.get(key) is None:
            out.append(phrase)
    a = b.assets
    if not any(v.get("数量") is not None for v in a.get("车辆") or []):
        out += ["无公务车辆", "共有车辆"]
    for key in ("单价50万元以上通用设备", "单价100万元以上专用设备"):
        if a.get(key) is None:
            out.append(key)
    if a.get("单价100万元以上设备") is None:
        out.append("单价100万元（含）以上设备（不含车辆）")
    if not any(v.get("数量") is not None for v in a.get("购置车辆") or []):
        out.append("购置车辆")
    if a.get("购置单价100万元以上设备") is None:
        out.append("购置单价100万元")
    if a.get("资产配置预算") is None:
        out.append("资产配置预算")
    if not b.operating_given:
        out.append("机关运行经费0")
    if not b.proc_given:
        out += ["无政府采购预算", "政府采购预算0"]
    if not b.purchased_given:
        out += ["无政府购买服务预算", "政府购买服务预算0"]
    if not b.sme_given["面向中小企业"]:
        out += ["面向中小企业预留采购金额", "预留中小企业份额"]
    return out


def glossary_expectations(b: Budget) -> list[str]:
    """The 名词解释 entries (term：text) in order: defaults (overridden by input), then extra input terms."""
    overrides = {str(t["术语"]): str(t["解释"]) for t in b.data.get("名词解释") or []}
    out = []
    for term, text in default_terms():
        text = overrides.pop(term, text).replace("{财政级次}", b.fiscal_level)
        out.append(f"{term}：{text}")
    out += [f"{term}：{text}" for term, text in overrides.items()]
    return out


def subject_codes(b: Budget) -> list[str]:
    return sorted({r.code for r in b.rows})


# ================================================================= reading the .docx back

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Block:
    kind: str  # "p" | "t"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)

    def all_text(self) -> str:
        if self.kind == "p":
            return self.text
        return "\n".join("\t".join(r) for r in self.rows)


def _cell_text(tc) -> str:
    return "\n".join(Paragraph(p, None).text for p in tc.iterchildren(f"{W_NS}p")).strip()


class DocView:
    """A .docx as body-level blocks in order; each table row is its own cells (merged cells once)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.doc = Document(str(path))
        self.blocks: list[Block] = []
        for el in self.doc.element.body.iterchildren():
            if el.tag == f"{W_NS}p":
                self.blocks.append(Block("p", Paragraph(el, None).text))
            elif el.tag == f"{W_NS}tbl":
                rows = [[_cell_text(tc) for tc in tr.iterchildren(f"{W_NS}tc")] for tr in el.iterchildren(f"{W_NS}tr")]
                self.blocks.append(Block("t", rows=rows))

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "p"]

    @property
    def tables(self) -> list[list[list[str]]]:
        return [b.rows for b in self.blocks if b.kind == "t"]

    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def part(self, start: str, end: str | None = None) -> str:
        """The paragraphs from the heading ``start`` (exact) to the heading ``end`` (exact)."""
        paras = [p.strip() for p in self.paragraphs]
        i = next((k for k, p in enumerate(paras) if p == start), None)
        if i is None:
            return ""
        j = next((k for k in range(i + 1, len(paras)) if end is not None and paras[k] == end), len(paras))
        return "\n".join(paras[i:j])

    def find_table(self, title: str) -> tuple[int, int] | None:
        """(block index of the title paragraph, block index of its table), or None.

        The title is a paragraph whose text is the title (a "表N" prefix allowed); its table is the
        first table after it with only empty paragraphs or the 部门（单位）/单位 line in between."""
        for i, block in enumerate(self.blocks):
            if block.kind != "p" or not _is_title(block.text, title):
                continue
            for j in range(i + 1, min(i + 6, len(self.blocks))):
                nxt = self.blocks[j]
                if nxt.kind == "t":
                    return i, j
                text = nxt.text.strip()
                if text and not text.startswith(("部门（单位）", "单位：", "编制单位：")):
                    break
        return None

    def table_index(self, block_index: int) -> int:
        return sum(1 for b in self.blocks[:block_index] if b.kind == "t")

    def section_after(self, title: str, titles: list[str]) -> str:
        """All text from the table title to the next known table title (or the next heading part)."""
        found = self.find_table(title)
        if found is None:
            return ""
        start = found[0]
        starts = sorted(f[0] for t in titles if (f := self.find_table(t)) is not None and f[0] > start)
        end = starts[0] if starts else len(self.blocks)
        out = []
        for block in self.blocks[start:end]:
            if block.kind == "p" and block.text.strip().startswith("第三部分"):
                break
            out.append(block.all_text())
        return "\n".join(out)

    def first_page_text(self) -> str:
        """Text up to the first page or section break, plus the first page's header."""
        parts = []
        section = self.doc.sections[0]
        header = section.first_page_header if section.different_first_page_header_footer else section.header
        parts += [p.text for p in header.paragraphs]
        for k, el in enumerate(self.doc.element.body.iterchildren()):
            if el.tag == f"{W_NS}p":
                ppr = el.find(f"{W_NS}pPr")
                if k and ppr is not None and ppr.find(f"{W_NS}pageBreakBefore") is not None:
                    break
                text = []
                stop = False
                for node in el.iter():
                    if node.tag == f"{W_NS}t":
                        text.append(node.text or "")
                    elif node.tag == f"{W_NS}br" and node.get(f"{W_NS}type") == "page":
                        stop = True
                        break
                parts.append("".join(text))
                if stop or (ppr is not None and ppr.find(f"{W_NS}sectPr") is not None):
                    break
            elif el.tag == f"{W_NS}tbl":
                parts.append("".join(t.text or "" for t in el.iter(f"{W_NS}t")))
            elif el.tag == f"{W_NS}sectPr":
                break
        return "\n".join(parts)


def _is_title(text: str, title: str) -> bool:
    text = text.strip()
    return text == title or re.fullmatch(r"(?:表\s*\d+\s*[：:、.]?\s*)" + re.escape(title), text) is not None


def resolve(doc: DocView, exp: CellExp) -> tuple[tuple[int, int, int] | None, str]:
    """Where the expected cell is: (table index, row, cell) and an error text when not found."""
    found = doc.find_table(exp.title)
    if found is None:
        return None, f"找不到表“{exp.title}”"
    _, block = found
    rows = doc.blocks[block].rows
    hits = [r for r, cells in enumerate(rows) if len(cells) > exp.col and label_matches(cells[exp.col], exp.label, exp.ordinal)]
    if not hits:
        return None, f"{exp.describe()}：表中没有这一行"
    if exp.nth is None and len(hits) > 1:
        return None, f"{exp.describe()}：表中有 {len(hits)} 行同名"
    if exp.nth is not None and len(hits) <= exp.nth:
        return None, f"{exp.describe()}：表中只有 {len(hits)} 行"
    r = hits[exp.nth or 0]
    cells = rows[r]
    c = len(cells) + exp.pos if exp.from_end else exp.col + exp.pos
    if not 0 <= c < len(cells):
        return None, f"{exp.describe()}：该行只有 {len(cells)} 格 {cells}"
    return (doc.table_index(block), r, c), ""


def check_cells(doc: DocView, exps: list[CellExp]) -> list[str]:
    """Every expected cell, compared; returns one message per mismatch."""
    problems = []
    tables = doc.tables
    for exp in exps:
        loc, error = resolve(doc, exp)
        if loc is None:
            problems.append(error)
            continue
        t, r, c = loc
        actual = tables[t][r][c].replace("\u3000", "").strip()
        if exp.contains:
            missing = [s for s in exp.contains if s not in actual]
            if missing:
                problems.append(f"{exp.describe()}：应含 {missing}，实际 {actual!r}")
        elif actual != exp.text:
            problems.append(f"{exp.describe()}：应为 {exp.text!r}，实际 {actual!r}")
    return problems


def code_rows(rows: list[list[str]]) -> list[str]:
    """The codes in the first column of a classification table's body rows, in order."""
    out = []
    for cells in rows:
        first = cells[0].replace("\u3000", "").strip() if cells else ""
        if re.fullmatch(r"\d{3,7}", first):
            out.append(first)
    return out


AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2}|-?\d+\.\d{2}")


# ================================================================= 河北 layout (hebei-layout.md), recomputed

HEBEI_TITLES = (
    "部门预算收支总表", "部门预算收入总表", "部门预算支出总表", "部门预算财政拨款收支总表",
    "部门预算一般公共预算财政拨款支出表", "部门预算一般公共预算财政拨款基本支出表",
    "部门预算政府性基金预算财政拨款支出表", "部门预算国有资本经营预算财政拨款支出表",
    "部门预算财政拨款“三公”经费支出表",
)
HEBEI_CLASSES = (
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
    "社会保障和就业支出", "社会保险基金支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
    "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出", "住房保障支出",
    "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "预备费", "其他支出", "转移性支出", "债务还本支出",
    "债务付息支出", "债务发行费用支出", "抗疫特别国债安排的支出", "人行科目",
)
"""The 31 类 of the Hebei 收支总表, in order (hebei-layout.md)."""
HEBEI_CN = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]


def hebei_ordinal(n: int) -> str:
    """一 … 十九, 二十, 二十一 … 三十一 (Hebei writes 二十一, never 廿一)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return HEBEI_CN[ones]
    return ("" if tens == 1 else HEBEI_CN[tens]) + "十" + HEBEI_CN[ones]


def blank(text: str) -> str:
    """Hebei tables leave zero amounts blank."""
    return "" if text in ("0.00", "0") else text


def hebei_class_value(b: Budget, name: str) -> Decimal:
    codes = [c for c in b.expense_tree.classes() if b.expense_tree.names.get(c) == name]
    return b.expense_tree.nodes[codes[0]][0] if codes else ZERO


def hebei_income_by_function(b: Budget) -> dict[str, list[Decimal | None]]:
    """收入总表 by 功能分类: code → [合计, 本年小计, 财政拨款, 财政专户, 事业, 经营, 上级补助, 附属上缴, 其他, 上年结转].

    A 单位资金 row is shown under its income source only when the department has exactly one."""
    unit_sources = [s for s in INCOME_SOURCES[4:] if b.income[s]]
    only = unit_sources[0] if len(unit_sources) == 1 else None
    leaves = []
    for r in b.data["支出"]["功能分类"]:
        vals = {k: dec(r.get(k)) for k in KINDS}
        if not sum(vals.values(), ZERO):
            continue
        total = printed(r.get("合计"), list(vals.values()))
        carry = dec(r.get("上年结转"))
        now = total - carry
        fund = r.get("资金来源") or "一般公共预算"
        by_source = [now if fund in FISCAL else ZERO, now if fund == "财政专户管理资金" else ZERO]
        by_source += [now if fund == "单位资金" and only == s else ZERO for s in INCOME_SOURCES[4:]]
        leaves.append((str(r["科目编码"]), str(r["科目名称"]), [total, now, *by_source, carry]))
    tree = build_tree(leaves, (3, 5, 7), function_catalog())
    b._typed_into(tree)
    out: dict[str, list[Decimal | None]] = {"合计": list(tree.total)}
    out.update({code: list(tree.nodes[code]) for code in tree.codes()})
    return out


def hebei_three_public(b: Budget) -> list[tuple[str, Decimal | None]]:
    """The rows of the Hebei 三公 table with their 合计 (= 一般公共预算财政拨款) column; None: not entered."""
    tp = b.data.get("三公经费") or {}

    def given(key: str) -> Decimal | None:
        return None if tp.get(key) is None else dec(tp.get(key))

    meeting, training = given("会议费"), given("培训费")
    return [
        ("合计", b.three_total + (meeting or ZERO) + (training or ZERO)),
        ("“三公”经费小计", b.three_total),
        ("一、因公出国（境）费", b.three["因公出国（境）费"]),
        ("二、公务用车购置及运维费", b.cars),
        ("其中：公务用车购置费", b.three["公务用车购置费"]),
        ("公务用车运行维护费", b.three["公务用车运行维护费"]),
        ("三、公务接待费", b.three["公务接待费"]),
        ("四、会议费", meeting),
        ("五、培训费", training),
    ]


HEBEI_THREE_ROWS = (
    ("合计", ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费", "会议费", "培训费")),
    ("“三公”经费小计", ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")),
    ("一、因公出国（境）费", ("因公出国（境）费",)),
    ("其中：教学科研人员因公出国（境）费", ("教学科研人员因公出国（境）费",)),
    ("其他因公出国（境）费", ("其他因公出国（境）费",)),
    ("二、公务用车购置及运维费", ("公务用车购置费", "公务用车运行维护费")),
    ("其中：公务用车购置费", ("公务用车购置费",)),
    ("公务用车运行维护费", ("公务用车运行维护费",)),
    ("三、公务接待费", ("公务接待费",)),
    ("四、会议费", ("会议费",)),
    ("其中：省属高校业务性会议费", ()),
    ("其他会议费", ()),
    ("五、培训费", ("培训费",)),
)
"""The rows of the Hebei 三公 table (hebei-layout.md) and the items each adds up."""
HEBEI_OPTIONAL_THREE = ("教学科研人员因公出国（境）费", "其他因公出国（境）费", "会议费", "培训费")


def hebei_three_split(b: Budget, item: str) -> list[Decimal] | None:
    """One 三公 item as [合计, 一般公共预算, 政府性基金预算, 国有资本经营预算]: the entered split, else all
    一般公共预算; None for an optional item not entered (absent is not zero)."""
    tp = b.data.get("三公经费") or {}
    if tp.get(item) is None and item in HEBEI_OPTIONAL_THREE:
        return None
    value = dec(tp.get(item))
    split = (tp.get("资金来源") or {}).get(item)
    funds = [dec(split.get(f)) for f in FISCAL] if split is not None else [value, ZERO, ZERO]
    return [value, *funds]


def hebei_three_rows(b: Budget) -> list[list[str]]:
    """The body of the Hebei 三公 table: 序号, 项目, 合计 and the three 财政拨款 columns (zeros blank)."""
    out = []
    for i, (label, items) in enumerate(HEBEI_THREE_ROWS, 1):
        parts = [x for x in (hebei_three_split(b, k) for k in items) if x is not None]
        cells = [blank(b.cell(sum((x[j] for x in parts), ZERO))) for j in range(4)] if parts else [""] * 4
        out.append([str(i), label, *cells])
    return out


def _hebei_two_sided(b: Budget, left: list[tuple[str, Decimal]], right: list[tuple[str, list[Decimal]]],
                     closing: list[tuple[tuple[str, Decimal | None], tuple[str, list[Decimal] | None]]]) -> list[list[str]]:
    width = len(right[0][1]) if right else 1
    rows = []
    for i in range(max(len(left), len(right))):
        lcells = [left[i][0], blank(b.cell(left[i][1]))] if i < len(left) else ["", ""]
        rcells = [right[i][0], *[blank(b.cell(v)) for v in right[i][1]]] if i < len(right) else [""] * (1 + width)
        rows.append(lcells + rcells)
    for (lname, lval), (rname, rvals) in closing:
        lcells = [lname, "" if lval is None else blank(b.cell(lval))]
        rcells = [rname, *([""] * width if rvals is None else [blank(b.cell(v)) for v in rvals])]
        rows.append(lcells + rcells)
    return [[str(i), *r] for i, r in enumerate(rows, 1)]


def _hebei_tree_rows(b: Budget, tree: Tree, columns: list[int]) -> list[list[str]]:
    """合计 then every 类/款/项 (or 经济分类 类/款) in code order: 序号, 编码, 名称, the chosen columns."""
    if not tree.nodes:
        return []
    rows = [["合计", "", *[blank(b.cell(tree.total[c])) for c in columns]]]
    rows += [[code, tree.names[code], *[blank(b.cell(tree.nodes[code][c])) for c in columns]] for code in tree.codes()]
    return [[str(i), *r] for i, r in enumerate(rows, 1)]


def hebei_class_vector(tree: Tree, name: str, width: int) -> list[Decimal]:
    codes = [c for c in tree.classes() if tree.names.get(c) == name]
    return list(tree.nodes[codes[0]]) if codes else [ZERO] * width


BRACKETED = re.compile(r"^\s*[\[【［]\s*([A-Za-z0-9]+)\s*[\]】］]\s*(.*)$")


def hebei_procurement_rows(b: Budget) -> list[list[str]]:
    """部门政府采购预算: 合计, then the items (货物, 工程, 服务), in hebei-layout.md's columns."""
    items = [i for kind in ("货物", "工程", "服务") for i in b.proc_items if i["类别"] == kind]
    project_budget = {str(p["项目名称"]): b.project_total(p) for p in b.projects}
    funds = (*FUNDS, "上年结转结余")
    split_all = bool(items) and all(i.get("资金来源") is not None for i in items)
    by_fund = [sum((dec((i.get("资金来源") or {}).get(f)) for i in items), ZERO) for f in funds]
    rows = [["合计", *[""] * 6, blank(b.cell(b.proc_total)),
             *([blank(b.cell(v)) for v in by_fund] if split_all else [""] * len(funds)),
             blank(b.cell(b.proc["面向中小企业"])) if b.sme_given["面向中小企业"] else ""]]
    for i in items:
        name = str(i["品目"])
        m = BRACKETED.match(name)
        code = str(i.get("目录序号") or (m.group(1) if m else ""))
        budget = dec(i["项目预算资金"]) if i.get("项目预算资金") is not None else project_budget.get(str(i.get("项目") or ""))
        split = i.get("资金来源")
        rows.append([str(i.get("项目") or ""), "" if budget is None else blank(b.cell(budget)),
                     m.group(2).strip() if m else name, code, str(i.get("计量单位") or ""),
                     "" if i.get("数量") is None else f"{dec(i['数量']).normalize():f}",
                     "" if i.get("单价") is None else blank(b.cell(dec(i["单价"]))), blank(b.cell(dec(i["金额"]))),
                     *([blank(b.cell(dec(split.get(f)))) for f in funds] if split is not None else [""] * len(funds)),
                     blank(b.cell(dec(i.get("面向中小企业"))))])
    return [[str(k), *r] for k, r in enumerate(rows, 1)]


def hebei_tables(b: Budget) -> dict[str, list[list[str]]]:
    """Title → the expected body rows (after the 栏次 row) of every Hebei table, from the raw input."""
    unit_funds = sum((b.income[s] for s in INCOME_SOURCES[4:]), ZERO)
    classes = [(f"{hebei_ordinal(i)}、{name}", [hebei_class_value(b, name)]) for i, name in enumerate(HEBEI_CLASSES, 1)]
    out: dict[str, list[list[str]]] = {}
    out["部门预算收支总表"] = _hebei_two_sided(b, [
        ("一、一般公共预算拨款收入", b.income["一般公共预算拨款"]), ("二、政府性基金预算拨款收入", b.income["政府性基金预算拨款"]),
        ("三、国有资本经营预算拨款收入", b.income["国有资本经营预算拨款"]), ("四、财政专户管理资金收入", b.income["财政专户管理资金"]),
        ("五、单位资金", unit_funds)], classes, [
        (("本年收入合计", b.income_current), ("本年支出合计", [b.expense_current])),
        (("上年结转结余", b.carry_in_total), ("年终结转结余", [b.carry_out_total])),
        (("收入总计", b.income_total), ("支出总计", [b.expense_total]))])
    income = hebei_income_by_function(b)
    tree = b.expense_tree
    rows = [["合计", "", *[blank(b.cell(v)) for v in income["合计"]]]]
    rows += [[code, tree.names[code], *[blank(b.cell(v)) for v in income[code]]] for code in tree.codes()]
    out["部门预算收入总表"] = [[str(i), *r] for i, r in enumerate(rows, 1)]
    out["部门预算支出总表"] = _hebei_tree_rows(b, b.expense_tree, [0, 1, 2, 3, 4, 5])
    fiscal_now = [b.fiscal_income[f] for f in FISCAL]
    fiscal_carry = [b.fiscal_carry[f] for f in FISCAL]
    spent = b.fiscal_tree.total or [ZERO] * 4
    carry_out = [sum((b.carry_out[f] for f in FISCAL), ZERO), *[b.carry_out[f] for f in FISCAL]]
    out["部门预算财政拨款收支总表"] = _hebei_two_sided(b, [
        ("一、一般公共预算拨款", fiscal_now[0]), ("二、政府性基金预算拨款", fiscal_now[1]), ("三、国有资本经营预算拨款", fiscal_now[2])],
        [(name, hebei_class_vector(b.fiscal_tree, name.split("、", 1)[1], 4)) for name, _ in classes], [
        (("本年收入合计", sum(fiscal_now, ZERO)), ("本年支出合计", list(spent))),
        (("年初财政拨款结转和结余", sum(fiscal_carry, ZERO)), ("年末财政拨款结转和结余", carry_out)),
        (("一、一般公共预算拨款", fiscal_carry[0]), ("", None)),
        (("二、政府性基金预算拨款", fiscal_carry[1]), ("", None)),
        (("三、国有资本经营预算拨款", fiscal_carry[2]), ("", None)),
        (("收入总计", sum(fiscal_now, ZERO) + sum(fiscal_carry, ZERO)),
         ("支出总计", [a + c for a, c in zip(spent, carry_out, strict=True)]))])
    out["部门预算一般公共预算财政拨款支出表"] = _hebei_tree_rows(b, b.gpb_tree, [0, 1, 4])
    out["部门预算一般公共预算财政拨款基本支出表"] = _hebei_tree_rows(b, b.econ_tree, [0, 1, 2])
    out["部门预算政府性基金预算财政拨款支出表"] = _hebei_tree_rows(b, b.fund_trees["政府性基金预算"], [0, 1, 2])
    out["部门预算国有资本经营预算财政拨款支出表"] = _hebei_tree_rows(b, b.fund_trees["国有资本经营预算"], [0, 1, 2])
    out["部门预算财政拨款“三公”经费支出表"] = hebei_three_rows(b)
    if b.proc_total:
        out["部门政府采购预算"] = hebei_procurement_rows(b)
    return out


HEBEI_EMPTY_NOTES = {
    "部门预算一般公共预算财政拨款支出表": "注：无一般公共预算财政拨款预算，空表列示。",
    "部门预算一般公共预算财政拨款基本支出表": "注：无一般公共预算基本支出，空表列示。",
    "部门预算政府性基金预算财政拨款支出表": "注：无政府基金预算财政拨款预算，空表列示。",
    "部门预算国有资本经营预算财政拨款支出表": "注：无国有资本经营预算财政拨款预算，空表列示。",
}


def hebei_fixed_asset_rows(b: Budget) -> list[list[str]]:
    """部门固定资产占用情况表 below its header: 固定资产总额, then each kind with 数量 and 价值 as entered."""
    a = b.assets
    rows = []
    if a.get("上年末固定资产总额") is not None:
        rows.append(["固定资产总额", "", blank(b.cell(dec(a["上年末固定资产总额"])))])
    for x in a.get("固定资产占用") or []:
        rows.append([str(x["类别"]), "" if x.get("数量") is None else str(x["数量"]),
                     "" if x.get("价值") is None else blank(b.cell(dec(x["价值"])))])
    return rows


def hebei_amount(b: Budget, value: Decimal) -> str:
    """A Hebei sentence amount: X万元, and a zero written 0元 (hebei-layout.md: zero sources are stated, "0元")."""
    text = b.wan(value)
    return "0元" if text == "0" else f"{text}万元"


def hebei_change(b: Budget, current: Decimal, key: str, than: str = "", period: str = "上年") -> str:
    """增加X万元 / 与上年持平 / 上年无此项预算, then 主要为<reason>; "" when last year is not given."""
    prior, reason = b.prior(key)
    if prior is None:
        return ""
    delta = current - prior
    if prior == 0 and current != 0:
        words = f"{period}无此项预算"
    elif r2(convert(delta, b.src, "万元")) == 0:
        return f"与{period}持平"
    else:
        words = f"{than}{'增加' if delta > 0 else '减少'}{b.wan(abs(delta))}万元"
    text = clean_reason(reason)
    return words + (f"，主要为{text}" if text else "")


def hebei_sentences(b: Budget) -> list[str]:
    """The paragraphs of the Hebei 情况说明 that quote figures, recomputed (hebei-layout.md wording)."""
    y, amt = b.year, lambda v: hebei_amount(b, v)  # noqa: E731
    unit_funds = sum((b.income[s] for s in INCOME_SOURCES[4:]), ZERO)
    soe = b.income["国有资本经营预算拨款"]
    income = (f"1、收入说明：反映本部门当年全部收入。{y}年预算收入为{b.wan(b.income_total)}万元，其中：一般公共预算收入"
              f"{amt(b.income['一般公共预算拨款'])}，基金预算收入{amt(b.income['政府性基金预算拨款'])}，"
              + (f"国有资本经营预算收入{amt(soe)}，" if b.wan(soe) != "0" else "")
              + f"财政专户核拨收入{amt(b.income['财政专户管理资金'])}，其他来源收入{amt(unit_funds)}"
              + (f"，上年结转结余{amt(b.carry_in_total)}" if b.wan(b.carry_in_total) != "0" else "") + "。")
    spending = (f"2、支出说明：反映本部门当年全部支出。{y}年预算支出为{b.wan(b.expense_total)}万元，其中：基本支出"
                f"{b.wan(b.basic)}万元，主要是人员经费{b.wan(b.by_kind['人员经费'])}万元和日常公用经费"
                f"{b.wan(b.by_kind['公用经费'])}万元；项目支出{b.wan(b.by_kind['项目支出'])}万元。")
    key = "支出总计" if b.prior("支出总计")[0] is not None else "收入总计"
    whole = hebei_change(b, b.expense_total if key == "支出总计" else b.income_total, key, f"较{y - 1}年预算", f"{y - 1}年预算")
    basic, project = hebei_change(b, b.basic, "基本支出"), hebei_change(b, b.by_kind["项目支出"], "项目支出")
    parts = "；".join(x for x in (f"基本支出{basic}" if basic else "", f"项目{project}" if project else "") if x)
    change = (f"3、比上年增减情况：{y}年预算支出安排{b.wan(b.expense_total)}万元" + (f"，{whole}" if whole else "")
              + (f"，其中：{parts}" if parts else "") + "。")
    out = [income, spending, change]
    if b.operating_given:
        items = "、".join(f"{n}{b.wan(v)}万元" for n, v in b.operating_items)
        op = hebei_change(b, b.operating, "机关运行经费", "较上年")
        out.append(f"机关运行经费共计安排{b.wan(b.operating)}万元" + (f"，主要用于{items}等日常运行支出" if items else "")
                   + (f"，{op}" if op else "") + "。")
    tp = b.data.get("三公经费") or {}
    total = hebei_change(b, b.three_total, "三公经费", "较上年")
    details = []
    for item in THREE_PUBLIC:
        value = b.three[item]
        ch = hebei_change(b, value, item, "较上年")
        extra = ""
        if item == "因公出国（境）费":
            subs = [(k, tp.get(k)) for k in ("教学科研人员因公出国（境）费", "其他因公出国（境）费") if tp.get(k) is not None]
            extra = f"（其中：{'、'.join(f'{k}{b.wan(dec(v))}万元' for k, v in subs)}）" if subs else ""
        details.append(f"{item}{amt(value)}{extra}" + (f"，{ch}" if ch else ""))
    tail = ""
    meeting, training = tp.get("会议费"), tp.get("培训费")
    if meeting is not None and b.wan(dec(meeting)) != "0":
        tail = f"会议费{amt(dec(meeting))}" + (f"，培训费{amt(dec(training))}" if training is not None and b.wan(dec(training)) != "0" else "") + "。"
    elif training is not None and b.wan(dec(training)) != "0":
        tail = f"培训费{amt(dec(training))}。"
    out.append(f"{y}年，我部门财政拨款“三公”经费预算安排{amt(b.three_total)}" + (f"，{total}" if total else "")
               + "。其中：" + "；".join(details) + "。" + tail)
    perf = b.perf_projects()
    if b.projects:
        out.append(f"{y}年项目支出{b.wan(b.by_kind['项目支出'])}万元，{len(perf)}个项目设置了绩效目标，涉及项目支出"
                   f"{b.wan(sum((b.project_total(p) for p in perf), ZERO))}万元。各项目绩效目标表如下：")
    if b.proc_total:
        out.append(f"{y}年政府采购预算{b.wan(b.proc_total)}万元，其中：货物类{amt(b.proc['货物'])}，工程类{amt(b.proc['工程'])}，"
                   f"服务类{amt(b.proc['服务'])}"
                   + (f"；预留中小企业份额{amt(b.proc['面向中小企业'])}" if b.sme_given["面向中小企业"] else "") + "。")
    if b.assets.get("上年末固定资产总额") is not None:
        plan = b.assets.get("资产配置预算")
        out.append(f"{b.name}上年末固定资产金额为{b.wan(dec(b.assets['上年末固定资产总额']))}万元（详见下表）。"
                   + (f"本年度拟购置固定资产总额为{b.wan(dec(plan))}万元，已按要求列入政府采购预算，详见政府采购预算表。"
                      if plan is not None and dec(plan) else ""))
    return out


def hebei_perf_cells(b: Budget, p: dict) -> dict[str, str]:
    """A project's 绩效目标表 rows: 预算规模及资金用途 and 资金支出计划（%） (cumulative share of the 预算数)."""
    total = b.project_total(p)
    fiscal = sum((dec((p.get("资金来源") or {}).get(f)) for f in FISCAL), ZERO)
    use = str(p.get("资金用途") or "").rstrip("。")
    out = {"预算规模及资金用途": f"预算数{b.cell(total)}万元，其中：财政资金{b.cell(fiscal)}万元，其他资金{b.cell(total - fiscal)}万元"
                               + (f"。资金用途：{use}" if use else "")}
    plan = p.get("资金支出计划") or {}
    points = [(m, plan.get(m)) for m in ("3月底", "6月底", "10月底", "12月底") if plan.get(m) is not None]
    if points and total:
        out["资金支出计划（%）"] = "；".join(f"{m}{b.pct(dec(v) * HUNDRED / total)}" for m, v in points)
    return out


# ================================================================= 上海 layout (shanghai-caizhengju-2025-budget.txt)

SHANGHAI_TABLES = (
    "预算单位财务收支预算总表", "预算单位收入预算总表", "预算单位支出预算总表", "预算单位财政拨款收支预算总表",
    "预算单位一般公共预算支出功能分类预算表", "预算单位政府性基金预算支出功能分类预算表",
    "预算单位国有资本经营预算支出功能分类预算表", "预算单位一般公共预算基本支出部门预算经济分类预算表",
    "单位“三公”经费和机关运行经费预算表",
)


def shanghai_titles(b: Budget) -> list[str]:
    return [f"{b.year}年{name}" for name in SHANGHAI_TABLES]


def whole_yuan(b: Budget, value: Decimal) -> str:
    """A Shanghai table cell: 元 without decimals, thousands separators, zero blank."""
    shown = convert(value, b.src, b.unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return "" if shown == 0 else f"{shown:,}"


def whole_wan(b: Budget, value: Decimal) -> str:
    """A Shanghai sentence amount: whole 万元 with thousands separators; zero is 0."""
    shown = convert(value, b.src, "万元").quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return "0" if shown == 0 else f"{shown:,}"


def split_code(code: str) -> list[str]:
    """2010601 → [201, 06, 01]; 20106 → [201, 06, ""]; 201 → [201, "", ""]."""
    return [code[:3], code[3:5], code[5:7]]


# ================================================================= 上海 layout (shanghai-caizhengju-2025-budget.txt), recomputed


def shanghai_wan(b: Budget, value: Decimal, places: int) -> str:
    """A Shanghai sentence amount in 万元 with thousands separators: whole in the 编制说明 (zero "0"),
    two decimals in the 其他相关情况说明 (zero "0.00")."""
    shown = convert(value, b.src, "万元").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{abs(shown) if shown == 0 else shown:,.{places}f}"


def shanghai_change(b: Budget, current: Decimal, prior: Decimal | None, places: int, reason: str = "") -> str:
    """比2024年预算增加/减少 X万元 (no percentage) / 与2024年预算持平; "" without last year's figure;
    the officer's reason after a change."""
    if prior is None:
        return ""
    last = b.year - 1
    why = f"，主要原因是{clean_reason(reason)}" if clean_reason(reason) else ""
    if prior == 0 and current != 0:
        return "上年无此项预算" + why
    delta = convert(current - prior, b.src, "万元").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if delta == 0:
        return f"与{last}年预算持平"
    word = "增加" if delta > 0 else "减少"
    return f"比{last}年预算{word}{shanghai_wan(b, abs(current - prior), places)}万元" + why


def _sh_cells(b: Budget, values: list[Decimal]) -> list[str]:
    return [whole_yuan(b, v) for v in values]


def _sh_tree_rows(b: Budget, tree: Tree, columns: list[int], depth: int) -> list[list[str]]:
    """类/款/项 code columns, the name, the values; the 合计 row last."""
    rows = []
    for code in tree.codes():
        parts = split_code(code)[:depth] if depth == 3 else [code[:3], code[3:5]]
        rows.append([*parts, tree.names[code], *_sh_cells(b, [tree.nodes[code][i] for i in columns])])
    rows.append([*[""] * depth, "合计", *_sh_cells(b, [tree.total[i] for i in columns] if tree.nodes
                                                  else [ZERO] * len(columns))])
    return rows


def _two_sided(left: list[tuple[str, str]], right: list[list[str]], width: int) -> list[list[str]]:
    n = max(len(left), len(right))
    left = left + [("", "")] * (n - len(left))
    right = right + [[""] * width] * (n - len(right))
    return [[a, v, *r] for (a, v), r in zip(left, right, strict=True)]


def _sh_unit_source_rows(b: Budget, source: str) -> Callable[[FRow], Decimal]:
    """收入总表's 事业收入 … columns: a 单位资金 row under the department's only non-fiscal source."""
    given = [s for s in ("事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入") if b.income[s]]
    only = given[0] if len(given) == 1 else None
    return lambda r: r.total if r.fund == "单位资金" and only == source else ZERO


def shanghai_tables(b: Budget) -> dict[str, tuple[int, list[list[str]]]]:
    """Title → (header rows, every body row as read back) of the nine Shanghai tables."""
    t = shanghai_titles(b)
    out: dict[str, tuple[int, list[list[str]]]] = {}
    fiscal_in = sum((b.income[f + "拨款"] for f in FISCAL), ZERO)
    left = [("一、财政拨款收入", fiscal_in), ("1、一般公共预算资金", b.income["一般公共预算拨款"]),
            ("2、政府性基金", b.income["政府性基金预算拨款"]), ("3、国有资本经营预算", b.income["国有资本经营预算拨款"]),
            ("二、事业收入", b.income["事业收入"]), ("三、事业单位经营收入", b.income["事业单位经营收入"]),
            ("四、其他收入", b.income["其他收入"])]
    tree = build_tree([(r.code, r.name, [r.total, r.vals["人员经费"], r.vals["公用经费"], r.vals["项目支出"]])
                       for r in b.rows], (3, 5, 7), function_catalog())
    right = [[f"{hebei_ordinal(i)}、{tree.names[c]}", *_sh_cells(b, tree.nodes[c])]
             for i, c in enumerate((c for c in tree.classes() if tree.nodes[c][0]), 1)]
    personnel, public, project = b.by_kind["人员经费"], b.by_kind["公用经费"], b.by_kind["项目支出"]
    out[t[0]] = (4, _two_sided([(n, whole_yuan(b, v)) for n, v in left], right, 5) + [
        ["上年结转结余", whole_yuan(b, b.carry_in_total), "年终结转结余", whole_yuan(b, b.carry_out_total), "", "", ""],
        ["收入总计", whole_yuan(b, b.income_total), "支出总计", *_sh_cells(b, [b.expense_total, personnel, public, project])]])

    columns = [lambda r: r.total, lambda r: r.total if r.fund in FISCAL else ZERO,
               *[_sh_unit_source_rows(b, s) for s in ("事业收入", "事业单位经营收入", "其他收入")]]
    income_tree = build_tree([(r.code, r.name, [f(r) for f in columns]) for r in b.rows], (3, 5, 7), function_catalog())
    out[t[1]] = (3, _sh_tree_rows(b, income_tree, [0, 1, 2, 3, 4], 3))
    spend = build_tree([(r.code, r.name, [r.total, r.basic, r.vals["项目支出"]]) for r in b.rows], (3, 5, 7),
                       function_catalog())
    out[t[2]] = (3, _sh_tree_rows(b, spend, [0, 1, 2], 3))

    fl = [("一、一般公共预算资金", b.income["一般公共预算拨款"]), ("二、政府性基金", b.income["政府性基金预算拨款"]),
          ("三、国有资本经营预算", b.income["国有资本经营预算拨款"])]
    ft = b.fiscal_tree
    fr = [[f"{hebei_ordinal(i)}、{ft.names[c]}", *_sh_cells(b, ft.nodes[c])]
          for i, c in enumerate((c for c in ft.classes() if ft.nodes[c][0]), 1)]
    fiscal_carry = sum(b.fiscal_carry.values(), ZERO)
    fiscal_carry_out = sum((b.carry_out[f] for f in FISCAL), ZERO)
    out[t[3]] = (2, _two_sided([(n, whole_yuan(b, v)) for n, v in fl], fr, 5) + [
        ["上年结转", whole_yuan(b, fiscal_carry), "年终结转结余", whole_yuan(b, fiscal_carry_out), "", "", ""],
        ["收入总计", whole_yuan(b, fiscal_in + fiscal_carry), "支出总计",
         *_sh_cells(b, [ft.total[0] + fiscal_carry_out if ft.nodes else fiscal_carry_out,
                        *(ft.total[1:] if ft.nodes else [ZERO] * 3)])]])

    gpb = b.gpb_tree
    out[t[4]] = (3, _sh_tree_rows(b, gpb, [0, 1, 4], 3))
    out[t[5]] = (3, _sh_tree_rows(b, b.fund_trees["政府性基金预算"], [0, 1, 2], 3))
    out[t[6]] = (3, _sh_tree_rows(b, b.fund_trees["国有资本经营预算"], [0, 1, 2], 3))
    out[t[7]] = (3, _sh_tree_rows(b, b.econ_tree, [0, 1, 2], 2))

    th = b.three
    car = th["公务用车购置费"] + th["公务用车运行维护费"]

    def wan2(v: Decimal) -> str:
        shown = convert(v, b.src, "万元").quantize(CENT, rounding=ROUND_HALF_UP)
        return "" if shown == 0 else f"{shown:,.2f}"

    out[t[8]] = (3, [[wan2(v) for v in (b.three_total, th["因公出国（境）费"], th["公务接待费"], car,
                                        th["公务用车购置费"], th["公务用车运行维护费"], b.operating)]])
    return out


def shanghai_units(b: Budget) -> dict[str, str]:
    """The 单位 line of each table: the input's table unit, 万元 for the “三公” table (as the reference)."""
    titles = shanghai_titles(b)
    return {title: ("万元" if i == 8 else b.unit) for i, title in enumerate(titles)}


def shanghai_sentences(b: Budget) -> list[str]:
    """Every figure-bearing sentence of the 上海 编制说明 and 其他相关情况说明, recomputed."""
    y, name = b.year, b.name

    def w0(v: Decimal) -> str:
        return shanghai_wan(b, v, 0) if convert(v, b.src, "万元").quantize(Decimal(1), rounding=ROUND_HALF_UP) else "0"

    def w2(v: Decimal) -> str:
        return shanghai_wan(b, v, 2)

    def then(phrase: str) -> str:
        return f"，{phrase}" if phrase else ""

    fiscal_in = sum((b.income[f + "拨款"] for f in FISCAL), ZERO)
    fiscal_all = fiscal_in + sum(b.fiscal_carry.values(), ZERO)
    gpb = b.gpb_total
    funds = {f: sum((r.total for r in b.rows if r.fund == f), ZERO) for f in FISCAL}
    fiscal_change = shanghai_change(b, fiscal_in, b.prior("财政拨款收入")[0], 0)
    out = [
        f"{y}年，{name}收入预算{w0(b.income_total)}万元，其中：财政拨款收入{w0(fiscal_in)}万元{then(fiscal_change)}；"
        f"事业收入{w0(b.income['事业收入'])}万元；事业单位经营收入{w0(b.income['事业单位经营收入'])}万元；"
        f"其他收入{w0(b.income['其他收入'])}万元",
        f"支出预算{w0(b.expense_total)}万元，其中：财政拨款支出预算{w0(fiscal_all)}万元。财政拨款支出预算中，"
        f"一般公共预算拨款支出预算{w0(gpb)}万元{then(shanghai_change(b, gpb, b.prior('一般公共预算支出')[0], 0))}；"
        f"政府性基金拨款支出预算为{w0(funds['政府性基金预算'])}"
        + ("万元" if w0(funds["政府性基金预算"]) != "0" else "")
        + f"；国有资本经营预算拨款支出预算为{w0(funds['国有资本经营预算'])}"
        + ("万元" if w0(funds["国有资本经营预算"]) != "0" else "") + "。",
    ]
    _, reason = b.prior("财政拨款收入")
    if fiscal_change and not fiscal_change.startswith("与") and clean_reason(reason):
        word = "减少" if "减少" in fiscal_change else "增加" if "增加" in fiscal_change else "变化"
        out.append(f"财政拨款收入支出{word}的主要原因是{clean_reason(reason)}。")
    for i, code in enumerate(b.gpb_tree.classes(), 1):
        out.append(f"{i}.“{b.gpb_tree.names[code]}”科目{w0(b.gpb_tree.nodes[code][0])}万元。")
    th = b.three
    car = th["公务用车购置费"] + th["公务用车运行维护费"]
    prior_car = [b.prior(k)[0] for k in ("公务用车购置费", "公务用车运行维护费")]

    def ch2(value: Decimal, key: str) -> str:
        return then(shanghai_change(b, value, *b.prior(key)[:1], 2, b.prior(key)[1]))

    car_reasons = "；".join(r for r in (b.prior(k)[1] for k in ("公务用车购置费", "公务用车运行维护费")) if r)
    car_change = "" if None in prior_car else then(shanghai_change(b, car, sum(prior_car, ZERO), 2, car_reasons))
    out += [
        f"{y}年“三公”经费预算数为{w2(b.three_total)}万元{ch2(b.three_total, '三公经费')}",
        f"（一）因公出国（境）费{w2(th['因公出国（境）费'])}万元{ch2(th['因公出国（境）费'], '因公出国（境）费')}",
        f"（二）公务用车购置及运行费{w2(car)}万元{car_change}。其中：公务用车购置费{w2(th['公务用车购置费'])}万元"
        f"{ch2(th['公务用车购置费'], '公务用车购置费')}；公务用车运行费{w2(th['公务用车运行维护费'])}万元"
        f"{ch2(th['公务用车运行维护费'], '公务用车运行维护费')}",
        f"（三）公务接待费{w2(th['公务接待费'])}万元{ch2(th['公务接待费'], '公务接待费')}",
    ]
    if b.operating_given:
        out.append(f"{y}年{name}财政拨款的机关运行经费预算为{w2(b.operating)}万元。")
    if b.proc_given and b.proc_total:
        p = b.proc
        out.append(f"{y}年度本单位政府采购预算{w2(b.proc_total)}万元，其中：政府采购货物预算{w2(p['货物'])}万元、"
                   f"政府采购工程预算{w2(p['工程'])}万元、政府采购服务预算{w2(p['服务'])}万元。")
    perf = b.perf_projects()
    if b.projects:
        out.append(f"{y}年度，本单位编报绩效目标的项目共{len(perf)}个，涉及项目预算资金"
                   f"{w2(sum((b.project_total(p) for p in perf), ZERO))}万元。")
    out += shanghai_asset_sentences(b)
    return out


def shanghai_duties(b: Budget) -> list[str]:
    """一、…主要职能 as the reference: the 职能概述 sentence when entered, “主要职能包括：”, then （一）… per duty."""
    ov = b.data.get("部门概况") or {}
    duties = [str(d) for d in ov.get("主要职责") or []]
    lead = [str(ov["职能概述"])] if ov.get("职能概述") else []
    return lead + (["主要职能包括："] if duties else []) + [f"{cn_ordinal(i)}{d}" for i, d in enumerate(duties, 1)]


def cn_ordinal(i: int) -> str:
    """（一）…（十九）, written out here rather than taken from the generator."""
    digits = "一二三四五六七八九"
    tens, ones = divmod(i, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")) + (digits[ones - 1] if ones else "")
    return f"（{text}）"


def shanghai_asset_sentences(b: Budget) -> list[str]:
    """五、国有资产占有使用情况 as the reference writes it: “截至2024年8月31日，上海市财政局共有车辆0辆，其中：…；
    单价100万元（含）以上设备（不含车辆）1台（套）。” and “2025年部门预算安排购置车辆0辆，其中：…；部门预算安排购置
    单价100万元（含）以上设备（不含车辆）0台（套）。” — only the clauses whose figures were entered."""
    a, e = b.assets, assets_expectations(b, b.name)
    out = []
    held = [e[k] for k in ("车辆", "单价50万元以上通用设备", "单价100万元以上专用设备", "单价100万元以上设备") if k in e]
    if held and a.get("上年末固定资产总额") is None:
        y, m, d = (int(x) for x in str(a["截至日期"])[:10].split("-")) if a.get("截至日期") else (b.year - 1, 12, 31)
        day = f"{y}年{m}月{d}日"
        out.append(f"截至{day}，" + "；".join(held) + "。")
    bought = [e[k] for k in ("购置车辆", "购置单价100万元以上设备") if k in e]
    if bought:
        out.append(("" if "购置车辆" in e else f"{b.year}年") + "；".join(bought) + "。")
    return out

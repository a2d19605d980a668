"""Independent expectations for the generated 部门决算公开, computed from the raw 决算 input.

Why this module exists: as tests/independent.py does for the budget, a test comparing the document
with generator.layout.final_compute would only prove the renderer copies it. This module recomputes
every 决算 table cell and the narrative's figures from the input file itself (plain dicts from the
loader), with its own Decimal arithmetic and ROUND_HALF_UP, by the rules of CONVENTIONS "决算"
(completion % = 决算 ÷ 年初预算, none for a zero budget; 大于/小于/等于 by the sign; "上年无此项支出"
from a zero base). Nothing of generator's compute, narrate or fmt is imported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from independent import (  # the budget's own helpers (test code)
    dec,
    function_catalog,
    qualified_name,
)

from generator.reading.load import load_file

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")

INCOME = ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入",
          "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
FUNDS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "其他资金")
KINDS = ("人员经费", "公用经费", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
GPB = "一般公共预算财政拨款"


def r2(v: Decimal) -> Decimal:
    return v.quantize(CENT, rounding=ROUND_HALF_UP)


def wan(v: Decimal) -> str:
    shown = r2(v)
    return "0" if shown == 0 else f"{shown:.2f}"


def cell(v: Decimal) -> str:
    shown = r2(v)
    return f"{abs(shown) if shown == 0 else shown:.2f}"


def pct(part: Decimal, whole: Decimal) -> str:
    if whole == 0:
        return "0%"
    return f"{abs(part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def change(current: Decimal, prior: Decimal | None) -> str:
    if prior is None:
        return ""
    delta = current - prior
    if r2(delta) == 0:
        return "持平"
    if prior == 0:
        return f"增加{wan(abs(delta))}万元，上年无此项支出"
    word = ("增加", "增长") if delta > 0 else ("减少", "下降")
    return f"{word[0]}{wan(abs(delta))}万元，{word[1]}{pct(delta, prior)}"


def _column(kind: str):
    return lambda r: dec(r.get(kind))


def _micro_kinds(proc: dict) -> list[tuple[str, Decimal]]:
    """授予小微企业 by kind as entered (a kind not entered is left out, never 0)."""
    by = proc.get("授予小微企业按类别") or {}
    return [(k, dec(by[k])) for k in ("货物", "工程", "服务") if by.get(k) is not None]


def _sme_kinds(proc: dict) -> dict[str, Decimal] | None:
    """授予中小企业 by kind as entered, or None when it was not entered at all (absent is not zero)."""
    by = proc.get("授予中小企业")
    return None if by is None else {k: dec(by[k]) for k in ("货物", "工程", "服务") if by.get(k) is not None}


def _micro_total(proc: dict) -> Decimal | None:
    """授予小微企业 in total: as entered, else Σ the kinds entered, else None (the clause is left out)."""
    if proc.get("授予小微企业") is not None:
        return dec(proc["授予小微企业"])
    kinds = _micro_kinds(proc)
    return sum((v for _, v in kinds), ZERO) if kinds else None


def _prior(entry: Any) -> Decimal | None:
    if entry is None:
        return None
    if isinstance(entry, dict):
        return None if entry.get("金额") is None else dec(entry["金额"])
    return dec(entry)


@dataclass
class Expected:
    """What the 决算 document must show: table cells by (table key, row label or code) and sentences."""

    cells: dict[tuple[str, str], list[str]]
    sentences: list[str]
    year: int
    empty_funds: list[str]
    absent: list[str] = field(default_factory=list)
    """Phrases the document must not contain: figures the input does not give (absent is not zero)."""


COUNTS = {"团组数", "人次", "批次", "购置数", "保有量", "数量", "得分", "单价100万元以上设备", "决算年度"}
"""Numbers of a 决算 input that are not money (left as they are when an input in 元 is read in 万元)."""


def in_wan(node: Any, key: Any = None) -> Any:
    """An input entered in 元 with every amount divided by 10000, exactly (no rounding): 万元 figures."""
    if isinstance(node, dict):
        return {k: in_wan(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [in_wan(v, key) for v in node]
    if isinstance(node, (int, Decimal)) and not isinstance(node, bool) and key not in COUNTS:
        return Decimal(node) / 10000
    return node


class Final:
    """The raw 决算 input with the sums a reader of the tables would redo; an input in 元 is read in
    万元 (the unit of the narrative; the tables must be shown in 万元 too, 表格金额单位: 万元)."""

    def __init__(self, path: str | Path):
        data, _ = load_file(path)
        info = data["基本信息"]
        if info["金额单位"] == "元":
            assert info.get("表格金额单位") == "万元", "the independent checks read tables in 万元"
            data = in_wan(data)
        self.d = data
        self.year = int(data["基本信息"]["决算年度"])
        self.rows = data["支出"]["功能分类"]
        self.income = {s: dec(data["收入"]["本年收入"].get(s)) for s in INCOME}
        self.cent = Decimal("0.000001") if info["金额单位"] == "元" else Decimal("0.01")
        """One cent of the file's unit, in the unit read here (尾差 is a cent per rounded part)."""
        self.template = data["基本信息"].get("版式", "湖北") == "上海"
        """上海: the official template's wording; 湖北: the Zengdu wording."""

    def _item(self, number: str, r: dict, names: dict[str, str]) -> str:
        """One 项 of a fund's 情况说明: name, 主要用途, 年初预算 against 决算 with the direction word."""
        code, actual = str(r["科目编码"]), self.row_total(r)
        text = number + qualified_name(code, names) + "。"
        if r.get("主要用途"):
            text += f"主要用于{'：' if self.template else ''}{r['主要用途'].rstrip('。')}。"
        if r.get("年初预算数") is None:
            return text + f"支出决算为{wan(actual)}万元"
        b = dec(r["年初预算数"])
        text += f"年初预算为{wan(b)}万元，支出决算为{wan(actual)}万元"
        delta = r2(actual - b)
        word = "大于" if delta > 0 else "小于" if delta < 0 else "等于"
        if self.template:
            return text + (f"。决算数{word}预算数" if word != "等于" else "。")
        return text + (f"，完成年初预算的{pct(actual, b)}" if b else "") + f"。决算数{word}年初预算数"

    def declared(self, value: Any, parts: list[Decimal], otherwise: Decimal | None = None) -> Decimal:
        """R12: a declared total within 尾差 (a cent per nonzero part, at least one) of its parts is
        printed as declared; else ``otherwise`` (default: the parts' sum)."""
        total = sum(parts, ZERO)
        if value is not None and abs(dec(value) - total) <= self.cent * max(sum(1 for p in parts if p), 1):
            return dec(value)
        return total if otherwise is None else otherwise

    def raw_total(self, r: dict) -> Decimal:
        return sum((dec(r.get(k)) for k in KINDS), ZERO)

    def row_total(self, r: dict) -> Decimal:
        """A row's 合计 as printed: the declared one within 尾差 of its columns."""
        return self.declared(r.get("合计"), [dec(r.get(k)) for k in KINDS])

    def row_basic(self, r: dict) -> Decimal:
        return self.declared(r.get("基本支出"), [dec(r.get("人员经费")), dec(r.get("公用经费"))])

    def fund(self, r: dict) -> str:
        return r.get("资金来源", GPB)

    def tree(self, rows: list[dict], columns) -> dict[str, list[Decimal]]:
        """code (类 3 / 款 5 / 项 7 digits) → column sums, over rows with any spending."""
        out: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * len(columns))
        for r in rows:
            if not self.row_total(r):
                continue
            values = [col(r) for col in columns]
            for n in (3, 5, 7):
                code = str(r["科目编码"])[:n]
                out[code] = [a + b for a, b in zip(out[code], values, strict=True)]
        return dict(out)

    def expected(self) -> Expected:
        d, y = self.d, self.year
        cells: dict[tuple[str, str], list[str]] = {}
        sentences: list[str] = []
        absent: list[str] = []
        carry_in_by = [dec(d["收入"].get("年初结转和结余", {}).get(f)) for f in FUNDS]
        carry_in = sum(carry_in_by, ZERO)
        use = dec(d["收入"].get("使用非财政拨款结余"))
        inc_total = self.declared(d["收入"].get("本年收入合计"), list(self.income.values()))
        grand = self.declared(d["收入"].get("收入总计"), [sum(self.income.values(), ZERO), use, *carry_in_by],
                              inc_total + use + carry_in)
        raw_rows = [self.raw_total(r) for r in self.rows]
        exp_total = self.declared(d["支出"].get("本年支出合计"), raw_rows, sum((self.row_total(r) for r in self.rows), ZERO))
        dist = dec(d["支出"].get("结余分配"))
        carry_out_by = {f: dec(d["支出"].get("年末结转和结余", {}).get(f)) for f in FUNDS}
        exp_grand = self.declared(d["支出"].get("支出总计"), [sum(raw_rows, ZERO), dist, *carry_out_by.values()],
                                  exp_total + dist + sum(carry_out_by.values(), ZERO))
        # 收支总表
        cells[("收支总表", "本年收入合计")] = [cell(inc_total), "本年支出合计", cell(exp_total)]
        cells[("收支总表", "使用非财政拨款结余")] = [cell(use), "结余分配", cell(dist)]
        cells[("收支总表", "年初结转和结余")] = [cell(carry_in), "年末结转和结余", cell(sum(carry_out_by.values(), ZERO))]
        cells[("收支总表", "总计")] = [cell(grand), "总计", cell(exp_grand)]
        for i, source in enumerate(INCOME):
            cells[("收支总表", "一二三四五六七八"[i] + "、" + source)] = [cell(self.income[source])]
        # 支出决算表, 一般公共预算财政拨款支出决算表
        basic = self.row_basic
        expense = self.tree(self.rows, [self.row_total, basic, *[_column(k) for k in KINDS[2:]]])
        for code, v in expense.items():
            cells[("支出表", code)] = [cell(x) for x in v]
            if len(code) == 3:
                cells[("收支总表", "@" + class_names()[code])] = [cell(v[0])]
        gpb_rows = [r for r in self.rows if self.fund(r) == GPB]
        gpb = self.tree(gpb_rows, [self.row_total, basic, lambda r: dec(r.get("项目支出"))])
        for code, v in gpb.items():
            cells[("一般公共预算支出表", code)] = [cell(x) for x in v]
        gpb_total = sum((self.row_total(r) for r in gpb_rows), ZERO)
        # 收入决算表: each row's income by source (typed on the row, or — with nothing carried — what it spent)
        sources = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
        others = [s for s in INCOME[3:] if self.income[s]]

        def row_income(r: dict) -> list[Decimal]:
            given = r.get("本年收入")
            if given is not None:
                return [dec(given.get(k)) for k in sources]
            out = [ZERO] * len(sources)
            if self.fund(r) != "其他资金":
                out[0] = self.row_total(r)
            elif others:
                out[sources.index(others[0])] = self.row_total(r)
            return out

        income_tree: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 7)
        for r in self.rows:
            values = row_income(r)
            if not any(values):
                continue
            for n in (3, 5, 7):
                code = str(r["科目编码"])[:n]
                income_tree[code] = [a + b for a, b in zip(income_tree[code], [sum(values, ZERO), *values], strict=True)]
        for code, v in income_tree.items():
            cells[("收入表", code)] = [cell(x) for x in v]
        # 财政拨款收入支出决算总表: each 类 by fund (合计, 一般公共预算, 政府性基金, 国有资本经营)
        fiscal = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
        classes: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 4)
        for r in self.rows:
            if self.fund(r) in fiscal and self.row_total(r):
                k = str(r["科目编码"])[:3]
                classes[k][0] += self.row_total(r)
                classes[k][1 + fiscal.index(self.fund(r))] += self.row_total(r)
        names = class_names()
        for code, v in classes.items():
            cells[("财政拨款总表", "@" + names[code])] = [cell(x) for x in v]
        # … and its closing lines: 本年收入/支出合计 by fund, 年初/年末财政拨款结转和结余, 总计 (年初 + 收入 = 支出 + 年末)
        spent = [sum((v[i] for v in classes.values()), ZERO) for i in range(4)]
        fiscal_in = sum((self.income[s] for s in INCOME[:3]), ZERO)
        carry_in_f = [dec(d["收入"].get("年初结转和结余", {}).get(f)) for f in fiscal]
        carry_out_f = [carry_out_by[f] for f in fiscal]
        ordinal = ("一、", "二、", "三、")
        cells[("财政拨款总表", "=本年收入合计")] = [cell(fiscal_in), "本年支出合计", *[cell(x) for x in spent]]
        cells[("财政拨款总表", "=年初财政拨款结转和结余")] = [cell(sum(carry_in_f, ZERO)), "年末财政拨款结转和结余",
                                                        cell(sum(carry_out_f, ZERO)), *[cell(x) for x in carry_out_f]]
        cells[("财政拨款总表", "=总计")] = [cell(fiscal_in + sum(carry_in_f, ZERO)), "总计",
                                         cell(spent[0] + sum(carry_out_f, ZERO)),
                                         *[cell(spent[1 + i] + carry_out_f[i]) for i in range(3)]]
        for i, f in enumerate(fiscal):  # the income lines, left side (the first row of that label)
            cells[("财政拨款总表", "=" + ordinal[i] + f)] = [cell(self.income[f + "收入"])]
        # 政府性基金 / 国有资本经营 收入支出决算表: 年初, 收入, 支出 合计/基本/项目, 年末 per 类/款/项 and 合计
        # (湖北 prints the 国有资本经营 table with its 支出 columns only, as the Zengdu reference does)
        fund_totals: dict[str, list[Decimal]] = {}
        for key, fund, block in (("政府性基金表", "政府性基金预算财政拨款", "政府性基金"),
                                 ("国有资本经营表", "国有资本经营预算财政拨款", "国有资本经营")):
            per: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 6)
            for subject in d.get(block) or []:
                for n in (3, 5, 7):
                    v = per[str(subject["科目编码"])[:n]]
                    v[0] += dec(subject.get("年初结转和结余"))
                    v[1] += dec(subject.get("本年收入"))
                    v[5] += dec(subject.get("年末结转和结余"))
            for r in self.rows:
                if self.fund(r) == fund and self.row_total(r):
                    for n in (3, 5, 7):
                        v = per[str(r["科目编码"])[:n]]
                        v[2] += self.row_total(r)
                        v[3] += basic(r)
                        v[4] += dec(r.get("项目支出"))
            shown = [2, 3, 4] if key == "国有资本经营表" and not self.template else [0, 1, 2, 3, 4, 5]
            total = [sum((v[i] for c, v in per.items() if len(c) == 3), ZERO) for i in range(6)]
            fund_totals[fund] = total
            for code, v in per.items():
                cells[(key, code)] = [cell(v[i]) for i in shown]
            if per:
                cells[(key, "合计")] = [cell(total[i]) for i in shown]
        # 基本支出 by 经济分类: each 款 shows its 人员经费 on the left or its 公用经费 on the right
        econ = d.get("经济分类基本支出", [])
        for r in econ:
            for k in ("人员经费", "公用经费"):
                if dec(r.get(k)):
                    cells[("基本支出表", str(r["科目编码"]))] = [cell(dec(r.get(k)))]
        people = sum((dec(r.get("人员经费")) for r in econ), ZERO)
        public = sum((dec(r.get("公用经费")) for r in econ), ZERO)
        cells[("基本支出表", "人员经费合计")] = [cell(people), "公用经费合计", "", cell(public)]
        # 三公 table: 预算数/决算数 pairs
        t = d.get("三公经费", {})

        def sg(which: str, item: str) -> Decimal:
            fig = t.get(which, {})
            get = lambda k: dec(fig.get(k))  # noqa: E731
            four = [get("因公出国（境）费"), get("公务用车购置费"), get("公务用车运行维护费"), get("公务接待费")]
            cars = self.declared(fig.get("公务用车购置及运行维护费"), four[1:3])
            return {"合计": self.declared(fig.get("合计"), four), "公务用车购置及运行维护费": cars}.get(item, get(item))

        items = ("合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
        cells[("三公表", "")] = [cell(sg(w, i)) for i in items for w in ("预算数", "决算数")]
        empty_funds = [k for k, key in (("政府性基金表", "政府性基金预算财政拨款"), ("国有资本经营表", "国有资本经营预算财政拨款"))
                       if not any(self.fund(r) == key and self.row_total(r) for r in self.rows) and not d.get(
                           "政府性基金" if key.startswith("政府性") else "国有资本经营")]

        # ---------------------------------------------------------------- narrative figures
        prior = d.get("上年数", {})
        words = change(grand, _prior(prior.get("收入支出总计")))
        if self.template:
            sentences.append(f"{y}年度收入支出总计{wan(grand)}万元")
            if words and words != "持平":
                sentences.append(f"与{y - 1}年度相比，收入支出总计{words}")
        else:
            sentences.append(f"{y}年度收、支总计均为{wan(grand)}万元")
            if words and words != "持平":
                sentences.append(f"与{y - 1}年度相比，收、支总计各{words}")
        of_income = "占" if self.template else "占本年收入"
        of_expense = "占" if self.template else "占本年支出"
        fiscal_income = sum((self.income[s] for s in INCOME[:3]), ZERO)
        sentences.append(f"财政拨款收入{wan(fiscal_income)}万元，{of_income}{pct(fiscal_income, inc_total)}")
        for s in INCOME[3:]:
            if self.income[s]:
                sentences.append(f"{s}{wan(self.income[s])}万元，{of_income}{pct(self.income[s], inc_total)}")
        basic_all = sum((basic(r) for r in self.rows), ZERO)
        projects_all = sum((dec(r.get("项目支出")) for r in self.rows), ZERO)
        sentences.append(f"基本支出{wan(basic_all)}万元，{of_expense}{pct(basic_all, exp_total)}")
        sentences.append(f"项目支出{wan(projects_all)}万元，{of_expense}{pct(projects_all, exp_total)}")
        sentences.append(f"一般公共预算财政拨款支出{wan(gpb_total)}万元，占本年支出合计的{pct(gpb_total, exp_total)}")
        # per 类 share, per 项 completion with the direction word
        for code, v in gpb.items():
            if len(code) == 3:
                name = function_catalog()[code]["name"]
                sentences.append(f"{name}（类）{wan(v[0])}万元，占{pct(v[0], gpb_total)}")
        budgets: dict[str, Decimal | None] = {}
        actual: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for r in gpb_rows:
            code = str(r["科目编码"])
            actual[code] += self.row_total(r)
            if r.get("年初预算数") is not None:
                budgets[code] = (budgets.get(code) or ZERO) + dec(r["年初预算数"])
            else:
                budgets.setdefault(code, None)
        names = {str(r["科目编码"]): r["科目名称"] for r in self.rows}
        uses = {str(r["科目编码"]): r["主要用途"] for r in gpb_rows if r.get("主要用途")}
        for code in sorted(actual):
            b = budgets.get(code)
            head = qualified_name(code, names) + "。" + (f"主要用于{'：' if self.template else ''}{uses[code].rstrip('。')}。" if code in uses else "")
            if b is None:
                sentences.append(head + f"支出决算为{wan(actual[code])}万元")
                continue
            text = f"年初预算为{wan(b)}万元，支出决算为{wan(actual[code])}万元"
            delta = r2(actual[code] - b)
            word = "大于" if delta > 0 else "小于" if delta < 0 else "等于"
            if self.template:  # 上海: no percentage per 项; equal figures need no sentence
                sentences.append(head + text + (f"。决算数{word}预算数" if word != "等于" else "。"))
                continue
            if b != 0:
                text += f"，完成年初预算的{pct(actual[code], b)}"
            sentences.append(head + text + f"。决算数{word}年初预算数")
        if all(budgets.get(c) is not None for c in actual) and actual:
            total_budget = sum((budgets[c] for c in actual if budgets[c] is not None), ZERO)
            sentences.append(f"一般公共预算财政拨款支出年初预算为{wan(total_budget)}万元，支出决算为{wan(gpb_total)}万元"
                             + (f"，完成年初预算的{pct(gpb_total, total_budget)}" if total_budget else ""))
        # 三公
        b_all, a_all = sg("预算数", "合计"), sg("决算数", "合计")
        delta = r2(a_all - b_all)
        word = "大于" if delta > 0 else "小于" if delta < 0 else "等于"
        words = change(a_all, _prior(prior.get("三公经费")))
        abroad = t.get("出国", {})
        if self.template:
            text = f"“三公”经费财政拨款支出年初预算为{wan(b_all)}万元，支出决算为{wan(a_all)}万元"
            sentences.append(text + (f"，完成预算的{pct(a_all, b_all)}" if b_all else ""))
            sentences.append(f"{y}年度“三公”经费支出决算数{word}预算数")
            if words and words != "持平":
                sentences.append(f"{y}年度“三公”经费财政拨款支出决算数比{y - 1}年度{words}")
            for key, name in (("因公出国（境）费", "因公出国（境）费支出决算"), ("公务用车购置及运行维护费", "公务用车购置及运行维护费支出决算"),
                              ("公务接待费", "公务接待费支出决算")):
                wi = change(sg("决算数", key), _prior(prior.get(key)))
                if wi:
                    sentences.append(f"{name}{wi}")
            if abroad.get("团组数") is not None and abroad.get("人次") is not None:
                sentences.append(f"全年安排因公出国（境）团组{abroad['团组数']}个、累计{abroad['人次']}人次")
        else:
            text = f"“三公”经费财政拨款支出全年预算为{wan(b_all)}万元，支出决算为{wan(a_all)}万元"
            if b_all:
                text += f"，完成全年预算的{pct(a_all, b_all)}"
            if words:
                text += "，与上年持平" if words == "持平" else f"，较上年{words}"
            sentences.append(text + f"。决算数{word}全年预算数")
            if abroad.get("团组数") is not None and abroad.get("人次") is not None:
                sentences.append(f"全年支出涉及出国（境）团组{abroad['团组数']}个，累计{abroad['人次']}人次")
        cars = t.get("公务用车", {})
        if cars.get("保有量") is not None:
            sentences.append(f"开支财政拨款的公务用车保有量为{cars['保有量']}辆")
        # 国有资本经营预算财政拨款收入 against last year (湖北: 财政拨款收入中 …; an income, so “上年无此项收入”)
        state_in, state_prior = self.income["国有资本经营预算财政拨款收入"], _prior(prior.get("国有资本经营预算财政拨款收入"))
        if not self.template and (state_in or state_prior):
            words = change(state_in, state_prior).replace("上年无此项支出", "上年无此项收入")
            sentences.append(f"国有资本经营预算财政拨款收入{wan(state_in)}万元"
                             + ("" if not words else f"，与{y - 1}年度决算数持平" if words == "持平" else f"，比{y - 1}年度决算数{words}"))
        # 政府性基金 / 国有资本经营: the totals, then each 项 of that fund (input order) with its completion
        for fund, total in fund_totals.items():
            if not any(total):
                continue
            if self.template:
                sentences.append(f"{fund}收入{wan(total[1])}万元，支出{wan(total[2])}万元，支出具体情况如下")
            else:
                sentences.append(f"{y}年度{fund}年初结转和结余{wan(total[0])}万元，本年收入{wan(total[1])}万元，"
                                 f"本年支出{wan(total[2])}万元，年末结转和结余{wan(total[5])}万元")
            fund_rows = [r for r in self.rows if self.fund(r) == fund and self.row_total(r)]
            row_names = {str(x["科目编码"]): x["科目名称"] for x in self.rows}
            for i, r in enumerate(fund_rows, 1):
                sentences.append(self._item(f"{i}{'、' if self.template else '.'}", r, row_names))
        # 机关运行经费
        op = d.get("机关运行经费")
        if op is not None and op.get("决算数") is None:  # entered without its figure: never stated
            absent += ["无机关运行经费支出", *(f"机关运行经费支出{d}" for d in "0123456789")]
        elif op is not None:
            now = dec(op.get("决算数"))
            if op.get("比较基数", "上年决算") == "年初预算":
                words = change(now, _prior(op.get("年初预算数")))
                text = f"机关运行经费支出{wan(now)}万元"
                if words and words != "持平":
                    text += "，比年初预算数" + words.replace("下降", "降低")
            else:
                words = change(now, _prior(prior.get("机关运行经费")))
                text = f"机关运行经费支出{wan(now)}万元" + (f"，比{y - 1}年度{words}" if words and words != "持平" else "")
            sentences.append(text)
        # 政府采购
        proc = d.get("政府采购")
        if proc is not None:
            kinds = {k: dec(proc.get("合同金额", {}).get(k)) for k in ("货物", "工程", "服务")}
            total = self.declared(proc.get("合计"), list(kinds.values()))
            entered = [k for k in kinds if k in (proc.get("合同金额") or {})]  # only these are listed, never a 0
            absent += [f"{k}采购金额0万元" for k in kinds if k not in entered]
            absent += [f"政府采购{k}支出0万元" for k in kinds if k not in entered]
            sme_given = _sme_kinds(proc)  # None: 授予中小企业 not entered — no 中小企业 (nor 小微企业) figure
            if sme_given is None:
                absent += ["中小企业合同金额", "中小企业供应商", "授予小微企业合同金额", "小微企业供应商"]
            if self.template:
                sme_total = sum((sme_given or {}).values(), ZERO)
                sentences.append(f"政府采购金额（以合同签订为准）为{wan(total)}万元，其中：" + "、".join(
                    f"{k}采购金额{wan(kinds[k])}万元" for k in entered))
                if total and sme_given is not None:
                    sentences.append(f"由中小企业供应商中标或成交的采购金额{wan(sme_total)}万元，占政府采购金额的{pct(sme_total, total)}")
                if total and sme_given is not None and sme_total and _micro_total(proc) is not None:
                    micro_kinds = _micro_kinds(proc)
                    said = f"其中由小微企业供应商中标或成交的采购金额{wan(_micro_total(proc))}万元"
                    if micro_kinds:
                        said += "（" + "、".join(f"{k}采购{wan(v)}万元" for k, v in micro_kinds) + "）"
                    sentences.append(said + "。")
            else:
                sentences.append(f"政府采购支出总额{wan(total)}万元，其中：" + "、".join(
                    f"政府采购{k}支出{wan(kinds[k])}万元" for k in entered))
            if total and not self.template and sme_given is not None:
                sme = sme_given
                sme_total = sum(sme.values(), ZERO)
                sentences.append(f"授予中小企业合同金额{wan(sme_total)}万元，占政府采购支出总额的{pct(sme_total, total)}")
                micro = _micro_total(proc)
                if sme_total and micro is not None:
                    sentences.append(f"授予小微企业合同金额{wan(micro)}万元，占授予中小企业合同金额的{pct(micro, sme_total)}")
                for k, v in kinds.items():
                    if v and k in sme:  # only the kinds whose 授予中小企业 was entered
                        sentences.append(f"{k}采购授予中小企业合同金额占{k}支出金额的{pct(sme[k], v)}")
                    elif v:
                        absent.append(f"{k}采购授予中小企业合同金额占")
                micro_kinds = _micro_kinds(proc)
                if sme_total and micro_kinds:  # a kind without its 授予中小企业: the amount, no share
                    sentences.append("授予小微企业合同金额中，" + "；".join(
                        f"{k}采购{wan(v)}万元" + (f"，占{k}采购授予中小企业合同金额的{pct(v, sme[k])}" if k in sme else "")
                        for k, v in micro_kinds) + "。")
            absent += [f"{k}采购0万元" for k in ("货物", "工程", "服务") if k not in dict(_micro_kinds(proc))]
            if _micro_total(proc) is None:  # neither 授予小微企业 nor its kinds entered: never stated
                absent += ["授予小微企业合同金额", "小微企业供应商"]
        # 国有资产: vehicles by kind
        assets = d.get("国有资产") or {}
        if assets.get("车辆") is not None:
            total = sum(int(v["数量"]) for v in assets["车辆"])
            sentences.append(f"共有车辆{total}辆")
            sentences += [f"{v['类型']}{v['数量']}辆" for v in assets["车辆"]]
        # 绩效自评 coverage
        ev = (d.get("绩效自评") or {}).get("项目") or []
        if ev and self.template:
            budget = sum((dec(p["全年预算数"]) for p in ev), ZERO)
            sentences.append(f"绩效自评的{y}年度项目{len(ev)}个，涉及预算金额{wan(budget)}万元")
        if ev and not self.template:
            executed = sum((dec(p["执行数"]) for p in ev), ZERO)
            projects_gpb = sum((dec(r.get("项目支出")) for r in gpb_rows), ZERO)
            sentences.append(f"共涉及项目{len(ev)}个，资金{wan(executed)}万元，占一般公共预算项目支出总额的"
                             f"{pct(executed, projects_gpb)}")
        for p in ev:
            b, x = dec(p["全年预算数"]), dec(p["执行数"])
            sentences.append(f"{p['项目名称']}项目绩效自评综述：项目全年预算数为{wan(b)}万元，执行数为{wan(x)}万元"
                             + (f"，完成预算{pct(x, b)}" if b else ""))
        return Expected(cells, sentences, y, empty_funds, absent)


def class_names() -> dict[str, str]:
    """类 code → name, from the catalog file (test data, not generator code)."""
    return {code: entry["name"] for code, entry in function_catalog().items() if len(code) == 3}

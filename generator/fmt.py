"""Number and wording rules of CONVENTIONS.md: amounts, percentages, change and share phrases.

Why this module exists: "比上年增加24.23万元，增长1.40%" must be written the same way in every
sentence and every table, with ROUND_HALF_UP and never a float, and tests check figures against
exactly these rules.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
WAN = Decimal("10000")


def to_unit(value: Decimal, source_unit: str, target_unit: str) -> Decimal:
    """Convert an amount between 元 and 万元, unrounded."""
    if source_unit == target_unit:
        return value
    return value / WAN if target_unit == "万元" else value * WAN


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def table_amount(value: Decimal, source_unit: str, table_unit: str) -> str:
    """A table cell: two decimals; thousands separators when the table is in 元."""
    shown = round2(to_unit(value, source_unit, table_unit))
    if shown == 0:
        shown = abs(shown)
    return f"{shown:,.2f}" if table_unit == "元" else f"{shown:.2f}"


def wan(value: Decimal, source_unit: str, decimals: int = 2, grouping: bool = False, zero_decimals: bool = False) -> str:
    """An amount in a sentence, in 万元 with two decimals (a profile may ask for fewer, and thousands
    separators: 上海 writes 17,192万元); zero is written "0" (``zero_decimals``: 0.00, as 上海 does)."""
    shown = to_unit(value, source_unit, "万元").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if shown == 0 and not zero_decimals:
        return "0"
    if shown == 0:
        shown = abs(shown)
    return f"{shown:,.{decimals}f}" if grouping else f"{shown:.{decimals}f}"


def percent(value: Decimal, places: int = 2) -> str:
    """A percentage from an unrounded ratio already in percent: 1.4033 -> "1.40%"."""
    q = Decimal(1).scaleb(-places)
    shown = abs(value).quantize(q, rounding=ROUND_HALF_UP)
    return f"{shown}%"


def change_direction(current: Decimal | None, prior: Decimal | None, unit: str, decimals: int = 2) -> str:
    """增加 / 减少 / 持平 (the change rounds to 0 in the text) / 上年无 (last year 0) / "" (either year not given)."""
    if prior is None or current is None:
        return ""
    if prior == 0 and current != 0:
        return "上年无"
    delta = current - prior
    if to_unit(delta, unit, "万元").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) == 0:
        return "持平"
    return "增加" if delta > 0 else "减少"


def change_phrase(current: Decimal | None, prior: Decimal | None, unit: str, places: int = 2, lead: str = "比上年",
                  decimals: int = 2, grouping: bool = False, level: str = "与上年持平", ratio: bool = True) -> str:
    """比上年增加24.23万元，增长1.40% / 比上年减少…，下降… / 与上年持平 / 上年无此项预算.

    ``lead``/``level``: a region's wording (上海: 比2024年预算 / 与2024年预算持平); ``ratio`` False
    leaves out the ，增长… percentage. Last year (or this year) not given: "" — no comparison at all;
    absent is not zero."""
    direction = change_direction(current, prior, unit, decimals)
    if direction in ("", "上年无", "持平"):
        return {"": "", "上年无": "上年无此项预算", "持平": level}[direction]
    assert current is not None and prior is not None
    delta = current - prior
    amount = wan(abs(delta), unit, decimals, grouping)
    rate = percent(delta * 100 / prior, places)
    if delta > 0:
        return f"{lead}增加{amount}万元" + (f"，增长{rate}" if ratio else "")
    return f"{lead}减少{amount}万元" + (f"，下降{rate}" if ratio else "")


def share_phrase(part: Decimal, whole: Decimal, places: int = 2) -> str:
    """占46.45% (from unrounded values); a zero total gives 占0%."""
    if whole == 0:
        return "占" + percent(Decimal(0), places)
    return "占" + percent(part * 100 / whole, places)


def reason_clause(reason: str) -> str:
    """"，主要原因是<reason>" without doubling punctuation; empty when no reason."""
    text = reason.strip().rstrip("。；;，,")
    if not text:
        return ""
    for lead in ("主要原因是", "主要原因：", "原因是", "原因："):
        if text.startswith(lead):
            text = text[len(lead):]
    return f"，主要原因是{text}"


CN_DIGITS = "〇一二三四五六七八九"


def _cn_below_10000(n: int, leading: bool) -> str:
    """1..9999; ``leading`` when nothing stands before it (then 10-19 are 十, 十一 … not 一十)."""
    out, zero = "", False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit, n = divmod(n, size)
        if digit:
            if zero:
                out += "零"
            if not (unit == "十" and digit == 1 and leading and not out):
                out += CN_DIGITS[digit]
            out += unit
            zero = False
        elif out:
            zero = True
    return out


def cn_number(n: int) -> str:
    """Chinese numerals for any count: 1 一, 10 十, 12 十二, 101 一百零一, 110 一百一十, 10001 一万零一."""
    if n < 0:
        return "负" + cn_number(-n)
    if n < 10:
        return CN_DIGITS[n]
    if n >= 10**16:
        return str(n)
    parts: list[str] = []
    big = ("", "万", "亿", "万亿")
    groups: list[int] = []
    while n:
        n, low = divmod(n, 10000)
        groups.append(low)
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        first = not parts
        if not first and (g < 1000 or groups[i + 1] == 0):
            parts.append("零")
        parts.append(_cn_below_10000(g, first) + big[i])
    return "".join(parts)


def ordinal(n: int, style: str) -> str:
    """Heading numbers: 一、 （一） 1. （1）."""
    if style == "一、":
        return f"{cn_number(n)}、"
    if style == "（一）":
        return f"（{cn_number(n)}）"
    if style == "1.":
        return f"{n}."
    return f"（{n}）"

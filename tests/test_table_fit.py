"""The column-fitting rule of the budget tables (writing/render.py ``_fit``, ``_body_first``; commit 2df8a95).

When a table cannot have every cell and header on one line, the names come first: if every body cell
fits on one line with the headers wrapped, that is the layout, with each header on one to three lines
of even length, never a lone last character, a header of up to three characters ("合计", "预算数")
never split, and the headers with the most lines giving up a line first, all of them at once as far
as the page allows. The 绩效 tables (``shrink_to_one_line=False``) are not fitted this way.

The checks measure the widths the function returns as Word would fill them, independently of the
function's own estimates: a cell's text runs between Table Grid's margins (57 twips each side), a
CJK character is one em wide (bold too), digits half an em and "," "." a quarter (Times New Roman).
"""

from __future__ import annotations

import math

import pytest

from generator.writing import render
from generator.writing.render import _body_first, _fit, _header_pt, _no_orphan_pt

PORTRAIT = 8845  # twips: the GB/T 9704 版心, 156 mm
LANDSCAPE = 12756  # 225 mm
MARGINS_PT = 2 * 57 / 20
SMALL_FIVE = 9.0  # 小五: the size a budget table shrinks to before its text may wrap


def _em(text: str) -> float:
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.25 if ch in ",." else 0.5 if ch.isdigit() else 0.6 for ch in text)


def _room_pt(twips: int) -> float:
    return twips / 20 - MARGINS_PT


def _one_line(text: str, twips: int, size: float) -> bool:
    return _em(text) * size <= _room_pt(twips) + 1e-9


def _lines(header: str, twips: int, size: float) -> list[str]:
    """A CJK header as Word fills the cell: as many characters a line as the width holds."""
    per_line = math.floor(_room_pt(twips) / size + 1e-9)
    assert per_line >= 1, (header, twips)
    return [header[i:i + per_line] for i in range(0, len(header), per_line)]


def _natural_pt(column: list[str], size: float) -> float:
    """Width of a column with every text in it (headers bold, body) on one line."""
    return max(_em(t) for t in column) * size + MARGINS_PT


def _assert_fit(twips: list[int], size: float, cells: list[list[str]], heads: list[list[str]], avail: int) -> None:
    """Every body cell on one line; every header on at most three lines, none ending on one character."""
    assert sum(twips) == avail
    for width, column, column_heads in zip(twips, cells, heads, strict=True):
        for text in column:
            assert _one_line(text, width, size), (text, width / 20)
        for head in column_heads:
            lines = _lines(head, width, size)
            assert len(lines) <= 3, (head, lines)
            assert len(lines) == 1 or len(lines[-1]) > 1, (head, lines)


def _table(names: list[str], amounts: list[tuple[str, str]]) -> tuple[list[list[tuple[str, bool]]], list[list[str]]]:
    """A 项目 column of ``names`` and one column a (header, amount) pair: _fit's columns and headers."""
    columns = [[(n, False) for n in names]] + [[(a, False)] for _, a in amounts]
    return columns, [["项目"]] + [[h] for h, _ in amounts]


def _texts(columns: list[list[tuple[str, bool]]]) -> list[list[str]]:
    return [[t for t, _ in c] for c in columns]


# ================================================================= body cells before headers


def test_body_cells_take_one_line_before_the_headers_do():
    """河北 收入总表-like: a long 项 name and four amounts under long headers. Not everything fits on one
    line even at 小五, but the bodies do if the headers wrap: the name stays on one line."""
    name = "机关事业单位基本养老保险缴费支出"
    columns, heads = _table([name], [("一般公共预算拨款收入", "1,234,567.89")] * 4)
    natural = sum(_natural_pt([h[0], *(t for t, _ in c)], SMALL_FIVE) for c, h in zip(columns, heads, strict=True))
    assert natural > PORTRAIT / 20  # the page does not allow every header on one line
    twips, size = _fit([3, 1, 1, 1, 1], columns, PORTRAIT, 10.5, True, heads)
    assert size == SMALL_FIVE
    _assert_fit(twips, size, _texts(columns), heads, PORTRAIT)
    assert _one_line(name, twips[0], size)
    assert all(len(_lines("一般公共预算拨款收入", w, size)) == 2 for w in twips[1:])  # the headers gave way


def test_the_spare_goes_to_the_columns_whose_headers_are_on_one_line():
    """Two points more page, not enough to take a line off any header: all of it goes to the 项目
    column; the columns with wrapped headers keep their widths."""
    columns, heads = _table(["机关事业单位基本养老保险缴费支出"], [("一般公共预算拨款收入", "1,234,567.89")] * 4)
    narrow, size = _fit([3, 1, 1, 1, 1], columns, PORTRAIT, 10.5, True, heads)
    wide, wide_size = _fit([3, 1, 1, 1, 1], columns, PORTRAIT + 40, 10.5, True, heads)
    assert size == wide_size == SMALL_FIVE
    assert all(len(_lines("一般公共预算拨款收入", w, size)) == 2 for w in wide[1:])
    assert wide[1:-1] == narrow[1:-1] and abs(wide[-1] - narrow[-1]) <= 1  # the last takes the twips' rounding
    assert wide[0] - narrow[0] in (39, 40, 41)


def test_the_headers_wrap_evenly_and_give_up_lines_together():
    """Ten 9-character headers over narrow amounts: three lines of three on the portrait page; on the
    landscape page the spare takes a line off all of them at once (five and four), not off a few."""
    columns, heads = _table(["行政运行"], [("政府性基金预算拨款", "1.00")] * 10)
    weights = [3] + [1] * 10
    twips, size = _fit(weights, columns, PORTRAIT, 10.5, True, heads)
    _assert_fit(twips, size, _texts(columns), heads, PORTRAIT)
    assert [_lines("政府性基金预算拨款", w, size) for w in twips[1:]] == [["政府性", "基金预", "算拨款"]] * 10
    twips, size = _fit(weights, columns, LANDSCAPE, 10.5, True, heads)
    _assert_fit(twips, size, _texts(columns), heads, LANDSCAPE)
    assert [_lines("政府性基金预算拨款", w, size) for w in twips[1:]] == [["政府性基金", "预算拨款"]] * 10


@pytest.mark.parametrize("avail", [PORTRAIT, 9400, 10000, 11000, LANDSCAPE])
def test_the_headers_with_most_lines_give_up_a_line_first(avail):
    """Five 9-character headers (three lines at the least width) and five 4-character ones (two lines):
    while a long header still takes three lines, no short one has been put on one line, though a short
    header (over a wider amount) needs less to get there; every header wraps evenly."""
    long, short = "政府性基金预算拨款", "事业收入"
    columns, heads = _table(["行政运行"], [(long, "1.00")] * 5 + [(short, "12.00")] * 5)
    twips, size = _fit([3] + [1] * 10, columns, avail, 10.5, True, heads)
    _assert_fit(twips, size, _texts(columns), heads, avail)
    long_lines = [_lines(long, w, size) for w in twips[1:6]]
    short_lines = [_lines(short, w, size) for w in twips[6:]]
    if any(len(lines) == 3 for lines in long_lines):
        assert all(lines == ["事业", "收入"] for lines in short_lines), short_lines
    for lines in long_lines:
        assert lines in (["政府性", "基金预", "算拨款"], ["政府性基金", "预算拨款"], ["政府性基金预算拨款"]), lines
    if avail == PORTRAIT:  # the page gives some of the long headers a line less, not all: the short ones wait
        assert {len(lines) for lines in long_lines} == {2, 3}
    if avail == LANDSCAPE:  # room for all the long headers on two lines, and then for the short on one
        assert all(len(lines) <= 2 for lines in long_lines) and all(lines == [short] for lines in short_lines)


def test_short_headers_are_never_split():
    """“合计” and “预算数” over one-digit amounts stay on one line (no “合|计”, “预算|数”) while the long
    headers beside them wrap."""
    columns, heads = _table(["其他技术研究与开发支出"],
                            [("政府性基金预算拨款", "1.00")] * 4 + [("合计", "1"), ("预算数", "1")] * 2)
    natural = sum(_natural_pt([h[0], *(t for t, _ in c)], SMALL_FIVE) for c, h in zip(columns, heads, strict=True))
    assert natural > PORTRAIT / 20
    twips, size = _fit([3] + [1] * 8, columns, PORTRAIT, 10.5, True, heads)
    _assert_fit(twips, size, _texts(columns), heads, PORTRAIT)
    assert all(len(_lines("政府性基金预算拨款", w, size)) > 1 for w in twips[1:5])
    assert [_lines(h[0], w, size) for w, h in zip(twips[5:], heads[5:], strict=True)] == [["合计"], ["预算数"]] * 2
    for head in ("合计", "预算数"):
        assert _header_pt([head], 3, SMALL_FIVE) == _header_pt([head], 1, SMALL_FIVE)


def test_header_width_is_even_lines_of_at_least_two_characters():
    """``_header_pt``: the width for ``lines`` even lines, in whole characters, at least two a line."""
    size = SMALL_FIVE
    for head, lines, expected in (("一般公共预算拨款收入", 2, ["一般公共预", "算拨款收入"]),
                                  ("一般公共预算拨款收入", 3, ["一般公共", "预算拨款", "收入"]),
                                  ("政府性基金预算拨款", 3, ["政府性", "基金预", "算拨款"]),
                                  ("事业收入", 3, ["事业", "收入"])):
        width = round(_header_pt([head], lines, size) * 20)
        assert _lines(head, width, size) == expected, (head, lines)
    assert _header_pt(["事业收入", "一般公共预算拨款收入"], 2, size) == _header_pt(["一般公共预算拨款收入"], 2, size)


# ================================================================= no lone character


def test_a_header_never_ends_on_one_character_when_the_page_allows():
    """A 7-character header whose body width would give it lines of three (“政府性|基金收|入”) is widened to
    lines of four and three; the 项目 column, its header on one line, takes what is left."""
    body, heads = [45.6, 35.2], [["项目"], ["政府性基金收入"]]
    pts = _body_first(body, heads, [3, 1], SMALL_FIVE, sum(body) + 8.0)
    assert pts is not None and sum(pts) == pytest.approx(sum(body) + 8.0)
    assert _lines("政府性基金收入", round(pts[1] * 20), SMALL_FIVE) == ["政府性基", "金收入"]
    assert pts[0] > body[0]


def test_no_orphan_width():
    """``_no_orphan_pt``: the least width from the given one up at which no header leaves a lone character."""
    size = SMALL_FIVE
    three_a_line = 3 * size + MARGINS_PT + 0.5
    assert _lines("事业收入", round(three_a_line * 20), size) == ["事业收", "入"]
    wider = _no_orphan_pt(["事业收入"], three_a_line, size)
    assert _lines("事业收入", round(wider * 20), size) == ["事业收入"]
    assert wider < 5 * size + MARGINS_PT  # the least such width, not any
    two_a_line = 2 * size + MARGINS_PT + 0.5
    assert _no_orphan_pt(["事业收入"], two_a_line, size) == two_a_line  # “事业|收入”: nothing to mend
    assert _no_orphan_pt(["1,234.00"], three_a_line, size) == three_a_line  # only CJK headers are counted


# ================================================================= where the rule does not apply


def test_when_the_bodies_do_not_fit_either_the_amounts_still_stay_on_one_line():
    """Three long names and four amounts: even with wrapped headers the bodies do not fit, so
    ``_body_first`` declines and the names wrap; amounts never do."""
    names = ["机关事业单位基本养老保险缴费支出"]
    columns = [[(names[0], False)]] * 3 + [[("1,234,567.89", False)]] * 4
    heads = [["项目"]] * 3 + [["一般公共预算拨款收入"]] * 4
    twips, size = _fit([1] * 7, columns, PORTRAIT, 10.5, True, heads)
    assert sum(twips) == PORTRAIT
    assert not _one_line(names[0], twips[0], size)
    assert all(_one_line("1,234,567.89", w, size) for w in twips[3:])
    body = [_natural_pt([names[0]], size) + 2.5] * 3 + [_natural_pt(["1,234,567.89"], size) + 2.5] * 4
    assert _body_first(body, heads, [1] * 7, size, PORTRAIT / 20) is None


def test_performance_tables_are_not_fitted_body_first(monkeypatch):
    """``shrink_to_one_line=False`` (the 绩效 tables): the font stays and the body-first fitting is not used."""
    columns, heads = _table(["机关事业单位基本养老保险缴费支出"], [("一般公共预算拨款收入", "1,234,567.89")] * 4)

    def refuse(*args, **kwargs):
        raise AssertionError("_body_first used for a table that may wrap")
    monkeypatch.setattr(render, "_body_first", refuse)
    twips, size = _fit([3, 1, 1, 1, 1], columns, PORTRAIT, 10.5, False, heads)
    assert size == 10.5 and sum(twips) == PORTRAIT

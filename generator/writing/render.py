"""Render stage: the typed RenderContext into the Word document, through the officer-editable template.

Why this module exists: the wording and the page styling belong to the template
(templates/部门预算公开.docx, compiled from templates/source/ by tools/build_template.py, and
restyled by officers in Word), while tables are data whose shape changes with every budget.
So the template only places values and docxtpl tags, and this module builds each table as a
subdoc placed by ``{{p ...}}`` (merged header cells, repeated header rows, widths fitted to the page) and
renders the whole with strict Jinja (an undefined variable is an error, never a blank; input
text is escaped, so ``<`` ``&`` print literally). The result is written reproducibly (fixed zip
dates and document properties: same input + template → byte-identical .docx) and atomically
(a temporary file renamed into place: a failure never leaves a half-written or clobbered file).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import math
import os
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx.opc.part import XmlPart
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from ..layout.narrate import IndicatorRow, PerfTable, RenderContext, TableCtx
from ..layout.profile import Profile, load_profile
from ..writing import code_cache, files

TEMPLATE_NAME = "部门预算公开.docx"

#: Text widths (twips) of the GB/T 9704 版心, used when a slot's section cannot be found.
PORTRAIT_TEXT_WIDTH = 8845   # 156 mm
LANDSCAPE_TEXT_WIDTH = 12756  # 225 mm

#: Font sizes (pt) a wide table may shrink to so that amounts never wrap; the largest that fits wins.
_FIT_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5)
_CELL_PADDING_PT = 2 * 57 / 20 + 2.5  # Table Grid's left+right cell margins, plus a little slack


class RenderError(Exception):
    """The document could not be rendered or written; the message names the template and the problem."""


# ================================================================= file names and places


def output_name(ctx: RenderContext, kind: str, suffix: str) -> str:
    """``<部门名称>_<年度>年<kind><suffix>``, safe on any file system (files.safe_file_name)."""
    return files.safe_file_name(ctx.部门名称, f"_{ctx.年度}年{kind}{suffix}")


def default_template_dir() -> Path:
    """``$BUDGETDOC_TEMPLATES`` when set, else the repository's templates/ directory."""
    env = os.environ.get("BUDGETDOC_TEMPLATES")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "templates"


# ================================================================= reproducibility


def _epoch() -> dt.datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value), dt.UTC).replace(tzinfo=None)


def zip_date_time() -> tuple[int, int, int, int, int, int]:
    """The zip entries' timestamp: SOURCE_DATE_EPOCH when set, else 1980-01-01 00:00:00."""
    when = _epoch()
    if when is None or when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if when.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def normalize_docx_bytes(data: bytes, date_time: tuple[int, int, int, int, int, int] | None = None) -> bytes:
    """Rewrite a .docx (zip) with fixed entry dates and attributes, same order, deflated."""
    date_time = date_time or zip_date_time()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def _document_date(ctx: RenderContext) -> dt.datetime:
    m = re.fullmatch(r"\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*", ctx.公开日期 or "")
    if m:
        with contextlib.suppress(ValueError):
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return _epoch() or dt.datetime(2000, 1, 1)


# ================================================================= text


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Normalise line ends and drop characters XML cannot hold (and that docxtpl would read as commands)."""
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _finalize(value: object) -> object:
    """Applied to every ``{{ }}`` before escaping: None prints nothing, strings are cleaned.

    A "\\n" left in the text is turned into a Word line break by docxtpl after rendering."""
    if value is None:
        return ""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return clean_text(value)
    return value


_REMOVED_GLOBALS = ("cycler", "lipsum", "joiner", "namespace")
"""Jinja's default globals that templates never need and SSTI payloads reach Python through."""
_MAX_REPEAT = 100_000
"""Longest string/list a template may build with ``*`` and largest ``**`` result, against memory exhaustion."""


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja for untrusted templates (--template-dir: bureaus pass templates around).

    Jinja's sandbox refuses attributes starting with "_" (``__class__``, ``__globals__``…), the
    internals of functions, frames and generators, str.format tricks, and (immutable variant) any
    method that changes a list or dict; ranges are capped. On top of that: no ``cycler``, ``lipsum``,
    ``joiner`` or ``namespace`` globals, and ``*``/``**`` cannot build huge values. A template can
    only place the values of the render context."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: object):
        super().__init__(**options)
        for name in _REMOVED_GLOBALS:
            self.globals.pop(name, None)
        self._compiled: dict[str, object] = {}

    def from_string(self, source, globals=None, template_class=None):  # type: ignore[override]
        """docxtpl compiles every XML part at every render: the same part text compiles once per
        process (speed), and its compiled code is kept on disk (code_cache) for the next process."""
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            code = code_cache.load(source)
            if code is None:
                code = self.compile(source)  # a syntax error is raised here, exactly as from_string raises it
                code_cache.store(source, code)
            template = self.template_class.from_code(self, code, self.make_globals(None), None)
            if len(self._compiled) >= 64:
                self._compiled.clear()
            self._compiled[source] = template
        return template

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: object, operator: str, left: object, right: object) -> object:
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError("模板中的乘方过大")
            return left ** right  # type: ignore[operator]
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > _MAX_REPEAT:
                    raise SecurityError("模板中重复生成的文字过长")
            return left * right  # type: ignore[operator]
        return super().call_binop(context, operator, left, right)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def make_environment() -> Environment:
    """The Jinja environment: sandboxed, undefined variables fail, values are XML-escaped.

    One per process, so that a batch compiles each template part once (TemplateSandbox.from_string)."""
    return TemplateSandbox(undefined=StrictUndefined, autoescape=True, finalize=_finalize)


# ---------------------------------------------------------------- naming the offending tag

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_UNDERSCORE_NAME = re.compile(r"(?<![\w\u4e00-\u9fff])_\w*")


def _template_key(template: Path | Compiled) -> object:
    """What identifies a template's content within a process: a compiled template by its bytes, a
    file by its path, size and modification time (an officer editing it between two runs of a
    long-lived process — `budgetdoc serve` — gets the new one)."""
    if isinstance(template, Compiled):
        return template
    try:
        st = os.stat(template)
    except OSError:
        return None
    return (os.path.abspath(template), st.st_size, st.st_mtime_ns)


_TAGS: dict[object, list[str]] = {}


def template_tags(template: Path | Compiled) -> list[str]:
    """Every Jinja tag in the template's Word XML parts, with Word's run markup removed (once per
    template content and process: a batch checks the same template for every department)."""
    key = _template_key(template)
    if key is not None and key in _TAGS:
        return list(_TAGS[key])
    tags = _read_tags(template)
    if key is not None:
        if len(_TAGS) >= 32:
            _TAGS.clear()
        _TAGS[key] = tags
    return list(tags)


def _read_tags(template: Path | Compiled) -> list[str]:
    tags: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(template.data) if isinstance(template, Compiled) else template) as zf:
            for name in zf.namelist():
                if name.startswith("word/") and name.endswith(".xml"):
                    text = re.sub(r"<[^>]*>", "", zf.read(name).decode("utf-8", "replace"))
                    tags += [html.unescape(t) for t in _TAG_RE.findall(text)]
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return []
    return tags


def _refused_tag(tags: list[str]) -> str | None:
    """The first tag reaching for what a sandboxed template may not touch."""
    for tag in tags:
        if _UNDERSCORE_NAME.search(tag) or re.search(rf"\b({'|'.join(_REMOVED_GLOBALS)})\b", tag):
            return tag
    return None


def _tag_naming(tags: list[str], name: str) -> str:
    found = next((t for t in tags if name and name in t), None)
    return f"“{found[:160]}”" if found else ""


def _char_em(ch: str) -> float:
    """Approximate advance width in em: CJK and full-width forms 1, Latin by class (Times-like)."""
    if ord(ch) >= 0x2000:
        return 1.0
    if ch.isdigit() or ch.islower():
        return 0.5 if ch not in "mw" else 0.78
    if ch in " .,;:'|!ijlft()[]-":
        return 0.34
    if ch in "%@&MW":
        return 0.9
    return 0.72 if ch.isupper() else 0.6


@lru_cache(maxsize=65536)
def _text_em(text: str) -> float:
    """Width in em of the longest line (cached: a table is fitted at several sizes, and cells repeat)."""
    return max((sum(_char_em(ch) for ch in line) for line in text.split("\n")), default=0.0)


def _text_pt(text: str, size: float, bold: bool = False) -> float:
    """Estimated printed width of the longest line, with a little slack."""
    return _text_em(text) * size * (1.1 if bold else 1.04)


@lru_cache(maxsize=65536)
def _unbreakable(text: str) -> bool:
    """Amounts and codes (no CJK besides indenting spaces) must stay on one line."""
    return not any(ord(ch) >= 0x2E80 and ch != "\u3000" for ch in text)


@lru_cache(maxsize=4096)
def _latin_runs(text: str) -> tuple[str, ...]:
    """The runs of a header without CJK (a header may wrap between them, never inside one)."""
    return tuple(re.findall(r"[^\u2e80-\uffff]+", text))


# ================================================================= table XML


@dataclass
class _Cell:
    text: str
    style: str
    span: int = 1
    vmerge: str | None = None  # "restart" | "continue"
    jc: str | None = None
    bold: bool = False
    borderless: bool = False


@dataclass
class _Row:
    cells: list[_Cell]
    header: bool = False     # repeated at the top of every page (only for rows at the table's top)
    keep_next: bool = False  # keep with the next row (header rows: never alone at a page bottom)
    may_split: bool = False  # a row of long text may break across pages (else it could not print whole)


class _Styles:
    """Style ids of the template, looked up by the names the docs promise officers."""

    def __init__(self, doc, template: Path):
        self.doc, self.template = doc, template
        self.text = self.id("表格文字")
        self.number = self.id("表格数字")
        self.head = self.id("表头")
        self.info = self.id("表头信息")
        self.title = self.id("表标题")
        self.perf_heading = self.id("绩效小标题")
        self.normal = self.id("Normal")
        self.grid = self.id("Table Grid", table=True)
        size = doc.styles["表格数字"].font.size
        self.base_pt = size.pt if size is not None else 10.5

    def id(self, name: str, table: bool = False) -> str:
        try:
            return self.doc.styles[name].style_id
        except KeyError:
            kind = "表格样式" if table else "段落样式"
            raise RenderError(f"模板 {self.template} 缺少{kind}“{name}”（请勿删除或改名模板中的样式）") from None


def _run_xml(text: str, bold: bool, size_hp: int | None) -> str:
    rpr = ("<w:b/><w:bCs/>" if bold else "") + (f'<w:sz w:val="{size_hp}"/><w:szCs w:val="{size_hp}"/>' if size_hp else "")
    pieces = clean_text("" if text is None else str(text)).replace("\t", " ").split("\n")
    inner = "<w:br/>".join(f'<w:t xml:space="preserve">{html.escape(p, quote=False)}</w:t>' for p in pieces)
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{inner}</w:r>"


def _paragraph_xml(text: str, style: str, *, jc: str | None = None, bold: bool = False, size_hp: int | None = None,
                   keep_next: bool = False, page_break: bool = False) -> str:
    ppr = (f'<w:pStyle w:val="{style}"/>' + ("<w:keepNext/>" if keep_next else "")
           + ("<w:pageBreakBefore/>" if page_break else "") + (f'<w:jc w:val="{jc}"/>' if jc else ""))
    run = _run_xml(text, bold, size_hp) if text else ""
    return f"<w:p><w:pPr>{ppr}</w:pPr>{run}</w:p>"


_SPLIT_HEIGHT_PT = 400.0
"""A text row taller than this (about two thirds of a page) may break across pages; shorter rows never do."""


def _taller_than(text: str, width_pt: float, size: float, limit_pt: float) -> bool:
    """Whether ``text`` wrapped in a cell ``width_pt`` wide at ``size`` pt would be taller than ``limit_pt``."""
    per_line = max(int((width_pt - _CELL_PADDING_PT) / size), 1)
    lines = sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))
    return lines * size * 1.3 > limit_pt


_NO_BORDERS = ('<w:tcBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>'
               '<w:right w:val="nil"/></w:tcBorders>')


def _table_xml(styles: _Styles, widths: list[int], rows: list[_Row], size_hp: int | None) -> str:
    if not rows:  # Word refuses a table without rows
        return ""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{styles.grid}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
           f'<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for row in rows:
        trpr = ("" if row.may_split else "<w:cantSplit/>") + ("<w:tblHeader/>" if row.header else "")
        out.append(f"<w:tr><w:trPr>{trpr}</w:trPr>" if trpr else "<w:tr>")
        col = 0
        for cell in row.cells:
            width = sum(widths[col:col + cell.span])
            col += cell.span
            tcpr = (f'<w:tcW w:w="{width}" w:type="dxa"/>' + (f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else "")
                    + ('<w:vMerge w:val="restart"/>' if cell.vmerge == "restart" else "<w:vMerge/>" if cell.vmerge else "")
                    + (_NO_BORDERS if cell.borderless else "") + '<w:vAlign w:val="center"/>')
            text = "" if cell.vmerge == "continue" else cell.text
            ppr = (f'<w:pStyle w:val="{cell.style}"/>' + ("<w:keepNext/>" if row.keep_next else "")
                   + (f'<w:jc w:val="{cell.jc}"/>' if cell.jc else ""))
            run = _run_xml(text, cell.bold, size_hp) if text else ""
            out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr>{run}</w:p></w:tc>")
        if col != len(widths):
            raise RenderError(f"内部错误：表格行有 {col} 列，表头为 {len(widths)} 列")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _distribute(avail: float, weights: list[float], mins: list[float]) -> list[float]:
    """Widths proportional to weights, but never below a column's minimum (water-filling)."""
    n = len(weights)
    if sum(mins) >= avail:
        total = sum(mins) or 1.0
        return [avail * m / total for m in mins]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        rest = avail - sum(fixed.values())
        total = sum(weights[i] for i in free) or 1.0
        alloc = {i: rest * weights[i] / total for i in free}
        short = [i for i in free if alloc[i] < mins[i]]
        if not short:
            break
        for i in short:
            fixed[i] = mins[i]
    return [fixed.get(i, alloc.get(i, 0.0)) for i in range(n)]


def _fit(weights: list[float], columns: list[list[tuple[str, bool]]], avail_twips: int, base_pt: float,
         shrink_to_one_line: bool = True, headers: list[list[str]] | None = None) -> tuple[list[int], float]:
    """Column widths (twips, summing to the text width) and the font size (pt) for a table.

    ``columns[i]`` lists (text, bold) of the body cells of column i. Amounts and codes must fit on one
    line; other text may wrap but gets at least four characters, and a header (``headers[i]``, the
    column's own header cells) at most three lines. The font shrinks only when needed:
    with ``shrink_to_one_line``, down to 9 pt so that no cell wraps at all (a budget table), else only
    as far as the amounts and codes need."""
    avail = avail_twips / 20
    sizes = [s for s in _FIT_SIZES if s <= base_pt] or [base_pt]
    if sizes[0] != base_pt:
        sizes.insert(0, base_pt)
    weights = [max(w, 0.01) for w in weights]

    def needs(size: float) -> tuple[list[float], list[float], list[float]]:
        """Per column: the minimum (amounts/codes on one line, text ≥ 4 characters), the
        natural width (every cell on one line) and the body's natural width (headers may wrap)."""
        mins, natural, body = [], [], []
        for i, cells in enumerate(columns):
            need = 2 * size  # room for a two-character header word
            head = 0.0
            for text in (headers[i] if headers else []):  # a header may wrap to three lines, not inside a number
                word = max((_text_pt(r, size) for r in _latin_runs(text)), default=0.0) + 1.3 * size
                need = max(need, math.ceil(len(text) / 3) * size, word)
                head = max(head, _text_pt(text, size, True))  # on one line when there is room
            cell_need = cell_full = 0.0
            for text, bold in cells:
                width = _text_pt(text, size, bold)
                cell_need = max(cell_need, width if _unbreakable(text) else min(width, 4 * size))
                cell_full = max(cell_full, width)
            need = max(need, cell_need)
            mins.append(need + _CELL_PADDING_PT)
            natural.append(max(need, head, cell_full) + _CELL_PADDING_PT)
            body.append(max(need, cell_full) + _CELL_PADDING_PT)
        return mins, natural, body

    pts = None
    # 1. no cell wraps, at a size down to 小五 (9 pt): the spare width follows the column weights
    for size in (s for s in sizes if s >= min(9.0, base_pt) and (shrink_to_one_line or s == base_pt)):
        _, natural, _ = needs(size)
        if sum(natural) <= avail:
            spare = avail - sum(natural)
            pts = [n + spare * w / sum(weights) for n, w in zip(natural, weights, strict=True)]
            break
    # 2. else text wraps (amounts and codes never): at 小五 or, if even the amounts do not fit, smaller;
    #    the spare width goes to the wrapping columns, in proportion to what they lack
    if pts is None:
        smaller = ([s for s in sizes if s <= 9.0] if shrink_to_one_line else []) or sizes
        for size in smaller:
            mins, natural, body = needs(size)
            if sum(mins) <= avail:
                break
        pts = list(mins)
        spare = avail - sum(mins)
        even = (_body_first(body, headers, weights, size, avail)
                if shrink_to_one_line and sum(body) > sum(mins) else None)
        if even is not None:  # every body cell fits on one line if the headers wrap (evenly): that first
            return _twips(even, avail_twips), size
        lack = [max(n - m, 0.0) for n, m in zip(natural, mins, strict=True)]
        if spare <= 0:
            pts = _distribute(avail, weights, mins)
        else:
            # columns that need little to fit on one line get it first; the rest share what is left
            waiting = sorted((i for i in range(len(lack)) if lack[i] > 0), key=lambda i: lack[i])
            while waiting and lack[waiting[0]] <= spare / len(waiting):
                i = waiting.pop(0)
                pts[i] += lack[i]
                spare -= lack[i]
            share = [lack[i] if i in waiting else 0.0 for i in range(len(lack))]
            if not sum(share):
                share = weights
            pts = [p + spare * x / sum(share) for p, x in zip(pts, share, strict=True)]
    return _twips(pts, avail_twips), size


def _twips(pts: list[float], avail_twips: int) -> list[int]:
    twips = [int(p * 20) for p in pts]
    twips[-1] += avail_twips - sum(twips)
    return twips


def _header_pt(texts: list[str], lines: int, size: float) -> float:
    """Width a column needs for its headers to take ``lines`` lines of equal length (bold), at least two
    characters a line and a header of up to three characters on one line (no "合|计", "预算|数")."""
    def per_line(em: float) -> float:
        return em if em <= 3 else max(math.ceil(em / lines), 2)
    return max((per_line(_text_em(t)) * size * 1.1 for t in texts), default=0.0) + _CELL_PADDING_PT


def _no_orphan_pt(texts: list[str], width: float, size: float) -> float:
    """The least width from ``width`` up at which no header, filled line by line, leaves one character alone."""
    def fill(w: float) -> int:
        return max(int((w - 2 * 57 / 20) / size + 0.05), 1)

    def orphan(w: float) -> bool:
        return any(len(t) > fill(w) and len(t) % fill(w) == 1 for t in texts if _text_em(t) == len(t))
    while orphan(width):
        width = (fill(width) + 1) * size * 1.02 + 2 * 57 / 20 + 0.5
    return width


def _body_first(body: list[float], headers: list[list[str]] | None, weights: list[float], size: float,
                avail: float) -> list[float] | None:
    """Widths with every body cell on one line and each header on one to three lines of even length
    (never "事业收|入"): the spare first takes a line off the headers with the most lines, all of them at once,
    what is left goes to the columns whose headers are on one line. None when that does not fit in ``avail``."""
    heads = headers or [[] for _ in body]
    pts = [max(b, _header_pt(h, 3, size)) if h else b for b, h in zip(body, heads, strict=True)]
    if sum(pts) > avail:
        return None
    lines = [next((k for k in (1, 2, 3) if _header_pt(h, k, size) <= p + 0.01), 3) if h else 1
             for p, h in zip(pts, heads, strict=True)]
    while max(lines) > 1:  # the headers with most lines lose one together, while the spare allows
        most = max(lines)
        group = [i for i in range(len(pts)) if lines[i] == most]
        wanted = {i: max(_header_pt(heads[i], most - 1, size), pts[i]) for i in group}
        affordable = sum(wanted.values()) - sum(pts[i] for i in group) <= avail - sum(pts) + 0.01
        for i in sorted(group, key=lambda i: wanted[i] - pts[i]):  # else the cheapest of them, as far as it goes
            if wanted[i] - pts[i] > avail - sum(pts) + 0.01:
                break
            pts[i], lines[i] = wanted[i], most - 1
        if not affordable:
            break
    for i in sorted(range(len(pts)), key=lambda i: -weights[i]):  # a header never ends on one character
        width = _no_orphan_pt(heads[i], pts[i], size)
        if width - pts[i] <= avail - sum(pts) + 0.01:
            lines[i] = 1 if width >= _header_pt(heads[i], 1, size) - 0.01 else lines[i]
            pts[i] = width
    spare = avail - sum(pts)
    free = [i for i in range(len(pts)) if lines[i] == 1] or list(range(len(pts)))
    total = sum(weights[i] for i in free)
    return [p + (spare * weights[i] / total if i in free else 0.0) for i, p in enumerate(pts)]


def _size_hp(size: float, base: float) -> int | None:
    return None if abs(size - base) < 0.01 else round(size * 2)


# ================================================================= budget tables


def _header_rows(t: TableCtx, ncols: int, styles: _Styles) -> list[_Row]:
    """HeaderCell rows → rows of cells with gridSpan / vMerge, like an HTML table's layout."""
    depth = len(t.header)
    occupied: list[list[tuple | None]] = [[None] * ncols for _ in range(depth)]
    for r, row in enumerate(t.header):
        c = 0
        for cell in row:
            while c < ncols and occupied[r][c] is not None:
                c += 1
            if c >= ncols:
                raise RenderError(f"表“{t.title}”的表头第{r + 1}行超出 {ncols} 列")
            span, down = max(1, min(cell.colspan, ncols - c)), max(1, min(cell.rowspan, depth - r))
            for rr in range(r, r + down):
                for cc in range(c, c + span):
                    occupied[rr][cc] = (r, c, span, down, cell.text)
            c += span
    rows = []
    for r in range(depth):
        cells, c = [], 0
        while c < ncols:
            slot = occupied[r][c]
            if slot is None:
                cells.append(_Cell("", styles.head))
                c += 1
                continue
            r0, _, span, down, text = slot
            if r0 == r:
                cells.append(_Cell(text, styles.head, span, "restart" if down > 1 else None))
            else:
                cells.append(_Cell("", styles.head, span, "continue"))
            c += span
        rows.append(_Row(cells, header=True, keep_next=True))
    return rows


def _info_rows(t: TableCtx, ncols: int, styles: _Styles) -> list[_Row]:
    """The furniture lines (〈编码〉 〈部门〉, 预算年度, 单位) as borderless header rows: they repeat on every page."""
    rows = []
    for line in t.info_rows:
        left, right = (list(line) + ["", ""])[:2]
        if right and ncols > 1:
            split = max(1, ncols - max(1, ncols // 3))
            cells = [_Cell(left, styles.info, split, borderless=True),
                     _Cell(right, styles.info, ncols - split, jc="right", borderless=True)]
        else:
            cells = [_Cell(left, styles.info, ncols, borderless=True)]
        rows.append(_Row(cells, header=True, keep_next=True))
    return rows


KEEP_TOGETHER_ROWS = 20
"""A table inside the text with at most this many body rows moves to the next page whole rather than split."""


def _budget_table(t: TableCtx, styles: _Styles, avail: int, keep_together: bool = False) -> str:
    ncols = len(t.widths) or len(t.align) or max((len(r.cells) for r in t.rows), default=1)
    if t.header:
        header_cols = sum(max(1, c.colspan) for c in t.header[0])
        if header_cols != ncols:
            raise RenderError(f"表“{t.title}”表头有 {header_cols} 列，列宽给出 {ncols} 列")
    align = (list(t.align) + ["left"] * ncols)[:ncols]
    body = [] if t.empty else t.rows
    for i, row in enumerate(body, 1):
        if len(row.cells) != ncols:
            raise RenderError(f"表“{t.title}”第{i}行有 {len(row.cells)} 个单元格，应为 {ncols} 个")
    columns = [[(row.cells[i], row.is_bold(i)) for row in body if row.cells[i]] for i in range(ncols)]
    weights = [float(w) for w in (list(t.widths) + [1] * ncols)[:ncols]]
    rows = _info_rows(t, ncols, styles) + _header_rows(t, ncols, styles)
    _, headers = _columns_of(rows, ncols, styles)
    widths, size = _fit(weights, columns, avail, styles.base_pt, headers=headers)
    for row in body:
        cells = []
        for i, text in enumerate(row.cells):
            a = align[i]
            style = styles.number if a == "right" else styles.text
            cells.append(_Cell(text, style, jc="center" if a == "center" else None, bold=row.is_bold(i)))
        # a 类 or 款 row is never the last line of a page: it stays with its first 项
        rows.append(_Row(cells, keep_next=row.kind == "class" or row.level == 2))
    for row in rows[-3:-1]:  # nor is a closing total row alone on a page: the last three stay together
        if not row.header:
            row.keep_next = True
    if body and (t.notes or t.empty_note) and not rows[-1].header:  # a note under the table never starts a page alone
        rows[-1].keep_next = True
    if keep_together and len(body) <= KEEP_TOGETHER_ROWS:  # a short table in the text is not split across pages
        for row in rows[:-1]:
            row.keep_next = True
    return _table_xml(styles, widths, rows, _size_hp(size, styles.base_pt))


# ================================================================= performance tables


def _perf_columns(p: PerfTable) -> list[float]:
    widths = [9, 11, 24, 13, 10, 10, 16] if p.show_history else [10, 12, 30, 16, 22]
    if p.show_description:  # 绩效指标描述 after 三级指标, taking from it
        widths[2] -= 8
        widths.insert(3, 16)
    return widths


def _indicator_rows(p: PerfTable, styles: _Styles, at_top: bool) -> list[_Row]:
    head = styles.head
    if p.show_history:
        rows = [
            _Row([_Cell("一级指标", head, 1, "restart"), _Cell("二级指标", head, 1, "restart"),
                  _Cell("三级指标", head, 1, "restart"), _Cell("指标值", head, 1, "restart"),
                  _Cell("近两年指标值", head, 2), _Cell("指标值确定依据", head, 1, "restart")], at_top, True),
            _Row([_Cell("", head, 1, "continue"), _Cell("", head, 1, "continue"), _Cell("", head, 1, "continue"),
                  _Cell("", head, 1, "continue"), _Cell(p.years[0], head), _Cell(p.years[1], head),
                  _Cell("", head, 1, "continue")], at_top, True),
        ]
        if p.show_description:
            rows[0].cells.insert(3, _Cell("绩效指标描述", head, 1, "restart"))
            rows[1].cells.insert(3, _Cell("", head, 1, "continue"))
    else:
        names = ("一级指标", "二级指标", "三级指标", *(("绩效指标描述",) if p.show_description else ()), "指标值",
                 "指标值确定依据")
        rows = [_Row([_Cell(x, head) for x in names], at_top, True)]
    flat: list[tuple[int, IndicatorRow]] = [(g, r) for g, (_, _, items) in enumerate(p.groups) for r in items]
    for i, (g, r) in enumerate(flat):
        def merge(same_prev: bool, same_next: bool) -> str | None:
            if same_prev:
                return "continue"
            return "restart" if same_next else None

        prev = flat[i - 1] if i else None
        nxt = flat[i + 1] if i + 1 < len(flat) else None
        level1 = merge(prev is not None and prev[1].一级指标 == r.一级指标,
                       nxt is not None and nxt[1].一级指标 == r.一级指标)
        level2 = merge(prev is not None and prev[0] == g, nxt is not None and nxt[0] == g)
        cells = [_Cell(r.一级指标, styles.text, 1, level1, jc="center"), _Cell(r.二级指标, styles.text, 1, level2, jc="center"),
                 _Cell(r.三级指标, styles.text),
                 *([_Cell(r.绩效指标描述, styles.text)] if p.show_description else []),
                 _Cell(r.指标值文字, styles.text, jc="center")]
        if p.show_history:
            cells += [_Cell(r.前年文字, styles.text, jc="center"), _Cell(r.上年文字, styles.text, jc="center")]
        cells.append(_Cell(r.指标值确定依据, styles.text))
        rows.append(_Row(cells))
    return rows


def _columns_of(rows: list[_Row], ncols: int, styles: _Styles) -> tuple[list[list[tuple[str, bool]]], list[list[str]]]:
    """Per grid column: the single-column body cells (text, bold) and header cells, for fitting."""
    columns: list[list[tuple[str, bool]]] = [[] for _ in range(ncols)]
    headers: list[list[str]] = [[] for _ in range(ncols)]
    for row in rows:
        col = 0
        for cell in row.cells:
            if cell.span == 1 and cell.text:
                if cell.style == styles.head:
                    headers[col].append(cell.text)
                else:
                    columns[col].append((cell.text, cell.bold))
            col += cell.span
    return columns, headers


def _perf_table(p: PerfTable, styles: _Styles, avail: int, *, with_info: bool, with_indicators: bool,
                keep_together: bool = False) -> str:
    """One 绩效目标表: label/value rows, then the indicators with merged 一级/二级 cells.

    With indicators the labels span the 一级 and 二级 columns; an info-only table has two
    columns, the labels' as wide as the longest label (at most a third of the width)."""
    info = p.info if with_info else []
    base = styles.base_pt
    if with_indicators:
        weights = _perf_columns(p)
        ncols = len(weights)
        indicator_rows = _indicator_rows(p, styles, at_top=not info)
        columns, headers = _columns_of(indicator_rows, ncols, styles)
        widths, size = _fit(weights, columns, avail, base, shrink_to_one_line=False, headers=headers)
        label_span = 2
    else:
        indicator_rows, ncols, size, label_span = [], 2, base, 1
        longest = max((_text_pt(label, base) for label, _ in info), default=4 * base) + _CELL_PADDING_PT
        label = int(min(longest, avail / 20 / 3) * 20)
        widths = [label, avail - label]
    value_pt = (sum(widths) - sum(widths[:label_span])) / 20
    rows = [_Row([_Cell(label, styles.head, label_span), _Cell(value or "—", styles.text, ncols - label_span)],
                 may_split=_taller_than(value or "—", value_pt, size, _SPLIT_HEIGHT_PT)) for label, value in info]
    rows += indicator_rows
    if keep_together:  # the whole table moves to the next page rather than leave a few rows behind
        for row in rows[:-1]:
            row.keep_next = True
    return _table_xml(styles, widths, rows, _size_hp(size, base))


# ================================================================= subdocs and slot geometry


_SLOT = re.compile(r"\{\{p\s*(表格|绩效表格)\s*\[\s*['\"]([^'\"]+)['\"]\s*\]\s*\}\}")


def _section_text_width(sectpr) -> int:
    size, margins = sectpr.find(qn("w:pgSz")), sectpr.find(qn("w:pgMar"))
    try:
        width = int(size.get(qn("w:w")))
        left, right = int(margins.get(qn("w:left"))), int(margins.get(qn("w:right")))
        gutter = int(margins.get(qn("w:gutter")) or 0)
    except (AttributeError, TypeError, ValueError):
        return PORTRAIT_TEXT_WIDTH
    return max(width - left - right - gutter, 2000)


_WIDTHS: dict[object, dict[tuple[str, str], int]] = {}


def _slot_widths(doc, template: Path | Compiled) -> dict[tuple[str, str], int]:
    """slot_widths of the template as opened (before rendering), once per template content and process."""
    key = _template_key(template)
    if key is None:
        return slot_widths(doc)
    if key not in _WIDTHS:
        if len(_WIDTHS) >= 32:
            _WIDTHS.clear()
        _WIDTHS[key] = slot_widths(doc)
    return dict(_WIDTHS[key])


def slot_widths(doc) -> dict[tuple[str, str], int]:
    """The text width of the section holding each ``{{p 表格['KEY'] }}`` / ``{{p 绩效表格['KEY'] }}`` slot."""
    found: dict[tuple[str, str], int] = {}
    pending: list[tuple[str, str]] = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(el.xpath(".//w:t/text()"))
            pending += [(m.group(1), m.group(2)) for m in _SLOT.finditer(text)]
            sectpr = el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sectpr is not None:
                width = _section_text_width(sectpr)
                found.update((key, width) for key in pending)
                pending = []
        elif el.tag == qn("w:sectPr"):
            width = _section_text_width(el)
            found.update((key, width) for key in pending)
            pending = []
    return found


_LISTING_CHARS = re.compile("[\t\x07\n\x0c]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


_STORED: dict[object, bytes] = {}


def _stored_template(template: Path | Compiled) -> io.BytesIO | str:
    """The template to open: its parts re-packed uncompressed in memory, once per template content
    and process (python-docx otherwise inflates every part at every render). The rendered package
    does not depend on how the template was compressed: python-docx reads parts by relationship and
    writes them in relationship order. A file that is not a readable zip is opened as it is, so that
    python-docx names the problem as before."""
    key = _template_key(template)
    stored = _STORED.get(key) if key is not None else None
    if stored is None:
        try:
            source = io.BytesIO(template.data) if isinstance(template, Compiled) else str(template)
            out = io.BytesIO()
            with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
                for info in src.infolist():
                    dst.writestr(info.filename, src.read(info.filename))
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError, NotImplementedError):
            return io.BytesIO(template.data) if isinstance(template, Compiled) else str(template)
        stored = out.getvalue()
        if key is not None:
            if len(_STORED) >= 8:
                _STORED.clear()
            _STORED[key] = stored
    return io.BytesIO(stored)


def _grid_matches(table, namespaces: dict) -> bool:
    """What docxtpl's fix_tables would leave alone: a table with its grid (``w:tblGrid``) and no row
    (its own or a nested table's, as fix_tables counts them) with more cells than grid columns, and
    some row whose cells span (by their first ``w:gridSpan``, else 1) at least the grid columns."""
    grid = table.find("w:tblGrid", namespaces)
    if grid is None:
        return False  # fix_tables itself would fail: let it
    n = len(grid.findall("w:gridCol", namespaces))
    wide, odd, full = _grid_xpaths(namespaces["w"])
    if wide(table, n=n):
        return False
    if odd(table):
        return False  # a span fix_tables cannot read as a whole number (it would fail): let it
    return bool(full(table, n=n))


@lru_cache(maxsize=4)
def _grid_xpaths(w: str) -> tuple[etree.XPath, etree.XPath, etree.XPath]:
    """The three tests of _grid_matches, compiled once: a row with more cells than the grid, a span
    that is not a whole number, a row whose cells span the whole grid."""
    ns = {"w": w}
    span = "w:tcPr[1]/w:gridSpan[1]"
    return (etree.XPath("boolean(.//w:tr[count(w:tc) > $n])", namespaces=ns),
            etree.XPath(f"boolean(.//w:tc/{span}[not(number(@w:val) = floor(number(@w:val)))])", namespaces=ns),
            etree.XPath(f"boolean(.//w:tr[sum(w:tc/{span}/@w:val) + count(w:tc[not({span})]) >= $n])", namespaces=ns))


_GRID_MATCHES = _grid_matches


class _Template(DocxTemplate):
    """docxtpl's DocxTemplate, minus the work that gives the same bytes every time (speed).

    - ``patch_xml`` (a dozen regular expressions over a part's XML) depends only on the template's own
      part, so each distinct part is patched once per process.
    - ``resolve_listing`` turns tab, \\a, newline and \\f inside ``<w:t>`` into Word markup; it rewrites
      every run of every paragraph, but only a paragraph containing one of those characters can change.
      The others are now passed through untouched: the same paragraphs, split by the same expression,
      so the output is the same string."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = super().patch_xml(src_xml)
            if len(self._patched) >= 64:
                self._patched.clear()
            self._patched[src_xml] = patched
        return patched

    def fix_tables(self, xml: str):  # noqa: ANN201 - an lxml element
        """docxtpl's fix_tables, which rebuilds the grid of a table whose rows have more (or fewer) cells
        than its grid columns (after ``{%tc %}`` loops). It walks every cell in Python; the tables this
        module builds always match their grid (``_table_xml`` checks it). So the same test is made first
        in XPath, and only when some table fails it is docxtpl's own code run on the whole document."""
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        if "w" not in tree.nsmap:
            return super().fix_tables(xml)
        ns = {"w": tree.nsmap["w"]}
        for table in tree.iter(f"{{{ns['w']}}}tbl"):
            if not _GRID_MATCHES(table, namespaces=ns):
                return super().fix_tables(xml)
        return tree

    def resolve_listing(self, xml: str) -> str:
        if not _LISTING_CHARS.search(xml):
            return xml
        resolve = super().resolve_listing
        return _PARAGRAPH.sub(lambda m: resolve(m.group(0)) if _LISTING_CHARS.search(m.group(0)) else m.group(0), xml)


class XmlSubdoc:
    """A body fragment placed by ``{{p ... }}``, as docxtpl's Subdoc places one.

    docxtpl's own Subdoc needs the optional docxcompose package (``docxtpl[subdoc]``) to merge
    the parts of another document; tables and paragraphs styled by the template's own styles
    have no parts to merge, so the fragment's XML is all there is. docxtpl inserts whatever
    ``__html__`` returns, unescaped."""

    def __init__(self, blocks: list[str]):
        self.xml = "".join(blocks)

    def __html__(self) -> str:
        return self.xml

    __str__ = __html__


def _whole_blocks(ctx: RenderContext, styles: _Styles, avail: int) -> list[str]:
    whole = ctx.整体绩效
    blocks = [_paragraph_xml(whole.title, styles.title, keep_next=True)]
    if whole.info:
        blocks.append(_perf_table(whole, styles, avail, with_info=True, with_indicators=False))
    for target in ctx.整体绩效目标:
        blocks.append(_paragraph_xml(target.title, styles.perf_heading, keep_next=True))
        if target.info:
            blocks.append(_perf_table(target, styles, avail, with_info=True, with_indicators=False))
        if target.indicators:
            blocks.append(_perf_table(target, styles, avail, with_info=False, with_indicators=True,
                                      keep_together=True))
    return blocks


def _project_blocks(ctx: RenderContext, styles: _Styles, avail: int) -> list[str]:
    if not ctx.项目绩效:
        return [_paragraph_xml(f"本部门{ctx.年度}年无设置绩效目标的项目支出。", styles.normal)]
    blocks = []
    for i, p in enumerate(ctx.项目绩效):
        blocks.append(_paragraph_xml(p.title, styles.title, keep_next=True, page_break=i > 0))
        blocks.append(_perf_table(p, styles, avail, with_info=bool(p.info), with_indicators=bool(p.indicators),
                                  keep_together=True))
    return blocks


def _table_width(widths: dict, group: str, key: str, landscape: bool) -> int:
    return widths.get((group, key), LANDSCAPE_TEXT_WIDTH if landscape else PORTRAIT_TEXT_WIDTH)


def build_subdocs(tpl: DocxTemplate, ctx: RenderContext, template: Path) -> dict[str, dict]:
    """The context entries ``表格`` (one subdoc per table) and ``绩效表格`` ({'整体', '项目'})."""
    doc = tpl.get_docx()
    styles = _Styles(doc, template)
    widths = _slot_widths(doc, template)
    tables = {key: XmlSubdoc([_budget_table(t, styles, _table_width(widths, "表格", key, t.landscape))])
              for key, t in ctx.表.items()}
    for key, table in ctx.文中表.items():  # tables inside the text ([[表格 KEY]]), when they have data
        if table is not None:
            tables[key] = XmlSubdoc([_budget_table(table, styles, _table_width(widths, "表格", key, False),
                                                   keep_together=True)])
    perf = {
        "整体": XmlSubdoc(_whole_blocks(ctx, styles, _table_width(widths, "绩效表格", "整体", False))),
        "项目": XmlSubdoc(_project_blocks(ctx, styles, _table_width(widths, "绩效表格", "项目", False))),
    }
    return {"表格": tables, "绩效表格": perf}


# ================================================================= rendering


def _undefined_name(exc: UndefinedError) -> str:
    message = str(exc.message or exc)
    m = re.search(r"'([^']+)' is undefined", message) or re.search(r"has no attribute '([^']+)'", message)
    return m.group(1) if m else message


def _context_hint(exc: Exception) -> str:
    lines = [line.strip() for line in getattr(exc, "docx_context", None) or [] if line.strip()]
    return f"（模板附近的文字：{' / '.join(lines)[:200]}）" if lines else ""


_MAX_PROPERTY_CHARS = 255
"""Word's limit for a core document property (python-docx refuses longer values)."""


def _property_text(text: str) -> str:
    """A document property: no control characters (python-docx refuses them), at most 255 characters;
    the full title stays on the cover page."""
    text = " ".join(clean_text(text).split())
    return text if len(text) <= _MAX_PROPERTY_CHARS else text[: _MAX_PROPERTY_CHARS - 1] + "…"


def _sandbox_message(template: Path, tag: str) -> str:
    return (f"模板 {template} 的标记{tag}不允许使用：模板只能放置预算数值和文字，不能访问以下划线开头的属性，"
            "也不能调用 cycler、lipsum、joiner、namespace 或系统功能（见 docs/templates.md）。请删除这处标记后重试；"
            "未执行该标记，未写出任何文件")


def render_bytes(ctx: RenderContext, template: Path | Compiled) -> bytes:
    """Render the context through the template; return the normalised .docx bytes."""
    if isinstance(template, Path) and not template.is_file():
        raise RenderError(f"找不到模板文件：{template}")
    try:
        tpl = _Template(_stored_template(template))
        tpl.get_docx()
    except Exception as exc:  # a damaged or non-Word file
        raise RenderError(f"模板 {template} 无法打开：{exc}") from None
    tags = template_tags(template)
    refused = _refused_tag(tags)
    if refused is not None:
        raise RenderError(_sandbox_message(template, f"“{refused[:160]}”"))
    context = ctx.as_dict()
    context.update(build_subdocs(tpl, ctx, template))
    try:
        tpl.render(context, make_environment(), autoescape=True)
    except SecurityError as exc:
        m = re.search(r"attribute '([^']+)'", str(exc))
        raise RenderError(_sandbox_message(template, _tag_naming(tags, m.group(1) if m else ""))) from None
    except UndefinedError as exc:
        name = _undefined_name(exc)
        raise RenderError(f"模板 {template} 的标记{_tag_naming(tags, name)}使用了未定义的变量 {name}：{exc.message}"
                          f"{_context_hint(exc)}") from None
    except TemplateSyntaxError as exc:
        raise RenderError(f"模板 {template} 的模板标记有语法错误：{exc.message}{_context_hint(exc)}") from None
    except TemplateError as exc:
        raise RenderError(f"模板 {template} 渲染失败：{exc}{_context_hint(exc)}") from None
    except Exception as exc:
        raise RenderError(f"模板 {template} 渲染失败：{type(exc).__name__}: {exc}") from None

    when = _document_date(ctx)
    props = tpl.docx.core_properties
    props.title = _property_text(ctx.标题)
    props.author = "budgetdoc"
    props.last_modified_by = "budgetdoc"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    try:
        return _saved_bytes(tpl)
    except _InvalidPart as exc:
        raise RenderError(f"模板 {template} 渲染结果不是有效的 Word 文档：{exc}") from None
    except Exception as exc:
        raise RenderError(f"模板 {template} 渲染后无法保存：{type(exc).__name__}: {exc}") from None


class _InvalidPart(Exception):
    """A rendered part that is not well-formed XML."""


_STRICT = etree.XMLParser(resolve_entities=False, no_network=True)
"""Well-formedness only (as python-docx parses a part), no entities resolved, nothing fetched."""


class _ReproducibleZip:
    """python-docx's zip writer (PhysPkgWriter's interface), writing each entry as
    normalize_docx_bytes would rewrite it (fixed date and attributes, deflated at level 6), and
    parsing each XML part strictly on the way: docxtpl's own parser is lenient, and a part docxtpl
    leaves as raw text (footnotes) is parsed by nobody else."""

    def __init__(self, stream: io.BytesIO, serialized: set[str]):
        self.serialized = serialized
        """Parts lxml serialised from a parsed tree (python-docx's XmlParts): well-formed by construction."""
        self.date_time = zip_date_time()
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: object, blob: bytes) -> None:
        name = pack_uri.membername  # type: ignore[attr-defined]
        if name.endswith((".xml", ".rels")) and name not in self.serialized:
            _check_well_formed(name, blob)
        entry = zipfile.ZipInfo(name, self.date_time)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.create_system = 0
        entry.external_attr = 0
        self.zip.writestr(entry, blob, compresslevel=6)

    def close(self) -> None:
        self.zip.close()


def _saved_bytes(tpl: DocxTemplate) -> bytes:
    """The rendered package as normalize_docx_bytes(tpl.save(...)) gives it, written once instead of
    zipped, unzipped and zipped again (tests/test_render.py compares the two)."""
    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        buf = io.BytesIO()  # docxtpl rewrites the saved zip itself: let it, then normalise
        tpl.save(buf)
        return _checked_parts(normalize_docx_bytes(buf.getvalue()))
    package = tpl.docx.part.package
    for part in package.parts:  # OpcPackage.save, through the writer above
        part.before_marshal()
    out = io.BytesIO()
    parts = package.parts
    writer = _ReproducibleZip(out, {p.partname.membername for p in parts if isinstance(p, XmlPart)})
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    return out.getvalue()


def _checked_parts(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                _check_well_formed(name, zf.read(name))
    return data


_WELL_FORMED: set[bytes] = set()
"""Raw parts already parsed in this process (a template's theme, font table …, the same at every render)."""


def _check_well_formed(name: str, blob: bytes) -> None:
    if blob in _WELL_FORMED:
        return
    try:
        etree.fromstring(blob, _STRICT)
    except etree.XMLSyntaxError as exc:
        raise _InvalidPart(f"{name}: {exc}") from None
    if len(_WELL_FORMED) >= 256:
        _WELL_FORMED.clear()
    _WELL_FORMED.add(blob)


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory and rename it into place."""
    try:
        files.write_atomic(path, data)
    except OSError as exc:
        raise RenderError(f"无法写出 {path}：{exc}") from None


@dataclass(frozen=True)
class Compiled:
    """A template compiled from a profile's template source (no .docx file of its own)."""

    name: str
    data: bytes

    def __str__(self) -> str:
        return f"（版式“{self.name}”的模板源编译所得）"


def template_path(template_dir: Path | None = None, profile: Profile | None = None) -> Path | Compiled:
    """The template to use, checked before anything is written: the profile's .docx in the template
    directory (``--template-dir``, else templates/), or the profile's template source compiled."""
    profile = profile or load_profile()
    if not profile.模板:
        if template_dir is not None and (Path(template_dir) / f"{profile.名称}.docx").is_file():
            return _checked(Path(template_dir) / f"{profile.名称}.docx", profile)
        return _compiled(profile)
    return _checked(Path(template_dir or default_template_dir()) / profile.模板, profile)


def _checked(template: Path, profile: Profile) -> Path:
    if not template.is_file():
        raise RenderError(f"找不到模板文件：{template}（--template-dir 应指向含“{template.name}”的目录）")
    if not zipfile.is_zipfile(template):
        raise RenderError(f"模板 {template} 不是有效的 Word 文档（.docx），请在 Word 中另存为 .docx")
    refused = _refused_tag(template_tags(template))
    if refused is not None:
        raise RenderError(_sandbox_message(template, f"“{refused[:160]}”"))
    return template


def named_template(template_dir: Path | None, name: str) -> Path:
    """A template by file name in the template directory (``--template-dir``, else templates/), checked
    like a profile's: the 决算 layouts' committed templates (部门决算公开_湖北.docx …)."""
    return _checked(Path(template_dir or default_template_dir()) / name, None)  # type: ignore[arg-type]


def compile_final(profile: Profile) -> bytes:
    """The 决算 Word template of a profile, compiled from its 决算 template source (deterministic bytes)."""
    from ..layout.profile import final_template_source
    from .template_build import Builder

    assert profile.决算 is not None
    lines = _tables_in_order(final_template_source(profile).read_text(encoding="utf-8").splitlines(),
                             profile.决算.表序)
    buf = io.BytesIO()
    Builder(lines, frozenset(profile.决算.横向)).build().save(buf)
    return normalize_docx_bytes(buf.getvalue())


def _tables_in_order(lines: list[str], order: list[str]) -> list[str]:
    """The 决算 template source with its run of ``[[表 键]]`` lines in the layout's 表序 (tables the
    layout does not list are left out), so that an extension's reordering moves the tables too."""
    slot = re.compile(r"\[\[表 \S+\]\]")
    first = next((i for i, line in enumerate(lines) if slot.fullmatch(line.strip())), None)
    if first is None:
        return lines
    last = first
    while last + 1 < len(lines) and slot.fullmatch(lines[last + 1].strip()):
        last += 1
    return [*lines[:first], *[f"[[表 {key}]]" for key in order], *lines[last + 1:]]


def final_template(template_dir: Path | None, profile: Profile) -> Path | Compiled:
    """The 决算 template of a profile: its committed .docx (``决算.模板``) in the template directory, or
    its 决算 template source compiled (an extension that does not name one)."""
    from .template_build import SourceError

    assert profile.决算 is not None
    if profile.决算.模板:
        return named_template(template_dir, profile.决算.模板)
    try:
        return Compiled(f"{profile.名称}（决算）", compile_final(profile))
    except (SourceError, OSError) as exc:
        raise RenderError(f"版式“{profile.名称}”的决算模板源无法编译：{exc}") from None


def _compiled(profile: Profile) -> Compiled:
    from .template_build import SourceError, compile_profile

    try:
        return Compiled(profile.名称, compile_profile(profile))
    except (SourceError, OSError) as exc:
        raise RenderError(f"版式“{profile.名称}”的模板源无法编译：{exc}") from None


def render_docx(ctx: RenderContext, out_path: Path, template_dir: Path | None = None,
                profile: Profile | None = None) -> None:
    """Render the disclosure to ``out_path``; on any failure the previous file there is untouched."""
    template = template_path(template_dir, profile)
    data = render_bytes(ctx, template)
    write_atomic(Path(out_path), data)


__all__ = ["RenderError", "compile_final", "default_template_dir", "final_template", "normalize_docx_bytes", "output_name",
           "render_docx"]

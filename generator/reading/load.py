"""Load stage: read one input file into plain data plus a map of where every value came from.

Why this module exists: the officer's file is untrusted text. YAML is read through a safe,
hand-built constructor over ruamel.yaml's node graph (no tags, no anchors/aliases, no duplicate
keys, no floats: numbers become ``Decimal`` from their exact text), JSON through the standard
library with the same guarantees. Anything that cannot be read becomes an ``InputError``
carrying one finding with the line and column, never a traceback.

Speed: ruamel's pure-Python parser costs most of a `validate`. A plain, well-formed file is
therefore first read from libyaml's events (PyYAML's C parser, same line:col marks) with
ruamel's YAML 1.2 resolver rules (copied below, tested against ruamel's) deciding each scalar's
type, so a plain file never imports ruamel at all; anything unusual on that path —
a tag, an anchor or alias, a merge key, a duplicate or complex key, a directive, more than one
document, deep nesting, a syntax error, a value the builder refuses, a character YAML 1.1 and
1.2 read differently — hands the file to the ruamel path, which gives the exact finding. The two
paths give equal data and positions (tests/test_load_fast.py compares them on every corpus file).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from decimal import Decimal, InvalidOperation
from pathlib import Path as FsPath
from typing import Any

from ..findings import Finding, InputError, Path, Position, SourceMap

MAX_BYTES = 5 * 1024 * 1024
"""Inputs above this size are refused: a real budget is a few hundred KB at most."""

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _fail(file: str, rule: str, message: str, line: int | None = None, col: int | None = None) -> InputError:
    return InputError(Finding(rule, "error", message, file=file, position=Position(line, col)))


def read_bytes(path: FsPath, display: str, limit: int = MAX_BYTES) -> bytes:
    """Read a regular file, never more than ``limit`` bytes: a directory, a device (/dev/zero),
    a FIFO or an oversized file gives one finding (InputError) instead of a hang or a MemoryError."""
    try:
        info = path.stat()  # stat never blocks, even on a FIFO
    except FileNotFoundError:
        raise _fail(display, "FILE-NOT-FOUND", "找不到文件，请检查路径") from None
    except OSError as exc:
        raise _fail(display, "FILE-UNREADABLE", f"无法读取文件：{exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(display, "FILE-NOT-FOUND", "这是一个目录，不是预算文件")
    if not stat.S_ISREG(info.st_mode):
        raise _fail(display, "FILE-NOT-REGULAR", "这不是普通文件（是设备、管道或套接字），请指定一个预算文件")
    if info.st_size > limit:
        raise _fail(display, "FILE-TOO-LARGE", f"文件过大（{info.st_size} 字节，上限 {limit} 字节），请确认选对了文件")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _fail(display, "FILE-UNREADABLE", f"无法读取文件：{exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # replaced between stat and open
            raise _fail(display, "FILE-NOT-REGULAR", "这不是普通文件（是设备、管道或套接字），请指定一个预算文件")
        try:
            raw = fh.read(limit + 1)
        except OSError as exc:
            raise _fail(display, "FILE-UNREADABLE", f"无法读取文件：{exc.strerror or exc}") from None
    if len(raw) > limit:
        raise _fail(display, "FILE-TOO-LARGE", f"文件过大（超过上限 {limit} 字节），请确认选对了文件")
    return raw


def read_text(path: FsPath, display: str) -> str:
    """Read a file as UTF-8 (a BOM is allowed), refusing oversized, binary and mis-encoded files."""
    raw = read_bytes(path, display)
    if not raw.strip():
        raise _fail(display, "FILE-EMPTY", "文件是空的，请用 `budgetdoc init` 生成示例后填写")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(
            display,
            "FILE-ENCODING",
            "文件不是 UTF-8 编码（可能是 GBK）。请在编辑器中“另存为 UTF-8”后重试",
            line,
            col,
        ) from None
    if "\x00" in text:
        raise _fail(display, "FILE-BINARY", "文件含有二进制内容，不是 YAML/JSON 文本")
    return text


# ---------------------------------------------------------------- text checks before parsing

MAX_DEPTH = 64
"""Deepest nesting of lists/mappings accepted; a budget needs about 6. Deeper input would exhaust
the parser's recursion (RecursionError) and is refused with a finding at its line instead."""

_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters YAML 1.2 does not allow in a file (raw control characters, lone surrogates, U+FFFE/U+FFFF):
the complement of its printable set (written this way it compiles in 0.1 ms, the negated class took 20 ms)."""

_CONTROL_NAMES = {"\x0b": "垂直制表符，常由 Word 的软回车粘贴带入", "\x0c": "换页符", "\x1b": "ESC",
                  "\x7f": "DEL", "\x08": "退格符"}


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_characters(text: str, display: str, kind: str) -> None:
    """A raw control character is refused at its line:col, naming it (the parser would only give an offset)."""
    m = _NON_PRINTABLE.search(text)
    if m is None:
        return
    ch = m.group()
    name = _CONTROL_NAMES.get(ch, "控制字符" if ord(ch) < 0xA0 else "非法字符")
    line, col = _line_col(text, m.start())
    raise _fail(display, f"{kind}-CONTROL-CHAR",
                f"第 {line} 行第 {col} 列有不可见字符 U+{ord(ch):04X}（{name}），{kind} 文件中不允许出现："
                "请删除它（需要换行请直接换行）", line, col)


_BLOCK_SCALAR = re.compile(r"(?:^|[\s:-])[|>][+-]?\d?[+-]?\s*(?:#.*)?$")


def check_nesting(text: str, display: str, kind: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, at the line where it happens, in one linear pass.

    Counts open flow brackets ``[`` ``{`` (outside quotes and comments) plus block levels (rising
    indentation, ``- `` items). It is an estimate that never under-counts by much and never
    over-counts a real budget; the parser itself would recurse once or more per level."""
    stack: list[int] = []  # indentation of the open block collections
    flow = 0
    quote = ""
    block_indent: int | None = None  # inside a | or > block scalar: lines indented deeper than this
    for number, line in enumerate(text.split("\n"), 1):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if block_indent is not None:
            if not body.strip() or indent > block_indent:
                continue
            block_indent = None
        if not quote and flow == 0:
            if not body.strip() or body.startswith("#"):
                continue
            if body.startswith(("---", "...")) and indent == 0:
                stack.clear()
                continue
            while stack and stack[-1] > indent:
                stack.pop()
            if not stack or stack[-1] < indent:
                stack.append(indent)
            pos = indent
            while body.startswith("- ") or body == "-":
                pos += 2
                body = body[2:].lstrip(" ")
                stack.append(pos)
                pos = len(line) - len(body)
        i = len(line) - len(body)
        prev = ""  # the last character that is not a space, on this line
        while i < len(line):
            ch = line[i]
            if quote:
                if ch == "\\" and quote == '"':
                    i += 2
                    continue
                if ch == quote:
                    if quote == "'" and line[i + 1: i + 2] == "'":
                        i += 2
                        continue
                    quote = ""
                    prev = ch
                i += 1
                continue
            if ch in " \t":
                i += 1
                continue
            at_value = prev == "" or (prev in ",[{:" if flow else prev == ":" and line[i - 1] in " \t")
            if ch == "#" and line[i - 1: i] in ("", " ", "\t"):
                break
            if ch in "\"'" and at_value:
                quote = ch
            elif ch in "[{" and (at_value or flow):
                flow += 1
                if len(stack) + flow > MAX_DEPTH:
                    raise _fail(display, f"{kind}-NESTING",
                                f"嵌套层数超过 {MAX_DEPTH} 层，预算文件不需要这么深的结构：请检查括号或缩进", number, i + 1)
            elif ch in "]}" and flow:
                flow -= 1
            prev = ch
            i += 1
        if len(stack) + flow > MAX_DEPTH:
            raise _fail(display, f"{kind}-NESTING",
                        f"嵌套层数超过 {MAX_DEPTH} 层，预算文件不需要这么深的结构：请检查缩进", number, indent + 1)
        if not quote and not flow and _BLOCK_SCALAR.search(line.split(" #")[0] if " #" in line else line):
            block_indent = indent


# ---------------------------------------------------------------- YAML


class _Builder:
    """Turns a composed YAML node graph into plain data, recording positions."""

    def __init__(self, display: str):
        self.display = display
        self.positions: dict[Path, Position] = {}

    def _pos(self, node: Any) -> Position:
        return Position(node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Any, path: Path) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        pos = self._pos(node)
        self.positions.setdefault(path, pos)
        if getattr(node, "anchor", None):
            raise _fail(self.display, "YAML-ANCHOR", "不支持锚点/别名（& 和 *），请把内容直接写出来", pos.line, pos.col)
        tag = str(node.tag)
        if tag not in _CORE_TAGS:
            raise _fail(self.display, "YAML-TAG", f"不支持标签 {tag}，请去掉以 ! 开头的标记", pos.line, pos.col)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, tag, pos)

    def _mapping(self, node: Any, path: Path) -> dict:
        from ruamel.yaml.nodes import ScalarNode

        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kpos = self._pos(key_node)
            if not isinstance(key_node, ScalarNode):
                raise _fail(self.display, "YAML-KEY", "键必须是简单文字", kpos.line, kpos.col)
            if str(key_node.tag) == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                raise _fail(self.display, "YAML-ANCHOR", "不支持合并键 <<，请把内容直接写出来", kpos.line, kpos.col)
            key = str(key_node.value).strip()
            if key in out:
                first = self.positions.get(path + (key,))
                where = f"（第一次出现在第 {first.line} 行）" if first else ""
                raise _fail(self.display, "YAML-DUPLICATE-KEY", f"键“{key}”重复{where}，请删除或合并其中一个", kpos.line, kpos.col)
            self.positions[path + (key,)] = kpos
            out[key] = self.build(value_node, path + (key,))
            # the value's own position is more useful for a finding on the value
            if isinstance(value_node, ScalarNode):
                self.positions[path + (key,)] = self._pos(value_node)
        return out

    def _scalar(self, node: Any, tag: str, pos: Position) -> Any:
        text = node.value
        if getattr(node, "style", None) == ">":  # ruamel's round-trip composer marks folds with \a
            text = text.replace("\a", "")
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in ("true", "yes", "on")
        if tag == "tag:yaml.org,2002:int":
            try:
                return int(text.replace("_", ""), 0) if not re.fullmatch(r"0\d+", text) else text
            except ValueError:
                return text
        if tag == "tag:yaml.org,2002:float":
            try:
                value = Decimal(text.replace("_", ""))
            except InvalidOperation:
                raise _fail(self.display, "YAML-NUMBER", f"无法识别的数字“{text}”", pos.line, pos.col) from None
            if not value.is_finite():
                raise _fail(self.display, "YAML-NUMBER", f"金额不能是“{text}”", pos.line, pos.col)
            return value
        if tag == "tag:yaml.org,2002:timestamp":
            try:
                return dt.date.fromisoformat(text[:10]) if len(text) <= 10 else text
            except ValueError:
                return text
        return text


# ---------------------------------------------------------------- YAML, fast path


class _Slow(Exception):
    """The fast path declines: the ruamel path reads the file and gives the exact finding, if any."""


_FAST_DEPTH = MAX_DEPTH // 2
"""Deeper files take the ruamel path, whose check_nesting gives the finding at the right line."""
_READ_DIFFERENTLY = re.compile("[\x85\u2028\u2029\ufeff]")
"""Line breaks in YAML 1.1 (libyaml) but not in 1.2 (ruamel), and a stray BOM: ruamel path."""


def _libyaml() -> Any:
    """PyYAML with its C extension, or None (then every file takes the ruamel path)."""
    global _LIBYAML
    if _LIBYAML is None:
        try:
            import yaml

            _LIBYAML = yaml if getattr(yaml, "__with_libyaml__", False) else False
        except ImportError:
            _LIBYAML = False
    return _LIBYAML or None


_LIBYAML: Any = None

# YAML 1.2 implicit resolvers exactly as ruamel.yaml's resolver.py lists them for version (1, 2), in its
# order, keyed by first character: importing ruamel costs more than a plain file takes to read.
# tests/test_load_fast.py checks _resolve against ruamel's VersionedResolver.
_BOOL = re.compile("^(?:true|True|TRUE|false|False|FALSE)$", re.X)
_FLOAT = re.compile("""^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$""", re.X)
_INT = re.compile("""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", re.X)
_MERGE = re.compile("^(?:<<)$")
_NULL = re.compile("""^(?: ~
        |null|Null|NULL
        | )$""", re.X)
_TIMESTAMP = re.compile("""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X)
_VALUE = re.compile("^(?:=)$")
_YAML = re.compile("^(?:!|&|\\*)$")
_IMPLICIT: dict[str, list[tuple[str, re.Pattern]]] = {}
for _tag, _regexp, _first in (
    ("bool", _BOOL, "tTfF"), ("float", _FLOAT, "-+0123456789."), ("int", _INT, "-+0123456789"),
    ("merge", _MERGE, "<"), ("null", _NULL, ["~", "n", "N", ""]), ("timestamp", _TIMESTAMP, "0123456789"),
    ("value", _VALUE, "="), ("yaml", _YAML, "!&*"),
):
    for _ch in _first:
        _IMPLICIT.setdefault(_ch, []).append((f"tag:yaml.org,2002:{_tag}", _regexp))
_STR = "tag:yaml.org,2002:str"


def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag ruamel's YAML 1.2 composer gives a scalar without an explicit tag."""
    if implicit[0]:
        for tag, regexp in _IMPLICIT.get(value[:1], ()):
            if regexp.match(value):
                return tag
    return _STR


class _Frame:
    __slots__ = ("container", "path", "is_map", "key")

    def __init__(self, container: Any, path: Path, is_map: bool):
        self.container, self.path, self.is_map = container, path, is_map
        self.key: str | None = None


def fast_parse(text: str, display: str) -> tuple[Any, dict[Path, Position]]:
    """Data and positions from libyaml's events, as _Builder makes them from ruamel's nodes; raises _Slow."""
    yaml = _libyaml()
    if yaml is None or _READ_DIFFERENTLY.search(text):
        raise _Slow
    from yaml import events as ev

    builder = _Builder(display)
    positions = builder.positions
    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            kind = type(event)
            if kind is ev.ScalarEvent or kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Slow
                mark = event.start_mark
                pos = Position(mark.line + 1, mark.column + 1)
                frame = stack[-1] if stack else None
                if frame is not None and frame.is_map and frame.key is None:  # a key
                    if kind is not ev.ScalarEvent or event.value == "<<":
                        raise _Slow
                    key = event.value.strip()
                    if key in frame.container:
                        raise _Slow
                    frame.key = key
                    positions[frame.path + (key,)] = pos
                    continue
                if frame is None:
                    path: Path = ()
                elif frame.is_map:
                    path = frame.path + (frame.key,)
                else:
                    path = frame.path + (len(frame.container),)
                positions.setdefault(path, pos)
                if kind is ev.ScalarEvent:
                    tag = _resolve(event.value, event.implicit)
                    if tag not in _CORE_TAGS or tag in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                        raise _Slow
                    value = builder._scalar(_Text(event.value), tag, pos)
                    if frame is not None and frame.is_map:
                        positions[path] = pos
                else:
                    if len(stack) >= _FAST_DEPTH:
                        raise _Slow
                    value = {} if kind is ev.MappingStartEvent else []
                if frame is None:
                    root.append(value)
                elif frame.is_map:
                    frame.container[frame.key] = value
                    frame.key = None
                else:
                    frame.container.append(value)
                if kind is not ev.ScalarEvent:
                    stack.append(_Frame(value, path, kind is ev.MappingStartEvent))
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                stack.pop()
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1 or event.version is not None or event.tags:
                    raise _Slow
            elif kind is ev.AliasEvent:
                raise _Slow
    except (yaml.YAMLError, InputError, RecursionError):
        raise _Slow from None
    if len(root) != 1:
        raise _Slow
    return root[0], positions


class _Text:
    """What _Builder._scalar reads of a node: its text."""

    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = value


# ---------------------------------------------------------------- YAML, reference path


def parse_yaml(text: str, display: str) -> tuple[Any, SourceMap]:
    check_characters(text, display, "YAML")
    try:
        data, positions = fast_parse(text, display)
        return data, SourceMap(display, positions)
    except _Slow:
        pass
    return parse_yaml_reference(text, display)


def parse_yaml_reference(text: str, display: str) -> tuple[Any, SourceMap]:
    """The ruamel path: every check and every finding (the fast path defers to it)."""
    check_characters(text, display, "YAML")
    check_nesting(text, display, "YAML")
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
    except RecursionError:
        raise _fail(display, "YAML-NESTING", f"嵌套层数过深（上限 {MAX_DEPTH} 层），请检查括号或缩进") from None
    except MarkedYAMLError as exc:
        unclosed = _unclosed(exc)
        if unclosed is not None:
            message, mark = unclosed
            raise _fail(display, "YAML-SYNTAX", message, mark.line + 1, mark.column + 1) from None
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = (exc.problem or exc.context or "语法错误").strip()
        raise _fail(display, "YAML-SYNTAX", f"YAML 语法错误：{problem}。常见原因：缩进不一致、冒号后缺空格、引号未闭合", line, col) from None
    except YAMLError as exc:
        raise _fail(display, "YAML-SYNTAX", f"YAML 语法错误：{exc}") from None
    if node is None:
        raise _fail(display, "FILE-EMPTY", "文件里没有内容")
    builder = _Builder(display)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise _fail(display, "YAML-NESTING", f"嵌套层数过深（上限 {MAX_DEPTH} 层），请检查括号或缩进") from None
    return data, SourceMap(display, builder.positions)


_UNCLOSED = {"while parsing a flow mapping": ("“{”", "“}”"), "while parsing a flow sequence": ("“[”", "“]”"),
             "while scanning a quoted scalar": ("引号", "结尾的引号")}


def _unclosed(exc: Any) -> tuple[str, Any] | None:
    """An unclosed ``{`` / ``[`` / quote: the parser notices only on a later line (problem_mark);
    a person looks for the bracket, so the finding names where it was opened (context_mark)."""
    pair = _UNCLOSED.get((exc.context or "").strip())
    mark, later = exc.context_mark, exc.problem_mark
    if pair is None or mark is None:
        return None
    opened, closing = pair
    until = f"到第 {later.line + 1} 行" if later is not None and later.line != mark.line else "到行末"
    return f"YAML 语法错误：这里的{opened}没有闭合（{until}仍未找到{closing}），请补上{closing}", mark


# ---------------------------------------------------------------- JSON


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"键“{key}”重复")
        out[key] = value
    return out


_JSON_MESSAGES = {
    "Expecting ',' delimiter": "缺少逗号（,）",
    "Expecting ':' delimiter": "缺少冒号（:）",
    "Expecting property name enclosed in double quotes": "键名须用英文双引号括起，且最后一项后面不能有逗号",
    "Expecting value": "缺少值，或有多余的逗号",
    "Extra data": "内容结束后还有多余的文字",
    "Unterminated string starting at": "字符串缺少结尾的双引号",
    "Invalid control character at": "字符串中有换行或控制字符，请写成 \\n",
    "Invalid \\escape": "无效的转义符（反斜杠）",
}


def _json_message(msg: str) -> str:
    for english, chinese in _JSON_MESSAGES.items():
        if msg.startswith(english):
            return chinese
    return msg


def parse_json(text: str, display: str) -> tuple[Any, SourceMap]:
    """Parse strictly with the standard library, then borrow positions from the YAML composer."""
    check_characters(text, display, "JSON")
    try:  # JSON is YAML: the fast path gives line:col for every value (and proves the nesting shallow)
        located: SourceMap | None = SourceMap(display, fast_parse(text, display)[1])
    except _Slow:
        located = None
        check_nesting(text, display, "JSON")
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_json_pairs)
    except RecursionError:
        raise _fail(display, "JSON-NESTING", f"嵌套层数过深（上限 {MAX_DEPTH} 层），请检查括号") from None
    except json.JSONDecodeError as exc:
        raise _fail(display, "JSON-SYNTAX", f"JSON 语法错误：{_json_message(exc.msg)}", exc.lineno, exc.colno) from None
    except ValueError as exc:
        line = col = None
        try:
            parse_yaml(text, display)  # the YAML composer knows where the second key stands
        except InputError as located:
            line, col = located.finding.position.line, located.finding.position.col
        raise _fail(display, "JSON-DUPLICATE-KEY", f"{exc}，请删除或合并其中一个", line, col) from None
    if located is not None:
        return data, located
    try:
        _, source = parse_yaml_reference(text, display)  # JSON is YAML: gives line:col for every value
    except InputError:
        source = SourceMap(display, {(): Position(1, 1)})
    return data, source


def load_file(path: str | FsPath, display: str | None = None) -> tuple[Any, SourceMap]:
    """Read a YAML or JSON input; returns plain data and its source map, or raises InputError."""
    fs = FsPath(path)
    shown = display or str(path)
    text = read_text(fs, shown)
    if fs.suffix.lower() == ".json":
        return parse_json(text, shown)
    if fs.suffix.lower() not in (".yaml", ".yml"):
        if text.lstrip().startswith(("{", "[")):
            return parse_json(text, shown)
    return parse_yaml(text, shown)

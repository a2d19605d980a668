"""Load stage: read one input file into plain data plus a map of where every value came from.

Why this module exists: the officer's file is untrusted text. YAML is read through a safe,
hand-built constructor over ruamel.yaml's node graph (no tags, no anchors/aliases, no duplicate
keys, no floats: numbers become ``Decimal`` from their exact text), JSON through the standard
library with the same guarantees. Anything that cannot be read becomes an ``InputError``
carrying one finding with the line and column, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path as FsPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

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


def read_text(path: FsPath, display: str) -> str:
    """Read a file as UTF-8 (a BOM is allowed), refusing oversized, binary and mis-encoded files."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(display, "FILE-NOT-FOUND", "找不到文件，请检查路径") from None
    except IsADirectoryError:
        raise _fail(display, "FILE-NOT-FOUND", "这是一个目录，不是预算文件") from None
    except OSError as exc:
        raise _fail(display, "FILE-UNREADABLE", f"无法读取文件：{exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise _fail(display, "FILE-TOO-LARGE", f"文件过大（{len(raw)} 字节，上限 {MAX_BYTES} 字节），请确认选对了文件")
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


# ---------------------------------------------------------------- YAML


class _Builder:
    """Turns a composed YAML node graph into plain data, recording positions."""

    def __init__(self, display: str):
        self.display = display
        self.positions: dict[Path, Position] = {}

    def _pos(self, node: Any) -> Position:
        return Position(node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Any, path: Path) -> Any:
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

    def _mapping(self, node: MappingNode, path: Path) -> dict:
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

    def _scalar(self, node: ScalarNode, tag: str, pos: Position) -> Any:
        text = node.value
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


def parse_yaml(text: str, display: str) -> tuple[Any, SourceMap]:
    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = (exc.problem or exc.context or "语法错误").strip()
        raise _fail(display, "YAML-SYNTAX", f"YAML 语法错误：{problem}。常见原因：缩进不一致、冒号后缺空格、引号未闭合", line, col) from None
    except YAMLError as exc:
        raise _fail(display, "YAML-SYNTAX", f"YAML 语法错误：{exc}") from None
    if node is None:
        raise _fail(display, "FILE-EMPTY", "文件里没有内容")
    builder = _Builder(display)
    data = builder.build(node, ())
    return data, SourceMap(display, builder.positions)


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
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_json_pairs)
    except json.JSONDecodeError as exc:
        raise _fail(display, "JSON-SYNTAX", f"JSON 语法错误：{_json_message(exc.msg)}", exc.lineno, exc.colno) from None
    except ValueError as exc:
        line = col = None
        try:
            parse_yaml(text, display)  # the YAML composer knows where the second key stands
        except InputError as located:
            line, col = located.finding.position.line, located.finding.position.col
        raise _fail(display, "JSON-DUPLICATE-KEY", f"{exc}，请删除或合并其中一个", line, col) from None
    try:
        _, source = parse_yaml(text, display)  # JSON is YAML: gives line:col for every value
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

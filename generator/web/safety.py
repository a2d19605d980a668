"""What the workbench accepts from a browser: sizes, counts, file kinds and .zip members.

Why this module exists: the server takes files from anyone on the bureau's network. Every limit
is checked here, in one place, before a byte reaches the pipeline: an upload's name is only ever
shown (escaped), never used as a path; a .zip is read member by member with bounds on count,
size and compression ratio, and members with absolute paths, ``..``, links or unknown kinds are
refused with a Chinese message naming the member.
"""

from __future__ import annotations

import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

INPUT_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Limits:
    """Upload bounds; the defaults suit a bureau of a few hundred departments."""

    file_bytes: int = 20 * 1024 * 1024
    """One budget file (a filled workbook is well under 1 MB)."""
    request_bytes: int = 110 * 1024 * 1024
    """One POST body: a bureau's files or its .zip."""
    batch_files: int = 300
    """Files in one bureau upload (loose files plus .zip members)."""
    zip_bytes: int = 200 * 1024 * 1024
    """Everything a .zip may expand to."""
    zip_ratio: int = 100
    """Largest expansion of one member (a workbook compresses about 5:1; a zip bomb 1000:1)."""
    pending_jobs: int = 400
    """Uploads waiting to be processed before the server says it is busy."""


class UploadRefused(Exception):
    """A file the server will not take; the message says why, in Chinese, for the page."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def display_name(name: str | None, limit: int = 120) -> str:
    """The name to show: its last path part, control characters removed, bounded in length."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    return (text[:limit - 12] + "…" + text[-11:]) if len(text) > limit else (text or "（未命名）")


def input_suffix(name: str | None) -> str:
    """The accepted kind of an uploaded file from its name, or UploadRefused."""
    shown = display_name(name)
    lowered = display_name(name, limit=4096).lower()
    for suffix in INPUT_SUFFIXES:
        if lowered.endswith(suffix):
            return ".yaml" if suffix == ".yml" else suffix
    raise UploadRefused(f"“{shown}”不是可接受的文件：请上传 Excel 填报表（.xlsx）、YAML（.yaml/.yml）或 JSON（.json）文件。", 415)


def check_size(name: str | None, size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise UploadRefused(f"“{display_name(name)}”有 {size / 1048576:.1f} MB，超过单个文件上限 "
                            f"{limits.file_bytes / 1048576:.0f} MB。", 413)
    if size == 0:
        raise UploadRefused(f"“{display_name(name)}”是空文件，请选择填好的预算文件。")


@dataclass(frozen=True)
class Member:
    name: str
    """Shown only; the extracted file gets a name the server makes."""
    suffix: str
    data: bytes


def _member_problem(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if "\x00" in name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "使用了绝对路径"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "路径中含有“..”"
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return "是符号链接"
    if info.flag_bits & 0x1:
        return "已加密"
    return ""


def read_zip(name: str | None, data: bytes, limits: Limits) -> list[Member]:
    """The budget files inside a .zip, each checked; folders and hidden files skipped; bombs refused."""
    import io

    shown = display_name(name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(f"“{shown}”不是有效的 .zip 压缩包。") from None
    if len(infos) > limits.batch_files * 2:
        raise UploadRefused(f"“{shown}”含 {len(infos)} 个条目，超过上限 {limits.batch_files} 个文件。", 413)
    members: list[Member] = []
    total = 0
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise UploadRefused(f"“{shown}”中的“{display_name(info.filename)}”{problem}，整个压缩包未被接受。")
        if info.is_dir():
            continue
        base = display_name(info.filename)
        if base.startswith((".", "~$")) or "__MACOSX" in info.filename:
            continue
        try:
            suffix = input_suffix(base)
        except UploadRefused:
            continue  # a readme or picture beside the budgets: not ours to process
        if info.file_size > limits.file_bytes:
            raise UploadRefused(f"“{shown}”中的“{base}”解压后超过单个文件上限 {limits.file_bytes / 1048576:.0f} MB。", 413)
        if info.compress_size and info.file_size / info.compress_size > limits.zip_ratio:
            raise UploadRefused(f"“{shown}”中的“{base}”压缩比异常（疑似压缩炸弹），整个压缩包未被接受。", 413)
        total += info.file_size
        if total > limits.zip_bytes or len(members) >= limits.batch_files:
            raise UploadRefused(f"“{shown}”解压后的文件过多或过大（上限 {limits.batch_files} 个、"
                                f"{limits.zip_bytes / 1048576:.0f} MB）。", 413)
        with archive.open(info) as fh:  # read with a bound: the header's size may lie
            content = fh.read(limits.file_bytes + 1)
        if len(content) > limits.file_bytes or len(content) != info.file_size:
            raise UploadRefused(f"“{shown}”中的“{base}”大小与目录记录不符，整个压缩包未被接受。", 413)
        members.append(Member(base, suffix, content))
    if not members:
        raise UploadRefused(f"“{shown}”中没有 .xlsx、.yaml 或 .json 预算文件。")
    return members

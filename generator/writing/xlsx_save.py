"""Cell text a workbook can hold, and a deterministic, atomic save: all the batch summary needs of openpyxl.

Why this module exists: writing/xlsx_cells.py (the tables and fill-in workbooks) needs the input
workbook's layout, which a batch summary does not; an unchanged `build` writes only its summary.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import files

XML_ILLEGAL_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""Characters XML forbids that openpyxl's ILLEGAL_CHARACTERS_RE does not cover (it would fail on saving)."""


def clean_text(text: str) -> str:
    """Text as a cell can hold it. A vertical tab (a Word soft line break pasted into the data) and a
    form feed become line breaks; other control characters and characters XML forbids are dropped:
    openpyxl refuses them (IllegalCharacterError) or cannot save them."""
    text = text.replace("\v", "\n").replace("\f", "\n")
    return XML_ILLEGAL_RE.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))


def _fixed_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save deterministically (fixed document times and zip entry times) and atomically."""
    stamp = _fixed_time()
    wb.properties.created = stamp
    buf = io.BytesIO()
    wb.save(buf)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              lambda m: m[1] + iso.encode() + m[2], data)
            entry = zipfile.ZipInfo(info.filename, date_time=(max(stamp.year, 1980),) + stamp.timetuple()[1:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    files.write_atomic(path, out.getvalue())

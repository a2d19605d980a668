"""The batch's summary: OUT/汇总.xlsx and OUT/index.html, one row per department plus every finding.

Why this module exists: a bureau reviews a batch of hundreds of departments in one place — who
is done, who has errors, whether the figures look plausible side by side — and opens each
department's files from there. The HTML is static (opens from disk, no script) and escapes every
text taken from the inputs; the workbook stores amounts as numbers, so they can be summed.
"""

from __future__ import annotations

import html
import os
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from ..findings import SEVERITY_ZH
from .records import FIGURES, Record

SUMMARY_XLSX = "汇总.xlsx"
SUMMARY_HTML = "index.html"
COLUMNS = ("部门名称", "文件", "状态", "错误数", "警告数", *FIGURES, "Word", "预算表", "PDF", "说明")
FINDING_COLUMNS = ("部门名称", "文件", "位置", "级别", "规则", "问题")
_LINK_KINDS = ((".docx", "Word"), (".xlsx", "预算表"), (".pdf", "PDF"))


def summary_names(shard_label: str = "") -> tuple[str, str]:
    """File names of the workbook and the page (a shard's carry its label, merged later)."""
    if not shard_label:
        return SUMMARY_XLSX, SUMMARY_HTML
    return f"汇总-{shard_label}.xlsx", f"index-{shard_label}.html"


def links(record: Record) -> dict[str, str]:
    """Column (Word/预算表/PDF) → output file, relative to the output folder."""
    out: dict[str, str] = {}
    for name in record.outputs:
        for suffix, column in _LINK_KINDS:
            if name.endswith(suffix):
                out[column] = name
    return out


def _href(relative: str) -> str:
    return quote(relative.replace(os.sep, "/"))


def write_xlsx(path: Path, records: list[Record]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ..writing.xlsx_save import clean_text, save_workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "部门"
    ws.append(list(COLUMNS))
    for r in records:
        row: list[object] = [clean_text(r.部门名称), clean_text(r.input), r.status, r.errors, r.warnings]
        row += [r.figure(name) for name in FIGURES]
        found = links(r)
        row += [found.get(c, "") for _, c in _LINK_KINDS]
        row.append(clean_text(r.note))
        ws.append(row)
        here = ws.max_row
        first = COLUMNS.index("Word") + 1
        for i, (_, column) in enumerate(_LINK_KINDS):
            if column in found:
                cell = ws.cell(here, first + i)
                cell.hyperlink = _href(found[column])
                cell.font = Font(color="0563C1", underline="single")
        for i in range(len(FIGURES)):
            ws.cell(here, 6 + i).number_format = "#,##0.00"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = {"部门名称": 30, "文件": 36, "说明": 40, "Word": 30, "预算表": 30, "PDF": 30}
    for i, name in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(name, 12)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions

    fs = wb.create_sheet("问题清单")
    fs.append(list(FINDING_COLUMNS))
    for r in records:
        for f in r.findings:
            fs.append([clean_text(r.部门名称), clean_text(f.file), f.location, SEVERITY_ZH.get(f.severity, f.severity),
                       f.rule, clean_text(f.message)])
    for cell in fs[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (30, 36, 10, 8, 18, 90), strict=True):
        fs.column_dimensions[letter].width = width
    fs.freeze_panes = "A2"
    fs.auto_filter.ref = fs.dimensions
    save_workbook(wb, path)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


_CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #bbb;padding:3px 6px;font-size:14px}
th{background:#eef2f7}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.s{white-space:nowrap}
tr.有错误 td.s,tr.无法读取 td.s,tr.生成失败 td.s,td.error{color:#b00020;font-weight:bold}
tr.有警告 td.s,td.warning{color:#8a5a00}caption{text-align:left;font-weight:bold;margin:.5em 0}"""


def render_html(records: list[Record], title: str = "部门预算公开 批量生成汇总") -> str:
    e = html.escape
    counts: dict[str, int] = {}
    for r in records:
        counts[r.status] = counts.get(r.status, 0) + 1
    overview = "，".join(f"{e(k)} {v} 个" for k, v in counts.items())
    head = "".join(f"<th>{e(c)}</th>" for c in COLUMNS)
    rows = []
    for r in records:
        found = links(r)
        cells = [f"<td>{e(r.部门名称)}</td>", f"<td>{e(r.input)}</td>", f'<td class="s">{e(r.status)}</td>',
                 f'<td class="n">{r.errors}</td>', f'<td class="n">{r.warnings}</td>']
        cells += [f'<td class="n">{_amount(r.figure(name))}</td>' for name in FIGURES]
        for _, column in _LINK_KINDS:
            target = found.get(column)
            cells.append(f'<td><a href="{e(_href(target))}">{e(column)}</a></td>' if target else "<td></td>")
        cells.append(f"<td>{e(r.note)}</td>")
        rows.append(f'<tr class="{e(r.status)}">{"".join(cells)}</tr>')
    findings = []
    for r in records:
        for f in r.findings:
            sev = SEVERITY_ZH.get(f.severity, f.severity)
            findings.append(f"<tr><td>{e(r.部门名称)}</td><td>{e(f.file)}</td><td>{e(f.location)}</td>"
                            f'<td class="{e(f.severity)}">{e(sev)}</td><td>{e(f.rule)}</td><td>{e(f.message)}</td></tr>')
    fhead = "".join(f"<th>{e(c)}</th>" for c in FINDING_COLUMNS)
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{e(title)}</h1>\n<p>共 {len(records)} 个部门：{overview or '无'}。金额单位：万元。</p>\n"
        f"<table id=\"departments\"><caption>部门</caption><thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(rows)
        + f"\n</tbody></table>\n<table id=\"findings\"><caption>问题清单（{len(findings)} 条）</caption>"
        f"<thead><tr>{fhead}</tr></thead><tbody>\n"
        + "\n".join(findings)
        + "\n</tbody></table>\n</body></html>\n"
    )


def write_summary(out: Path, records: list[Record], shard_label: str = "") -> tuple[Path, Path]:
    """Write both summaries into ``out``; returns their paths."""
    from ..writing.files import write_atomic

    xlsx_name, html_name = summary_names(shard_label)
    write_xlsx(out / xlsx_name, records)
    write_atomic(out / html_name, render_html(records).encode("utf-8"))
    return out / xlsx_name, out / html_name

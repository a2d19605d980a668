"""Twenty officers at once on loopback: every upload is checked, generated and converted to PDF, each result
is its own department's, and the server's memory stays bounded. Loops are bounded; the server stops itself."""

from __future__ import annotations

import io
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from docx import Document
from webserver import rss_mb, running_server

GOOD = Path(__file__).parent / "data" / "good_small.yaml"
OFFICERS = 20
MEMORY_LIMIT_MB = 900
"""The server process itself (LibreOffice runs in its own processes): generous, but far from unbounded growth."""


def _budget(i: int) -> bytes:
    text = GOOD.read_text(encoding="utf-8").replace("测试市示例局", f"测试市第{i}局")
    return text.replace('部门编码: "901"', f'部门编码: "{700 + i}"').encode("utf-8")


def _officer(base: str, i: int) -> dict:
    with httpx.Client(base_url=base, timeout=120) as client:
        client.get("/")
        response = client.post("/upload", data={"csrf": client.cookies["budgetdoc_csrf"]},
                               files={"file": (f"第{i}局.yaml", _budget(i))})
        assert response.status_code == 303, response.text
        upload = response.headers["location"]
        for _ in range(2400):  # bounded: 2400 × 0.25 s
            status = client.get(upload + "/status").json()
            if status["state"] != "done" and status["state"] not in ("queued", "checking", "generating"):
                raise AssertionError(f"officer {i}: {status}")
            if status["state"] == "done" and status["pdf"] in ("done", "failed"):
                break
            time.sleep(0.25)
        docx = client.get(upload + "/download/docx")
        pdf = client.get(upload + "/download/pdf")
        page = client.get(upload)
        return {"i": i, "status": status, "docx": docx.content, "pdf": pdf.content, "page": page.text,
                "name": unquote(re.search(r"filename\*=UTF-8''(.+)$", docx.headers["content-disposition"]).group(1))}


def test_twenty_concurrent_uploads_each_get_their_own_results(tmp_path: Path):
    if shutil.which("soffice") is None:
        pytest.fail("未找到 LibreOffice；运行 bash scripts/setup.sh 安装")
    with running_server(tmp_path / "data", "--pdf-workers", "2") as (base, proc):
        before = rss_mb(proc.pid)
        with ThreadPoolExecutor(max_workers=OFFICERS) as pool:
            results = list(pool.map(lambda i: _officer(base, i), range(1, OFFICERS + 1)))
        peak = rss_mb(proc.pid)
        assert proc.poll() is None  # still serving
    assert len(results) == OFFICERS
    for r in results:
        dept = f"测试市第{r['i']}局"
        assert r["status"]["pdf"] == "done", r["status"]
        assert r["name"] == f"{dept}_2024年部门预算公开.docx"
        title = next(p.text for p in Document(io.BytesIO(r["docx"])).paragraphs if p.text.strip())
        assert title == f"{dept}2024年部门预算"
        assert r["pdf"][:5] == b"%PDF-"
        assert f"<h1>{dept}" in r["page"]
        others = [f"测试市第{j}局" for j in range(1, OFFICERS + 1) if j != r["i"]]
        assert not any(f"{o}2024" in r["page"] for o in others)
    assert len({r["docx"] for r in results}) == OFFICERS
    assert peak < MEMORY_LIMIT_MB, f"server RSS {before:.0f} MB → {peak:.0f} MB"


def test_the_refused_characters_are_exactly_those_outside_yaml_printable():
    """YAML 1.2 c-printable: tab, LF, CR, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD, x10000-x10FFFF."""
    from generator.reading.load import _NON_PRINTABLE

    def printable(code: int) -> bool:
        return (code in (0x09, 0x0A, 0x0D, 0x85) or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
                or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF)

    refused = {ord(ch) for ch in _NON_PRINTABLE.findall("".join(map(chr, range(0x110000))))}
    assert refused == {code for code in range(0x110000) if not printable(code)}

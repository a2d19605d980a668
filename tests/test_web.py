"""The web workbench over HTTP (Starlette TestClient): every page, every kind of bad upload, login and CSRF."""

from __future__ import annotations

import io
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from starlette.testclient import TestClient
from typer.testing import CliRunner

from generator.cli import app as cli
from generator.pipeline import generate
from generator.web.app import CSRF_COOKIE, WebConfig, create_app
from generator.web.safety import Limits

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good_small.yaml"
FINAL = {"done", "errors", "invalid", "unreadable", "failed"}


def _client(tmp_path: Path, raise_server_exceptions: bool = True, **config) -> TestClient:
    config.setdefault("pdf", False)
    client = TestClient(create_app(WebConfig(data=tmp_path / "data", **config)), follow_redirects=False,
                        raise_server_exceptions=raise_server_exceptions)
    client.__enter__()
    client.get("/")  # the CSRF cookie
    return client


@pytest.fixture
def web(tmp_path: Path):
    client = _client(tmp_path)
    yield client
    client.__exit__(None, None, None)


def _csrf(client: TestClient) -> str:
    return client.cookies[CSRF_COOKIE]


def _post_file(client: TestClient, name: str, data: bytes, url: str = "/upload", field: str = "file", **fields):
    return client.post(url, data={"csrf": _csrf(client), **fields}, files=[(field, (name, data))])


def _wait(client: TestClient, upload_id: str, pdf: bool = False) -> dict:
    for _ in range(600):  # bounded: 600 × 0.2 s
        status = client.get(f"/u/{upload_id}/status").json()
        if status["state"] in FINAL and (not pdf or status["pdf"] in ("done", "failed", "none")):
            return status
        time.sleep(0.2)
    raise AssertionError(f"upload {upload_id} never finished: {status}")


def _upload(client: TestClient, name: str, data: bytes, pdf: bool = False) -> tuple[str, dict]:
    response = _post_file(client, name, data)
    assert response.status_code == 303, response.text
    upload_id = response.headers["location"].rsplit("/", 1)[-1]
    return upload_id, _wait(client, upload_id, pdf)


def _uploads(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "data" / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------- pages


def test_home_page_offers_template_upload_and_is_protected(web: TestClient):
    page = web.get("/")
    assert page.status_code == 200
    assert "下载空白填报表" in page.text and 'name="csrf"' in page.text and 'action="/upload"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http://" not in page.text.replace("http://www.w3.org", "")  # nothing from outside
    assert len(_csrf(web)) == 32


def test_blank_template_download_is_the_fill_in_workbook(web: TestClient):
    response = web.get("/template.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    from openpyxl import load_workbook

    assert "基本信息" in " ".join(load_workbook(io.BytesIO(response.content)).sheetnames)


def test_good_upload_generates_the_same_docx_as_the_library(web: TestClient, tmp_path: Path):
    upload_id, status = _upload(web, "预算.yaml", GOOD.read_bytes())
    assert status["state"] == "done"
    page = web.get(f"/u/{upload_id}")
    assert page.status_code == 200
    assert "测试市示例局" in page.text and "全部勾稽关系校验通过" in page.text
    docx = web.get(f"/u/{upload_id}/download/docx")
    assert docx.status_code == 200
    expected = generate(GOOD, tmp_path / "cli").written[0].read_bytes()
    assert docx.content == expected
    xlsx = web.get(f"/u/{upload_id}/download/xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # the tables preview shows the budget's own figures: 收入总计 150.00 (万元) in 部门收支总表
    tables = page.text[page.text.index('id="tables"'):]
    assert "表1　测试市示例局2024年部门收支总表" in tables and "150.00" in tables
    assert web.get(f"/u/{upload_id}/download/pdf").status_code == 404  # PDFs off in this server
    assert web.get(f"/u/{upload_id}/download/input").content == GOOD.read_bytes()


def test_upload_with_errors_lists_findings_errors_first_and_generates_nothing(web: TestClient):
    text = GOOD.read_text(encoding="utf-8").replace("公用经费: 12.00, 合计: 92.00", "公用经费: 12.00, 合计: 93.00")
    text = text.replace("科目名称: 一般行政管理事务", "科目名称: 一般行政事务")  # a warning too
    upload_id, status = _upload(web, "有错.yaml", text.encode("utf-8"))
    assert status["state"] == "errors"
    page = web.get(f"/u/{upload_id}")
    table = page.text[page.text.index('id="findings"'):page.text.index("</table>", page.text.index('id="findings"'))]
    rows = re.findall(r'<tr class="(error|warning)">(.*?)</tr>', table, re.S)
    kinds = [kind for kind, _ in rows]
    assert "error" in kinds and "warning" in kinds
    assert kinds == sorted(kinds)  # "error" < "warning": errors first
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "合计: 93.00" in t)
    func_row = next(_text(body) for kind, body in rows if "FUNC-ROW" in body)
    assert f"{line}:" in func_row and "92.00" in func_row and "93.00" in func_row
    assert "未生成文档" in page.text and "上传修改后的文件" in page.text
    assert web.get(f"/u/{upload_id}/download/docx").status_code == 404


def test_findings_figures_in_the_words_of_the_command_line(web: TestClient, tmp_path: Path):
    """The page names each finding's figures as `budgetdoc validate` does: 期望/实际/差额 for a sum, the rule's
    own words where it has them (PRIOR-REASON: 上年/本年/变动) — no fixed 期望/实际 header over both."""
    text = GOOD.read_text(encoding="utf-8").replace("公用经费: 12.00, 合计: 92.00", "公用经费: 12.00, 合计: 93.00")
    text = text.replace("  收入总计: {金额: 145.00}", "  收入总计: {金额: 100.00}")  # > 10%: PRIOR-REASON
    upload_id, _ = _upload(web, "有错.yaml", text.encode("utf-8"))
    page = web.get(f"/u/{upload_id}").text
    table = page[page.index('id="findings"'):page.index("</table>", page.index('id="findings"'))]
    head = table[:table.index("</thead>")]
    assert "期望" not in head and "实际" not in head and "<th>数字</th>" in head
    cells = {rule: re.sub(r"<[^>]+>", "", figures) for rule, figures in re.findall(
        r'<td class="nowrap code">([A-Z-]+)</td>.*?<td class="figures">(.*?)</td>', table, re.S)}
    source = tmp_path / "有错.yaml"
    source.write_text(text, encoding="utf-8")
    said = CliRunner().invoke(cli, ["validate", str(source)]).output
    for rule in ("FUNC-ROW", "PRIOR-REASON"):
        line = next(x for x in said.splitlines() if f"[{rule}]" in x)
        assert cells[rule] and f"（{cells[rule]}）" in line, (cells[rule], line)
    assert cells["FUNC-ROW"] == "期望 92.00，实际 93.00，差额 1.00"
    assert cells["PRIOR-REASON"].startswith("上年 100.00，本年 150.00，变动 50.00")


def test_workbook_with_errors_names_sheet_and_cell(web: TestClient, tmp_path: Path):
    from openpyxl import load_workbook

    from generator.writing.fill_in import write_template

    workbook = tmp_path / "填报.xlsx"
    write_template(workbook, GOOD)
    wb = load_workbook(workbook)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("收入"))
    target = next(c for row in sheet.iter_rows() for c in row if c.value == 150 or c.value == 150.0)
    target.value = 170
    wb.save(workbook)
    upload_id, status = _upload(web, "填报.xlsx", workbook.read_bytes())
    assert status["state"] == "errors"
    page = web.get(f"/u/{upload_id}")
    assert f"{sheet.title}!" in _text(page.text)


def test_unreadable_file_is_a_finding_not_a_crash(web: TestClient):
    upload_id, status = _upload(web, "坏.yaml", "基本信息: [\n".encode())
    assert status["state"] == "unreadable"
    page = web.get(f"/u/{upload_id}")
    assert page.status_code == 200 and "YAML" in page.text and "Traceback" not in page.text
    upload_id, status = _upload(web, "假.xlsx", b"this is not a workbook")
    assert status["state"] == "unreadable"


def test_second_upload_shows_what_changed_against_the_first(web: TestClient):
    first, _ = _upload(web, "第一次.yaml", GOOD.read_bytes())
    changed = GOOD.read_text(encoding="utf-8").replace("负责全市示例工作的统筹协调。", "负责全市示例工作的统筹协调和督办。")
    second, status = _upload(web, "第二次.yaml", changed.encode("utf-8"))
    assert status["state"] == "done"
    page = web.get(f"/u/{second}")
    diff = _text(page.text[page.text.index('id="diff"'):])
    assert "与上一次上传相比" in diff and "第一次.yaml" in diff
    assert "原为 （一）负责全市示例工作的统筹协调。" in diff and "改为 （一）负责全市示例工作的统筹协调和督办。" in diff
    assert 'id="diff"' not in web.get(f"/u/{first}").text


def test_prefilled_workbook_from_an_upload(web: TestClient, tmp_path: Path):
    upload_id, _ = _upload(web, "预算.yaml", GOOD.read_bytes())
    response = web.get(f"/u/{upload_id}/prefilled.xlsx")
    assert response.status_code == 200
    path = tmp_path / "prefilled.xlsx"
    path.write_bytes(response.content)
    from generator.pipeline import validate

    checked = validate(path)
    assert checked.ok and checked.budget.基本信息.部门名称 == "测试市示例局"


def test_unknown_pages_and_ids_are_chinese_404_pages(web: TestClient):
    for url in ("/u/0123456789abcdef0123", "/u/..%2F..%2Fetc", "/b/nothing", "/nowhere",
                "/u/0123456789abcdef0123/download/docx", "/u/0123456789abcdef0123/page/1.png"):
        response = web.get(url)
        assert response.status_code == 404, url
        assert "找不到" in response.text and "Traceback" not in response.text


# ---------------------------------------------------------------- bad uploads


def test_wrong_file_type_is_refused_and_nothing_stored(web: TestClient, tmp_path: Path):
    for name in ("说明.txt", "程序.exe", "预算.yaml.exe", "无后缀"):
        response = _post_file(web, name, b"data")
        assert response.status_code == 415, name
        assert "不是可接受的文件" in response.text
    assert _uploads(tmp_path) == []


def test_empty_and_missing_file_are_refused(web: TestClient):
    assert _post_file(web, "空.yaml", b"").status_code == 400
    response = web.post("/upload", data={"csrf": _csrf(web)})
    assert response.status_code == 400 and "请选择一个预算文件" in response.text


def test_too_big_file_and_too_big_request(tmp_path: Path):
    client = _client(tmp_path, limits=Limits(file_bytes=1000, request_bytes=20_000))
    response = _post_file(client, "大.yaml", b"x" * 2000)
    assert response.status_code == 413 and "超过单个文件上限" in response.text
    response = _post_file(client, "更大.yaml", b"x" * 50_000)
    assert response.status_code == 413 and "超过上限" in response.text
    assert _uploads(tmp_path) == []
    client.__exit__(None, None, None)


def test_csrf_token_is_required(web: TestClient, tmp_path: Path):
    files = [("file", ("预算.yaml", GOOD.read_bytes()))]
    assert web.post("/upload", files=files).status_code == 403
    response = web.post("/upload", data={"csrf": "0" * 32}, files=files)
    assert response.status_code == 403 and "CSRF" in response.text
    assert _uploads(tmp_path) == []


HOSTILE = ["../../../../tmp/evil.yaml", "/etc/passwd.yaml", "C:\\Windows\\win.yaml", "<script>alert(1)</script>.yaml", "<img src=x onerror=alert(1)>.yaml",
           "a\x00b.yaml", "..\\..\\x.yaml", "&amp;\"'.yaml", "名" * 300 + ".yaml"]


def test_hostile_names_are_only_shown_escaped_never_used_as_paths(web: TestClient, tmp_path: Path):
    for name in HOSTILE:
        upload_id, status = _upload(web, name, GOOD.read_bytes())
        assert status["state"] == "done", name
        page = web.get(f"/u/{upload_id}").text
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
        folder = tmp_path / "data" / "uploads" / upload_id
        assert {"input.yaml", "meta.json", "out"} <= {p.name for p in folder.iterdir()} <= {
            "input.yaml", "meta.json", "out", "diff.json", "tables.html"}
    assert "&lt;img src=x onerror=alert(1)&gt;.yaml" in web.get("/").text
    assert not (tmp_path / "tmp" / "evil.yaml").exists() and not Path("/tmp/evil.yaml").exists()
    everything = [p.relative_to(tmp_path) for p in tmp_path.rglob("*")]
    assert all(p.parts[0] == "data" for p in everything)


# ---------------------------------------------------------------- bureau


def _zip(members: dict[str, bytes], mode=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", mode) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _dept(name: str, code: str) -> bytes:
    text = GOOD.read_text(encoding="utf-8").replace("测试市示例局", name).replace('部门编码: "901"', f'部门编码: "{code}"')
    return text.replace('编码: "901001"', f'编码: "{code}001"').encode("utf-8")


def _wait_batch(client: TestClient, batch_id: str) -> dict:
    for _ in range(900):
        status = client.get(f"/b/{batch_id}/status").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(status)


def test_bureau_batch_from_a_zip_and_loose_files(web: TestClient):
    assert web.get("/bureau").status_code == 200
    bad = GOOD.read_text(encoding="utf-8").replace("  收入总计: 150.00", "  收入总计: 160.00").encode("utf-8")
    archive = _zip({"甲局.yaml": _dept("测试市甲局", "902"), "子目录/乙局.yaml": _dept("测试市乙局", "903"),
                    "说明.txt": b"readme", "__MACOSX/._x.yaml": b"junk", "丙局.yaml": bad})
    response = web.post("/bureau", data={"csrf": _csrf(web)},
                        files=[("files", ("各部门.zip", archive)), ("files", ("丁局.yaml", _dept("测试市丁局", "904")))])
    assert response.status_code == 303, response.text
    batch_id = response.headers["location"].rsplit("/", 1)[-1]
    assert _wait_batch(web, batch_id)["state"] == "done"
    page = web.get(f"/b/{batch_id}")
    summary = _text(page.text[page.text.index('id="summary"'):])
    for dept in ("测试市甲局", "测试市乙局", "测试市丁局", "测试市示例局"):
        assert dept in summary
    assert "已生成 3 个，未生成 1 个" in _text(page.text)
    assert "有错误" in summary and "BAL-INCOME" in page.text  # 丙局's finding in the 问题清单
    assert "子目录/乙局.yaml" in summary or "乙局.yaml" in summary
    assert "150.00" in summary  # 收入总计 of the generated departments, 万元 as in the documents
    links = re.findall(rf'href="(/b/{batch_id}/r/\d+/\d+)"', page.text)
    assert len(links) == 6  # Word and 预算表 for three departments
    first = web.get(links[0])
    assert first.status_code == 200 and first.content[:2] == b"PK"
    assert web.get(f"/b/{batch_id}/r/9/0").status_code == 404
    assert web.get(f"/b/{batch_id}/summary.xlsx").status_code == 200
    bundle = web.get(f"/b/{batch_id}/all.zip")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        names = archive.namelist()
    assert sum(n.endswith("部门预算公开.docx") for n in names) == 3 and sum(n.endswith("部门预算表.xlsx") for n in names) == 3
    assert "测试市乙局_2024年部门预算公开.docx" in names and "汇总.xlsx" in names and "index.html" in names
    assert all(not n.startswith((".", "/")) and ".." not in n for n in names)


def test_batch_checks_across_departments_show_on_the_page(web: TestClient):
    twins = _zip({"甲.yaml": _dept("测试市甲局", "902"), "乙.yaml": _dept("测试市甲局", "902")})
    response = web.post("/bureau", data={"csrf": _csrf(web)}, files=[("files", ("两份.zip", twins))])
    batch_id = response.headers["location"].rsplit("/", 1)[-1]
    assert _wait_batch(web, batch_id)["state"] == "done"
    page = web.get(f"/b/{batch_id}").text
    assert "BATCH-NAME" in page and "已生成 0 个，未生成 2 个" in _text(page)


@pytest.mark.parametrize("members, status, words", [
    ({"../evil.yaml": b"x: 1"}, 400, ".."),
    ({"ok/../../evil.yaml": b"x: 1"}, 400, ".."),
    ({"/etc/evil.yaml": b"x: 1"}, 400, "绝对路径"),
    ({"C:/evil.yaml": b"x: 1"}, 400, "绝对路径"),
    ({"bomb.yaml": b"0" * 5_000_000}, 413, "压缩炸弹"),
    ({f"{i}.yaml": b"x: 1" for i in range(6)}, 413, "过多"),
    ({"readme.txt": b"hello"}, 400, "没有"),
])
def test_hostile_zips_are_refused_whole(tmp_path: Path, members, status, words):
    client = _client(tmp_path, limits=Limits(batch_files=5))
    response = client.post("/bureau", data={"csrf": _csrf(client)}, files=[("files", ("x.zip", _zip(members)))])
    assert response.status_code == status, response.text
    assert words in _text(response.text)
    assert _uploads(tmp_path) == [] and not (tmp_path / "evil.yaml").exists()
    client.__exit__(None, None, None)


def test_symlink_member_and_not_a_zip_are_refused(web: TestClient):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link.yaml")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    response = web.post("/bureau", data={"csrf": _csrf(web)}, files=[("files", ("x.zip", buffer.getvalue()))])
    assert response.status_code == 400 and "符号链接" in response.text
    response = web.post("/bureau", data={"csrf": _csrf(web)}, files=[("files", ("x.zip", b"not a zip"))])
    assert response.status_code == 400 and "不是有效的 .zip" in response.text


# ---------------------------------------------------------------- login, errors, CLI


def test_token_login_sets_a_cookie(tmp_path: Path):
    client = _client(tmp_path, token="s3cret-口令")
    page = client.get("/")
    assert page.status_code == 401 and "访问口令" in page.text
    assert client.get("/template.xlsx").status_code == 401
    assert client.post("/upload", data={"csrf": _csrf(client)},
                       files=[("file", ("a.yaml", b"x"))]).status_code == 401
    wrong = client.post("/login", data={"csrf": _csrf(client), "token": "guess"})
    assert wrong.status_code == 401 and "口令不正确" in wrong.text
    assert client.post("/login", data={"token": "s3cret-口令"}).status_code == 403  # CSRF on the login form too
    right = client.post("/login", data={"csrf": _csrf(client), "token": "s3cret-口令"})
    assert right.status_code == 303 and "budgetdoc_session" in right.headers["set-cookie"]
    assert "HttpOnly" in right.headers["set-cookie"]
    assert client.get("/").status_code == 200
    assert _upload(client, "预算.yaml", GOOD.read_bytes())[1]["state"] == "done"
    client.__exit__(None, None, None)


def test_internal_error_is_a_page_without_traceback(tmp_path: Path, monkeypatch):
    client = _client(tmp_path, raise_server_exceptions=False)
    from generator.web import store

    monkeypatch.setattr(store.Store, "recent", lambda self, limit=30: 1 / 0)
    page = client.get("/")
    assert page.status_code == 500 and "服务器内部错误" in page.text
    assert "Traceback" not in page.text and "ZeroDivisionError" not in page.text
    client.__exit__(None, None, None)


def test_failed_job_is_reported_on_the_page(web: TestClient, monkeypatch):
    import generator.pipeline as pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "generate", broken)
    upload_id, status = _upload(web, "预算.yaml", GOOD.read_bytes())
    assert status["state"] == "failed"
    page = web.get(f"/u/{upload_id}").text
    assert "生成失败" in page and "RuntimeError" in page and "boom" not in page and "Traceback" not in page


def test_serve_refuses_a_network_address_without_token(tmp_path: Path):
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "--token" in result.output


def test_pdf_and_page_previews(tmp_path: Path):
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        pytest.fail("未找到 LibreOffice 或 pdftoppm；运行 bash scripts/setup.sh 安装")
    client = _client(tmp_path, pdf=True)
    upload_id, status = _upload(client, "预算.yaml", GOOD.read_bytes(), pdf=True)
    assert status["pdf"] == "done" and status["pages"] > 5
    page = client.get(f"/u/{upload_id}").text
    assert f'/u/{upload_id}/page/{status["pages"]}.png' in page
    png = client.get(f"/u/{upload_id}/page/1.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(f"/u/{upload_id}/download/pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    client.__exit__(None, None, None)


def test_docx_download_text_is_the_department(web: TestClient):
    upload_id, _ = _upload(web, "预算.yaml", _dept("测试市戊局", "905"))
    doc = Document(io.BytesIO(web.get(f"/u/{upload_id}/download/docx").content))
    title = next(p.text for p in doc.paragraphs if p.text.strip())
    assert title == "测试市戊局2024年部门预算"


def test_profile_choices_come_from_the_library():
    from generator import pipeline
    from generator.layout.profile import DEFAULT_PROFILE, shipped_profiles
    from generator.web.options import choices, clean_choice, pipeline_options

    c = choices()
    assert c.profiles == tuple(shipped_profiles()) and c.default_profile == DEFAULT_PROFILE
    assert pipeline_options(pipeline.generate, DEFAULT_PROFILE, "") == {"profile": DEFAULT_PROFILE}
    assert pipeline_options(pipeline.generate, "../../etc", "") == {}  # only what the server offered
    assert clean_choice("<script>", c.profiles, c.default_profile) == DEFAULT_PROFILE

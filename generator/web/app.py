"""The workbench's HTTP layer: Starlette routes over the library, server-rendered Chinese pages.

Why this module exists: officers use a browser, not a terminal. Every page is a Jinja2 template
with autoescaping (no front-end build, nothing from a CDN); every form carries a CSRF token that
must match its cookie; with --token every request needs the session cookie set by the login form;
request bodies are bounded while they stream in. The routes only receive files, hand them to
``work.Workbench`` and show what it recorded; errors are pages, never tracebacks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import tempfile
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..config import Settings
from .options import choices, clean_choice
from .safety import Limits, UploadRefused, check_size, display_name, input_suffix, read_zip
from .store import Store
from .work import STATE_ZH, Workbench

HERE = Path(__file__).parent
CSRF_COOKIE = "budgetdoc_csrf"
SESSION_COOKIE = "budgetdoc_session"
log = logging.getLogger("budgetdoc.web")


@dataclass
class WebConfig:
    data: Path
    token: str = ""
    pdf: bool = True
    pdf_workers: int = 1
    limits: Limits = field(default_factory=Limits)
    settings: Settings = field(default_factory=Settings)


class BodyTooLarge(Exception):
    pass


def _session_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"budgetdoc-session", hashlib.sha256).hexdigest()


def _cookie_header(name: str, value: str) -> tuple[bytes, bytes]:
    return b"set-cookie", f"{name}={value}; Path=/; HttpOnly; SameSite=Strict".encode("latin-1")


class Guard:
    """ASGI middleware: body size bound, login (with --token) and the CSRF cookie on every response."""

    OPEN = ("/login", "/static/")

    def __init__(self, app, config: WebConfig):
        self.app, self.config = app, config

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cookies = Request(scope).cookies
        csrf = cookies.get(CSRF_COOKIE, "")
        fresh = not (len(csrf) == 32 and csrf.isalnum())
        if fresh:
            csrf = secrets.token_hex(16)
        scope.setdefault("state", {})["csrf"] = csrf
        limit = self.config.limits.request_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            scope["state"]["too_large"] = True
        token = self.config.token
        authed = not token or hmac.compare_digest(cookies.get(SESSION_COOKIE, ""), _session_value(token))
        if not authed and not scope["path"].startswith(self.OPEN):
            scope["path"] = "/login"
            scope["state"]["login_required"] = True
        received = 0

        async def bounded_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def send_with_cookie(message):
            if message["type"] == "http.response.start" and fresh:
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [_cookie_header(CSRF_COOKIE, csrf)]
            await send(message)

        await self.app(scope, bounded_receive, send_with_cookie)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.globals["STATE_ZH"] = STATE_ZH
    env.filters["datetime"] = lambda ts: time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))
    return env


def create_app(config: WebConfig) -> Starlette:
    env = _environment()
    templates = Jinja2Templates(env=env)
    store = Store(config.data)
    limits = config.limits

    def render_tables(ctx) -> str:
        return env.get_template("_tables.html").render(tables=list(getattr(ctx, "表", {}).values()))

    bench = Workbench(store, config.settings, pdf=config.pdf, pdf_workers=config.pdf_workers, limits=limits,
                      render_tables=render_tables)

    def page(request: Request, name: str, code: int = 200, **context) -> Response:
        context.update(csrf=request.scope["state"]["csrf"], choices=choices(), login=bool(config.token),
                       nav=context.get("nav", ""))
        return templates.TemplateResponse(request, name, context, status_code=code,
                                          headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                                   "X-Content-Type-Options": "nosniff",
                                                   "Content-Security-Policy": "default-src 'self'; img-src 'self'; "
                                                   "style-src 'self'; script-src 'self'; frame-ancestors 'none'"})

    def error(request: Request, message: str, status: int = 400) -> Response:
        return page(request, "error.html", status, message=message, status=status)

    async def read_form(request: Request):
        if request.scope["state"].get("too_large"):
            raise UploadRefused(f"上传的内容超过上限 {limits.request_bytes / 1048576:.0f} MB。", 413)
        form = await request.form(max_files=limits.batch_files + 1, max_fields=20)
        sent = str(form.get("csrf", ""))
        if not sent or not hmac.compare_digest(sent, request.scope["state"]["csrf"]):
            raise UploadRefused("页面已过期或来源不明（CSRF 校验未通过），请刷新页面后重新提交。", 403)
        return form

    async def read_upload(upload) -> tuple[str, str, bytes]:
        name = display_name(getattr(upload, "filename", ""))
        suffix = input_suffix(getattr(upload, "filename", ""))
        data = await upload.read(limits.file_bytes + 1)
        check_size(name, len(data), limits)
        return name, suffix, data

    def record_or_404(upload_id: str):
        record = store.upload(upload_id)
        if record is None:
            raise HTTPException(404, "找不到这次上传（链接有误或已被清理）。")
        return record

    # ---------------------------------------------------------------- pages

    async def index(request: Request) -> Response:
        return page(request, "index.html", recent=store.recent(), nav="officer")

    async def upload(request: Request) -> Response:
        form = await read_form(request)
        files = [f for f in form.getlist("file") if hasattr(f, "filename") and f.filename]
        if len(files) != 1:
            raise UploadRefused("请选择一个预算文件（.xlsx、.yaml 或 .json）再上传。")
        name, suffix, data = await read_upload(files[0])
        c = choices()
        options = {"profile": clean_choice(str(form.get("profile", "")), c.profiles, c.default_profile),
                   "kind": clean_choice(str(form.get("kind", "")), c.kinds, c.default_kind)}
        record = await run_in_threadpool(store.new_upload, name, suffix, data, options)
        bench.submit(record)
        return RedirectResponse(f"/u/{record.id}", status_code=303)

    async def show_upload(request: Request) -> Response:
        record = record_or_404(request.path_params["upload_id"])
        diff = None
        if (record.folder / "diff.json").is_file():
            diff = json.loads((record.folder / "diff.json").read_text(encoding="utf-8"))
        tables = ""
        if (record.folder / "tables.html").is_file():
            tables = Markup((record.folder / "tables.html").read_text(encoding="utf-8"))  # rendered with autoescape
        previous = store.upload(record.get("previous", "")) if record.get("previous") else None
        return page(request, "upload.html", r=record, diff=diff, tables=tables, previous=previous, nav="officer")

    async def upload_status(request: Request) -> Response:
        record = record_or_404(request.path_params["upload_id"])
        return JSONResponse({"state": record.get("state"), "pdf": record.get("pdf"), "pages": record.get("pages", 0)})

    def attachment(path: Path, name: str, media: str) -> Response:
        ascii_name = "budgetdoc" + Path(name).suffix
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        return FileResponse(path, media_type=media, headers={"Content-Disposition": disposition,
                                                             "Cache-Control": "no-store"})

    media = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf"}

    async def download(request: Request) -> Response:
        record = record_or_404(request.path_params["upload_id"])
        kind = request.path_params["kind"]
        if kind == "input":
            suffix = record.get("suffix", ".yaml")
            return attachment(store.input_path(record), record.get("name", "input" + suffix),
                              media.get(suffix.lstrip("."), "application/octet-stream"))
        name = record.get("files", {}).get(kind)
        if kind not in media or not name or not (record.folder / "out" / name).is_file():
            raise HTTPException(404, "这个文件还没有生成（或本次上传有错误，未生成文档）。")
        return attachment(record.folder / "out" / name, name, media[kind])

    async def prefilled(request: Request) -> Response:
        record = record_or_404(request.path_params["upload_id"])
        if not record.get("readable"):
            raise HTTPException(404, "这次上传的文件无法读取，不能据此预填。")
        target = record.folder / "prefilled.xlsx"
        if not target.is_file():
            from ..writing.fill_in import write_template

            try:
                await run_in_threadpool(write_template, target, store.input_path(record))
            except Exception:  # noqa: BLE001 - ExcelError/InputError: the file builds no model
                log.exception("prefill %s", record.id)
                raise HTTPException(422, "无法用这次上传的数据预填工作簿。") from None
        dept = record.get("department") or "部门"
        return attachment(target, f"{display_name(dept)}_{record.get('year', '')}年预算填报.xlsx", media["xlsx"])

    async def blank_template(request: Request) -> Response:
        target = store.cache / "blank.xlsx"
        if not target.is_file():
            from ..writing.fill_in import write_template

            with tempfile.TemporaryDirectory(dir=store.cache) as tmp:
                await run_in_threadpool(write_template, Path(tmp) / "blank.xlsx")
                (Path(tmp) / "blank.xlsx").replace(target)
        return attachment(target, "部门预算填报.xlsx", media["xlsx"])

    async def preview_page(request: Request) -> Response:
        record = record_or_404(request.path_params["upload_id"])
        number = request.path_params["number"]
        pages = record.folder / "pages"
        candidates = [p for p in pages.glob("p-*.png") if p.stem.split("-")[-1].lstrip("0") == str(number)]
        if not candidates:
            raise HTTPException(404, "没有这一页。")
        return FileResponse(candidates[0], media_type="image/png")

    # ---------------------------------------------------------------- bureau

    async def bureau(request: Request) -> Response:
        return page(request, "bureau.html", nav="bureau", batches=store.recent_batches())

    async def bureau_upload(request: Request) -> Response:
        form = await read_form(request)
        members: list[tuple[str, str, bytes]] = []
        uploads = [f for f in form.getlist("files") if hasattr(f, "filename") and f.filename]
        if not uploads:
            raise UploadRefused("请选择要批量生成的预算文件（可多选）或一个 .zip 压缩包。")
        if len(uploads) > limits.batch_files:
            raise UploadRefused(f"一次最多上传 {limits.batch_files} 个文件。", 413)
        for item in uploads:
            name = display_name(item.filename)
            if name.lower().endswith(".zip"):
                data = await item.read(limits.request_bytes + 1)
                members.extend((m.name, m.suffix, m.data) for m in read_zip(name, data, limits))
            else:
                members.append(await read_upload(item))
        if len(members) > limits.batch_files:
            raise UploadRefused(f"一次最多处理 {limits.batch_files} 个文件（本次 {len(members)} 个）。", 413)
        c = choices()
        options = {"profile": clean_choice(str(form.get("profile", "")), c.profiles, c.default_profile),
                   "kind": clean_choice(str(form.get("kind", "")), c.kinds, c.default_kind),
                   "pdf": bool(form.get("pdf")) and config.pdf, "count": len(members)}
        batch = store.new_batch(options)
        bench.submit_batch(batch, members, options["pdf"])
        return RedirectResponse(f"/b/{batch.id}", status_code=303)

    def batch_or_404(batch_id: str):
        batch = store.batch(batch_id)
        if batch is None:
            raise HTTPException(404, "找不到这个批次。")
        return batch

    async def show_batch(request: Request) -> Response:
        batch = batch_or_404(request.path_params["batch_id"])
        return page(request, "batch.html", b=batch, nav="bureau",
                    ready=(batch.folder / "all.zip").is_file() and batch.get("state") == "done")

    async def batch_status(request: Request) -> Response:
        batch = batch_or_404(request.path_params["batch_id"])
        return JSONResponse({"state": batch.get("state"), "done": batch.get("progress", "")})

    def batch_file(batch, relative: str) -> Path:
        """A file the build wrote, named by the library (never by an upload), and inside the batch's out/."""
        out = (batch.folder / "out").resolve()
        path = (out / relative).resolve()
        if out not in path.parents or not path.is_file():
            raise HTTPException(404, "这个文件不存在（该部门未生成）。")
        return path

    async def batch_output(request: Request) -> Response:
        batch = batch_or_404(request.path_params["batch_id"])
        rows = batch.get("rows", [])
        row, number = request.path_params["row"], request.path_params["number"]
        if not (0 <= row < len(rows)) or not (0 <= number < len(rows[row]["outputs"])):
            raise HTTPException(404, "这个文件不存在（该部门未生成）。")
        relative = rows[row]["outputs"][number]
        kind = relative.rsplit(".", 1)[-1]
        return attachment(batch_file(batch, relative), Path(relative).name, media.get(kind, "application/octet-stream"))

    async def batch_summary(request: Request) -> Response:
        batch = batch_or_404(request.path_params["batch_id"])
        return attachment(batch_file(batch, "汇总.xlsx"), "汇总.xlsx", media["xlsx"])

    async def batch_zip(request: Request) -> Response:
        batch = batch_or_404(request.path_params["batch_id"])
        target = batch.folder / "all.zip"
        if not target.is_file() or batch.get("state") != "done":
            raise HTTPException(404, "批次尚未处理完，请稍后再下载。")
        return attachment(target, "部门预算公开_全部结果.zip", "application/zip")

    # ---------------------------------------------------------------- login

    async def login(request: Request) -> Response:
        if not config.token:
            return RedirectResponse("/", status_code=303)
        status = 401 if request.scope["state"].get("login_required") else 200
        return page(request, "login.html", status, failed=False)

    async def login_post(request: Request) -> Response:
        if not config.token:
            return RedirectResponse("/", status_code=303)
        form = await read_form(request)
        if not hmac.compare_digest(str(form.get("token", "")).encode("utf-8"), config.token.encode("utf-8")):
            return page(request, "login.html", 401, failed=True)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(SESSION_COOKIE, _session_value(config.token), httponly=True, samesite="strict")
        return response

    # ---------------------------------------------------------------- errors

    async def refused(request: Request, exc: UploadRefused) -> Response:
        return error(request, str(exc), exc.status)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 405 else "请求无效。"
        if exc.status_code == 404 and message == "Not Found":
            message = "没有这个页面。"
        if exc.status_code == 400 and not any("\u4e00" <= ch <= "\u9fff" for ch in message):
            message = "上传的内容无法解析，请重新选择文件后提交。"
        return error(request, message, exc.status_code)

    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return error(request, f"上传的内容超过上限 {limits.request_bytes / 1048576:.0f} MB。", 413)

    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("request %s failed", request.url.path, exc_info=exc)
        return error(request, "服务器内部错误，请稍后重试；如果反复出现，请联系信息中心。", 500)

    @asynccontextmanager
    async def lifespan(app):
        yield
        bench.shutdown()

    routes = [
        Route("/", index),
        Route("/upload", upload, methods=["POST"]),
        Route("/template.xlsx", blank_template),
        Route("/u/{upload_id}", show_upload),
        Route("/u/{upload_id}/status", upload_status),
        Route("/u/{upload_id}/download/{kind}", download),
        Route("/u/{upload_id}/prefilled.xlsx", prefilled),
        Route("/u/{upload_id}/page/{number:int}.png", preview_page),
        Route("/bureau", bureau),
        Route("/bureau", bureau_upload, methods=["POST"]),
        Route("/b/{batch_id}", show_batch),
        Route("/b/{batch_id}/status", batch_status),
        Route("/b/{batch_id}/all.zip", batch_zip),
        Route("/b/{batch_id}/summary.xlsx", batch_summary),
        Route("/b/{batch_id}/r/{row:int}/{number:int}", batch_output),
        Route("/login", login),
        Route("/login", login_post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={UploadRefused: refused, HTTPException: http_error, BodyTooLarge: too_large,
                                        Exception: crashed})
    app.state.bench = bench
    app.state.store = store
    return Guard(app, config)

"""The `budgetdoc` command line: a thin typer layer over the pipeline's library functions.

Why this module exists: officers and finance bureaus run one command per job. Exit codes are a
contract for batch scripts: 0 no error (warnings allowed), 1 findings with errors (or warnings
under --strict), 2 a file that cannot be read or parsed / a missing tool.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .config import Settings, load_settings
from .findings import Finding, InputError, has_errors
from .writing.files import os_reason

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="budgetdoc：校验部门预算数据，生成部门预算公开文档（Word/PDF）。",
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="配置文件（YAML）：规则级别、百分比小数位等，见 docs/config.md")
]


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except InputError as exc:
        typer.echo(exc.finding.render(), err=True)
        raise typer.Exit(2) from None


MAX_PER_RULE = 50
"""Findings printed per rule and file; the rest are counted ("另有 N 处"), so a broken
million-row workbook gives a short report. --format json lists every finding."""


def _print_findings(findings: list[Finding], err: bool = False) -> None:
    shown: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (f.file, f.rule)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= MAX_PER_RULE:
            typer.echo(f.render(), err=err)
    for (file, rule), count in shown.items():
        if count > MAX_PER_RULE:
            typer.echo(f"{file}: …… [{rule}] 另有 {count - MAX_PER_RULE} 处同类问题未列出（共 {count} 处）", err=err)


def _refuse_overwrite(path: Path, force: bool) -> None:
    """Never replace an officer's file silently (exit 2 unless --force), never a folder, and never
    create folders the officer did not ask for: a missing parent folder is a clear exit 2."""
    if path.is_dir():
        typer.echo(f"{path}: 这是一个目录，不能写成文件（--force 也不会替换目录），请在目录后写上文件名",
                   err=True)
        raise typer.Exit(2)
    if path.exists() and not force:
        typer.echo(f"{path}: 文件已存在，未覆盖（如需覆盖请加 --force）", err=True)
        raise typer.Exit(2)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        typer.echo(f"{path}: 目录 {parent} 不存在，请先创建它或换一个位置（未写出任何文件）", err=True)
        raise typer.Exit(2)


@contextmanager
def _write_errors(path: Path) -> Iterator[None]:
    """A disk full, read-only folder or vanished folder while writing: a message and exit 2; the
    writers are atomic, so the previous file (if any) is untouched and no partial file is left."""
    try:
        yield
    except OSError as exc:
        typer.echo(f"{path}: 无法写出（{os_reason(exc)}），未改动已有文件", err=True)
        raise typer.Exit(2) from None


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"{errors} 个错误，{warnings} 个警告"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="预算文件（.yaml/.yml/.json/.xlsx），可多个")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式")] = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以 1 退出")] = False,
    config: ConfigOpt = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", "-p", help="版式（同 generate）：只提醒该版式印出的未填项（INFO-MISSING）")] = None,
) -> None:
    """校验预算文件：检查所有勾稽关系，列出每处问题的文件:行:列。"""
    from .pipeline import validate as run

    settings = _settings(config)
    results = [run(f, settings, profile) for f in files]
    everything = [f for r in results for f in r.findings]
    if format is OutputFormat.json:
        typer.echo(json.dumps([f.to_json() for f in everything], ensure_ascii=False, indent=2))
    else:
        for r in results:
            status = "无法读取" if r.unreadable else ("通过" if r.ok else "未通过")
            typer.echo(f"== {r.file}：{status}（{_summary(r.findings)}）")
            _print_findings(r.findings)
        if len(results) > 1:
            typer.echo(f"合计：{len(results)} 个文件，{_summary(everything)}")
    if any(r.unreadable for r in results):
        raise typer.Exit(2)
    if has_errors(everything) or (strict and everything):
        raise typer.Exit(1)


@app.command()
def rules() -> None:
    """列出全部校验规则：编号、默认级别、检查内容（与 docs/rules.md 一致）。"""
    from .findings import SEVERITY_ZH
    from .rules.check import RULES

    for rule in RULES.values():
        typer.echo(f"{rule.id:<18} {SEVERITY_ZH[rule.severity]}  {rule.title}")


class Kind(StrEnum):
    预算 = "预算"
    决算 = "决算"


EXAMPLES = {Kind.预算: "data/example.yaml", Kind.决算: "data/final_example.yaml"}


@app.command()
def init(
    path: Annotated[Path | None, typer.Argument(help="要写入的示例文件（默认 预算.yaml 或 决算.yaml）")] = None,
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="文种：预算 或 决算")] = Kind.预算,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
) -> None:
    """写出一份完整、可通过校验、带注释的示例文件（预算或决算），照着填写即可。"""
    from importlib.resources import files

    from .writing.files import write_atomic

    path = path or Path(f"{kind.value}.yaml")
    _refuse_overwrite(path, force)
    text = files("generator").joinpath(EXAMPLES[kind]).read_text(encoding="utf-8")
    with _write_errors(path):
        write_atomic(path, text.encode("utf-8"))
    typer.echo(f"已写出示例：{path}。填写后运行 budgetdoc validate {path}")


@app.command()
def schema(
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="文种：预算 或 决算")] = Kind.预算,
) -> None:
    """输出输入文件的 JSON Schema（中文标题和说明），供 VS Code 等编辑器自动补全和提示。"""
    if kind is Kind.决算:
        from .reading.final_model import FinalAccounts

        data = FinalAccounts.model_json_schema(by_alias=True)
        title, what = "部门决算公开数据", "一个部门一年的决算（基本信息.文种: 决算）"
    else:
        from .reading.model import Budget

        data = Budget.model_json_schema(by_alias=True)
        title, what = "部门预算公开数据", "一个部门一年的预算"
    data = {"$schema": "https://json-schema.org/draft/2020-12/schema", **data, "title": title,
            "description": f"budgetdoc 输入文件：{what}。键名即中文字段名。"}
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def profiles() -> None:
    """列出随附的版式（地区布局）及各版式支持的文种（预算、决算）。"""
    from .layout.profile import load_profile, shipped_profiles

    for name in shipped_profiles():
        profile = load_profile(name)
        typer.echo(f"{name}\t文种：{'、'.join(profile.文种)}\t{profile.说明}")


@app.command()
def generate(
    file: Annotated[Path, typer.Argument(help="预算文件（.yaml/.yml/.json/.xlsx）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出目录")] = Path("outputs"),
    template_dir: Annotated[Path | None, typer.Option("--template-dir", help="另一套 .docx 模板所在目录")] = None,
    force: Annotated[bool, typer.Option("--force", help="有错误也生成（文档首页标注“本文档未通过校验”）")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 转出 PDF")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="同时输出预算表 .xlsx")] = False,
    config: ConfigOpt = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", "-p", help="版式：湖北（默认）、河北、上海，或版式文件/文件夹的路径；优先于输入和配置中的 版式")] = None,
) -> None:
    """生成部门预算公开 Word 文档（先校验；有错误时不生成，除非 --force）。"""
    from .pipeline import GenerateError
    from .pipeline import generate as run

    settings = _settings(config)
    try:
        result = run(file, output, settings=settings, template_dir=template_dir, force=force, pdf=pdf, xlsx=xlsx,
                     profile=profile)
    except GenerateError as exc:
        _print_findings(exc.findings)
        typer.echo(str(exc), err=True)
        raise typer.Exit(exc.exit_code) from None
    _print_findings(result.findings)
    for written in result.written:
        typer.echo(f"已生成：{written}")
    for stale in result.cleaned:
        typer.echo(f"已清理中断的运行留下的临时文件：{stale}")
    for removed in result.removed:
        typer.echo(f"已删除上次生成的 {removed}：本次未生成它，留着会与新文档不一致")
    if result.problem:
        typer.echo(result.problem, err=True)
        raise typer.Exit(2)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="修改前的预算文件（.yaml/.yml/.json/.xlsx）")],
    new: Annotated[Path, typer.Argument(help="修改后的预算文件")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式")] = OutputFormat.text,
    template_dir: Annotated[Path | None, typer.Option("--template-dir", help="另一套 .docx 模板所在目录")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="版式（地区），同 generate")] = None,
    config: ConfigOpt = None,
) -> None:
    """比较两份预算生成的文档：列出每个不同的表格数字（表、行、列、旧 → 新）和每句不同的文字，按部分分组。

    退出码：0 完全相同；1 有不同；2 文件无法读取或无法建立预算数据。
    """
    from .review.diff import DiffError, diff_files

    settings = _settings(config)
    try:
        result = diff_files(old, new, settings, template_dir, profile)
    except DiffError as exc:
        _print_findings(exc.findings)
        typer.echo(str(exc), err=True)
        raise typer.Exit(exc.exit_code) from None
    if format is OutputFormat.json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(result.render_text())
    if not result.identical:
        raise typer.Exit(1)


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="预算文件或目录（目录中递归查找 .yaml/.yml/.json/.xlsx）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出目录（含 汇总.xlsx 和 index.html）")],
    pdf: Annotated[bool, typer.Option("--pdf", help="同时转出 PDF（每个并行任务一个常驻 LibreOffice）")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="同时输出预算表 .xlsx")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="并行任务数（默认为 CPU 核数）")] = 0,
    config: ConfigOpt = None,
    profile: Annotated[str, typer.Option("--profile", help="地区配置（profile）名称")] = "",
    template_dir: Annotated[Path | None, typer.Option("--template-dir", help="另一套 .docx 模板所在目录")] = None,
    force: Annotated[bool, typer.Option("--force", help="有错误的部门也生成（文档首页标注“本文档未通过校验”）")] = False,
    rebuild_all: Annotated[bool, typer.Option("--all", help="全部重新生成（不跳过未变化的部门）")] = False,
    shard: Annotated[str | None, typer.Option("--shard", help="只生成 N 份中的第 K 份，写作 K/N（多台机器分担一批）")] = None,
) -> None:
    """批量生成：一个财政局的全部部门，一条命令（先全部校验，再生成无错误的部门，写出汇总）。"""
    from .batch import BuildOptions, Shard
    from .batch import build as run
    from .batch.progress import reporter, stop_on_sigterm

    slice_ = None
    if shard:
        try:
            slice_ = Shard.parse(shard)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    options = BuildOptions(pdf=pdf, xlsx=xlsx, jobs=jobs, settings=_settings(config), config_path=config,
                           profile=profile, template_dir=template_dir, force=force, rebuild_all=rebuild_all,
                           shard=slice_)
    try:
        with stop_on_sigterm(), reporter() as progress:
            report = run(inputs, output, options, progress)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: LibreOffice and staging already cleaned up
        typer.echo("已中断：已写出的部门文件保留，汇总未更新；再次运行 build 会继续完成其余部门", err=True)
        raise typer.Exit(2) from None
    for path in report.missing:
        typer.echo(f"{path}: 找不到文件或目录", err=True)
    for record in report.records:  # warnings are in the summary; errors and failures are shown here too
        if record.errors or record.failed or record.unreadable:
            typer.echo(f"== {record.input}：{record.status}" + (f"（{record.note}）" if record.note else ""))
            for f in record.findings:
                if f.severity == "error":
                    where = f"{f.file}:{f.location}" if f.location else f.file
                    typer.echo(f"{where}: 错误 [{f.rule}] {f.message}")
    typer.echo(report.line(), err=bool(report.problem))
    raise typer.Exit(report.exit_code)


@app.command()
def merge(
    folders: Annotated[list[Path], typer.Argument(help="各分片（--shard）的输出目录")],
    output: Annotated[Path, typer.Option("--output", "-o", help="写出合并后 汇总.xlsx 和 index.html 的目录")],
    config: ConfigOpt = None,
) -> None:
    """合并分片：把多个 build --shard 的结果合成一份汇总（并做全批次的交叉检查）。"""
    from .batch.merge import merge as run

    report = run(folders, output, _settings(config))
    if report.problem:
        typer.echo(report.problem, err=True)
        raise typer.Exit(2)
    batch = [f for r in report.records for f in r.findings if f.rule.startswith("BATCH-")]
    for f in batch:
        typer.echo(f"{f.file}: {'错误' if f.severity == 'error' else '警告'} [{f.rule}] {f.message}")
    typer.echo(f"{len(report.records)} 个部门，批次检查 {len(batch)} 条；汇总：{report.summary[0]}")
    raise typer.Exit(report.exit_code)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址；非本机地址（如 0.0.0.0）必须同时设置 --token")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    data: Annotated[Path, typer.Option("--data", help="保存上传文件和生成结果的目录")] = Path("budgetdoc-data"),
    token: Annotated[str, typer.Option("--token", envvar="BUDGETDOC_TOKEN", help="访问口令（登录页输入一次，之后存于浏览器 cookie）")] = "",
    pdf_workers: Annotated[int, typer.Option("--pdf-workers", min=1, max=8, help="同时运行的 LibreOffice 个数")] = 1,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="不生成 PDF 和逐页预览")] = False,
    config: ConfigOpt = None,
) -> None:
    """启动网页工作台：部门上传填报表、查看校验结果、预览和下载文档；财政局批量生成。"""
    if host not in LOOPBACK and not token:
        typer.echo(f"监听 {host} 会让局域网内的其他电脑访问本服务，必须用 --token 设置访问口令"
                   "（或设置环境变量 BUDGETDOC_TOKEN）。", err=True)
        raise typer.Exit(2)
    settings = _settings(config)
    try:
        data.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        typer.echo(f"无法创建数据目录 {data}：{exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    import uvicorn

    from .web.app import WebConfig, create_app

    web = create_app(WebConfig(data=data, token=token, pdf=not no_pdf, pdf_workers=pdf_workers, settings=settings))
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"budgetdoc 工作台：http://{shown}:{port}/  （数据目录 {data.resolve()}，按 Ctrl+C 停止）")
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


@contextmanager
def _excel_errors() -> Iterator[None]:
    """Workbook problems: every cell finding and exit 1; an unreadable file: its finding and exit 2."""
    from .layout.profile import ProfileError
    from .reading.workbook_layout import ExcelError

    try:
        yield
    except ExcelError as exc:  # before InputError: it is one, carrying every cell problem
        _print_findings(exc.findings)
        raise typer.Exit(1) from None
    except ProfileError as exc:  # an unusable --profile / 版式: every finding, exit 2
        for finding in exc.findings:
            typer.echo(finding.render(), err=True)
        raise typer.Exit(2) from None
    except InputError as exc:
        typer.echo(exc.finding.render(), err=True)
        raise typer.Exit(2) from None


@app.command("excel-template")
def excel_template(
    path: Annotated[Path, typer.Argument(help="要写出的工作簿")] = Path("预算填报.xlsx"),
    from_file: Annotated[Path | None, typer.Option("--from", help="用已有的 YAML/JSON/.xlsx 预算或决算预填（其文种决定工作簿）")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="文种：预算 或 决算（空白工作簿）")] = Kind.预算,
    profile: Annotated[str | None, typer.Option(
        "--profile", "-p", help="按版式排列工作表、标出必填和不用的表、预选金额单位；不填则用 --from 的 版式")] = None,
) -> None:
    """写出供填报的 Excel 工作簿（预算或决算；可用已有文件预填）。"""
    from .writing.fill_in import write_template

    _refuse_overwrite(path, force)
    with _excel_errors(), _write_errors(path):
        write_template(path, from_file, kind.value, profile)
    typer.echo(f"已写出工作簿：{path}")


@app.command("import")
def import_(
    workbook: Annotated[Path, typer.Argument(help="填好的工作簿 .xlsx")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写出的 YAML 文件（不填为工作簿同名的 .yaml）")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
) -> None:
    """把填好的 Excel 工作簿（预算或决算）转换为 YAML 输入文件（不覆盖已有文件，除非 --force）。"""
    from .writing.input_yaml import import_workbook

    target = output or workbook.with_suffix(".yaml")
    _refuse_overwrite(target, force)
    with _excel_errors(), _write_errors(target):
        import_workbook(workbook, target)
    typer.echo(f"已写出：{target}")


def _startup_objects_frozen() -> None:
    """The objects made so far (typer, pydantic, the CLI's modules) are kept out of garbage collection.

    Why: they live as long as the process, and each full collection walked all of them again. The
    collector stays on for what a command makes: an openpyxl workbook is a reference cycle that only it
    frees (validating 200 workbooks peaked at 883 MB with the collector off, 148 MB with it on).
    """
    gc.freeze()


def _invoked(argv: list[str]) -> typer.Typer:
    """The app holding only the command named on the command line (or the whole app).

    Why: typer turns every registered command's signature into click parameters on each start (about
    10 ms for all of them); a process runs one. The lean app is still a group, so usage, help and errors
    read exactly as the whole app's.
    """
    from typer.main import get_command_name

    wanted = argv[1] if len(argv) > 1 else ""
    for info in app.registered_commands:
        if info.callback is not None and (info.name or get_command_name(info.callback.__name__)) == wanted:
            lean = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                               help=app.info.help)
            lean.registered_commands = [info]
            lean.callback()(_no_options)
            return lean
    return app


def _no_options() -> None:
    """The lean app's group callback: the whole app has none either."""


def _without_pydantic_plugins() -> None:
    """No pydantic plugins in budgetdoc's process (pydantic's documented PYDANTIC_DISABLE_PLUGINS, unless set).

    Why: the models' validators come from schema_cache, built without plugins, so a plugin would see
    some validations and not others; and looking for plugins scans every installed package's metadata
    (about 20 ms of each process, when typer makes its first parameter adapter)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main() -> None:  # pragma: no cover - console entry
    """The console entry: whatever goes wrong, a message and exit code 2, never a traceback."""
    _startup_objects_frozen()
    _without_pydantic_plugins()
    try:
        _invoked(sys.argv)(prog_name="budgetdoc")
    except KeyboardInterrupt:
        typer.echo("已中断，未改动已有文件。", err=True)
        sys.exit(130)
    except MemoryError:
        typer.echo("内存不足，已停止：输入文件可能过大或结构异常，未改动已有文件。", err=True)
        sys.exit(2)
    except RecursionError:
        typer.echo("输入结构嵌套过深，已停止，未改动已有文件。", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the promise: never a traceback
        typer.echo(f"budgetdoc 内部错误（{type(exc).__name__}: {str(exc)[:300]}），未改动已有文件。"
                   "请把所用命令和输入文件报告给维护者。", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Writes docs/rules.md and docs/input-format.md from the code, so the docs list every rule and field.

Why this exists: the rule registry and the pydantic model are the truth; hand-kept tables drift.
`python tools/make_docs.py` regenerates both; tests/test_docs.py fails when they are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, get_args, get_origin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.batch.crosscheck import BATCH_RULES  # noqa: E402
from generator.reading.model import Budget, Node  # noqa: E402
from generator.rules.check import RULES  # noqa: E402

SEVERITY = {"error": "错误", "warning": "警告"}


def rules_md() -> str:
    lines = [
        "# 校验规则目录 / Rule catalog",
        "",
        "由 `tools/make_docs.py` 根据规则注册表生成，请勿手改。`budgetdoc rules` 在命令行列出同样内容。",
        "级别可在配置文件中覆盖或关闭（见 [config.md](config.md)）。",
        "",
        "| 规则 | 默认级别 | 检查内容 |",
        "| --- | --- | --- |",
    ]
    for rule in RULES.values():
        lines.append(f"| `{rule.id}` | {SEVERITY[rule.severity]} | {rule.title} |")
    lines += [
        "",
        "读取阶段（文件无法读取或解析，退出码 2）：`FILE-NOT-FOUND` `FILE-UNREADABLE` `FILE-TOO-LARGE` `FILE-EMPTY`",
        "`FILE-ENCODING` `FILE-BINARY` `YAML-SYNTAX` `YAML-DUPLICATE-KEY` `YAML-ANCHOR` `YAML-TAG` `YAML-KEY` `YAML-NUMBER`",
        "`JSON-SYNTAX` `JSON-DUPLICATE-KEY`；Excel 工作簿见 [excel.md](excel.md)。",
        "",
        "模型阶段（字段类型、缺少必填项、不认识的键，退出码 1）：`MODEL-TYPE` `MODEL-ROOT`。",
        "",
        "## 批量生成时的跨部门检查（`budgetdoc build`、`budgetdoc merge`，见 [batch.md](batch.md)）",
        "",
        "| 规则 | 默认级别 | 检查内容 |",
        "| --- | --- | --- |",
    ]
    for rule in BATCH_RULES.values():
        lines.append(f"| `{rule.id}` | {SEVERITY[rule.severity]} | {rule.title} |")
    lines.append("")
    return "\n".join(lines)


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin is list:
        return f"列表（{_type_name(args[0])}）"
    if origin is dict:
        return f"映射（{_type_name(args[0])} → {_type_name(args[1])}）"
    if str(origin).endswith("Literal"):
        return " / ".join(map(str, get_args(annotation)))
    if args and origin is not None and "Annotated" not in str(origin):
        return " / ".join(_type_name(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, Node):
        return "对象（见下节）"
    name = getattr(annotation, "__name__", str(annotation))
    if "Annotated" in str(annotation):
        name = get_args(annotation)[0].__name__
    return {"Decimal": "金额", "str": "文字", "int": "整数", "bool": "true/false", "date": "日期 YYYY-MM-DD"}.get(
        name, name
    )


def _node(annotation: Any) -> type[Node] | None:
    if isinstance(annotation, type) and issubclass(annotation, Node):
        return annotation
    for arg in get_args(annotation):
        found = _node(arg)
        if found:
            return found
    return None


def fields_md() -> str:
    lines = [
        "# 输入文件格式 / Input format",
        "",
        "由 `tools/make_docs.py` 根据输入模型（generator/reading/model.py）生成，列出每一个字段。",
        "完整示例：`budgetdoc init` 写出的文件，以及 `inputs/` 下的三个样例。",
        "",
        "- 文件为 YAML（.yaml/.yml）或 JSON（.json），UTF-8 编码；也可用 Excel 工作簿（见 [excel.md](excel.md)）。",
        "- 金额：数字，单位为 `基本信息.金额单位`（元 或 万元），最多两位小数；留空即 0。不用浮点数，按原文精确读取。",
        "- 编码：写成带引号的文字，如 `\"2060101\"`。",
        "- “（可选，填写则校验）”的合计项：不填由系统计算；填写后与分项之和比对，相差超过尾差（每个非零分项 0.01）即报错；"
        "在尾差以内时给出 ROUNDING 警告，预算和决算文档（表格、情况说明、.xlsx 表格）列示所填的合计（视为元系统中的准确数），"
        "并在表下注明尾差（决算政府采购无表格，在情况说明中注明）。",
        "- 不认识的键会报错并提示最接近的正确写法；锚点/别名、标签、重复键一律拒绝。",
        "- 编辑器提示：`budgetdoc schema > budgetdoc-schema.json`，在 YAML 文件首行写",
        "  `# yaml-language-server: $schema=./budgetdoc-schema.json`。",
        "",
    ]
    seen: set[type] = set()

    def section(model: type[Node], title: str) -> None:
        if model in seen:
            return
        seen.add(model)
        lines.extend([f"## {title}", "", (model.__doc__ or "").strip().split("\n")[0], "",
                      "| 键 | 类型 | 必填 | 说明 |", "| --- | --- | --- | --- |"])
        children = []
        for name, fld in model.model_fields.items():
            key = fld.alias or name
            desc = " ".join(x for x in (fld.title, fld.description) if x and x != key)
            required = "是" if fld.is_required() else ""
            lines.append(f"| `{key}` | {_type_name(fld.annotation)} | {required} | {desc} |")
            child = _node(fld.annotation)
            if child is not None:
                children.append((child, f"{title} › {key}"))
        lines.append("")
        for child, child_title in children:
            section(child, child_title)

    section(Budget, "根（整个文件）")
    from generator.reading.final_model import FinalAccounts

    lines.extend(["# 决算文件（基本信息.文种: 决算）", "",
                  "部门决算公开的输入：同样的 YAML/JSON 格式，根对象如下（`budgetdoc init --kind 决算` 写出带注释的示例）。", ""])
    section(FinalAccounts, "决算：根（整个文件）")
    return "\n".join(lines)


def context_md() -> str:
    import dataclasses

    from generator.layout import narrate
    from tools.context_doc import DESCRIPTIONS

    lines = [
        "# 模板变量 / Template context",
        "",
        "由 `tools/make_docs.py` 根据 generator/layout/narrate.py 生成。模板（templates/部门预算公开.docx）中可用的全部变量；",
        "金额均已格式化为文字（语句中为万元、两位小数，零写作 0；表格中按表格单位）。",
        "在模板中引用未定义的变量会报错并指出变量名和模板文件，不会留空。",
        "",
    ]
    for cls in (narrate.RenderContext, narrate.Narrative, narrate.TableCtx, narrate.Row, narrate.HeaderCell,
                narrate.PerfTable, narrate.IndicatorRow, narrate.Item, narrate.ChangeWords):
        prefix = "说明." if cls is narrate.Narrative else ""
        lines += [f"## {cls.__name__}", "", (cls.__doc__ or "").strip().split("\n")[0], "",
                  "| 变量 | 说明 |", "| --- | --- |"]
        for fld in dataclasses.fields(cls):
            lines.append(f"| `{prefix}{fld.name}` | {DESCRIPTIONS.get(fld.name, '')} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs/context.md").write_text(context_md(), encoding="utf-8")
    (ROOT / "docs/rules.md").write_text(rules_md(), encoding="utf-8")
    (ROOT / "docs/input-format.md").write_text(fields_md(), encoding="utf-8")


if __name__ == "__main__":
    main()

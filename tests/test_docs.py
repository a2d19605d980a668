"""The generated docs list every rule and every input field (regenerate with tools/make_docs.py)."""

from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app
from generator.rules.check import RULES
from tools.context_doc import DESCRIPTIONS
from tools.make_docs import context_md, fields_md, rules_md

ROOT = Path(__file__).parents[1]


def test_rule_catalog_is_current():
    assert (ROOT / "docs/rules.md").read_text(encoding="utf-8") == rules_md()


def test_input_format_doc_is_current():
    text = (ROOT / "docs/input-format.md").read_text(encoding="utf-8")
    assert text == fields_md()
    for key in ("科目编码", "人员经费", "一级指标", "增减原因", "因公出国（境）费", "面向小微企业"):
        assert f"`{key}`" in text


def test_rules_command_lists_every_rule():
    out = CliRunner().invoke(app, ["rules"]).output
    for rule_id in RULES:
        assert rule_id in out


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/demo.sh" in readme and "bash scripts/test.sh" in readme
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


def test_context_doc_is_current_and_complete():
    import dataclasses

    from generator.layout import narrate

    assert (ROOT / "docs/context.md").read_text(encoding="utf-8") == context_md()
    for cls in (narrate.RenderContext, narrate.Narrative, narrate.TableCtx, narrate.PerfTable, narrate.Item):
        for fld in dataclasses.fields(cls):
            assert fld.name in DESCRIPTIONS, f"{cls.__name__}.{fld.name} has no description in tools/context_doc.py"

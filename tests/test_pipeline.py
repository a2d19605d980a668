"""Output safety of `generate`: all files of a run land together, a failed step never leaves stale or partial files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import GenerateError, generate

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def test_output_path_that_is_a_file_is_a_clear_error(tmp_path: Path):
    target = tmp_path / "afile"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["generate", str(DATA / "good_small.yaml"), "-o", str(target)])
    assert result.exit_code == 2
    assert "不是目录" in result.output and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "x"


def test_a_failing_workbook_writer_leaves_the_previous_set_untouched(tmp_path: Path, monkeypatch):
    first = generate(DATA / "good_small.yaml", tmp_path, xlsx=True)
    before = {p.name: p.read_bytes() for p in first.written}

    import generator.writing.tables_xlsx as excel

    def broken(ctx, path):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(excel, "write_tables_xlsx", broken)
    changed = tmp_path / "changed.yaml"
    changed.write_text((DATA / "good_small.yaml").read_text(encoding="utf-8").replace("负责全市示例工作", "负责全市示范工作"),
                       encoding="utf-8")
    with pytest.raises(GenerateError) as err:
        generate(changed, tmp_path, xlsx=True)
    assert err.value.exit_code == 2 and "disk full" in str(err.value)
    assert {p.name: p.read_bytes() for p in first.written} == before  # neither .docx nor .xlsx replaced
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging left


def test_failed_pdf_removes_the_stale_pdf(tmp_path: Path, monkeypatch):
    if shutil.which("soffice") is None:
        pytest.fail("未找到 LibreOffice；在 Debian 上安装：apt-get install libreoffice-writer-nogui")
    first = generate(DATA / "good_small.yaml", tmp_path, pdf=True)
    pdf = next(p for p in first.written if p.suffix == ".pdf")
    assert pdf.exists()

    import generator.writing.pdf as pdfmod

    def missing(docx, out_dir=None, timeout=180):
        raise pdfmod.PdfError("未找到 LibreOffice（soffice）")

    monkeypatch.setattr(pdfmod, "convert_to_pdf", missing)
    second = generate(DATA / "good_small.yaml", tmp_path, pdf=True)
    assert second.problem.startswith("未找到 LibreOffice")
    assert "已删除与新文档不一致的旧 PDF" in second.problem
    assert not pdf.exists()  # never publishable next to a newer .docx
    assert second.written[0].exists()


def test_generated_files_are_world_readable(tmp_path: Path):
    import os

    old = os.umask(0o022)
    try:
        result = generate(DATA / "good_small.yaml", tmp_path, xlsx=True)
    finally:
        os.umask(old)
    assert {oct(p.stat().st_mode & 0o777) for p in result.written} == {"0o644"}


def test_bad_template_dir_creates_nothing(tmp_path: Path):
    out = tmp_path / "new-folder"
    empty = tmp_path / "templates"
    empty.mkdir()
    result = runner.invoke(app, ["generate", str(DATA / "good_small.yaml"), "-o", str(out), "--template-dir", str(empty)])
    assert result.exit_code == 2 and "找不到模板文件" in result.output
    assert not out.exists()
    (empty / "部门预算公开.docx").write_text("not a word file", encoding="utf-8")
    result = runner.invoke(app, ["generate", str(DATA / "good_small.yaml"), "-o", str(out), "--template-dir", str(empty)])
    assert result.exit_code == 2 and "不是有效的 Word 文档" in result.output
    assert not out.exists()

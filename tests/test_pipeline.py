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


def test_failed_pdf_changes_nothing(tmp_path: Path, monkeypatch):
    if shutil.which("soffice") is None:
        pytest.fail("未找到 LibreOffice；在 Debian 上安装：apt-get install libreoffice-writer-nogui")
    first = generate(DATA / "good_small.yaml", tmp_path, pdf=True)
    before = {p.name: p.read_bytes() for p in first.written}
    assert any(name.endswith(".pdf") for name in before)

    import generator.writing.pdf as pdfmod

    def failing(docx, out_dir=None, timeout=180):
        raise pdfmod.PdfError("LibreOffice 转换 PDF 失败（退出码 1）")

    monkeypatch.setattr(pdfmod, "convert_to_pdf", failing)
    changed = tmp_path / "changed.yaml"
    changed.write_text((DATA / "good_small.yaml").read_text(encoding="utf-8").replace("负责全市示例工作", "负责全市示范工作"),
                       encoding="utf-8")
    with pytest.raises(GenerateError) as err:
        generate(changed, tmp_path, pdf=True)
    assert err.value.exit_code == 2 and "未改动已有文件" in str(err.value)
    assert {p.name: p.read_bytes() for p in first.written} == before  # the .docx and the PDF agree, as before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_regenerating_without_pdf_and_xlsx_removes_their_stale_files(tmp_path: Path):
    if shutil.which("soffice") is None:
        pytest.fail("未找到 LibreOffice；在 Debian 上安装：apt-get install libreoffice-writer-nogui")
    generate(DATA / "good_small.yaml", tmp_path, pdf=True, xlsx=True)
    result = runner.invoke(app, ["generate", str(DATA / "good_small.yaml"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx"]
    assert result.output.count("已删除上次生成的") == 2


def test_a_failed_move_rolls_back_every_file(tmp_path: Path, monkeypatch):
    import os

    first = generate(DATA / "good_small.yaml", tmp_path, xlsx=True)
    before = {p.name: p.read_bytes() for p in first.written}
    real = os.replace
    calls = []

    def flaky(src, dst):  # placing the new .xlsx fails once; putting the old one back works
        if str(dst).endswith(".xlsx") and ".budgetdoc-" not in str(dst) and not calls:
            calls.append(dst)
            raise OSError(28, "No space left on device")
        return real(src, dst)

    import generator.writing.files as files

    monkeypatch.setattr(files.os, "replace", flaky)
    changed = tmp_path / "changed.yaml"
    changed.write_text((DATA / "good_small.yaml").read_text(encoding="utf-8").replace("负责全市示例工作", "负责全市示范工作"),
                       encoding="utf-8")
    with pytest.raises(GenerateError) as err:
        generate(changed, tmp_path, xlsx=True)
    assert "已恢复原有文件" in str(err.value) and "磁盘空间不足" in str(err.value)
    assert {p.name: p.read_bytes() for p in first.written} == before  # the new .docx was taken back
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_stale_staging_of_a_killed_run_is_removed(tmp_path: Path):
    dead = tmp_path / ".budgetdoc-999999999-abc"
    dead.mkdir()
    (dead / "half.docx").write_bytes(b"half")
    result = runner.invoke(app, ["generate", str(DATA / "good_small.yaml"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not dead.exists() and "已清理" in result.output


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

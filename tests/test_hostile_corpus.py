"""The hostile-input corpus (tests/data/build_hostile.py), each case in a child process under limits.

Every case gives its exit code and the text of its finding, never a traceback, and stays within
an address-space limit (RLIMIT_AS) and a CPU-time limit (RLIMIT_CPU) set on the child: a run that
needs gigabytes or loops for minutes is killed and fails the test. No wall-clock assertion.
Also here: the output-folder promises (read-only or full folder, a name taken by a folder, stale
files of a previous run, staging folders of killed runs, init on a full disk).
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(Path(__file__).parent / "data"))

from build_hostile import Case, build  # noqa: E402


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, Case]]:
    out = tmp_path_factory.mktemp("hostile")
    return out, {c.name: c for c in build(out)}


def _limits(memory_mb: int, cpu_s: int, fsize: int | None = None):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
        if fsize is not None:  # a "full disk": writes beyond fsize bytes fail with EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


def run(args: list[str], memory_mb: int = 1500, cpu_s: int = 120, fsize: int | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """budgetdoc in a child process (the console entry, as an officer runs it) under resource limits."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200")
    proc = subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, cwd=cwd or ROOT, timeout=900,
                          preexec_fn=_limits(memory_mb, cpu_s, fsize))
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode} (resource limit?): {args}\n{proc.stderr[-2000:]}"
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "内部错误" not in output, output[-3000:]
    return proc


def pytest_generate_tests(metafunc):  # pragma: no cover - parametrisation by case name
    if "case_name" in metafunc.fixturenames:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            names = [c.name for c in build(Path(tmp))]
        metafunc.parametrize("case_name", names)


def test_case(corpus, case_name: str, tmp_path: Path):
    folder, cases = corpus
    case = cases[case_name]
    out = tmp_path / "out"
    args = [a.replace("{d}", str(folder)).replace("{o}", str(out)) for a in case.args]
    if "{o}" in " ".join(case.args) and case.args[0] != "generate":
        out.mkdir()
    proc = run(args, case.memory_mb, case.cpu_s, cwd=tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == case.exit, f"{case.name}: exit {proc.returncode}\n{output[-3000:]}"
    for text in case.expect:
        assert text in output, f"{case.name}: “{text}” missing\n{output[-3000:]}"
    assert len(output.splitlines()) < 400, f"{case.name}: report too long ({len(output.splitlines())} lines)"
    assert not (tmp_path / "PWNED").exists() and not (ROOT / "PWNED").exists()
    if case.args[0] == "generate":
        if case.exit == 0:
            docs = list(out.glob("*.docx"))
            assert len(docs) == 1 and zipfile.is_zipfile(docs[0])
            assert len(docs[0].name) <= 120 and not docs[0].name.startswith((".", "-"))
        else:
            assert not out.exists() or not list(out.iterdir()), "a refused run wrote files"


def test_120_duties_are_numbered_in_chinese(corpus, tmp_path: Path):
    from docx import Document

    folder, _ = corpus
    run(["generate", str(folder / "R05_120_duties.yaml"), "-o", str(tmp_path)])
    text = "\n".join(p.text for p in Document(next(tmp_path.glob("*.docx"))).paragraphs)
    for n in ("（九十九）第99项", "（一百）第100项", "（一百零一）第101项", "（一百二十）第120项"):
        assert n in text


def test_hostile_name_stays_inside_the_output_folder(corpus, tmp_path: Path):
    folder, _ = corpus
    out = tmp_path / "o"
    run(["generate", str(folder / "R06_name_hostile.yaml"), "-o", str(out), "--force", "--xlsx"])
    made = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert len(made) == 2 and all((out / n).is_file() for n in made), made
    assert not any(c in "".join(made) for c in "\u202e\u200b/\\")
    assert not any(n.upper().startswith("CON.") for n in made)


def test_formula_like_text_is_stored_as_text(corpus, tmp_path: Path):
    from openpyxl import load_workbook

    folder, _ = corpus
    run(["excel-template", str(tmp_path / "wb.xlsx"), "--from", str(folder / "R24_formula.yaml")])
    run(["generate", str(folder / "R24_formula.yaml"), "-o", str(tmp_path / "o"), "--xlsx"])
    for book in [tmp_path / "wb.xlsx", *(tmp_path / "o").glob("*.xlsx")]:
        leads = [c for ws in load_workbook(book) for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"]
        assert leads, book
        assert all(c.data_type == "s" and c.quotePrefix for c in leads), [(c.coordinate, c.value) for c in leads]


# ---------------------------------------------------------------- outputs: all or nothing


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest() if p.is_file() else "dir" for p in sorted(folder.iterdir())}


def test_R14_a_target_taken_by_a_folder_changes_nothing(corpus, tmp_path: Path):
    folder, _ = corpus
    run(["generate", str(folder / "good.yaml"), "-o", str(tmp_path)])
    (tmp_path / "测试市示例局_2024年部门预算表.xlsx").mkdir()
    before = {k: v for k, v in _digest(tmp_path).items() if k.endswith(".docx")}
    proc = run(["generate", str(folder / "R12_rounding.yaml"), "-o", str(tmp_path), "--xlsx"])
    assert proc.returncode == 2 and "目录占用" in proc.stderr
    assert {k: v for k, v in _digest(tmp_path).items() if k.endswith(".docx")} == before


def test_R15_a_full_disk_changes_nothing(corpus, tmp_path: Path):
    folder, _ = corpus
    run(["generate", str(folder / "good.yaml"), "-o", str(tmp_path), "--xlsx"])
    before = _digest(tmp_path)
    proc = run(["generate", str(folder / "R12_rounding.yaml"), "-o", str(tmp_path), "--xlsx"], fsize=20_000)
    assert proc.returncode == 2 and "未改动已有文件" in proc.stderr, proc.stderr
    assert _digest(tmp_path) == before  # no new .docx beside the old .xlsx, no staging folder left


def test_R16_init_on_a_full_disk_leaves_no_file(tmp_path: Path):
    proc = run(["init", str(tmp_path / "init.yaml")], fsize=4096)
    assert proc.returncode == 2 and "init.yaml" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_R13_a_read_only_folder_is_a_clear_message(corpus, tmp_path: Path):
    folder, _ = corpus
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() == 0:
        if shutil.which("mount") is None or subprocess.run(["mount", "--bind", str(ro), str(ro)]).returncode != 0:
            pytest.skip("root without mount: a read-only folder cannot be made")
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True)
    else:
        ro.chmod(0o555)
    try:
        proc = run(["generate", str(folder / "good.yaml"), "-o", str(ro)])
        assert proc.returncode == 2 and "无法在输出目录" in proc.stderr, proc.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(ro)], check=False)
        else:
            ro.chmod(0o755)


def test_R20_stale_outputs_are_removed_with_a_message(corpus, tmp_path: Path):
    folder, _ = corpus
    old_pdf = tmp_path / "测试市示例局_2024年部门预算公开.pdf"
    old_xlsx = tmp_path / "测试市示例局_2024年部门预算表.xlsx"
    old_pdf.write_bytes(b"%PDF-1.4 last run")
    old_xlsx.write_bytes(b"PK last run")
    proc = run(["generate", str(folder / "good.yaml"), "-o", str(tmp_path)])
    assert proc.returncode == 0
    assert not old_pdf.exists() and not old_xlsx.exists()
    assert proc.stdout.count("已删除上次生成的") == 2


def test_R21_staging_of_a_killed_run_is_cleaned(corpus, tmp_path: Path):
    folder, _ = corpus
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".budgetdoc-{dead.pid}-x1"
    stale.mkdir()
    (stale / "half.docx").write_bytes(b"PK")
    proc = run(["generate", str(folder / "good.yaml"), "-o", str(tmp_path)])
    assert proc.returncode == 0 and not stale.exists() and "已清理" in proc.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_R12_the_document_shows_the_declared_total_with_the_note(corpus, tmp_path: Path):
    from docx import Document

    folder, _ = corpus
    proc = run(["generate", str(folder / "R12_rounding.yaml"), "-o", str(tmp_path)])
    assert "文档列示所填的 12.01" in proc.stdout
    text = "\n".join(p.text for p in Document(next(tmp_path.glob("*.docx"))).paragraphs)
    sentence = next(line for line in text.splitlines() if "机关运行经费12.01万元" in line)
    assert "明细之和与合计存在尾差" in sentence

"""The long-lived LibreOffice of `build --pdf`: started once, restarted after a crash or a hang, stopped at the end."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from generator.batch.office import OfficeConverter, uno_python
from generator.pipeline import generate
from generator.writing.pdf import PdfError, find_soffice

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.skipif(find_soffice() is None or uno_python() is None,
                                reason="needs LibreOffice and python3-uno (scripts/setup.sh installs them)")


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_one_libreoffice_converts_many_and_recovers_from_a_crash_and_a_hang(tmp_path: Path):
    docx = generate(DATA / "good_small.yaml", tmp_path / "docs").written[0]
    with OfficeConverter(timeout=120) as office:
        first = office.convert(docx, tmp_path / "1.pdf")
        second = office.convert(docx, tmp_path / "2.pdf")
        assert office.starts == 1
        assert "测试市示例局" in _text(first) and _text(first) == _text(second)
        group = office._office.pid

        os.killpg(group, signal.SIGKILL)  # LibreOffice crashes between two documents
        office._office.wait()
        third = office.convert(docx, tmp_path / "3.pdf")
        assert office.starts == 2 and _text(third) == _text(first)

        office.timeout = 0.01  # a conversion that never answers in time
        with pytest.raises(PdfError, match="超时"):
            office.convert(docx, tmp_path / "4.pdf")
        assert not (tmp_path / "4.pdf").exists() and not office.running
        office.timeout = 120
        office.convert(docx, tmp_path / "5.pdf")
        assert office.starts == 3
        work = office._work
        last = office._office
    assert last.poll() is not None and not work.exists()
    assert _alive_in_group(last.pid) == []


def _alive_in_group(group: int) -> list[int]:
    """Processes of a process group that still run (zombies, reaped or not by init, do not count)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in "ZX":
            alive.append(int(stat.parent.name))
    return alive


def _children_running_soffice(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"--accept=pipe" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_sigterm_stops_the_build_and_every_libreoffice(tmp_path: Path):
    import shutil
    import sys
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for sample in sorted((Path(__file__).resolve().parents[1] / "inputs").glob("*.yaml")):
        shutil.copy(sample, folder / sample.name)
    budgetdoc = str(Path(sys.executable).with_name("budgetdoc"))
    proc = subprocess.Popen([budgetdoc, "build", str(folder), "-o", str(tmp_path / "out"), "--pdf", "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    offices: list[int] = []
    while not offices and proc.poll() is None and time.monotonic() < deadline:
        offices = _children_running_soffice(proc.pid)
        time.sleep(0.2)
    assert offices, "build never started LibreOffice"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "已中断" in err.decode() and "Traceback" not in err.decode()
    time.sleep(0.5)
    assert all(_alive_in_group(pid) == [] for pid in offices)
    assert not list((tmp_path / "out" / ".budgetdoc").glob("stage-*"))

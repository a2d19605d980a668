"""Speed of `budgetdoc build` for a finance bureau's batch, beside the floors it is measured against.

Why this exists: issue 12 sets targets (benchmarks/README.md): whole `validate` process, in-process
validate/generate per department, a `generate` process against python-docx merely opening and
saving the same document, a 200-department build with -j 2 (and its peak memory per worker), a
second unchanged build, and `--pdf` against LibreOffice alone converting the same .docx in one
process. Figures, not assertions. Run: `.venv/bin/python benchmarks/bench_build.py [N] [--pdf]
[--single-only | --batch-only]` (BENCH_ROUNDS=7 rounds for the single commands).

Every floor is measured in the same run, side by side with what it is compared with (one run of
each per round, in turn), and both are given as CPU time (user+sys, which the other engineers'
load on the two shared cores inflates far less than wall time) with wall time beside it.

The N departments are made from the bundled samples: each gets its own name, 部门编码 and unit
codes, the batch's one 预算年度 (the samples' most common), and its amounts multiplied by 1, 2 or 3 (sums
stay exact), written as JSON-style YAML.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_generate import SAMPLES, Timing, per_sample  # noqa: E402 - the same set-up as bench_generate

BUDGETDOC = str(Path(sys.executable).with_name("budgetdoc"))
DISTRICTS = "东湖 西山 南岭 北塘 中原 江岸 汉阳 青林 石门 云溪".split()


def _scaled(value, k: int, key: str = ""):
    if isinstance(value, dict):
        return {name: _scaled(v, k, name) for name, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, k, key) for v in value]
    if isinstance(value, Decimal) and "指标" not in key and "值" not in key:
        return value * k
    return value


def _shifted(value, years: int):
    """Every date in ``value`` moved by ``years`` (a 29 February to the 28th)."""
    if isinstance(value, dict):
        return {k: _shifted(v, years) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, years) for v in value]
    if isinstance(value, dt.date):
        return value.replace(year=value.year + years, day=min(value.day, 28) if value.month == 2 else value.day)
    return value


def _yaml(value) -> str:
    """JSON text (which is YAML): exact decimals, Chinese kept."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def make_batch(folder: Path, n: int) -> list[Path]:
    """N departments from the samples, varied names, codes and figures."""
    from generator.reading.load import load_file

    bases = [load_file(p)[0] for p in SAMPLES]
    years = [b["基本信息"]["预算年度"] for b in bases]
    year = max(set(years), key=years.count)  # one bureau's batch is one year (else BATCH-YEAR refuses the rest)
    made = []
    for i in range(n):
        data = _scaled(bases[i % len(bases)], 1 + i % 3)
        info = data["基本信息"]
        code = str(500 + i)
        info["部门名称"] = f"{DISTRICTS[i % len(DISTRICTS)]}{info['部门名称']}{i + 1:03d}"
        info["部门编码"] = code
        shift = year - bases[i % len(bases)]["基本信息"]["预算年度"]
        if shift:  # its dates move with its year (公开日期, 国有资产.截至日期), or INFO-DATES warns
            data = _shifted(data, shift)
            info = data["基本信息"]
        info["预算年度"] = year
        for j, unit in enumerate(info.get("预算单位") or [], 1):
            unit["编码"] = f"{code}{j:03d}"
        path = folder / f"{i // 50:02d}" / f"dept_{i + 1:03d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_yaml(data) + "\n", encoding="utf-8")
        made.append(path)
    return made


CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Child processes may cache bytecode, as an installed budgetdoc (and python-docx, the floor) has it:
with PYTHONDONTWRITEBYTECODE set every `budgetdoc` process would compile its own sources again."""


def _run(args: list[str], **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds of the children, the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=kw.pop("env", CHILD_ENV), **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def side_by_side(commands: dict[str, list[str]], rounds: int = 7) -> dict[str, Timing]:
    """Each command once per round, in turn (so a load change hits all alike), after one warm-up run each."""
    for args in commands.values():
        _run(args)
    runs: dict[str, Timing] = {name: Timing([], []) for name in commands}
    for _ in range(rounds):
        for name, args in commands.items():
            wall, cpu, _ = _run(args)
            runs[name].cpu.append(cpu)
            runs[name].wall.append(wall)
    return runs


def _ratio(mine: Timing, floor: Timing) -> str:
    return (f"{min(mine.cpu) / min(floor.cpu):.2f} × by min CPU, "
            f"{statistics.median(mine.cpu) / statistics.median(floor.cpu):.2f} × by median CPU")


def single_commands(out: Path, rounds: int) -> None:
    largest = max(SAMPLES, key=lambda p: p.stat().st_size)
    runs = side_by_side({"pass": [sys.executable, "-c", "pass"],
                         "validate": [BUDGETDOC, "validate", str(largest)]}, rounds)
    print(f"`budgetdoc validate {largest.name}` process: {runs['validate'].text(1, 's')}")
    print(f"  floor `python -c pass`: {runs['pass'].text(1, 's')}")
    for name, v, g in per_sample(out / "inproc"):
        print(f"in process {name}: validate {v.text()}; generate .docx {g.text()}")
    for sample in SAMPLES:
        target = out / "proc" / sample.stem
        _run([BUDGETDOC, "generate", str(sample), "-o", str(target)])
        docx = next(target.glob("*.docx"))
        script = f"import docx; docx.Document({str(docx)!r}).save({str(out / 'floor.docx')!r})"
        runs = side_by_side({"generate": [BUDGETDOC, "generate", str(sample), "-o", str(target), "--force"],
                             "floor": [sys.executable, "-c", script]}, rounds)
        print(f"`budgetdoc generate {sample.name}` process: {runs['generate'].text(1, 's')}")
        print(f"  floor python-docx open+save of its .docx: {runs['floor'].text(1, 's')}; "
              f"ratio {_ratio(runs['generate'], runs['floor'])}")


def batch(out: Path, n: int, pdf: bool) -> None:
    inputs = out / "batch"
    make_batch(inputs, n)
    target = out / "built"
    wall, cpu, proc = _run(["/usr/bin/time", "-f", "%M", BUDGETDOC, "build", str(inputs), "-o", str(target),
                            "--xlsx", "-j", "2"])
    peak = int(proc.stderr.strip().splitlines()[-1]) // 1024  # ru_maxrss of the tree: its largest process
    print(f"build {n} departments .docx+.xlsx -j 2: {wall:.1f} s wall, {cpu:.1f} s CPU (all processes; "
          f"{cpu / 2:.1f} s of two cores); largest process {peak} MB; {proc.stdout.strip().splitlines()[-1]}")
    again = [_run([BUDGETDOC, "build", str(inputs), "-o", str(target), "--xlsx", "-j", "2"]) for _ in range(3)]
    print(f"unchanged build of the {n}: first {again[0][0]:.2f} s wall / {again[0][1]:.2f} s CPU; the next two "
          f"{', '.join(f'{w:.2f} s wall / {c:.2f} s CPU' for w, c, _ in again[1:])}; "
          f"{again[0][2].stdout.strip().splitlines()[-1]}")
    if not pdf:
        return
    pdf_target = out / "built_pdf"
    wall3, _, proc3 = _run([BUDGETDOC, "build", str(inputs), "-o", str(pdf_target), "--pdf", "-j", "2"])
    print(f"build {n} departments .docx+.pdf -j 2: {wall3:.1f} s; {proc3.stdout.strip().splitlines()[-1]}")
    docs = out / "docs_only"
    docs.mkdir()
    for i, d in enumerate(sorted(pdf_target.glob("*.docx"))):
        shutil.copy(d, docs / f"d{i:03d}.docx")  # ASCII names, as budgetdoc hands them to LibreOffice
    from generator.writing.pdf import find_soffice, font_environment

    profile = (out / "lo_profile").as_uri()
    docx_files = sorted(str(p) for p in docs.glob("*.docx"))
    wall4, _, _ = _run([find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out / "lo_pdf"), *docx_files],
                       env=font_environment())
    produced = len(list((out / "lo_pdf").glob("*.pdf")))
    print(f"LibreOffice alone, one process, {produced} .docx → PDF: {wall4:.1f} s; "
          f"build --pdf (including .docx) / LibreOffice alone = {wall3 / wall4:.2f}")


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "7"))
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}; {rounds} rounds, side by side")
    with tempfile.TemporaryDirectory(prefix="budgetdoc-bench-") as tmp:
        if "--batch-only" not in sys.argv:
            single_commands(Path(tmp), rounds)
        if "--single-only" not in sys.argv:
            batch(Path(tmp), n, "--pdf" in sys.argv)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

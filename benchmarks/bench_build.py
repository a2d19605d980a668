"""Speed of `budgetdoc build` for a finance bureau's batch, beside the floors it is measured against.

Why this exists: issue 12 sets targets (benchmarks/README.md): whole `validate` process, in-process
validate/generate per department, a `generate` process against python-docx merely opening and
saving the same document, a 200-department build with -j 2 (and its peak memory per worker), a
second unchanged build, and `--pdf` against LibreOffice alone converting the same .docx in one
process. Figures, not assertions. Run: `.venv/bin/python benchmarks/bench_build.py [N] [--pdf]`.

The N departments are made from the bundled samples: each gets its own name, 部门编码 and unit
codes, and its amounts multiplied by 1, 2 or 3 (sums stay exact), written as JSON-style YAML.
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
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

    samples = sorted((ROOT / "inputs").glob("*.yaml"))
    bases = [load_file(p)[0] for p in samples]
    made = []
    for i in range(n):
        data = _scaled(bases[i % len(bases)], 1 + i % 3)
        info = data["基本信息"]
        code = str(500 + i)
        info["部门名称"] = f"{DISTRICTS[i % len(DISTRICTS)]}{info['部门名称']}{i + 1:03d}"
        info["部门编码"] = code
        for j, unit in enumerate(info.get("预算单位") or [], 1):
            unit["编码"] = f"{code}{j:03d}"
        path = folder / f"{i // 50:02d}" / f"dept_{i + 1:03d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_yaml(data) + "\n", encoding="utf-8")
        made.append(path)
    return made


def _run(args: list[str], **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds of the children, the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def _median(func, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def single_commands(out: Path) -> None:
    from generator.pipeline import generate, validate

    largest = max((ROOT / "inputs").glob("*.yaml"), key=lambda p: p.stat().st_size)
    walls = [_run([BUDGETDOC, "validate", str(largest)])[:2] for _ in range(5)]
    print(f"validate process ({largest.name}): wall {statistics.median(w for w, _ in walls):.3f} s, "
          f"cpu {statistics.median(c for _, c in walls):.3f} s")
    print(f"{'sample':<34} {'validate ms':>11} {'generate ms':>11} {'gen proc s':>10} {'docx floor s':>12} {'ratio':>6}")
    for sample in sorted((ROOT / "inputs").glob("*.yaml")):
        v = _median(lambda s=sample: validate(s))
        g = _median(lambda s=sample: generate(s, out / "inproc"), repeat=3)
        runs = [_run([BUDGETDOC, "generate", str(sample), "-o", str(out / "proc")]) for _ in range(3)]
        gen_proc = statistics.median(w for w, _, _ in runs)
        docx = sorted((out / "proc").glob("*.docx"), key=lambda p: p.stat().st_mtime)[-1]
        script = f"import docx; d = docx.Document({str(docx)!r}); d.save({str(out / 'floor.docx')!r})"
        floor = statistics.median(_run([sys.executable, "-c", script])[0] for _ in range(3))
        print(f"{sample.name:<34} {v * 1000:>11.1f} {g * 1000:>11.1f} {gen_proc:>10.2f} {floor:>12.2f} "
              f"{gen_proc / floor:>6.2f}")


def batch(out: Path, n: int, pdf: bool) -> None:
    inputs = out / "batch"
    make_batch(inputs, n)
    target = out / "built"
    wall, cpu, proc = _run(["/usr/bin/time", "-f", "%M", BUDGETDOC, "build", str(inputs), "-o", str(target),
                            "--xlsx", "-j", "2"])
    peak = int(proc.stderr.strip().splitlines()[-1]) // 1024
    print(f"build {n} departments .docx+.xlsx -j 2: {wall:.1f} s wall, {cpu:.1f} s cpu; "
          f"largest process {peak} MB; {proc.stdout.strip().splitlines()[-1]}")
    wall2, _, proc2 = _run([BUDGETDOC, "build", str(inputs), "-o", str(target), "--xlsx", "-j", "2"])
    print(f"second unchanged build: {wall2:.2f} s; {proc2.stdout.strip().splitlines()[-1]}")
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
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="budgetdoc-bench-") as tmp:
        single_commands(Path(tmp))
        batch(Path(tmp), n, "--pdf" in sys.argv)


if __name__ == "__main__":
    main()

"""Speed of validate and generate on the bundled samples, reported as figures (not asserted).

Why this exists: finance bureaus publish for dozens to hundreds of departments at once, so the
time per department matters; this prints it for each stage. Run: `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.pipeline import generate, validate  # noqa: E402


def _timed(func, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    samples = sorted((ROOT / "inputs").glob("*.yaml"))
    print(f"{'sample':<36} {'validate ms':>12} {'generate .docx ms':>18}")
    with tempfile.TemporaryDirectory() as out:
        for path in samples:
            v = _timed(lambda p=path: validate(p))
            g = _timed(lambda p=path: generate(p, out), repeat=3)
            print(f"{path.name:<36} {v * 1000:>12.1f} {g * 1000:>18.1f}")
        start = time.perf_counter()
        n = 30
        for i in range(n):
            generate(samples[i % len(samples)], out)
        per = (time.perf_counter() - start) / n
        print(f"batch of {n} departments: {per * 1000:.1f} ms per department (.docx only)")


if __name__ == "__main__":
    main()

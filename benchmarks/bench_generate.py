"""Speed of validate and generate on the bundled samples, reported as figures (not asserted).

Why this exists: finance bureaus publish for dozens to hundreds of departments at once, so the
time per department matters; this prints it for each stage. Run: `make bench`.

The machine is shared (two cores, several engineers), so each figure is the CPU time of the call
(time.process_time, which other processes inflate far less than wall time) as the minimum and the
median of several runs after a warm-up run. bench_build.py reuses these helpers for issue 12's
targets.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = sorted((ROOT / "inputs").glob("*.yaml"))


@dataclass
class Timing:
    """CPU and wall seconds of repeated runs of one thing."""

    cpu: list[float]
    wall: list[float]

    def text(self, scale: float = 1000, unit: str = "ms") -> str:
        digits = 1 if scale >= 1000 else 3
        return (f"CPU min {min(self.cpu) * scale:.{digits}f} / median {statistics.median(self.cpu) * scale:.{digits}f} "
                f"{unit}, wall min {min(self.wall) * scale:.{digits}f} / median "
                f"{statistics.median(self.wall) * scale:.{digits}f} {unit} ({len(self.cpu)} runs)")


def timed(func: Callable[[], object], repeat: int = 5, warm: bool = True) -> Timing:
    """Run ``func`` (once more first, unmeasured, when ``warm``) and time every run."""
    if warm:
        func()
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        func()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return Timing(cpu, wall)


def per_sample(out: Path, repeat: int = 5) -> list[tuple[str, Timing, Timing]]:
    """(sample, validate, generate .docx) in process, for every bundled sample."""
    from generator.pipeline import generate, validate

    return [(path.name, timed(lambda p=path: validate(p), repeat), timed(lambda p=path: generate(p, out), repeat))
            for path in SAMPLES]


def main() -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC; in process, after one warm-up run")
    with tempfile.TemporaryDirectory() as out:
        for name, v, g in per_sample(Path(out)):
            print(f"{name:<36} validate {v.text()}\n{'':<36} generate {g.text()}")
        from generator.pipeline import generate

        n = 30
        batch = timed(lambda: [generate(SAMPLES[i % len(SAMPLES)], out) for i in range(n)], repeat=1)
        print(f"batch of {n} departments: {min(batch.cpu) / n * 1000:.1f} ms CPU per department (.docx only)")


if __name__ == "__main__":
    main()

"""A real `budgetdoc serve` on 127.0.0.1 for the browser and load tests: started, waited for, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def budgetdoc() -> list[str]:
    script = Path(sys.executable).with_name("budgetdoc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator.cli"]


@contextmanager
def running_server(data: Path, *extra: str):
    """Yields (base url, process); the process group is ended on the way out, whatever happened."""
    port = free_port()
    log = open(data.parent / f"server-{port}.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*budgetdoc(), "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data),
                             *extra], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # bounded: 300 × 0.1 s
            if proc.poll() is not None:
                raise RuntimeError(f"budgetdoc serve exited: {(data.parent / f'server-{port}.log').read_text()}")
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("budgetdoc serve did not start")
        yield base, proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()


def rss_mb(pid: int) -> float:
    """Resident memory of one process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

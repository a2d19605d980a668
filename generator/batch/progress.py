"""The command's progress bar and its clean stop on SIGTERM.

Why this module exists: a batch of hundreds of departments runs for minutes; at a terminal the
officer sees which department is being processed and the counts (rich, which typer brings), in
a log or CI nothing but the final line. A scheduler stops a job with SIGTERM: it is turned into
the same clean exit as Ctrl-C, so LibreOffice workers and staging folders are removed.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .build import Progress


@contextmanager
def reporter(stream=None) -> Iterator[Progress]:
    """A progress callback drawing a rich bar on a terminal; a no-op when not a terminal."""
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        yield lambda *args: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(TextColumn("{task.fields[phase]}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.description}"), console=Console(file=stream), transient=True)
    tasks: dict[str, int] = {}

    def update(phase: str, done: int, total: int, department: str) -> None:
        if phase not in tasks:
            tasks[phase] = bars.add_task("", total=total, phase=phase)
        bars.update(tasks[phase], completed=done, total=total, description=department)

    with bars:
        yield update


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so every ``finally`` runs."""


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    def handler(signum, frame):  # noqa: ARG001
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. inside a web server): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

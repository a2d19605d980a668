"""Start-up shortcuts give the same results as the slow way: the model schema cache, the lean typer app,
and the garbage collector choice of the console entry."""

from __future__ import annotations

import gc
import json
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import cache, cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "inputs" / "青山区科经局_2024.yaml"
FINAL = sorted((ROOT / "inputs" / "决算").glob("*.yaml"))[0]
BAD = sorted((ROOT / "tests" / "data" / "bad").glob("*.yaml"))  # findings of every stage and rule

# Run in a fresh interpreter: the models are built once per process, so only a new process shows the cache.
_PROBE = r"""
import json, sys
from pathlib import Path
from generator import pipeline
from generator.reading.model import Budget
from generator.reading.final_model import FinalAccounts
from generator.layout.profile import Profile

out = {}
for name in sys.argv[1:]:
    result = pipeline.validate(Path(name))
    out[name] = sorted((f.rule, f.severity, f.message, f.file, str(f.position), str(f.expected), str(f.actual))
                       for f in result.findings)
out["complete"] = [m.__dict__.get("__pydantic_complete__", False) for m in (Budget, FinalAccounts, Profile)]
print(json.dumps(out, ensure_ascii=False))
"""


def _probe(cache_dir: str, *inputs: Path) -> dict:
    env = {**os.environ, "BUDGETDOC_CACHE_DIR": cache_dir}
    done = subprocess.run([sys.executable, "-c", _PROBE, *map(str, inputs)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cached_schemas_validate_exactly_as_freshly_built_ones(tmp_path):
    inputs = (SAMPLE, FINAL, *BAD)
    built = _probe("off", *inputs)
    folder = tmp_path / "cache"
    first = _probe(str(folder), *inputs)  # builds and keeps the schemas
    kept = sorted(p.name for p in (folder / "schemas").glob("*.pickle"))
    assert any(".Budget." in n for n in kept) and any(".FinalAccounts." in n for n in kept)
    assert any(".Profile." in n for n in kept)
    second = _probe(str(folder), *inputs)  # restores them
    assert built == first == second
    assert sum(bool(built[str(p)]) for p in BAD) > len(BAD) // 2, "bad inputs must give findings"
    assert second["complete"] == [True, True, True]


def test_a_damaged_or_foreign_schema_file_is_built_again(tmp_path):
    folder = tmp_path / "cache"
    expected = _probe("off", SAMPLE, *BAD)
    _probe(str(folder), SAMPLE)
    files = list((folder / "schemas").glob("*.pickle"))
    assert files
    for path in files:
        path.write_bytes(b"\x80\x05not a pickle")
    assert _probe(str(folder), SAMPLE, *BAD) == expected
    for path in files:  # rewritten by the run above; now make them writable by the group
        path.chmod(path.stat().st_mode | stat.S_IWGRP)
        assert cache.read(path) is None
    assert _probe(str(folder), SAMPLE, *BAD) == expected


def test_cache_files_are_written_whole_and_private(tmp_path):
    path = tmp_path / "c" / "d" / "x.bin"
    cache.write(path, b"abc")
    assert cache.read(path) == b"abc"
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert [p.name for p in path.parent.iterdir()] == ["x.bin"]  # no temporary file left beside it


def _command_names() -> list[str]:
    from typer.main import get_command_name

    return [info.name or get_command_name(info.callback.__name__) for info in cli.app.registered_commands]


@pytest.mark.parametrize("name", _command_names())
def test_the_lean_app_gives_each_command_the_same_help_and_errors(name):
    lean = cli._invoked(["budgetdoc", name])
    assert lean is not cli.app and len(lean.registered_commands) == 1
    runner = CliRunner()
    for args in ([name, "--help"], [name, "--no-such-option"]):
        whole = runner.invoke(cli.app, args, prog_name="budgetdoc")
        alone = runner.invoke(lean, args, prog_name="budgetdoc")
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)


def test_no_command_or_an_unknown_one_gets_the_whole_app():
    assert cli._invoked(["budgetdoc"]) is cli.app
    assert cli._invoked(["budgetdoc", "--help"]) is cli.app
    assert cli._invoked(["budgetdoc", "bogus"]) is cli.app


def test_start_up_objects_are_frozen_and_the_collector_stays_on():
    """Frozen, not disabled: an openpyxl workbook is a cycle only the collector frees (review of 45ec639)."""
    was = gc.isenabled()
    try:
        gc.enable()
        cli._startup_objects_frozen()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def test_pydantic_plugins_are_off_unless_the_user_says_otherwise(monkeypatch):
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    cli._without_pydantic_plugins()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "logfire")
    cli._without_pydantic_plugins()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "logfire"


def _restores(cache_dir: Path) -> bool:
    """Whether a new process restored Budget from ``cache_dir`` (else it built it)."""
    code = ("import sys; from generator import schema_cache as S; from generator.reading.model import Budget; "
            "import pydantic._internal._model_construction as M; built = []; orig = M.complete_model_class; "
            "M.complete_model_class = lambda c, *a, **k: built.append(c) or orig(c, *a, **k); "
            "S.complete(Budget); print('built' if Budget in built else 'restored')")
    env = {**os.environ, "BUDGETDOC_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "restored"


def test_a_schema_file_reached_through_a_link_or_a_shared_folder_is_not_read(tmp_path):
    folder = tmp_path / "cache"
    assert not _restores(folder) and _restores(folder)  # built and kept, then restored
    kept = next((folder / "schemas").glob("*Budget.pickle"))
    moved = tmp_path / "elsewhere.pickle"
    kept.rename(moved)
    kept.symlink_to(moved)
    planted = moved.read_bytes()
    assert not _restores(folder)  # through a link: built again; the new file replaces the link, not its target
    assert not kept.is_symlink() and moved.read_bytes() == planted
    kept.unlink()
    moved.rename(kept)
    assert _restores(folder)
    (folder / "schemas").chmod(0o770)  # a folder the group can write: anyone there could have put the file
    assert not _restores(folder)
    (folder / "schemas").chmod(0o700)
    folder.chmod(0o777)
    assert not _restores(folder)
    folder.chmod(0o700)
    assert _restores(folder)


def test_a_schema_file_for_another_model_is_not_restored(tmp_path):
    from generator import schema_cache

    folder = tmp_path / "cache"
    assert not _restores(folder)
    budget = next((folder / "schemas").glob("*Budget.pickle"))
    name, fields, *rest = pickle.loads(budget.read_bytes())
    budget.write_bytes(pickle.dumps(("generator.config.Settings", fields, *rest)))
    assert not _restores(folder)
    budget.write_bytes(pickle.dumps((name, fields[:-1], *rest)))
    assert not _restores(folder)
    assert schema_cache.FORMAT  # the stored tuple's layout is versioned by FORMAT


def test_a_process_whose_files_changed_since_it_started_neither_reads_nor_writes_the_cache(tmp_path):
    """An upgrade under a running serve/build: its classes may be older than the files, so the schema it
    would build must not be kept under the new files' name, nor a kept one read (review of 95b18ec)."""
    folder = tmp_path / "cache"
    code = ("from generator import schema_cache as S; from generator.reading.model import Budget; "
            "S._LOADED = S._LOADED[::-1]; S.complete(Budget); "  # what it loaded is not what is on disk now
            "print(Budget.model_validate({'基本信息': {}}, context={'unit': None}) is not None)")
    env = {**os.environ, "BUDGETDOC_CACHE_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert "ValidationError" in done.stderr or done.returncode == 0, done.stderr  # it validates as usual
    assert not list(folder.rglob("*.pickle"))
    assert not _restores(folder)  # a normal process builds and keeps it ...
    kept = list(folder.rglob("*.pickle"))
    assert kept
    reversed_name = subprocess.run(
        [sys.executable, "-c", code.replace("print(", "import pydantic._internal._model_construction as M; print(")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert reversed_name.returncode == 0 or "ValidationError" in reversed_name.stderr
    assert sorted(folder.rglob("*.pickle")) == sorted(kept)  # ... and the changed one adds nothing

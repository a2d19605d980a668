"""Where the workbench keeps uploads and batches: one folder each under --data, named by the server.

Why this module exists: officers upload files whose names may be anything; the server never
uses them as paths. Each upload gets a random id and its own folder (``uploads/<id>/``) holding
the input as ``input.<kind>``, the outputs in ``out/``, the preview pages in ``pages/`` and a
``meta.json`` that records the shown name, the department, the findings and the state. Bureau
batches (``batches/<id>/``) list their uploads. Meta files are replaced atomically, so a page
read during processing sees the old or the new state, never half of one.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_ID = re.compile(r"^[0-9a-f]{20}$")


def valid_id(text: str) -> bool:
    return bool(_ID.match(text or ""))


def _new_id() -> str:
    """Time-ordered (the listing is by upload time) and unguessable."""
    return f"{int(time.time() * 1000):011x}"[-11:] + secrets.token_hex(5)[:9]


def _write_json(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".meta-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


@dataclass
class Record:
    """One upload or batch folder and its metadata."""

    folder: Path
    meta: dict

    @property
    def id(self) -> str:
        return self.folder.name

    def get(self, key: str, default=None):
        return self.meta.get(key, default)


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.uploads = self.root / "uploads"
        self.batches = self.root / "batches"
        self.cache = self.root / "cache"
        for folder in (self.uploads, self.batches, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- uploads

    def new_upload(self, shown_name: str, suffix: str, data: bytes, options: dict, batch: str = "") -> Record:
        with self._lock:
            while True:
                folder = self.uploads / _new_id()
                try:
                    folder.mkdir()
                    break
                except FileExistsError:
                    continue
        (folder / f"input{suffix}").write_bytes(data)
        meta = {"id": folder.name, "name": shown_name, "suffix": suffix, "created": time.time(),
                "state": "queued", "pdf": "none", "batch": batch, **options}
        _write_json(folder / "meta.json", meta)
        return Record(folder, meta)

    def upload(self, upload_id: str) -> Record | None:
        if not valid_id(upload_id):
            return None
        path = self.uploads / upload_id / "meta.json"
        try:
            return Record(path.parent, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def update(self, record: Record, **changes) -> Record:
        with self._lock:
            current = self.upload(record.id) or record
            current.meta.update(changes)
            _write_json(current.folder / "meta.json", current.meta)
        record.meta = current.meta
        return record

    def recent(self, limit: int = 30) -> list[Record]:
        """The latest officer uploads (not those made by a bureau batch), newest first."""
        out: list[Record] = []
        for folder in sorted(self.uploads.iterdir(), key=lambda p: p.name, reverse=True):
            record = self.upload(folder.name)
            if record is not None and not record.get("batch"):
                out.append(record)
                if len(out) >= limit:
                    break
        return out

    def previous(self, record: Record) -> Record | None:
        """The latest earlier upload of the same department (and year) that could be read."""
        key = record.get("department_key")
        if not key:
            return None
        for folder in sorted(self.uploads.iterdir(), key=lambda p: p.name, reverse=True):
            if folder.name >= record.id:
                continue
            other = self.upload(folder.name)
            if other is not None and other.get("department_key") == key and other.get("readable"):
                return other
        return None

    def input_path(self, record: Record) -> Path:
        return record.folder / f"input{record.get('suffix', '.yaml')}"

    # ---------------------------------------------------------------- batches

    def new_batch(self, options: dict) -> Record:
        with self._lock:
            folder = self.batches / _new_id()
            folder.mkdir()
        meta = {"id": folder.name, "created": time.time(), "state": "queued", "uploads": [], **options}
        _write_json(folder / "meta.json", meta)
        return Record(folder, meta)

    def batch(self, batch_id: str) -> Record | None:
        if not valid_id(batch_id):
            return None
        path = self.batches / batch_id / "meta.json"
        try:
            return Record(path.parent, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def recent_batches(self, limit: int = 20) -> list[Record]:
        found = (self.batch(f.name) for f in sorted(self.batches.iterdir(), key=lambda p: p.name, reverse=True))
        return [b for b in found if b is not None][:limit]

    def update_batch(self, record: Record, **changes) -> Record:
        with self._lock:
            current = self.batch(record.id) or record
            current.meta.update(changes)
            _write_json(current.folder / "meta.json", current.meta)
        record.meta = current.meta
        return record

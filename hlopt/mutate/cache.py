"""The incremental cache: a mutant whose function and tests did not change is not re-run.

A mutant's key hashes the engine version, the mutated function's code (the mutant's
compilable source, which holds the whole function), the tests that run against it, the
source of the files those tests are in, and the timeout settings. The cache lives in the
user's cache directory (never in the project, whose tree a run leaves byte-identical).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from hlopt.core.files import write_text_atomic
from hlopt.mutate.model import ENGINE_VERSION, Mutant, Outcome


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hlopt" / "mutate"


class Cache:
    """Outcomes by key, loaded from and saved to one JSON file per project."""

    def __init__(self, directory: Path | None, root: Path, enabled: bool) -> None:
        name = hashlib.sha256(str(root).encode()).hexdigest()[:16] + ".json"
        self.path = (directory or default_dir()) / name
        self.enabled = enabled
        self.entries: dict[str, str] = {}
        self.file_hashes: dict[Path, str] = {}
        if enabled:
            try:
                self.entries = dict(json.loads(self.path.read_text()))
            except (OSError, ValueError):
                self.entries = {}

    def key(self, mutant: Mutant, tests: list[str], rootdir: Path, timing: str) -> str:
        h = hashlib.sha256()
        for part in (ENGINE_VERSION, mutant.code, timing, *tests):
            h.update(part.encode())
            h.update(b"\0")
        for f in sorted({t.split("::", 1)[0] for t in tests}):
            h.update(self._file_hash(rootdir / f).encode())
        return h.hexdigest()

    def _file_hash(self, path: Path) -> str:
        if path not in self.file_hashes:
            try:
                self.file_hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self.file_hashes[path] = "missing"
        return self.file_hashes[path]

    def get(self, key: str) -> Outcome | None:
        value = self.entries.get(key) if self.enabled else None
        return Outcome(value) if value in Outcome._value2member_map_ else None

    def put(self, key: str, outcome: Outcome) -> None:
        if self.enabled and outcome is not Outcome.error:
            self.entries[key] = outcome.value

    def save(self) -> None:
        if not self.enabled:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.path, json.dumps(self.entries))
        except OSError:  # a cache that cannot be written only costs time
            pass
